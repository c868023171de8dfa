from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsada.keys.digests import suppression_digest
from hamsada.organizations.backends import is_operator, organizations_where
from hamsada.outbox.models import Message, Suppression, queue_summary
from hamsada.participation.models import Act
from hamsada.web.admin.tenancy import allowed_lookup


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

    def get_queryset(self, request):
        # The operator watches the whole queue; an organisation, its own mail.
        queryset = super().get_queryset(request)
        if is_operator(request.user):
            return queryset
        mine = organizations_where(request.user, "outbox.view_message")
        return queryset.filter(
            Q(act__campaign__organization__in=mine) | Q(delivery__campaign__organization__in=mine)
        )

    def lookup_allowed(self, lookup, value, request):
        return allowed_lookup(self, lookup)

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
        acts = Act.objects.all()
        if not is_operator(request.user):
            mine = organizations_where(request.user, "outbox.view_message")
            acts = acts.filter(campaign__organization__in=mine)
        context = {"queue": summary, "undeliverable": undeliverable_by_campaign(acts)}
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def undeliverable_by_campaign(acts):
    """[(campaign slug, bounced, complained)] for campaigns with any, most first."""
    return list(
        acts.exclude(undeliverable="")
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

    def lookup_allowed(self, lookup, value, request):
        return allowed_lookup(self, lookup)

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return queryset.filter(digest=suppression_digest(search_term.strip())), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
