from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hamsada.campaigns.actions import (
    add_event,
    archive_campaign,
    close_campaign,
    mark_letter_sent,
    open_campaign,
)
from hamsada.campaigns.models import (
    Campaign,
    CampaignText,
    Channel,
    Event,
    EventText,
    PersonConcerned,
    Salutation,
    Target,
)
from hamsada.lib.calendar import format_day
from hamsada.lib.text import clean_text, format_count, join_list, western_digits
from hamsada.participation.actions import announce_event
from hamsada.participation.models import Act
from hamsada.snapshots.actions import take_snapshot
from hamsada.tally.models import OfflineCount, Snapshot, totals
from hamsada.web.admin.tenancy import AuditedAdmin, TenantAdmin, TenantInline


class DateField(forms.DateField):
    """A date typed with Persian or Western digits, e.g. ۲۰۲۶-۱۱-۲۸."""

    def to_python(self, value):
        return super().to_python(western_digits(value) if isinstance(value, str) else value)


# Every date an organiser types in these screens.
DATES = {models.DateField: {"form_class": DateField}}

admin.site.site_header = _("Hamsada administration")
admin.site.site_title = _("Hamsada")
admin.site.index_title = _("Campaigns and supporters")


class CampaignTextInline(TenantInline, admin.StackedInline):
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
        for campaign in modeladmin.only_where(request, queryset, "campaigns.change_campaign"):
            try:
                verb(campaign, now)
            except ValidationError as error:
                modeladmin.message_user(request, f"{campaign}: {error.messages[0]}", messages.ERROR)
            else:
                modeladmin.audit_action(request, verb.__name__, [campaign])
                modeladmin.message_user(
                    request,
                    _("%(campaign)s is now %(status)s.")
                    % {"campaign": campaign, "status": campaign.get_status_display()},
                )

    action.__name__ = verb.__name__.replace("_campaign", "_campaigns")
    return admin.action(description=label, permissions=["change"])(action)


class PersonConcernedInline(TenantInline, admin.TabularInline):
    model = PersonConcerned
    extra = 0
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto"})},
        models.TextField: {"widget": forms.Textarea(attrs={"dir": "auto", "rows": 2})},
    }


class CampaignForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        sent_on = data.get("sent_on")
        if sent_on and sent_on != self.initial.get("sent_on"):
            if self.instance.status == Campaign.Status.DRAFT or not self.instance.pk:
                self.add_error("sent_on", _("Open the letter before marking it as sent."))
            elif data.get("kind") != Campaign.Kind.OPEN_LETTER:
                self.add_error("sent_on", _("Only an open letter is sent this way."))
        elif self.initial.get("sent_on") and not sent_on:
            self.add_error("sent_on", _("A letter that was sent stays sent; correct the date."))
        return data


LANGUAGE_NAMES = dict(settings.LANGUAGES)


class OfflineCountInline(TenantInline, admin.TabularInline):
    """Counts collected elsewhere, shown and delivered apart from the verified count."""

    model = OfflineCount
    extra = 0
    fields = ["source", "name", "count", "collected_on", "note"]
    formfield_overrides = {
        **DATES,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "dir": "auto"})},
    }


@admin.register(Campaign)
class CampaignAdmin(TenantAdmin):
    organization_path = "organization"
    formfield_overrides = DATES
    list_display = [
        "slug",
        "kind",
        "status",
        "languages_list",
        "incomplete_list",
        "confirmed",
        "goal",
        "deadline",
    ]
    list_filter = ["kind", "status", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["slug", "texts__title"]
    readonly_fields = [
        "status",
        "incomplete_list",
        "opened_at",
        "closed_at",
        "archived_at",
        "verification",
        "supporters_export",
        "erasure_preview",
        "erased_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organization",
                    "slug",
                    "kind",
                    "status",
                    "incomplete_list",
                    "goal",
                    "deadline",
                ]
            },
        ),
        (_("Targets and their responses"), {"fields": ["targets", "response_due"]}),
        (_("Urgent action"), {"fields": ["case_reference", "act_by"]}),
        (
            _("Open letter"),
            {"fields": ["individuals_may_sign", "organisations_may_sign", "sent_on"]},
        ),
        (_("History"), {"fields": ["opened_at", "closed_at", "archived_at"]}),
        (
            _("Supporters' personal data"),
            {
                "fields": [
                    "retention_days",
                    "hold_reason",
                    "erasure_preview",
                    "erased_at",
                    "discreet_emails",
                ]
            },
        ),
        (_("Defences against fake signatures"), {"fields": ["proof_of_work"]}),
        (_("Verification and exports"), {"fields": ["verification", "supporters_export"]}),
    ]
    filter_horizontal = ["targets"]
    inlines = [CampaignTextInline, PersonConcernedInline, OfflineCountInline]
    actions = [
        transition_action(open_campaign, _("Open the selected campaigns")),
        transition_action(close_campaign, _("Close the selected campaigns")),
        transition_action(archive_campaign, _("Archive the selected campaigns")),
        "snapshot",
    ]

    @admin.action(description=_("Take a signed snapshot of the counts"), permissions=["snapshot"])
    def snapshot(self, request, queryset):
        now = timezone.now()
        for campaign in self.only_where(request, queryset, "tally.add_snapshot"):
            taken = take_snapshot(campaign, Snapshot.Reason.REQUESTED, now, taken_by=request.user)
            self.audit_action(request, "take_snapshot", [campaign])
            count = taken.statement["receipts"]["count"]
            self.message_user(
                request,
                ngettext(
                    "Snapshot %(number)s of %(campaign)s: %(count)s receipt counted.",
                    "Snapshot %(number)s of %(campaign)s: %(count)s receipts counted.",
                    count,
                )
                % {
                    "number": taken.number,
                    "campaign": campaign.slug,
                    "count": format_count(count, get_language()),
                },
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is OfflineCount:
            for instance in formset.save(commit=False):
                instance.recorded_by = instance.recorded_by or request.user
                instance.save()
            for gone in formset.deleted_objects:
                gone.delete()
            return
        super().save_formset(request, form, formset, change)

    def has_snapshot_permission(self, request):
        return request.user.has_perm("tally.add_snapshot")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    # A translator reaches a campaign's form for its texts; its other fields
    # are read-only to them.
    def has_change_permission(self, request, obj=None):
        return self.allowed(request, "change", obj) or request.user.has_perm(
            "campaigns.change_campaigntext", obj and obj.organization
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None or self.allowed(request, "change", obj):
            return self.readonly_fields
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def get_inline_instances(self, request, obj=None):
        # The translators' inline is the texts' alone.
        inlines = super().get_inline_instances(request, obj)
        if obj is None or self.allowed(request, "change", obj):
            return inlines
        return [inline for inline in inlines if inline.model is CampaignText]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organization" and formfield is not None:
            # Only where the organiser may start a campaign.
            formfield.queryset = formfield.queryset.filter(
                pk__in=self.organizations(request, "add")
            )
        return formfield

    form = CampaignForm

    def save_model(self, request, obj, form, change):
        # Setting the date the letter was sent is the organiser's way to send it.
        sent_on = obj.sent_on
        if change and sent_on and "sent_on" in form.changed_data:
            obj.sent_on = form.initial.get("sent_on")
            obj.save()
            mark_letter_sent(obj, sent_on, timezone.now(), recorded_by=request.user)
            self.message_user(request, _("The letter is marked as sent and signing is closed."))
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description=_("verification page"))
    def verification(self, campaign):
        if not campaign.pk:
            return "-"
        return format_html('<a href="{0}">{0}</a>', reverse("verify", args=[campaign.slug]))

    @admin.display(description=_("supporters' email addresses"))
    def supporters_export(self, campaign):
        if not campaign.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a><br>{}',
            reverse("export", args=[campaign.slug]),
            _("Download as CSV"),
            _(
                "Confirmed supporters who asked for news. Only for organisers with the "
                "permission to export them; every export is recorded."
            ),
        )

    @admin.display(description=_("what will be erased, and when"))
    def erasure_preview(self, campaign):
        if not campaign.pk:
            return "-"
        language = get_language()
        if campaign.erased_at:
            return _("Erased on %(date)s.") % {"date": format_day(campaign.erased_at, language)}
        acts = Act.objects.filter(campaign=campaign)
        addresses = acts.exclude(email_encrypted="").count()
        names = acts.exclude(private_encrypted="").count()
        # Two sentences, each with its own count to agree with.
        what = " ".join(
            [
                # Translators: a label and its count; the English is the same for one and many.
                ngettext("Email addresses: %(count)s.", "Email addresses: %(count)s.", addresses)
                % {"count": format_count(addresses, language)},
                # Translators: a label and its count; the English is the same for one and many.
                ngettext("Names kept private: %(count)s.", "Names kept private: %(count)s.", names)
                % {"count": format_count(names, language)},
            ]
        )
        due = campaign.erasure_due()
        if campaign.hold_reason:
            when = _("Held: nothing is erased while a reason is given above.")
        elif due is None:
            when = _("To be erased the number of days above after the campaign closes.")
        else:
            when = _("To be erased on %(date)s.") % {"date": format_day(due, language)}
        return f"{what} {when}"

    @admin.display(description=_("public in"))
    def languages_list(self, campaign):
        return join_list(LANGUAGE_NAMES[language] for language in campaign.languages())

    @admin.display(description=_("incomplete"))
    def incomplete_list(self, campaign):
        # A language shows only once it has every text the others have.
        return join_list(
            _("%(language)s lacks %(fields)s")
            % {"language": LANGUAGE_NAMES[language], "fields": join_list(missing)}
            for language, missing in campaign.incomplete()
        )

    @admin.display(description=pgettext_lazy("count", "confirmed"))
    def confirmed(self, campaign):
        return format_count(totals(campaign.pk)["confirmed"], get_language())


class SalutationInline(admin.TabularInline):
    model = Salutation
    extra = 0
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto"})}}


class ChannelInline(admin.StackedInline):
    model = Channel
    extra = 0
    fields = [("kind", "position"), "value", ("note", "last_checked")]
    formfield_overrides = {
        **DATES,
        models.CharField: {"widget": forms.TextInput(attrs={"dir": "auto", "size": 60})},
        models.TextField: {"widget": forms.Textarea(attrs={"dir": "auto", "rows": 3})},
    }


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    """The officials' directory, shared by every organisation: its edits go
    into the operator's audit trail."""

    formfield_overrides = DATES
    list_display = ["name", "title", "institution", "country", "left_office_on"]
    list_filter = ["country"]
    search_fields = ["name", "institution"]
    inlines = [SalutationInline, ChannelInline]


class EventTextInline(TenantInline, admin.StackedInline):
    parent_path = "campaign__organization"
    model = EventText
    extra = 1
    formfield_overrides = CampaignTextInline.formfield_overrides


class EventForm(forms.ModelForm):
    announce = forms.BooleanField(
        label=_("Email it to supporters who asked for updates"),
        required=False,
        help_text=_("Each supporter gets it once, in their language, with a link to stop."),
    )

    class Meta:
        model = Event
        fields = ["campaign", "kind", "happened_on", "target", "stance", "quote", "source_url"]
        widgets = {"quote": forms.Textarea(attrs={"dir": "auto", "rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["kind"].choices = [
                choice for choice in Event.Kind.choices if choice[0] not in Event.AUTOMATIC
            ]

    def clean_quote(self):
        return clean_text(self.cleaned_data["quote"]).replace("\r\n", "\n").strip()

    def clean(self):
        data = super().clean()
        campaign = data.get("campaign") or getattr(self.instance, "campaign", None)
        if data.get("announce") and campaign and not self.may_email(campaign):
            # Not a field error: the field is not on the form of a role without it.
            self.add_error(None, _("Your role does not allow emailing supporters."))
        return data

    @staticmethod
    def may_email(campaign):
        return False  # replaced per request by EventAdmin.get_form


@admin.register(Event)
class EventAdmin(TenantAdmin):
    formfield_overrides = DATES
    """The timeline: organiser updates, deliveries, statements by others and
    the targets' responses; launches and milestones are added automatically."""

    form = EventForm
    list_display = ["campaign", "happened_on", "kind", "target", "stance", "announced_at"]
    list_filter = ["kind", "stance", ("campaign", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["number", "milestone", "recorded_by", "created_at", "announced_at"]
    inlines = [EventTextInline]
    actions = ["announce"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Stamped when saved: nothing to show on a new event.
        fields = fields if obj else [f for f in fields if f not in self.readonly_fields]
        if not request.user.has_perm("campaigns.email_supporters", obj and obj.campaign):
            fields = [f for f in fields if f != "announce"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Checked again here for the organisation of the campaign chosen.
        form.may_email = staticmethod(
            lambda campaign: request.user.has_perm("campaigns.email_supporters", campaign)
        )
        return form

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            add_event(obj, timezone.now(), recorded_by=request.user)

    def save_related(self, request, form, formsets, change):
        # After the texts are saved, so that the email has them.
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("announce"):
            self.audit_action(request, "announce_event", [form.instance])
            self.report_announced(request, announce_event(form.instance, timezone.now()))

    @admin.action(
        description=_("Email the selected events to supporters who asked for updates"),
        permissions=["email"],
    )
    def announce(self, request, queryset):
        now = timezone.now()
        events = list(self.only_where(request, queryset, "campaigns.email_supporters"))
        self.audit_action(request, "announce_event", events)
        self.report_announced(request, sum(announce_event(event, now) for event in events))

    def has_email_permission(self, request):
        return request.user.has_perm("campaigns.email_supporters")

    def report_announced(self, request, queued):
        self.message_user(
            request,
            ngettext(
                "%(count)s supporter will be emailed.",
                "%(count)s supporters will be emailed.",
                queued,
            )
            % {"count": queued},
        )
