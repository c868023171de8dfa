from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """Something to send (an email, for now), written in the same transaction as
    the change it is about.

    This table is the queue: the worker claims due rows with a conditional
    UPDATE and a lease, so a crashed worker's messages are picked up again.
    The text is rendered only when sending, in the recipient's language, by the
    renderer the owning app registered for its kind (outbox.actions.register);
    a supporter's address is read from the act, so the outbox holds no
    personal data.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Please confirm")
        CONFIRM_REPORT = "confirm_report", _("Please confirm a report")
        UPDATE = "update", _("Campaign news")
        ALREADY_SIGNED = "already_signed", _("Already signed")
        RECEIPT = "receipt", _("Receipt")
        DELIVERY = "delivery", _("Delivery to a target")
        REMINDER = "reminder", _("Reminder to confirm")
        ACCOUNT = "account", _("Notice to an organiser")
        ACTS_LIST = "acts_list", _("List of a supporter's acts")
        RISE_ALERT = "rise_alert", _("Alert of an unusual rise")

    # Lower goes first: what a supporter is waiting for on the other side of a
    # page ("check your email") before a package, and both before news.
    PRIORITY = {
        Kind.CONFIRM: 0,
        Kind.CONFIRM_REPORT: 0,
        Kind.ALREADY_SIGNED: 0,
        Kind.RECEIPT: 0,
        Kind.ACCOUNT: 0,
        Kind.ACTS_LIST: 0,
        Kind.RISE_ALERT: 0,
        Kind.DELIVERY: 1,
        Kind.REMINDER: 1,
        Kind.UPDATE: 2,
    }

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # About a supporter's act, or (kind "delivery") a package delivered to a target.
    act = models.ForeignKey(
        "participation.Act", on_delete=models.CASCADE, null=True, related_name="messages"
    )
    delivery = models.ForeignKey(
        "delivery.Delivery", on_delete=models.CASCADE, null=True, related_name="messages"
    )
    event = models.ForeignKey(
        "campaigns.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=5)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # A receipt code (or the acts a list names), encrypted, for the one email
    # that carries it; erased once that email is sent or has failed for good.
    secret = models.TextField(blank=True, editable=False)
    # An organiser's account it is about (kind "account"), and which notice.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notice = models.CharField(max_length=30, blank=True, default="", db_default="", editable=False)
    # An unusual rise in a campaign's new acts (kind "rise_alert"), told to user.
    rise_alert = models.ForeignKey(
        "tally.RiseAlert", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Asked for over the onion service: its links lead there (settings.ONION_URL),
    # not to the clearnet site that would show the supporter's network a visit.
    onion = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        indexes = [models.Index(fields=["status", "priority", "next_attempt_at"])]
        constraints = [
            # Announcing an event twice must not email anyone twice.
            models.UniqueConstraint(fields=["act", "event"], name="one_email_per_event")
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def message_id(self):
        """Stable across retries, so a message delivered twice is recognised as one."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"<message-{self.pk}-{self.created_at:%Y%m%d%H%M%S}@{host}>"


class Suppression(models.Model):
    """An address no email goes to any more, because it bounced for good or its
    owner reported our mail as spam. Kept only as a keyed digest of its own
    (crypto.suppression_digest), so no plain address is stored."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Reported as spam")

    digest = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    created_at = models.DateTimeField(_("suppressed"))

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.get_reason_display()} {self.digest[:12]}"


def oldest_queued():
    """When the oldest email still waiting to be sent was queued, or None."""
    return (
        Message.objects.filter(status=Message.Status.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def queue_summary(now):
    """What an organiser watching the mail needs: how many wait and since
    when, and how many were sent or failed in the last day, failures by reason."""
    waiting = Message.objects.filter(status__in=[Message.Status.QUEUED, Message.Status.SENDING])
    by_kind = dict(waiting.values_list("kind").annotate(n=Count("pk")).order_by("kind"))
    day = Message.objects.filter(created_at__gte=now - timedelta(days=1))
    by_status = dict(day.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "waiting": sum(by_kind.values()),
        "waiting_by_kind": by_kind,
        "oldest_waiting_since": waiting.order_by("created_at")
        .values_list("created_at", flat=True)
        .first(),
        "sent_last_day": by_status.get(Message.Status.SENT, 0),
        "failed_last_day": by_status.get(Message.Status.FAILED, 0),
        "failures_by_reason": list(
            day.filter(status=Message.Status.FAILED)
            .values_list("last_error")
            .annotate(n=Count("pk"))
            .order_by("-n")[:10]
        ),
        "suppressed_last_day": dict(
            Suppression.objects.filter(created_at__gte=now - timedelta(days=1))
            .values_list("reason")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    }
