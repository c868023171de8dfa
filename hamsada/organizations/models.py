from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hamsada.organizations.roles import Role


class Organization(models.Model):
    """An organisation that runs campaigns on this instance: the tenant every
    organiser's permission is scoped to (organizations.roles)."""

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

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in one organisation; what they may do there, and only
    there, follows from it (organizations.roles.PERMISSIONS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organization", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_member")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class Operator(models.Model):
    """Someone who runs the instance: sets up organisations and watches the
    mail queue, but holds no role in any organisation and so reads no
    supporter's address or private name. Not Django's superuser, which
    passes every check and is refused here (web.admin.site)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="operator",
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self):
        return str(self.user)


class AuditEntry(models.Model):
    """One organiser's write, or read of personal data, in an organisation (or,
    for the operator's acts, on the instance). Each organisation's entries form
    a hash chain, so that a deleted, changed or reordered entry shows
    (`hamsada audit --check`); the database refuses to update or delete them
    (a trigger on PostgreSQL; organizations/migrations/0004)."""

    chain = models.CharField(_("chain"), max_length=40, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    number = models.PositiveIntegerField(_("number"))
    at = models.DateTimeField(_("when"))
    # No constraint: deleting an account leaves its entries as they were.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("what"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    # {field: [old, new]} for fields that are not personal data; {field: null}
    # for those that are (which fields were read or written, not their values).
    fields = models.JSONField(_("fields"), default=dict)
    previous = models.CharField(max_length=64, editable=False)
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["chain", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "number"], name="one_entry_per_place")
        ]

    def __str__(self):
        return f"{self.chain} #{self.number}"

    def content(self):
        """What the digest covers, besides the previous digest."""
        return {
            "chain": self.chain,
            "number": self.number,
            "at": self.at.isoformat(),
            "actor": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": self.fields,
        }


class Login(models.Model):
    """One of an organiser's logged-in sessions, so they can see where their
    account is logged in and end a session they do not know. No address is
    kept; of the browser, only its name and system."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="logins"
    )
    session_key = models.CharField(max_length=40, unique=True)
    browser = models.CharField(_("browser"), max_length=60, blank=True)
    started_at = models.DateTimeField(_("logged in"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("login")
        verbose_name_plural = _("logins")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.user} · {self.browser}"
