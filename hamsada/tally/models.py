from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _


class Tally(models.Model):
    """Exact counts of a campaign's acts from one country ("" when not given).

    Reading a campaign's total sums a few hundred rows at most and never scans
    acts. Changed only in the same transaction as the acts they count.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="tallies"
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    confirmed = models.BigIntegerField(_("confirmed"), default=0)
    pending = models.BigIntegerField(_("waiting for confirmation"), default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country"], name="one_tally_per_country")
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.country or '-'}"


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
