from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hamsada.campaigns.models import Channel
from hamsada.lib import crypto


class Act(models.Model):
    """One supporter act: a petition signature, an urgent-action report or an
    open-letter co-signature. Every kind goes through the same pipeline:
    record (pending) -> confirm (counted) -> possibly withdraw (erased, uncounted).
    """

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        REPORT = "report", _("Action report")
        COSIGNATURE = "cosignature", _("Co-signature")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    COUNTED_STATUSES = [Status.PENDING, Status.CONFIRMED]

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="acts",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.SIGNATURE)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    name = models.CharField(_("name"), max_length=120, blank=True)
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
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("supporter act")
        verbose_name_plural = _("supporter acts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_digest"], name="one_act_per_address")
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # Recent public signers, read on every campaign page without a sort.
            models.Index(
                fields=["campaign", "show_name", "status", "-confirmed_at"], name="public_signers"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @classmethod
    def recent_public(cls, campaign, limit=10):
        """The latest confirmed supporters who chose to be named."""
        return (
            cls.objects.filter(campaign=campaign, show_name=True, status=cls.Status.CONFIRMED)
            .order_by("-confirmed_at")
            .only("name", "country", "confirmed_at")[:limit]
        )

    @property
    def email(self):
        return crypto.decrypt(self.email_encrypted) if self.email_encrypted else ""


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
