import json
from fnmatch import fnmatchcase

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamsada.campaigns.models import Channel
from hamsada.lib import crypto
from hamsada.lib.validators import ascii_domain
from hamsada.outbox.models import Suppression


class ActQuerySet(models.QuerySet):
    """The words for groups of acts, used everywhere acts are counted or listed."""

    def tallied(self):
        """Pending or confirmed: what the counters (tally) hold."""
        return self.filter(status__in=Act.TALLIED_STATUSES)

    def confirmed_individuals(self):
        """Confirmed by email, individuals: what a snapshot counts and a receipt
        proves (organisations are listed by name and counted apart)."""
        return self.filter(status=Act.Status.CONFIRMED, kind__in=Act.INDIVIDUAL_KINDS)

    def named(self):
        """Confirmed supporters who chose to be named publicly. Individuals only,
        without asking: an organisation's contact is never shown by name, and
        leaving the kind out keeps the query on the indexes below."""
        return self.filter(status=Act.Status.CONFIRMED, show_name=True)

    def subscribed(self):
        """Confirmed supporters who asked for updates, but not those whose
        address bounced or complained, nor the contacts of organisations an
        organiser rejected."""
        subscribed = self.filter(status=Act.Status.CONFIRMED, wants_updates=True)
        return subscribed.filter(undeliverable="").exclude(
            organisation__review=OrganisationSignature.Review.REJECTED
        )


class Act(models.Model):
    """One supporter act: a petition signature, an urgent-action report or an
    open-letter co-signature. Every kind goes through the same pipeline:
    record (pending) -> confirm (counted) -> possibly withdraw (erased, uncounted).
    """

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        REPORT = "report", _("Action report")
        COSIGNATURE = "cosignature", _("Co-signature")
        ORGANISATION = "organisation", _("Organisation's co-signature")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        INVALIDATED = "invalidated", _("Invalidated as abuse")

    TALLIED_STATUSES = [Status.PENDING, Status.CONFIRMED]
    # Organisations are counted apart, once an organiser approves them.
    INDIVIDUAL_KINDS = [Kind.SIGNATURE, Kind.REPORT, Kind.COSIGNATURE]

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="acts",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.SIGNATURE)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    # In plain text only for supporters who chose to be named publicly; the
    # others' name and affiliation, and every report's note, are in
    # private_encrypted.
    name = models.CharField(_("name"), max_length=120, blank=True)
    affiliation = models.CharField(_("title or affiliation"), max_length=200, blank=True)
    private_encrypted = models.TextField(blank=True, default="", db_default="", editable=False)
    # Encrypted address (for sending) and keyed digest (for deduplication); both
    # are erased when the act is withdrawn.
    email_encrypted = models.TextField(blank=True, editable=False)
    # NULL, not "", once erased: the unique constraint ignores NULLs, so any number
    # of withdrawn acts can stand beside the address signing again.
    email_digest = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    country = models.CharField(_("country"), max_length=2, blank=True)
    show_name = models.BooleanField(_("name shown publicly"), default=False)
    wants_updates = models.BooleanField(_("wants updates"), default=False)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    emails_sent = models.PositiveSmallIntegerField(_("emails queued"), default=0, editable=False)
    created_at = models.DateTimeField(_("signed"), editable=False)
    confirmed_at = models.DateTimeField(
        pgettext_lazy("date", "confirmed"), null=True, blank=True, editable=False
    )
    # When the one reminder to confirm was queued.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True, editable=False)
    # Why no email reaches this act's address any more (it bounced for good, or
    # its owner reported our mail as spam), and since when.
    undeliverable = models.CharField(
        _("undeliverable"),
        max_length=12,
        choices=Suppression.Reason,
        blank=True,
        default="",
        db_default="",  # rows written by older code during an upgrade
        editable=False,
    )
    undeliverable_at = models.DateTimeField(
        _("undeliverable since"), null=True, blank=True, editable=False
    )
    # What the supporter agreed to, as versions (participation.privacy): the
    # consent text and retention promise shown, and the privacy notice, in
    # the act's language, at created_at.
    consent_hash = models.CharField(max_length=64, blank=True, default="", db_default="")
    notice_hash = models.CharField(max_length=64, blank=True, default="", db_default="")
    # SHA-256 of the receipt code given on confirmation; the code itself is not kept.
    receipt_hash = models.CharField(  # noqa: DJ001
        max_length=64, null=True, unique=True, editable=False
    )

    objects = ActQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporter act")
        verbose_name_plural = _("supporter acts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_digest"], name="one_act_per_address")
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # The few acts whose address bounced or complained, counted per campaign.
            models.Index(
                fields=["campaign"],
                condition=~models.Q(undeliverable=""),
                name="undeliverable_acts",
            ),
            # Recent public signers, read on every campaign page without a sort.
            models.Index(
                fields=["campaign", "show_name", "status", "-confirmed_at"], name="public_signers"
            ),
            # An open letter's named co-signers, paged in the order they signed.
            models.Index(fields=["campaign", "show_name", "status", "id"], name="named_in_order"),
        ]
        permissions = [
            ("invalidate_act", _("Can invalidate acts as abuse")),
            ("view_private_names", _("Can see the names of supporters who chose not to be shown")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @classmethod
    def recent_public(cls, campaign, limit=10):
        """The latest confirmed supporters who chose to be named."""
        return (
            cls.objects.filter(campaign=campaign)
            .named()
            .order_by("-confirmed_at")
            .only("name", "affiliation", "country", "confirmed_at")[:limit]
        )

    @property
    def email(self):
        return crypto.decrypt(self.email_encrypted) if self.email_encrypted else ""

    @property
    def full_name(self):
        """The name, whether shown publicly or kept encrypted."""
        return self.name or self.private()[0]

    @property
    def full_affiliation(self):
        return self.affiliation or self.private()[1]

    @property
    def full_note(self):
        return self.note or self.private()[2]

    def private(self):
        """[name, affiliation, note] as sealed."""
        if not self.private_encrypted:
            return ["", "", ""]
        return [*json.loads(crypto.decrypt(self.private_encrypted)), "", ""][:3]

    @staticmethod
    def sealed(name, affiliation, note=""):
        """(name, affiliation, note, private_encrypted) as stored for a
        supporter who did not choose to be named."""
        if not (name or affiliation or note):
            return "", "", "", ""
        sealed = json.dumps([name, affiliation, note], ensure_ascii=False)
        return "", "", "", crypto.encrypt(sealed)


class ReportedAction(models.Model):
    """One thing a supporter reports having done for an urgent action: this
    target, through this kind of channel. Counted with the act's status."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="actions")
    target = models.ForeignKey(
        "campaigns.Target", on_delete=models.PROTECT, related_name="reported_actions"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.Kind)

    class Meta:
        verbose_name = _("reported action")
        verbose_name_plural = _("reported actions")
        constraints = [
            models.UniqueConstraint(
                fields=["act", "target", "channel"], name="one_report_per_target_channel"
            )
        ]

    def __str__(self):
        return f"{self.target} · {self.get_channel_display()}"


class OrganisationSignature(models.Model):
    """An organisation co-signing an open letter. Its contact person's act
    carries the email confirmation; an organiser then reviews it, and only
    approved organisations are shown and counted."""

    class Review(models.TextChoices):
        WAITING = "waiting", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    act = models.OneToOneField(
        Act, on_delete=models.CASCADE, related_name="organisation", verbose_name=_("contact's act")
    )
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_fa = models.CharField(_("name in Dari"), max_length=200, blank=True)
    name_ps = models.CharField(_("name in Pashto"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    # The contact's address as a keyed digest, to limit how many organisations
    # one address can put forward (and so how much mail it can cause); erased
    # on withdrawal like the act's own.
    contact_digest = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    # A small PNG made by the instance from the upload (see forms.checked_logo),
    # kept in the database so that backups hold it and no upload is ever served.
    logo = models.BinaryField(_("logo"), null=True, editable=False)
    has_logo = models.BooleanField(default=False, editable=False)
    review = models.CharField(
        _("review"), max_length=10, choices=Review, default=Review.WAITING, editable=False
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was rejected; kept internal.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, editable=False)

    class Meta:
        verbose_name = _("co-signing organisation")
        verbose_name_plural = _("co-signing organisations")
        indexes = [
            models.Index(fields=["review", "reviewed_at"]),
            models.Index(fields=["contact_digest"]),
        ]
        permissions = [("view_contact_email", _("Can see organisations' contact addresses"))]

    def __str__(self):
        return self.name_in("en")

    def names(self):
        return [name for name in (self.name_en, self.name_fa, self.name_ps) if name]

    def name_in(self, language):
        """The name it gave in language, else the first it gave."""
        names = {"en": self.name_en, "fa": self.name_fa, "ps": self.name_ps}
        return names.get(language) or next(name for name in names.values() if name)

    @classmethod
    def shown(cls, campaign):
        """Approved organisations whose contact confirmed, in order of approval."""
        return (
            cls.objects.filter(
                act__campaign=campaign,
                act__status=Act.Status.CONFIRMED,
                review=cls.Review.APPROVED,
            )
            .select_related("act")
            .defer("logo", "reason")
            .order_by("reviewed_at", "pk")
        )


class BulkInvalidation(models.Model):
    """An organiser's request to invalidate as abuse every act of a campaign
    that matches some criteria: an email domain, a pattern of addresses, a
    time window, or several at once (all must match). Previewed first (how
    many acts, never which addresses), then queued by a second click, then
    run by the worker, which matches again at run time
    (participation.actions: preview_, queue_ and run_bulk_invalidation).

    Only individuals' acts still counted (pending or confirmed) are matched;
    organisations leave an open letter by an organiser's review. Addresses
    are stored only encrypted, so matching decrypts each candidate's address
    in memory. The domain and the pattern the organiser typed are kept
    encrypted too: a domain can name a small organisation's staff, and a
    pattern can be a whole address.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed, not confirmed")
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Acts(models.TextChoices):
        ALL = "all", _("Pending and confirmed")
        PENDING = "pending", _("Only those waiting for email confirmation")
        CONFIRMED = "confirmed", _("Only confirmed ones")

    UNFINISHED = [Status.PREVIEWED, Status.QUEUED, Status.RUNNING]
    STATUSES = {
        Acts.ALL: Act.TALLIED_STATUSES,
        Acts.PENDING: [Act.Status.PENDING],
        Acts.CONFIRMED: [Act.Status.CONFIRMED],
    }

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="bulk_invalidations",
        verbose_name=_("campaign"),
    )
    # The domain in its ASCII (IDNA) form, lower case, and the pattern, lower
    # case, both encrypted like addresses (lib.crypto); "" when not a criterion.
    domain_encrypted = models.TextField(blank=True, default="", editable=False)
    include_subdomains = models.BooleanField(
        _("and its subdomains"),
        default=False,
        help_text=_("Also addresses at names under the domain, like mail.example.org."),
    )
    pattern_encrypted = models.TextField(blank=True, default="", editable=False)
    signed_from = models.DateTimeField(_("signed from"), null=True, blank=True)
    signed_until = models.DateTimeField(_("signed before"), null=True, blank=True)
    acts = models.CharField(_("which acts"), max_length=10, choices=Acts, default=Acts.ALL)
    reason = models.TextField(
        _("reason"),
        help_text=_("Why, for the other organisers and the audit trail; kept internal."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PREVIEWED, editable=False
    )
    matched_pending = models.PositiveIntegerField(
        _("pending acts matched at preview"), default=0, editable=False
    )
    matched_confirmed = models.PositiveIntegerField(
        _("confirmed acts matched at preview"), default=0, editable=False
    )
    # Counted as each act is invalidated, in its transaction: what really was.
    invalidated = models.PositiveIntegerField(_("acts invalidated"), default=0, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("previewed by"),
    )
    requested_at = models.DateTimeField(_("previewed"), editable=False)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    queued_at = models.DateTimeField(pgettext_lazy("date", "confirmed"), null=True, editable=False)
    # Also the acts' invalidated_at: the job's acts are its campaign's acts
    # invalidated at this moment.
    started_at = models.DateTimeField(_("started"), null=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, editable=False)
    error = models.CharField(_("error"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("bulk invalidation")
        verbose_name_plural = _("bulk invalidations")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "queued_at"])]
        # One permission, the owners' (organizations.roles), for every screen.
        default_permissions = ()
        permissions = [("bulk_invalidate", _("Can invalidate acts in bulk by criteria"))]

    def __str__(self):
        return f"{self.campaign} #{self.pk}"

    @property
    def domain(self):
        return crypto.decrypt(self.domain_encrypted) if self.domain_encrypted else ""

    @domain.setter
    def domain(self, value):
        self.domain_encrypted = crypto.encrypt(value) if value else ""

    @property
    def pattern(self):
        return crypto.decrypt(self.pattern_encrypted) if self.pattern_encrypted else ""

    @pattern.setter
    def pattern(self, value):
        self.pattern_encrypted = crypto.encrypt(value) if value else ""

    def reads_addresses(self):
        return bool(self.domain_encrypted or self.pattern_encrypted)

    def has_criteria(self):
        return self.reads_addresses() or bool(self.signed_from or self.signed_until)

    def candidates(self):
        """The campaign's acts that the criteria on the act itself select,
        before any address is read."""
        acts = Act.objects.filter(
            campaign_id=self.campaign_id,
            kind__in=Act.INDIVIDUAL_KINDS,
            status__in=self.STATUSES[self.acts],
        )
        if self.signed_from:
            acts = acts.filter(created_at__gte=self.signed_from)
        if self.signed_until:
            acts = acts.filter(created_at__lt=self.signed_until)
        if self.reads_addresses():
            acts = acts.exclude(email_encrypted="")
        return acts.order_by("pk")

    def matching(self):
        """[(act id, status)] of the acts the criteria match now. Each
        candidate's address is decrypted in memory and not kept."""
        if not self.has_criteria():
            return []
        if not self.reads_addresses():
            return list(self.candidates().values_list("pk", "status").iterator(chunk_size=2000))
        match = AddressMatch(self.domain, self.include_subdomains, self.pattern)
        rows = self.candidates().values_list("pk", "status", "email_encrypted")
        return [
            (pk, status)
            for pk, status, sealed in rows.iterator(chunk_size=2000)
            if match(crypto.decrypt(sealed))
        ]

    def audit_fields(self):
        """The criteria and reason as the audit trail keeps them: the domain
        and pattern named, not copied (they are stored encrypted)."""
        fields = {
            "campaign": [None, str(self.campaign_id)],
            "acts": [None, self.acts],
            "reason": [None, self.reason],
            "matched_pending": [None, str(self.matched_pending)],
            "matched_confirmed": [None, str(self.matched_confirmed)],
        }
        if self.domain_encrypted:
            fields["domain"] = None
            fields["include_subdomains"] = [None, str(self.include_subdomains)]
        if self.pattern_encrypted:
            fields["pattern"] = None
        for name in ("signed_from", "signed_until"):
            if value := getattr(self, name):
                fields[name] = [None, value.isoformat()]
        return fields


class AddressMatch:
    """Whether an address is at domain (ASCII form, lower case; or under it,
    with subdomains) and matches pattern (a shell-style glob, fnmatch: * any
    run, ? one character, [abc] one of them; no regular expression, so no
    catastrophic backtracking), upper and lower case alike. An international
    domain matches in either spelling."""

    def __init__(self, domain, include_subdomains, pattern):
        self.domain, self.include_subdomains = domain, include_subdomains
        self.pattern = pattern.lower()
        self.ascii = {}  # each address domain's ASCII form, worked out once

    def ascii_form(self, domain):
        if domain not in self.ascii:
            try:
                self.ascii[domain] = ascii_domain(domain)
            except ValueError:
                self.ascii[domain] = domain
        return self.ascii[domain]

    def __call__(self, address):
        address = address.strip().lower()
        local, _at, domain = address.rpartition("@")
        ascii = self.ascii_form(domain)
        under = self.include_subdomains and ascii.endswith("." + self.domain)
        if self.domain and ascii != self.domain and not under:
            return False
        if self.pattern:
            return fnmatchcase(address, self.pattern) or fnmatchcase(
                f"{local}@{ascii}", self.pattern
            )
        return True
