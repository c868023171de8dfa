from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hamsada.delivery.actions import check_delivery, record_delivery, request_package
from hamsada.delivery.build import summary
from hamsada.delivery.models import Delivery, Export, Package
from hamsada.web.admin.campaigns import DateField
from hamsada.web.admin.tenancy import TenantAdmin


@admin.register(Package)
class PackageAdmin(TenantAdmin):
    """An organiser asks for a package (campaign, language, names or not); the
    worker builds it, and the list shows how far it has got."""

    list_display = ["campaign", "language", "include_names", "progress", "requested_at", "files"]
    list_filter = ["status", ("campaign", admin.RelatedOnlyFieldListFilter)]
    fields = ["campaign", "language", "include_names"]
    list_select_related = ["campaign"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            request_package(obj, timezone.now(), requested_by=request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "csv", "json")

    @admin.display(description=_("progress"))
    def progress(self, package):
        return summary(package)

    def get_list_display(self, request):
        # Downloading is a permission of its own (packages may carry names).
        if request.user.has_perm("delivery.download_package"):
            return self.list_display
        return [column for column in self.list_display if column != "files"]

    @admin.display(description=_("files"))
    def files(self, package):
        if package.status != Package.Status.READY:
            return "-"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("package_file", args=[package.pk, kind]), label)
                for kind, label in (("pdf", "PDF"), ("csv", "CSV"), ("json", "JSON"))
            ),
        ) or format_html("")

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = ["campaign", "target", "package", "method", "address", "delivered_on", "note"]
        field_classes = {"delivered_on": DateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        proposed = Delivery(**{name: data.get(name) for name in self.Meta.fields})
        try:
            check_delivery(proposed)
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        return data


@admin.register(Delivery)
class DeliveryAdmin(TenantAdmin):
    """Each delivery goes on the campaign's timeline; an emailed one goes out
    through the outbox with links to the package."""

    form = DeliveryForm
    list_display = ["campaign", "target", "method", "delivered_on", "package", "recorded_by"]
    list_filter = ["method", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "target", "package", "recorded_by"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        record_delivery(obj, timezone.now(), recorded_by=request.user)
        if obj.method == Delivery.Method.EMAIL:
            self.message_user(request, _("The package is on its way by email."))

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Export)
class ExportAdmin(TenantAdmin):
    """The record of personal-data exports: read only, never deleted."""

    list_display = ["created_at", "user", "campaign", "what", "rows"]
    list_filter = [
        ("campaign", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
