from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from hamsada.campaigns.models import Campaign
from hamsada.outbox.models import Message, Suppression, queue_summary


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
    """Campaigns with acts whose address bounced or complained, most first."""
    return (
        Campaign.objects.annotate(
            bounced=Count("acts", filter=Q(acts__undeliverable=Suppression.Reason.BOUNCED)),
            complained=Count("acts", filter=Q(acts__undeliverable=Suppression.Reason.COMPLAINED)),
        )
        .filter(Q(bounced__gt=0) | Q(complained__gt=0))
        .order_by("-bounced", "-complained")
        .only("pk", "slug")[:50]
    )
