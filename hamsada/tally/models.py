import json

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamsada.lib import crypto


class Tally(models.Model):
    """Exact counts of a campaign's acts from one country ("" when not given).

    Reading a campaign's total sums a few hundred rows at most and never scans
    acts. Changed only in the same transaction as the acts they count.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="tallies"
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    confirmed = models.BigIntegerField(pgettext_lazy("count", "confirmed"), default=0)
    pending = models.BigIntegerField(_("waiting for confirmation"), default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country"], name="one_tally_per_country")
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.country or '-'}"


class ActionTally(models.Model):
    """Exact counts of an urgent action's actions for one target and channel.

    Three figures, never added together: intended (a supporter opened the
    letter page for this target, channel "", or one of its channel links),
    reported (actions supporters told us they took) and, of those, confirmed
    (reported by a supporter who then confirmed by email).
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="action_tallies"
    )
    target = models.ForeignKey("campaigns.Target", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    intended = models.BigIntegerField(_("intended"), default=0)
    reported = models.BigIntegerField(_("reported"), default=0)
    confirmed = models.BigIntegerField(pgettext_lazy("count", "confirmed"), default=0)

    class Meta:
        verbose_name = _("action tally")
        verbose_name_plural = _("action tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target", "channel"], name="one_action_tally"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.target_id}/{self.channel or '-'}"


def totals(campaign_id):
    """{"confirmed": n, "pending": m} for one campaign."""
    sums = Tally.objects.filter(campaign_id=campaign_id).aggregate(
        confirmed=Sum("confirmed"), pending=Sum("pending")
    )
    return {key: value or 0 for key, value in sums.items()}


def totals_by_campaign(campaign_ids):
    """{campaign_id: {"confirmed": n, "pending": m}} for many campaigns, in one query."""
    found = {
        row.pop("campaign_id"): row
        for row in Tally.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(confirmed=Sum("confirmed"), pending=Sum("pending"))
    }
    return {pk: found.get(pk, {"confirmed": 0, "pending": 0}) for pk in campaign_ids}


def action_totals(campaign_id):
    """{target_id: {"channels": {channel: counts}, "letter_opened": n, "reported": n,
    "confirmed": n}} for an urgent action, from its counters only."""
    found = {}
    for tally in ActionTally.objects.filter(campaign_id=campaign_id):
        target = found.setdefault(
            tally.target_id,
            {"channels": {}, "letter_opened": 0, "reported": 0, "confirmed": 0, "intended": 0},
        )
        if tally.channel:
            target["channels"][tally.channel] = {
                "intended": tally.intended,
                "reported": tally.reported,
                "confirmed": tally.confirmed,
            }
        else:
            target["letter_opened"] += tally.intended
        target["intended"] += tally.intended
        target["reported"] += tally.reported
        target["confirmed"] += tally.confirmed
    return found


def confirmed_by_country(campaign_id):
    """[(country, confirmed)], largest first, from the counters. Pending acts
    neither count nor place a country in the list: published, they would tell
    whether an address had signed before."""
    rows = Tally.objects.filter(campaign_id=campaign_id, confirmed__gt=0)
    return [
        (row.country, row.confirmed)
        for row in sorted(rows, key=lambda row: (-row.confirmed, row.country))
    ]


class RiseCount(models.Model):
    """How many new acts of a campaign had their first email (the one asking
    to confirm) made in one hour, by the hour they were signed in: from one
    email domain, kept only as its keyed digest (keys.digests.domain_digest),
    or from every domain (domain ""). Added to by tally.actions.count_first_email
    and kept for KEEP_RISE_COUNTS; what unusual rises are judged from."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField(_("hour"))
    domain = models.CharField(max_length=64, blank=True, editable=False)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("count per hour")
        verbose_name_plural = _("counts per hour")
        constraints = [
            # Also the index the week before is read through, one domain at a time.
            models.UniqueConstraint(fields=["campaign", "domain", "hour"], name="one_rise_count")
        ]
        indexes = [models.Index(fields=["hour"], name="rise_counts_by_hour")]

    def __str__(self):
        return f"{self.campaign_id}/{self.hour:%Y-%m-%d %H}/{self.domain[:8] or '-'}"


class RiseCounted(models.Model):
    """An act whose first email was counted in RiseCount: an email rendered
    again (after a relay's failure, a lease run out, pacing) or sent again
    (a supporter asked for the confirmation once more) counts once. Kept as
    long as the counts."""

    act_id = models.BigIntegerField(unique=True, editable=False)
    hour = models.DateTimeField(db_index=True, editable=False)

    class Meta:
        verbose_name = _("counted act")
        verbose_name_plural = _("counted acts")

    def __str__(self):
        return str(self.act_id)


class RiseAlert(models.Model):
    """An unusual rise in a campaign's new acts in one hour, of which its
    organisation's owners and campaigners were told by email: one email
    domain (its digest, to find it again, and the domain itself encrypted
    like addresses, for organisers to read), or the hour's total. At most
    one per campaign, kind, domain and hour. See tally.actions for the rules."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("one email domain")
        HOUR = "hour", _("the hour's total")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="rise_alerts",
        verbose_name=_("campaign"),
    )
    hour = models.DateTimeField(_("hour"))
    kind = models.CharField(_("what rose"), max_length=6, choices=Kind)
    domain = models.CharField(max_length=64, blank=True, editable=False)
    domain_encrypted = models.TextField(blank=True, editable=False)
    count = models.BigIntegerField(_("new acts"))
    total = models.BigIntegerField(_("new acts of the hour"))
    usual = models.FloatField(_("usual per hour"))
    created_at = models.DateTimeField(_("raised"))

    class Meta:
        verbose_name = _("unusual rise")
        verbose_name_plural = _("unusual rises")
        ordering = ["-hour", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "domain", "hour"], name="one_rise_alert"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.hour:%Y-%m-%d %H}/{self.kind}"

    @property
    def domain_name(self):
        return crypto.decrypt(self.domain_encrypted) if self.domain_encrypted else ""


class Snapshot(models.Model):
    """A signed statement of a campaign's counts at one moment, with the Merkle
    root of the receipts it counts and the digest of the snapshot before it.

    `body` is kept byte for byte as it was signed. The receipts are kept as
    changes from the snapshot before (hashes added and removed, 32 bytes each,
    sorted), so a long chain costs what changed, not the whole list each time.
    """

    class Reason(models.TextChoices):
        REQUESTED = "requested", _("taken by an organiser")
        DELIVERY = "delivery", _("taken for a delivery")
        SCHEDULED = "scheduled", _("taken on schedule")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="snapshots"
    )
    number = models.PositiveIntegerField(_("number"))
    taken_at = models.DateTimeField(_("taken"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(editable=False)
    signature = models.CharField(max_length=100, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    added = models.BinaryField(editable=False)
    removed = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="one_snapshot_number")
        ]

    def __str__(self):
        return f"{self.campaign_id}#{self.number}"

    @cached_property
    def statement(self):
        return json.loads(self.body)


class OfflineCount(models.Model):
    """Acts collected elsewhere (paper sheets, a partner's own petition): shown
    and delivered as their own lines, never added to the verified online count."""

    class Source(models.TextChoices):
        PAPER = "paper", _("paper sheets")
        PARTNER = "partner", _("a partner organisation")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="offline_counts"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source)
    name = models.CharField(
        _("collected by"),
        max_length=200,
        help_text=_("Who collected them, and where: e.g. a partner's name or a city."),
    )
    count = models.PositiveIntegerField(_("count"))
    collected_on = models.DateField(_("counted on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("count from elsewhere")
        verbose_name_plural = _("counts from elsewhere")
        ordering = ["collected_on", "pk"]

    def __str__(self):
        return f"{self.get_source_display()}: {self.name}"
