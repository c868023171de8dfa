from django.contrib import admin
from django.utils import timezone

from hamsada.outbox.models import Message, queue_summary


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
        return super().changelist_view(request, {**(extra_context or {}), "queue": summary})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
