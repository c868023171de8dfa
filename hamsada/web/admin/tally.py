"""Unusual rises in campaigns' new acts (tally.actions), as organisers were
told of them by email: a list to look back on, never edited.

The domain is shown decrypted, and reading it is not recorded in the audit
trail: it is not personal data. A domain alerts only when at least
ALERT_DOMAIN_MIN addresses (50 unless the operator lowers it) gave it within
one hour, so it names a provider or an institution many people share, never
one supporter; the supporters themselves stay behind the acts list's own rules.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamsada.lib.text import format_count, localize_digits
from hamsada.tally.models import RiseAlert
from hamsada.web.admin.tenancy import TenantAdmin


@admin.register(RiseAlert)
class RiseAlertAdmin(TenantAdmin):
    list_display = ["hour", "campaign", "kind", "what", "new_acts", "usual_per_hour", "acts"]
    list_filter = ["kind", ("campaign", admin.RelatedOnlyFieldListFilter)]
    fields = ["campaign", "hour", "kind", "what", "new_acts", "hour_total", "usual_per_hour"]
    fields += ["created_at", "acts"]
    readonly_fields = fields
    list_select_related = ["campaign"]

    @admin.display(description=_("what rose"))
    def what(self, alert):
        if alert.kind == RiseAlert.Kind.DOMAIN:
            return format_html("<bdi>{}</bdi>", alert.domain_name)
        return alert.get_kind_display()

    @admin.display(description=_("new acts"))
    def new_acts(self, alert):
        return format_count(alert.count, get_language())

    @admin.display(description=_("new acts of the hour"))
    def hour_total(self, alert):
        return format_count(alert.total, get_language())

    @admin.display(description=_("usual per hour"))
    def usual_per_hour(self, alert):
        return localize_digits(f"{alert.usual:.1f}", get_language())

    @admin.display(description=_("acts"))
    def acts(self, alert):
        url = reverse("admin:participation_act_changelist")
        return format_html(
            '<a href="{}?campaign__id__exact={}">{}</a>', url, alert.campaign_id, _("the acts")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
