from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamsada.lib.text import format_count
from hamsada.tally.models import Snapshot
from hamsada.web.admin.tenancy import TenantAdmin


@admin.register(Snapshot)
class SnapshotAdmin(TenantAdmin):
    """Snapshots are signed statements: they are taken (a campaign list action,
    a delivery, the schedule), never edited or deleted."""

    list_display = ["campaign", "number", "taken_at", "reason", "receipts", "published"]
    list_filter = ["reason", ("campaign", admin.RelatedOnlyFieldListFilter)]
    fields = ["campaign", "number", "taken_at", "reason", "taken_by", "receipts", "published"]
    readonly_fields = fields
    list_select_related = ["campaign", "taken_by"]

    @admin.display(description=_("receipts counted"))
    def receipts(self, snapshot):
        return format_count(snapshot.statement["receipts"]["count"], get_language())

    @admin.display(description=_("published at"))
    def published(self, snapshot):
        url = reverse("verify", args=[snapshot.campaign.slug]) + f"#snapshot-{snapshot.number}"
        return format_html('<a href="{}">{}</a>', url, _("verification page"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
