from django.contrib import admin
from django.utils.html import format_html

from hamsada.participation.models import Act


@admin.register(Act)
class ActAdmin(admin.ModelAdmin):
    """Read-only: acts change only through the pipeline. Email addresses are not shown."""

    list_display = [
        "id",
        "campaign",
        "kind",
        "status",
        "public_name",
        "country",
        "language",
        "created_at",
        "confirmed_at",
    ]
    list_filter = ["status", "kind", "campaign", "language"]
    fields = [
        "campaign",
        "kind",
        "status",
        "name",
        "show_name",
        "country",
        "wants_updates",
        "language",
        "emails_sent",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
    ]
    readonly_fields = fields
    list_select_related = ["campaign"]

    @admin.display(description=Act._meta.get_field("name").verbose_name)
    def public_name(self, act):
        return format_html("<bdi>{}</bdi>", act.name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
