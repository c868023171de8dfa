import csv

from django.contrib import admin
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from hamsada.organizations.audit import OPERATOR_CHAIN, check
from hamsada.organizations.backends import organizations_where
from hamsada.organizations.models import AuditEntry
from hamsada.web.admin.tenancy import TenantAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(TenantAdmin):
    """Owners read and export their organisation's trail; the operator, the
    operator's. Nobody changes it. The list says whether each chain is whole."""

    organization_path = "organization"
    list_display = ["number", "at", "actor_name", "action", "object_type", "object_id", "fields"]
    list_filter = ["action", "object_type"]
    readonly_fields = [*list_display, "chain", "previous", "digest"]
    actions = ["export_csv"]

    def get_queryset(self, request):
        mine = Q(
            organization__in=organizations_where(request.user, "organizations.view_auditentry")
        )
        if hasattr(request.user, "operator"):
            mine |= Q(chain=OPERATOR_CHAIN)
        return AuditEntry.objects.filter(mine)

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.organization is None:
            return hasattr(request.user, "operator")
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
