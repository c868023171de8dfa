from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Q, When
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from hamsada.lib.countries import country_name
from hamsada.lib.text import (
    clean_line,
    format_count,
    isolate,
    join_list,
    localize_digits,
    western_digits,
)
from hamsada.lib.validators import ascii_domain
from hamsada.organizations.backends import organizations_where
from hamsada.organizations.models import Organization
from hamsada.participation.actions import (
    invalidate_act,
    preview_bulk_invalidation,
    queue_bulk_invalidation,
    review_organisation,
)
from hamsada.participation.models import Act, BulkInvalidation, OrganisationSignature
from hamsada.web import audit
from hamsada.web.admin.tenancy import TenantAdmin
from hamsada.web.views.accounts import ask_again, is_fresh


@admin.register(Act)
class ActAdmin(TenantAdmin):
    """Read-only: acts change only through the pipeline. Email addresses are not
    shown; the name of a supporter who chose not to be shown, only to roles
    that may see private names (organizations.roles)."""

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
    list_filter = [
        "status",
        "kind",
        ("campaign", admin.RelatedOnlyFieldListFilter),
        "language",
        "undeliverable",
    ]
    fields = [
        "campaign",
        "kind",
        "status",
        "supporter_name",
        "supporter_affiliation",
        "supporter_note",
        "show_name",
        "country",
        "wants_updates",
        "language",
        "emails_sent",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
        "invalidated_at",
        "undeliverable",
        "undeliverable_at",
    ]
    readonly_fields = [*fields, "public_name"]
    list_select_related = ["campaign"]
    actions = ["invalidate"]

    def get_fields(self, request, obj=None):
        if obj is None or self.sees_name(request, obj):
            return self.fields
        return [
            "public_name" if field == "supporter_name" else field
            for field in self.fields
            if field not in ("supporter_affiliation", "supporter_note")
        ]

    def get_queryset(self, request):
        private = organizations_where(request.user, "participation.view_private_names")
        return (
            super()
            .get_queryset(request)
            .annotate(
                sees_private=Case(
                    When(Q(show_name=True) | Q(campaign__organization__in=private), then=True),
                    default=False,
                )
            )
        )

    def changelist_view(self, request, extra_context=None):
        # The list shows private names to roles that may see them: a read.
        for organization in Organization.objects.filter(
            pk__in=organizations_where(request.user, "participation.view_private_names")
        ):
            audit.record(
                request.user, "view list", "participation.act", "", organization, {"name": None}
            )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        act = self.get_object(request, object_id)
        if not act.show_name and self.sees_name(request, act):
            audit.read(
                request, "view", act, act.campaign.organization, ["name", "affiliation", "note"]
            )
        return response

    def sees_name(self, request, act):
        return act.show_name or request.user.has_perm(
            "participation.view_private_names", act.campaign
        )

    @admin.action(description=_("Invalidate as abuse"), permissions=["invalidate"])
    def invalidate(self, request, queryset):
        now = timezone.now()
        queryset = self.only_where(request, queryset, "participation.invalidate_act")
        self.audit_action(request, "invalidate_act", queryset.select_related("campaign"))
        changed = sum(invalidate_act(pk, now)[1] for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)s act invalidated: it is no longer counted, and its address "
                "cannot sign this campaign again.",
                "%(count)s acts invalidated: they are no longer counted, and their addresses "
                "cannot sign this campaign again.",
                changed,
            )
            % {"count": changed},
        )

    def has_invalidate_permission(self, request):
        return request.user.has_perm("participation.invalidate_act")

    @admin.display(description=Act._meta.get_field("name").verbose_name)
    def public_name(self, act):
        if not act.sees_private:
            return _("(not shown: the supporter chose so)")
        return format_html("<bdi>{}</bdi>", act.full_name)

    @admin.display(description=Act._meta.get_field("name").verbose_name)
    def supporter_name(self, act):
        return act.full_name

    @admin.display(description=Act._meta.get_field("affiliation").verbose_name)
    def supporter_affiliation(self, act):
        return act.full_affiliation

    @admin.display(description=Act._meta.get_field("note").verbose_name)
    def supporter_note(self, act):
        return act.full_note

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Not decided yet")), *OrganisationSignature.Review.choices[1:]],
        required=False,
    )

    class Meta:
        model = OrganisationSignature
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"dir": "auto", "rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.review != OrganisationSignature.Review.WAITING:
            self.fields["decision"].initial = self.instance.review

    def clean(self):
        data = super().clean()
        if data.get("decision") == OrganisationSignature.Review.REJECTED and not data.get("reason"):
            self.add_error("reason", _("Please say why, for the other organisers."))
        if data.get("decision") and self.instance.act.status != Act.Status.CONFIRMED:
            self.add_error("decision", _("The contact has not confirmed the email address yet."))
        return data


@admin.register(OrganisationSignature)
class OrganisationSignatureAdmin(TenantAdmin):
    """Organisations that asked to co-sign an open letter, for review."""

    organization_path = "act__campaign__organization"
    form = ReviewForm
    list_display = ["display_name", "campaign", "country", "contact_status", "review"]
    list_filter = ["review", "act__status", ("act__campaign", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_en", "name_fa", "name_ps", "website"]
    list_select_related = ["act__campaign"]
    readonly_fields = [
        "campaign",
        "display_name",
        "name_en",
        "name_fa",
        "name_ps",
        "country",
        "website",
        "logo_image",
        "contact",
        "contact_status",
        "review",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = [*readonly_fields, "decision", "reason"]
    readonly_fields = [*readonly_fields, "contact_behind_second_factor"]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    # An organisation leaves a letter by being rejected or by its contact
    # withdrawing, so that its act, and the counts, stay whole.
    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("logo")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        signature = self.get_object(request, object_id)
        if "contact" in self.get_fields(request, signature):
            organization = signature.act.campaign.organization
            audit.read(request, "view", signature, organization, ["contact"])
        return response

    def get_fields(self, request, obj=None):
        # Organisers verify an organisation through its contact; the address
        # is for those allowed to see personal data only.
        if obj and request.user.has_perm("participation.view_contact_email", obj.act.campaign):
            if is_fresh(request):
                return self.fields
            return ["contact_behind_second_factor" if f == "contact" else f for f in self.fields]
        return [field for field in self.fields if field != "contact"]

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision:
            review_organisation(
                obj, decision, timezone.now(), request.user, form.cleaned_data["reason"]
            )
        else:
            obj.save(update_fields=["reason"])

    @admin.action(description=_("Approve the selected organisations"), permissions=["change"])
    def approve(self, request, queryset):
        now = timezone.now()
        queryset = self.only_where(request, queryset, "participation.change_organisationsignature")
        self.audit_action(request, "approve", queryset.select_related("act__campaign"))
        approved = sum(
            review_organisation(signature, OrganisationSignature.Review.APPROVED, now, request.user)
            for signature in queryset.select_related("act")
        )
        self.message_user(
            request,
            ngettext(
                "%(count)s organisation approved. Only those whose contact confirmed "
                "can be approved.",
                "%(count)s organisations approved. Only those whose contact confirmed "
                "can be approved.",
                approved,
            )
            % {"count": approved},
        )

    @admin.display(description=_("organisation"))
    def display_name(self, signature):
        return format_html("<bdi>{}</bdi>", signature.name_in(get_language()))

    @admin.display(description=_("campaign"))
    def campaign(self, signature):
        return signature.act.campaign

    @admin.display(description=_("country"))
    def country(self, signature):
        return country_name(signature.act.country, get_language())

    @admin.display(description=_("contact"))
    def contact(self, signature):
        act = signature.act
        return format_html('<bdi>{}</bdi> · <bdi dir="ltr">{}</bdi>', act.full_name, act.email)

    @admin.display(description=_("contact"))
    def contact_behind_second_factor(self, signature):
        page = reverse("admin:participation_organisationsignature_change", args=[signature.pk])
        return format_html(
            '<a href="{}?next={}">{}</a>',
            reverse("second_factor"),
            page,
            _("Confirm with your second factor to see the contact's name and address"),
        )

    @admin.display(description=_("contact confirmed"), boolean=True)
    def contact_status(self, signature):
        return signature.act.status == Act.Status.CONFIRMED

    @admin.display(description=_("logo"))
    def logo_image(self, signature):
        if not signature.has_logo:
            return "-"
        url = reverse("organisation_logo", args=[signature.pk])
        return format_html('<img src="{}" alt="" width="120">', url)


class MomentField(forms.DateTimeField):
    """A date and time typed with Persian or Western digits, e.g. ۲۰۲۶-۱۱-۲۸ ۱۴:۳۰."""

    def to_python(self, value):
        return super().to_python(western_digits(value) if isinstance(value, str) else value)


CRITERIA = ["domain", "pattern", "signed_from", "signed_until"]


class BulkInvalidationForm(forms.ModelForm):
    """The criteria of a bulk invalidation, all of which an act must match, and why."""

    domain = forms.CharField(
        label=_("Email domain"),
        required=False,
        max_length=253,
        help_text=_(
            "Addresses at this domain, like example.org; an international domain in "
            "either spelling."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "size": 40}),
    )
    pattern = forms.CharField(
        label=_("Address pattern"),
        required=False,
        max_length=254,
        help_text=_(
            "The whole address, with * for any run of characters and ? for exactly one, "
            "like *+*@example.org or a?????????@*; upper and lower case alike."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "size": 40}),
    )
    signed_from = MomentField(
        label=capfirst(BulkInvalidation._meta.get_field("signed_from").verbose_name),
        required=False,
    )
    signed_until = MomentField(
        label=capfirst(BulkInvalidation._meta.get_field("signed_until").verbose_name),
        required=False,
    )

    class Meta:
        model = BulkInvalidation
        fields = [
            "campaign",
            "domain",
            "include_subdomains",
            "pattern",
            "signed_from",
            "signed_until",
            "acts",
            "reason",
        ]
        widgets = {"reason": forms.Textarea(attrs={"dir": "auto", "rows": 3})}
        error_messages = {
            "reason": {
                "required": _("Please say why, for the other organisers and the audit trail.")
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["signed_from"].help_text = _(
            "Acts signed at this moment or later, in %(zone)s, like 2026-11-28 14:30."
        ) % {"zone": zone}
        self.fields["signed_until"].help_text = _(
            "Acts signed before this moment, in %(zone)s."
        ) % {"zone": zone}

    def clean_domain(self):
        domain = clean_line(self.cleaned_data["domain"]).lower().removeprefix("@").strip(".")
        if not domain:
            return ""
        if any(character in domain for character in "@*?[] /\\:") or "." not in domain:
            raise ValidationError(
                _("Please write a whole domain alone, like example.org: no @, no wildcards."),
                code="invalid",
            )
        try:
            return ascii_domain(domain)
        except ValueError:
            raise ValidationError(
                _("No address can be at this domain as written. Please check it."),
                code="invalid",
            ) from None

    def clean_pattern(self):
        pattern = clean_line(self.cleaned_data["pattern"]).replace(" ", "").lower()
        if pattern and "@" not in pattern and "*" not in pattern:
            raise ValidationError(
                _(
                    "A pattern matches the whole address: put * where anything may be, "
                    "like *@example.org."
                ),
                code="invalid",
            )
        return pattern

    def clean(self):
        data = super().clean()
        start, end = data.get("signed_from"), data.get("signed_until")
        if start and end and start >= end:
            self.add_error("signed_until", _("The end of the window must come after its start."))
        if data.get("include_subdomains") and not data.get("domain"):
            self.add_error("domain", _("Write the domain whose subdomains are meant."))
        if not any(data.get(name) for name in CRITERIA) and not any(
            name in self.errors for name in CRITERIA
        ):
            raise ValidationError(
                _(
                    "Give at least one criterion: an email domain, an address pattern, "
                    "or when they signed."
                ),
                code="no_criteria",
            )
        return data

    def save(self, commit=True):
        # Kept encrypted (BulkInvalidation.domain and .pattern).
        self.instance.domain = self.cleaned_data["domain"]
        self.instance.pattern = self.cleaned_data["pattern"]
        return super().save(commit)


BULK_INVALIDATE = "participation.bulk_invalidate"


@admin.register(BulkInvalidation)
class BulkInvalidationAdmin(TenantAdmin):
    """Invalidating a campaign's acts in bulk by criteria, for the roles with
    "Can invalidate acts in bulk by criteria" (owners). Adding one shows a
    preview first: how many acts, pending and confirmed, never which
    addresses; only its confirm button queues the job, which the worker runs
    (participation.actions.run_bulk_invalidation). Both steps decrypt
    addresses, so both want a fresh second factor; both go in the trail."""

    form = BulkInvalidationForm
    change_form_template = "admin/participation/bulkinvalidation/change_form.html"
    list_display = [
        "requested_at",
        "campaign",
        "criteria",
        "status",
        "matched",
        "invalidated",
        "queued_by",
        "finished_at",
    ]
    list_filter = ["status", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "queued_by"]
    add_fields = BulkInvalidationForm.Meta.fields
    shown_fields = [
        "campaign",
        "criteria",
        "reason",
        "status",
        "matched",
        "requested_by",
        "requested_at",
        "queued_by",
        "queued_at",
        "started_at",
        "finished_at",
        "invalidated",
        "error",
    ]

    def get_fields(self, request, obj=None):
        return self.shown_fields if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        return self.shown_fields if obj else []

    # Every screen of it is the one permission's, in the campaign's organisation.
    def organizations(self, request, *actions):
        return organizations_where(request.user, BULK_INVALIDATE)

    def allowed(self, request, action, obj):
        if action not in ("view", "add"):
            return False
        return request.user.has_perm(BULK_INVALIDATE, obj.campaign if obj else None)

    def has_add_permission(self, request):
        return self.allowed(request, "add", None)

    def add_view(self, request, form_url="", extra_context=None):
        if self.has_add_permission(request) and not is_fresh(request):
            return ask_again(request)
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        preview_bulk_invalidation(obj, timezone.now(), request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("Nothing is invalidated yet: check the numbers, then confirm."),
            messages.WARNING,
        )
        return redirect(self.page(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)  # another organisation's: not found
        if request.method == "POST" and "_queue" in request.POST:
            return self.queue(request, job)
        preview = None
        if job.status == BulkInvalidation.Status.PREVIEWED and self.allowed(request, "add", job):
            preview = self.summary(job)
        context = {**(extra_context or {}), "preview": preview}
        return super().change_view(request, object_id, form_url, context)

    def queue(self, request, job):
        if not self.allowed(request, "add", job):
            raise PermissionDenied
        if not is_fresh(request):
            return ask_again(request, self.page(job))
        if queue_bulk_invalidation(job, timezone.now(), request.user):
            fields = job.audit_fields()
            audit.wrote(request, "queue_bulk_invalidation", job, self.organization_path, fields)
            self.message_user(
                request,
                _(
                    "Confirmed. The worker invalidates the matching acts within a few "
                    "minutes; this page then shows how many."
                ),
            )
        else:
            self.message_user(
                request, _("This one was confirmed already; nothing more was done."), messages.INFO
            )
        return redirect(self.page(job))

    def page(self, job):
        return reverse("admin:participation_bulkinvalidation_change", args=[job.pk])

    @staticmethod
    def summary(job):
        count = job.matched_pending + job.matched_confirmed
        language = get_language()
        return ngettext(
            "If you confirm, %(count)s act that matches now will be invalidated: "
            "%(pending)s waiting for email confirmation, %(confirmed)s confirmed.",
            "If you confirm, %(count)s acts that match now will be invalidated: "
            "%(pending)s waiting for email confirmation, %(confirmed)s confirmed.",
            count,
        ) % {
            "count": format_count(count, language),
            "pending": format_count(job.matched_pending, language),
            "confirmed": format_count(job.matched_confirmed, language),
        }

    @admin.display(description=_("criteria"))
    def criteria(self, job):
        language = get_language()
        parts = []
        if domain := job.domain:
            parts.append(
                (
                    _("addresses at %(domain)s or under it")
                    if job.include_subdomains
                    else _("addresses at %(domain)s")
                )
                % {"domain": isolate(domain)}
            )
        if pattern := job.pattern:
            parts.append(_("addresses like %(pattern)s") % {"pattern": isolate(pattern)})
        for field, text in (
            ("signed_from", _("signed from %(moment)s")),
            ("signed_until", _("signed before %(moment)s")),
        ):
            if moment := getattr(job, field):
                shown = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
                parts.append(text % {"moment": localize_digits(shown, language)})
        parts.append(job.get_acts_display())
        return join_list(parts)

    @admin.display(description=_("matched at preview"))
    def matched(self, job):
        language = get_language()
        # Two counts, each with its own word to agree with.
        return join_list(
            [
                # Translators: acts still waiting for their email confirmation.
                ngettext("%(count)s pending", "%(count)s pending", job.matched_pending)
                % {"count": format_count(job.matched_pending, language)},
                ngettext("%(count)s confirmed", "%(count)s confirmed", job.matched_confirmed)
                % {"count": format_count(job.matched_confirmed, language)},
            ]
        )
