"""Every organiser's screen limited to the organisations they belong to, by
menu and by URL: lists, forms, choices, filters and actions.

A model belongs to an organisation through organization_path (a lookup from
the model to its Organization; "" for Organization itself). Permissions come
from the organiser's role in that organisation (organizations.roles).
"""

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.contrib.auth import get_permission_codename
from django.http import Http404

from hamsada.organizations.backends import organizations_where
from hamsada.organizations.models import Organization
from hamsada.web import audit
from hamsada.web.audit import organization_of

# What the admin's own filters append to a field's path; nothing else may
# follow it, so that no URL filters on a field the list does not offer.
FILTER_SUFFIXES = {"", "exact", "isnull", "in", "gte", "lt", "id__exact", "id__in"}


def permission(opts, action):
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def allowed_lookup(model_admin, lookup):
    offered = set()
    for entry in model_admin.list_filter:
        if isinstance(entry, (list, tuple)):
            entry = entry[0]
        if isinstance(entry, type) and issubclass(entry, SimpleListFilter):
            offered.add(entry.parameter_name)
        elif isinstance(entry, str):
            offered.add(entry)
    for path in offered:
        if lookup == path or (
            lookup.startswith(path + "__") and lookup[len(path) + 2 :] in FILTER_SUFFIXES
        ):
            return True
    return False


def limit_choices(formfield, organizations):
    """A form's choice of organisation, campaign or package, limited to organizations."""
    if formfield is None or not hasattr(formfield, "queryset"):
        return formfield
    model = formfield.queryset.model
    if model is Organization:
        formfield.queryset = formfield.queryset.filter(pk__in=organizations)
    elif any(field.name == "organization" for field in model._meta.fields):
        formfield.queryset = formfield.queryset.filter(organization__in=organizations)
    elif any(field.name == "campaign" for field in model._meta.fields):
        formfield.queryset = formfield.queryset.filter(campaign__organization__in=organizations)
    return formfield


class AuditedAdmin(admin.ModelAdmin):
    """Every write through this admin goes into the audit trail of the
    organisation at organization_path ("" and no organisation: the operator's)."""

    organization_path = ""

    def construct_change_message(self, request, form, formsets, add=False):
        request.audit_fields = audit.changes(form, formsets)
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        audit.wrote(request, "add", obj, self.organization_path)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit.wrote(request, "change", obj, self.organization_path)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.wrote(request, "delete", obj, self.organization_path, {})
        return super().log_deletions(request, queryset)


class TenantAdmin(AuditedAdmin):
    organization_path = "campaign__organization"

    def organizations(self, request, *actions):
        found = set()
        for action in actions:
            found |= organizations_where(request.user, permission(self.opts, action))
        return found

    def only_where(self, request, queryset, permission_name):
        """queryset, less what belongs to organisations where the user lacks
        permission_name: for actions, which the list offers on every row."""
        lookup = f"{self.organization_path}__in" if self.organization_path else "pk__in"
        return queryset.filter(**{lookup: organizations_where(request.user, permission_name)})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        lookup = f"{self.organization_path}__in" if self.organization_path else "pk__in"
        return queryset.filter(**{lookup: self.organizations(request, "view", "change")})

    def get_object(self, request, object_id, from_field=None):
        # Another organisation's object is not found here, rather than named
        # in a redirect's message.
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404
        return found

    def allowed(self, request, action, obj):
        if obj is None:
            return request.user.has_perm(permission(self.opts, action))
        organization = organization_of(obj, self.organization_path)
        return request.user.has_perm(permission(self.opts, action), organization)

    def has_view_permission(self, request, obj=None):
        return self.allowed(request, "view", obj) or self.allowed(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self.allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self.allowed(request, "delete", obj)

    def lookup_allowed(self, lookup, value, request):
        return allowed_lookup(self, lookup)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return limit_choices(formfield, self.organizations(request, "add", "change"))

    def audit_action(self, request, action, objects):
        """An admin action's effect on each of objects, into the trail."""
        for obj in objects:
            audit.wrote(request, action, obj, self.organization_path, {})


class TenantInline:
    """An inline on a TenantAdmin: its permissions are those of the role in
    the parent's organisation (parent_path from the parent to it)."""

    parent_path = "organization"

    def allowed(self, request, action, obj):
        name = permission(self.opts, action)
        if obj is None:
            return request.user.has_perm(name)
        return request.user.has_perm(name, organization_of(obj, self.parent_path))

    def has_view_permission(self, request, obj=None):
        return self.allowed(request, "view", obj) or self.allowed(request, "change", obj)

    def has_add_permission(self, request, obj=None):
        return self.allowed(request, "add", obj)

    def has_change_permission(self, request, obj=None):
        return self.allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self.allowed(request, "delete", obj)
