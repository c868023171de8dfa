from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """An organisation that runs campaigns on this instance."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    website = models.URLField(_("website"), blank=True)
    calendar = models.CharField(
        _("dates"),
        max_length=12,
        blank=True,
        choices=[
            ("both", _("Solar Hijri and Gregorian")),
            ("solar_hijri", _("Solar Hijri only")),
            ("gregorian", _("Gregorian only")),
        ],
        help_text=_("How the dates of this organisation's campaigns are written."),
    )
    members = models.ManyToManyField(
        "auth.User", blank=True, related_name="organizations", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name
