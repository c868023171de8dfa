from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsada.keys.digests import suppression_digest
from hamsada.outbox.models import Message, Suppression, queue_summary
from hamsada.participation.models import Act


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "language",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    change_list_template = "admin/outbox/message/change_list.html"

    def changelist_view(self, request, extra_context=None):
        summary = queue_summary(timezone.now())
        kinds = dict(Message.Kind.choices)
        summary["waiting_by_kind"] = [
            (kinds.get(kind, kind), count) for kind, count in summary["waiting_by_kind"].items()
        ]
        reasons = dict(Suppression.Reason.choices)
        summary["suppressed_last_day"] = [
            (reasons.get(reason, reason), count)
            for reason, count in summary["suppressed_last_day"].items()
        ]
        context = {"queue": summary, "undeliverable": undeliverable_by_campaign()}
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def undeliverable_by_campaign():
    """[(campaign slug, bounced, complained)] for campaigns with any, most first."""
    return list(
        Act.objects.exclude(undeliverable="")
        .values_list("campaign__slug")
        .annotate(
            bounced=Count("pk", filter=Q(undeliverable=Suppression.Reason.BOUNCED)),
            complained=Count("pk", filter=Q(undeliverable=Suppression.Reason.COMPLAINED)),
        )
        .order_by("-bounced", "-complained")[:50]
    )


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses no email goes to. Kept as digests: found by typing the whole
    address; deleting one lets mail reach it again (a supporter who writes that
    their mailbox works again)."""

    list_display = ["reason", "created_at"]
    list_filter = ["reason"]
    search_help_text = _("Type a whole email address to find whether it is suppressed.")
    search_fields = ["digest"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return queryset.filter(digest=suppression_digest(search_term.strip())), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
