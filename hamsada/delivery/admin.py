from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hamsada.delivery.build import summary
from hamsada.delivery.models import Package


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    """An organiser asks for a package (campaign, language, names or not); the
    worker builds it, and the list shows how far it has got."""

    list_display = ["campaign", "language", "include_names", "progress", "requested_at", "files"]
    list_filter = ["status", "campaign"]
    fields = ["campaign", "language", "include_names"]
    list_select_related = ["campaign"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.requested_by = request.user
            obj.requested_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "csv", "json")

    @admin.display(description=_("progress"))
    def progress(self, package):
        return summary(package)

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
