from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hamsada.campaigns.actions import publish_update
from hamsada.campaigns.models import (
    Campaign,
    CampaignText,
    Channel,
    PersonConcerned,
    Salutation,
    Target,
    Update,
    UpdateText,
)
from hamsada.tally.models import totals

admin.site.site_header = _("Hamsada administration")
admin.site.site_title = _("Hamsada")
admin.site.index_title = _("Campaigns and supporters")


class CampaignTextInline(admin.StackedInline):
    model = CampaignText
    extra = 0
    min_num = 1
    # Each text follows its own language's direction, whatever the admin's language.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto", "size": 80})},
        models.TextField: {"widget": forms.Textarea(attrs={"dir": "auto", "rows": 6})},
    }


def transition_action(verb, label):
    def action(modeladmin, request, queryset):
        now = timezone.now()
        for campaign in queryset:
            try:
                getattr(campaign, verb)(now)
            except ValidationError as error:
                modeladmin.message_user(request, f"{campaign}: {error.messages[0]}", messages.ERROR)
            else:
                modeladmin.message_user(
                    request,
                    _("%(campaign)s is now %(status)s.")
                    % {"campaign": campaign, "status": campaign.get_status_display()},
                )

    action.__name__ = f"{verb}_campaigns"
    return admin.action(description=label)(action)


class PersonConcernedInline(admin.TabularInline):
    model = PersonConcerned
    extra = 0
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto"})},
        models.TextField: {"widget": forms.Textarea(attrs={"dir": "auto", "rows": 2})},
    }


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "status", "languages_list", "confirmed", "goal", "deadline"]
    list_filter = ["kind", "status", "organization"]
    search_fields = ["slug", "texts__title"]
    readonly_fields = ["status", "opened_at", "closed_at", "archived_at"]
    filter_horizontal = ["targets"]
    inlines = [CampaignTextInline, PersonConcernedInline]
    actions = [
        transition_action("open", _("Open the selected campaigns")),
        transition_action("close", _("Close the selected campaigns")),
        transition_action("archive", _("Archive the selected campaigns")),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    @admin.display(description=_("languages"))
    def languages_list(self, campaign):
        return ", ".join(campaign.languages())

    @admin.display(description=_("confirmed"))
    def confirmed(self, campaign):
        return totals(campaign.pk)["confirmed"]


class SalutationInline(admin.TabularInline):
    model = Salutation
    extra = 0
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto"})}}


class ChannelInline(admin.StackedInline):
    model = Channel
    extra = 0
    fields = [("kind", "position"), "value", ("note", "last_checked")]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto", "size": 60})},
        models.TextField: {"widget": forms.Textarea(attrs={"dir": "auto", "rows": 3})},
    }


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "institution", "country", "left_office_on"]
    list_filter = ["country"]
    search_fields = ["name", "institution"]
    inlines = [SalutationInline, ChannelInline]


class UpdateTextInline(admin.StackedInline):
    model = UpdateText
    extra = 1
    min_num = 1
    formfield_overrides = CampaignTextInline.formfield_overrides


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    """Saving a new update publishes it: it gets the next number and every
    supporter who asked for updates is emailed, in their language."""

    list_display = ["campaign", "number", "published_at"]
    list_filter = ["campaign"]
    readonly_fields = ["number", "published_at"]
    inlines = [UpdateTextInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        queued = publish_update(obj, timezone.now())
        self.message_user(
            request,
            ngettext(
                "Update %(number)s published; %(count)s supporter will be emailed.",
                "Update %(number)s published; %(count)s supporters will be emailed.",
                queued,
            )
            % {"number": obj.number, "count": queued},
        )
