from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from hamsada.campaigns.channels import channel_handle, channel_link, check_channel
from hamsada.campaigns.letters import check_merge_fields
from hamsada.lib import sql
from hamsada.lib.text import format_count


def default_retention_days():
    return settings.RETENTION_DAYS


class Target(models.Model):
    """An official or body that campaigns address; reused across campaigns."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    languages = models.CharField(
        _("preferred languages"),
        max_length=60,
        blank=True,
        help_text=_("Language codes, most preferred first, e.g. en, fa or ps."),
    )
    left_office_on = models.DateField(
        _("left office on"),
        null=True,
        blank=True,
        help_text=_("Set when this person no longer holds the position."),
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def salutation_in(self, language):
        """The salutation to use in language, else a plain one."""
        for salutation in self.salutations.all():
            if salutation.language == language:
                return salutation.text
        return _("Dear %(name)s") % {"name": self.name}

    def preferred_languages(self):
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    def channels_of(self, kind):
        return [channel for channel in self.channels.all() if channel.kind == kind]

    def handles(self):
        """Social accounts to mention in a post, e.g. ["@name", "@name@host"]."""
        return [handle for channel in self.channels.all() if (handle := channel.handle())]


class Salutation(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="salutations")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    text = models.CharField(_("salutation"), max_length=200, help_text=_("e.g. Dear Ambassador"))

    class Meta:
        verbose_name = _("salutation")
        verbose_name_plural = _("salutations")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "language"], name="one_salutation_per_language"
            )
        ]

    def __str__(self):
        return self.text


class Channel(models.Model):
    """One way to reach a target: an address, a number, a form or an account."""

    class Kind(models.TextChoices):
        POSTAL = "postal", _("Postal address")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        FAX = "fax", _("Fax")
        CONTACT_FORM = "contact_form", _("Contact form")
        X = "x", _("X (Twitter)")
        FACEBOOK = "facebook", _("Facebook")
        MASTODON = "mastodon", _("Mastodon")
        OTHER_SOCIAL = "social", _("Other social account")

    SOCIAL = {Kind.X, Kind.FACEBOOK, Kind.MASTODON, Kind.OTHER_SOCIAL}

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    value = models.TextField(
        _("address, number or account"),
        max_length=500,
        help_text=_(
            "Postal address on several lines; email address; phone or fax number with its "
            "country code; the web address of a contact form or page; @name for X; "
            "@name@server for Mastodon."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        self.value = check_channel(self.kind, self.value)

    def link(self):
        return channel_link(self.kind, self.value)

    def handle(self):
        return channel_handle(self.kind, self.value)


class Campaign(models.Model):
    """A petition, urgent action or open letter, with its lifecycle.

    Its texts live in CampaignText, one row per language; a campaign is public in
    the languages it has texts for.
    """

    class Kind(models.TextChoices):
        PETITION = "petition", _("Petition")
        URGENT_ACTION = "urgent_action", _("Urgent action")
        OPEN_LETTER = "open_letter", _("Open letter")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    PUBLIC_STATUSES = [Status.OPEN, Status.CLOSED]
    TRANSITIONS = {
        Status.OPEN: [Status.DRAFT],
        Status.CLOSED: [Status.OPEN],
        Status.ARCHIVED: [Status.CLOSED],
    }
    STAMPS = {Status.OPEN: "opened_at", Status.CLOSED: "closed_at", Status.ARCHIVED: "archived_at"}

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organisation"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PETITION)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    goal = models.PositiveIntegerField(_("goal"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    case_reference = models.CharField(
        _("case reference"),
        max_length=40,
        blank=True,
        help_text=_("For an urgent action, its number, e.g. UA 118.20."),
    )
    act_by = models.DateField(
        _("act by"),
        null=True,
        blank=True,
        help_text=_("After this date, supporters are asked to check with you before acting."),
    )
    targets = models.ManyToManyField(
        Target,
        blank=True,
        related_name="campaigns",
        verbose_name=_("targets"),
        help_text=_("For an open letter, the addressee."),
    )
    response_due = models.DateField(
        _("response due"),
        null=True,
        blank=True,
        help_text=_(
            "After this date, each target that has not answered is shown as "
            '"no response" on the timeline.'
        ),
    )
    individuals_may_sign = models.BooleanField(
        _("individuals may co-sign"), default=True, help_text=_("For an open letter.")
    )
    organisations_may_sign = models.BooleanField(
        _("organisations may co-sign"), default=True, help_text=_("For an open letter.")
    )
    sent_on = models.DateField(
        _("letter sent on"),
        null=True,
        blank=True,
        help_text=_(
            "For an open letter: setting this date closes signing and adds the "
            "delivery to the timeline."
        ),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("days personal data is kept after closing"),
        default=default_retention_days,
        db_default=180,
        validators=[MaxValueValidator(3650)],
        help_text=_(
            "Then supporters' email addresses and the names of those not named publicly "
            "are erased. Counts, receipts and snapshots stay. The sign form says so."
        ),
    )
    hold_reason = models.TextField(
        _("reason to keep personal data for now"),
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "While this is filled in, nothing is erased. Say why (a court case, a "
            "delivery not made yet); the audit trail keeps who set it and when."
        ),
    )
    erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )
    discreet_emails = models.BooleanField(
        _("discreet emails"),
        default=False,
        db_default=False,
        help_text=_(
            "Email subjects and the sender's name say nothing about the campaign or its "
            "cause, for supporters whose mailbox may be read by others."
        ),
    )

    class ProofOfWork(models.TextChoices):
        SPIKE = "spike", _("While signing spikes")
        ALWAYS = "always", _("Always")
        NEVER = "never", _("Never")

    proof_of_work = models.CharField(
        _("proof of work"),
        max_length=6,
        choices=ProofOfWork.choices,
        default=ProofOfWork.SPIKE,
        db_default=ProofOfWork.SPIKE,
        help_text=_(
            "Browsers compute a small puzzle before a form is sent, which costs a "
            "script signing thousands of times far more than a person. Forms sent "
            "without it (no JavaScript) are still taken, within stricter limits."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opened_at", "-created_at"]
        permissions = [("email_supporters", _("Can email a campaign's supporters"))]

    def __str__(self):
        return self.slug

    @property
    def may_ask_proof(self):
        """Whether its forms carry the proof-of-work script (web.guard decides
        when a proof is asked for)."""
        return settings.PROOF_OF_WORK == "on" and self.proof_of_work != self.ProofOfWork.NEVER

    @classmethod
    def public_in(cls, slug, language):
        """The public campaign with texts in language, or None, in one plain query:
        every signature asks, so it stays off the ORM's query builder."""
        campaigns, texts = sql.name(cls), sql.name(CampaignText)
        found = cls.objects.raw(
            "SELECT id, slug, kind, status, deadline, sent_on, individuals_may_sign, "  # noqa: S608
            f"organisations_may_sign, retention_days FROM {campaigns} "
            "WHERE slug = %s AND status IN (%s, %s) AND EXISTS ("
            f"SELECT 1 FROM {texts} WHERE {texts}.campaign_id = {campaigns}.id "
            "AND language = %s AND complete)",
            [slug, *cls.PUBLIC_STATUSES, language],
        )
        return next(iter(found), None)

    # Retention

    def ended_at(self):
        """When it stopped taking acts: closed, or its deadline passed, or (an
        open letter) it was sent; None while it may still take them."""
        ends = [self.closed_at, self.deadline]
        if self.sent_on:
            ends.append(datetime.combine(self.sent_on, time(), tzinfo=UTC))
        ends = [end for end in ends if end is not None and end <= timezone.now()]
        return min(ends) if ends else None

    def erasure_due(self):
        """When supporters' personal data is to be erased, or None while the
        campaign takes acts or an organiser holds it."""
        ended = self.ended_at()
        if ended is None or self.hold_reason or self.erased_at:
            return None
        return ended + timedelta(days=self.retention_days)

    def clean(self):
        if self.pk and self.acts.exists():
            before = Campaign.objects.filter(pk=self.pk).values_list("retention_days", flat=True)
            if before and self.retention_days > before[0]:
                # Supporters signed under the shorter promise (their consent
                # records say so); an organiser who must keep data longer
                # holds the campaign with a reason instead.
                raise ValidationError(
                    {
                        "retention_days": _(
                            "Supporters have signed under a shorter period: it can be "
                            "shortened, not lengthened. To keep their data longer, give "
                            "a reason to keep it below."
                        )
                    }
                )

    def retention_promise(self):
        """What a supporter is told, beside the consent, about how long their
        data is kept; its text is part of what their consent record hashes."""
        days = self.retention_days
        return ngettext(
            "Your email address, and your name unless you chose to show it, are erased "
            "%(days)s day after this campaign closes. The counts and your receipt stay.",
            "Your email address, and your name unless you chose to show it, are erased "
            "%(days)s days after this campaign closes. The counts and your receipt stay.",
            days,
        ) % {"days": format_count(days, get_language())}

    # Lifecycle

    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    def accepts_acts(self, now):
        return (
            self.status == self.Status.OPEN
            and self.sent_on is None
            and (self.deadline is None or now < self.deadline)
        )

    def transition(self, status, now):
        """Moves to status if the lifecycle allows it and stamps the time, in one UPDATE."""
        if self.status not in self.TRANSITIONS.get(status, []):
            raise ValidationError(
                _("A %(current)s campaign cannot become %(new)s.")
                % {"current": self.get_status_display(), "new": self.Status(status).label}
            )
        updated = Campaign.objects.filter(pk=self.pk, status=self.status).update(
            status=status, **{self.STAMPS[status]: now}
        )
        if not updated:
            raise ValidationError(_("This campaign was changed meanwhile; reload and try again."))
        self.status = status
        setattr(self, self.STAMPS[status], now)

    def check_can_open(self):
        """ValidationError (translated) unless the campaign has a complete language."""
        if not self.texts.exists():
            raise ValidationError(_("Add the campaign's text in at least one language first."))
        if not self.texts.filter(complete=True).exists():
            raise ValidationError(
                _("No language has all of the campaign's texts yet; complete one first.")
            )

    # Texts

    def languages(self):
        """Codes of the languages this campaign is complete in, in the site's order."""
        have = {text.language for text in self.texts.all() if text.complete}
        return [code for code, _name in settings.LANGUAGES if code in have]

    def text_in(self, language):
        """The campaign's text in language, if it is complete there: a campaign is
        public only in the languages that have every text the others have."""
        for text in self.texts.all():
            if text.language == language and text.complete:
                return text
        return None

    def text_for(self, language):
        """The text to show a reader of language: theirs if complete, else the
        first there is (an email or a link can outlive a language's texts)."""
        return self.text_in(language) or min(self.texts.all(), key=lambda t: t.pk, default=None)

    def incomplete(self):
        """[(language, [labels of the fields it lacks])] for each incomplete language."""
        texts = list(self.texts.all())
        used = CampaignText.fields_used(texts)
        return [(text.language, text.missing(used)) for text in texts if not text.complete]

    def refresh_completeness(self):
        texts = list(CampaignText.objects.filter(campaign=self))
        used = CampaignText.fields_used(texts)
        for text in texts:
            complete = not text.missing(used)
            if text.complete != complete:
                CampaignText.objects.filter(pk=text.pk).update(complete=complete)


class CampaignText(models.Model):
    """A campaign's words in one language."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, *italic*, lists, links."))
    demands = models.TextField(_("demands"), blank=True, help_text=_("One demand per line."))
    # An urgent action's sample letter and scripts, with merge fields in braces.
    letter_subject = models.CharField(_("letter subject"), max_length=200, blank=True)
    letter = models.TextField(
        _("sample letter"),
        blank=True,
        help_text=_(
            "Supporters adapt it in their own words. Merge fields: {salutation}, "
            "{target_name}, {target_title}, {supporter_name}, {supporter_city}."
        ),
    )
    phone_script = models.TextField(
        _("phone script"),
        max_length=600,
        blank=True,
        help_text=_("A few sentences to say on the phone. Same merge fields."),
    )
    social_post = models.CharField(
        _("social media post"),
        max_length=280,
        blank=True,
        help_text=_(
            "Up to 280 characters; {handles} becomes the target's accounts. "
            "It is shortened if the accounts make it longer."
        ),
    )

    # Set from the campaign's other texts whenever one is saved or deleted.
    complete = models.BooleanField(_("complete"), default=True, editable=False)

    # What every language must have once any language has it.
    CONTENT_FIELDS = [
        "title",
        "summary",
        "body",
        "demands",
        "letter_subject",
        "letter",
        "phone_script",
        "social_post",
    ]

    class Meta:
        verbose_name = _("text")
        verbose_name_plural = _("texts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="one_text_per_language")
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.campaign.refresh_completeness()
        self.refresh_from_db(fields=["complete"])

    def delete(self, *args, **kwargs):
        campaign = self.campaign
        deleted = super().delete(*args, **kwargs)
        campaign.refresh_completeness()
        return deleted

    @classmethod
    def fields_used(cls, texts):
        return [name for name in cls.CONTENT_FIELDS if any(getattr(t, name).strip() for t in texts)]

    def missing(self, used):
        return [
            self._meta.get_field(name).verbose_name
            for name in used
            if not getattr(self, name).strip()
        ]

    def demand_list(self):
        return [line.strip() for line in self.demands.splitlines() if line.strip()]

    def clean(self):
        for field in ["letter_subject", "letter", "phone_script", "social_post"]:
            check_merge_fields(self, field)


class PersonConcerned(models.Model):
    """Someone an urgent action is about. Named in public only when safe."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    safe_to_show = models.BooleanField(
        _("safe to name publicly"),
        default=False,
        help_text=_("Leave unticked unless the person or their family agreed to be named."),
    )
    note = models.TextField(_("internal note"), blank=True)

    class Meta:
        verbose_name = _("person concerned")
        verbose_name_plural = _("people concerned")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Event(models.Model):
    """One entry in a campaign's timeline: what happened and who said what.

    Launches and milestones are stamped automatically; organisers add updates,
    deliveries, statements by others and the targets' responses.
    """

    class Kind(models.TextChoices):
        LAUNCH = "launch", _("Launch")
        MILESTONE = "milestone", _("Milestone")
        UPDATE = "update", _("Update")
        DELIVERY = "delivery", _("Delivery")
        STATEMENT = "statement", _("Statement by others")
        RESPONSE = "response", _("Response")

    class Stance(models.TextChoices):
        REJECTED = "rejected", _("Rejected the demands")
        DENIED = "denied", _("Denied the facts")
        NO_COMMENT = "no_comment", _("Declined to comment")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        COMMITTED = "committed", _("Committed to act")
        ACTED = "acted", _("Acted")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.UPDATE)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    target = models.ForeignKey(
        Target,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("target"),
        help_text=_("For a response, who answered; for a delivery, who received it."),
    )
    stance = models.CharField(
        _("stance"), max_length=12, choices=Stance, blank=True, help_text=_("For a response.")
    )
    quote = models.TextField(
        _("quote"), blank=True, help_text=_("Their exact words, in the language they used.")
    )
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    # An update's number ("UA 118.20 update 2"), a milestone's count.
    number = models.PositiveSmallIntegerField(_("number"), null=True, editable=False)
    milestone = models.PositiveIntegerField(_("milestone"), null=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), editable=False)
    announced_at = models.DateTimeField(_("emailed to supporters"), null=True, editable=False)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-happened_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="one_update_per_number"),
            models.UniqueConstraint(
                fields=["campaign", "milestone"], name="one_event_per_milestone"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()} · {self.happened_on}"

    # Launches and milestones are stamped by the campaign itself.
    AUTOMATIC = {Kind.LAUNCH, Kind.MILESTONE}

    def clean(self):
        if self._state.adding and self.kind in self.AUTOMATIC:
            raise ValidationError(
                {"kind": _("Launches and milestones are added automatically; choose another kind.")}
            )
        if self.kind == self.Kind.RESPONSE and not (self.target_id and self.stance):
            raise ValidationError(_("A response needs the target who gave it and its stance."))
        if self.kind != self.Kind.RESPONSE and self.stance:
            raise ValidationError({"stance": _("Only a response has a stance.")})
        if (
            self.target_id
            and self.campaign_id
            and not self.campaign.targets.filter(pk=self.target_id).exists()
        ):
            raise ValidationError({"target": _("Choose one of this campaign's targets.")})

    def text_in(self, language):
        texts = list(self.texts.all())
        return next((t for t in texts if t.language == language), texts[0] if texts else None)


class EventText(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("summary"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists, links.")
    )

    class Meta:
        verbose_name = _("event text")
        verbose_name_plural = _("event texts")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="one_update_text_per_language"
            )
        ]

    def __str__(self):
        return self.title
