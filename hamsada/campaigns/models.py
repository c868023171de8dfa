from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """An official or body that campaigns address; reused across campaigns."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["name"]

    def __str__(self):
        return self.name


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
    targets = models.ManyToManyField(
        Target, blank=True, related_name="campaigns", verbose_name=_("targets")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opened_at", "-created_at"]

    def __str__(self):
        return self.slug

    @classmethod
    def public_in(cls, slug, language):
        """The public campaign with texts in language, or None, in one plain query:
        every signature asks, so it stays off the ORM's query builder."""
        quote = connections["default"].ops.quote_name
        text_table = CampaignText._meta.db_table
        found = cls.objects.raw(
            f"SELECT id, slug, status, deadline FROM {quote(cls._meta.db_table)} "  # noqa: S608
            "WHERE slug = %s AND status IN (%s, %s) AND EXISTS ("
            f"SELECT 1 FROM {quote(text_table)} "
            f"WHERE {quote(text_table)}.campaign_id = {quote(cls._meta.db_table)}.id "
            "AND language = %s)",
            [slug, *cls.PUBLIC_STATUSES, language],
        )
        return next(iter(found), None)

    # Lifecycle

    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    def accepts_acts(self, now):
        return self.status == self.Status.OPEN and (self.deadline is None or now < self.deadline)

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

    def open(self, now):
        if not self.texts.exists():
            raise ValidationError(_("Add the campaign's text in at least one language first."))
        self.transition(self.Status.OPEN, now)

    def close(self, now):
        self.transition(self.Status.CLOSED, now)

    def archive(self, now):
        self.transition(self.Status.ARCHIVED, now)

    # Texts

    def languages(self):
        """Codes of the languages this campaign has texts in, in the site's order."""
        have = {text.language for text in self.texts.all()}
        return [code for code, _name in settings.LANGUAGES if code in have]

    def text_in(self, language):
        for text in self.texts.all():
            if text.language == language:
                return text
        return None


class CampaignText(models.Model):
    """A campaign's words in one language."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, *italic*, lists, links."))
    demands = models.TextField(_("demands"), blank=True, help_text=_("One demand per line."))

    class Meta:
        verbose_name = _("text")
        verbose_name_plural = _("texts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="one_text_per_language")
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def demand_list(self):
        return [line.strip() for line in self.demands.splitlines() if line.strip()]
