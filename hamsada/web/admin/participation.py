from django import forms
from django.contrib import admin
from django.db.models import Case, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from hamsada.lib.countries import country_name
from hamsada.organizations.backends import organizations_where
from hamsada.organizations.models import Organization
from hamsada.participation.actions import invalidate_act, review_organisation
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.web import audit
from hamsada.web.admin.tenancy import TenantAdmin
from hamsada.web.views.accounts import is_fresh


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
