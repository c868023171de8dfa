import csv

from django.apps import apps
from django.contrib import admin
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamsada.organizations.audit import OPERATOR_CHAIN, check
from hamsada.organizations.backends import is_operator, organizations_where
from hamsada.organizations.models import AuditEntry
from hamsada.web.admin.tenancy import TenantAdmin

# What each entry's action code means, for the people who read the trail.
ACTIONS = {
    "add": pgettext_lazy("audit trail", "added"),
    "change": pgettext_lazy("audit trail", "changed"),
    "delete": pgettext_lazy("audit trail", "deleted"),
    "view": pgettext_lazy("audit trail", "read personal data"),
    "export": pgettext_lazy("audit trail", "exported supporters"),
    "download": pgettext_lazy("audit trail", "downloaded a package"),
    "open_campaign": pgettext_lazy("audit trail", "opened"),
    "close_campaign": pgettext_lazy("audit trail", "closed"),
    "archive_campaign": pgettext_lazy("audit trail", "archived"),
    "take_snapshot": pgettext_lazy("audit trail", "took a snapshot"),
    "announce_event": pgettext_lazy("audit trail", "emailed supporters"),
    "invalidate_act": pgettext_lazy("audit trail", "invalidated as abuse"),
    "approve": pgettext_lazy("audit trail", "approved"),
}


def label_of(action):
    return ACTIONS.get(action.split(" ")[0], action)


def model_name(object_type):
    try:
        return apps.get_model(object_type)._meta.verbose_name
    except (LookupError, ValueError):
        return object_type


class ActionFilter(admin.SimpleListFilter):
    title = _("what")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = model_admin.get_queryset(request).values_list("action", flat=True).distinct()
        return sorted((action, label_of(action)) for action in set(actions))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        kinds = model_admin.get_queryset(request).values_list("object_type", flat=True).distinct()
        return sorted((kind, model_name(kind)) for kind in set(kinds))

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(TenantAdmin):
    """Owners read and export their organisation's trail; the operator, the
    operator's. Nobody changes it. The list says whether each chain is whole."""

    organization_path = "organization"
    list_display = ["number", "at", "actor_name", "what", "kind", "object_id", "fields"]
    list_filter = [ActionFilter, ObjectTypeFilter]
    readonly_fields = [*list_display, "chain", "previous", "digest"]
    actions = ["export_csv"]

    def get_queryset(self, request):
        mine = Q(
            organization__in=organizations_where(request.user, "organizations.view_auditentry")
        )
        if is_operator(request.user):
            mine |= Q(chain=OPERATOR_CHAIN)
        return AuditEntry.objects.filter(mine)

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.organization is None:
            return is_operator(request.user)
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        chains = set(self.get_queryset(request).values_list("chain", flat=True))
        problems = [problem for chain in sorted(chains) for problem in check(chain)]
        if problems:
            self.message_user(
                request,
                _(
                    "The audit trail is broken at entry %(number)s of %(chain)s: it was "
                    "deleted, changed or moved. The operator can run hamsada audit --check."
                )
                % {"chain": problems[0][0], "number": problems[0][1]},
                level="error",
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("what"))
    def what(self, entry):
        return label_of(entry.action)

    @admin.display(description=_("object type"))
    def kind(self, entry):
        return model_name(entry.object_type)

    @admin.action(description=_("Export the selected entries as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        writer = csv.writer(response)
        writer.writerow(["chain", "number", "at", "who", "what", "type", "object", "fields",
                         "previous", "digest"])  # fmt: skip
        for entry in queryset.order_by("chain", "number"):
            writer.writerow([
                entry.chain, entry.number, entry.at.isoformat(), entry.actor_name, entry.action,
                entry.object_type, entry.object_id, entry.fields, entry.previous, entry.digest,
            ])  # fmt: skip
        return response
