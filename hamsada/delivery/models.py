from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Package(models.Model):
    """What is handed to a campaign's targets: a PDF, a CSV of the names and the
    signed snapshot as JSON. Built by the worker in a process of its own, names
    drawn in order with progress recorded, and kept here once built."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="packages",
        verbose_name=_("campaign"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    include_names = models.BooleanField(
        _("include the names"),
        default=True,
        help_text=_(
            "The names of supporters who chose to be named publicly (organisations "
            "first). Everyone else is counted, never named."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    names_total = models.PositiveIntegerField(_("names"), default=0, editable=False)
    names_done = models.PositiveIntegerField(_("names drawn"), default=0, editable=False)
    snapshot = models.ForeignKey(
        "tally.Snapshot", on_delete=models.PROTECT, null=True, blank=True, editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    requested_at = models.DateTimeField(_("requested"), editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    error = models.CharField(_("error"), max_length=300, blank=True, editable=False)
    pdf = models.BinaryField(null=True, editable=False)
    csv = models.BinaryField(null=True, editable=False)
    json = models.BinaryField(null=True, editable=False)

    class Meta:
        verbose_name = _("delivery package")
        verbose_name_plural = _("delivery packages")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"])]
        permissions = [("download_package", _("Can download delivery packages"))]

    def __str__(self):
        return f"{self.campaign} #{self.pk} ({self.language})"


class Delivery(models.Model):
    """A package handed to a target: emailed through the outbox, or recorded by
    an organiser (handed over, posted). Each one is a delivery on the timeline."""

    class Method(models.TextChoices):
        EMAIL = "email", _("emailed from here")
        HANDED = "handed", _("handed over")
        POSTED = "posted", _("posted")
        OTHER = "other", _("another way")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("campaign"),
    )
    target = models.ForeignKey(
        "campaigns.Target", on_delete=models.PROTECT, related_name="+", verbose_name=_("target")
    )
    package = models.ForeignKey(
        Package,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("package"),
    )
    method = models.CharField(_("how"), max_length=10, choices=Method)
    address = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("For emailing: one of the target's addresses; empty means the first."),
    )
    delivered_on = models.DateField(_("delivered on"))
    note = models.TextField(_("note"), blank=True)
    event = models.OneToOneField(
        "campaigns.Event", on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self):
        return f"{self.campaign} → {self.target}"


class Export(models.Model):
    """A record of each export of personal data: who took what, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="exports",
        verbose_name=_("campaign"),
    )
    what = models.CharField(_("what"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"), null=True)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("export of personal data")
        verbose_name_plural = _("exports of personal data")
        ordering = ["-created_at"]
        permissions = [("export_supporters", _("Can export supporters' names and email addresses"))]

    def __str__(self):
        return f"{self.user} · {self.campaign} · {self.created_at:%Y-%m-%d %H:%M}"
