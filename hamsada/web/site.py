"""The organisers' admin site: only members of an organisation and the
instance's operators, never Django's superuser."""

from django.contrib import admin

from hamsada.organizations.backends import RoleBackend


class OrganisersSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff) or user.is_superuser:
            # A superuser passes every permission check, the tenancy's too.
            return False
        roles, operator = RoleBackend().roles(user)
        return bool(roles) or operator
