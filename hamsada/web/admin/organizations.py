from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hamsada.organizations.backends import is_operator
from hamsada.organizations.models import Membership, Organization
from hamsada.organizations.roles import Role
from hamsada.web.admin.tenancy import TenantAdmin, TenantInline

# People join an organisation by invitation and manage their own account;
# nobody edits another's account, permissions or groups here.
admin.site.unregister(User)
admin.site.unregister(Group)


class MembersFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        owners = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Role.OWNER
        ]
        if self.instance.pk and not owners:
            raise ValidationError(_("An organisation keeps at least one owner."))


class MembershipInline(TenantInline, admin.TabularInline):
    """The members and their roles, managed by the organisation's owners."""

    model = Membership
    parent_path = ""
    formset = MembersFormSet
    fields = ["user", "role", "added_at", "second_factor"]
    readonly_fields = ["user", "added_at", "second_factor"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # members join by invitation

    @admin.display(description=_("second factor"))
    def second_factor(self, membership):
        if not membership.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reset_member", args=[membership.pk]),
            _("Reset (for a member who lost it)"),
        )


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    organization_path = ""
    list_display = ["name", "website", "calendar"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    readonly_fields = ["invite"]

    @admin.display(description=_("members"))
    def invite(self, organization):
        if not organization.pk:
            return "-"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("invite", args=[organization.pk]),
            _("Invite a member"),
        )

    def get_queryset(self, request):
        if is_operator(request.user):
            return Organization.objects.all()
        return super().get_queryset(request)
