from django.db import models
from django.utils.translation import gettext_lazy as _


class Rotation(models.Model):
    """One replacement of HAMSADA_ENCRYPTION_KEY (`hamsada rotate-key`).

    The public part is a statement, signed by the snapshot key derived from the
    key replaced, that names the one derived from the new key, so that anyone
    holding a snapshot signed before can follow the chain to those signed after.
    The earlier digest keys are sealed under the new key: only the latest
    rotation's can be opened, by the key in use.
    """

    rotated_at = models.DateTimeField(_("rotated"))
    previous_public_key = models.CharField(_("previous public key"), max_length=64)
    public_key = models.CharField(_("public key"), max_length=64)
    # Base64 Ed25519 signature by the previous key over statement().
    signature = models.CharField(max_length=100, editable=False)
    earlier_digest_keys = models.TextField(blank=True, editable=False)
    # Made before act digests were bound to their campaign (keys.digests.binding).
    before_campaign_digests = models.BooleanField(default=False, db_default=False, editable=False)
    addresses = models.PositiveIntegerField(_("addresses re-encrypted"), default=0)
    digests = models.PositiveIntegerField(_("digests derived again"), default=0)

    class Meta:
        verbose_name = _("key rotation")
        verbose_name_plural = _("key rotations")
        ordering = ["rotated_at", "pk"]

    def __str__(self):
        old, new = self.previous_public_key[:8], self.public_key[:8]
        return f"{self.rotated_at:%Y-%m-%d %H:%M} {old}… → {new}…"

    def statement(self):
        """What the previous key signed, as it appears in snapshot files."""
        return {
            "format": "hamsada-key-rotation/1",
            "previous_key": self.previous_public_key,
            "public_key": self.public_key,
            "rotated_at": self.rotated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def rotations_between(earlier_key: str, later_key: str) -> list[dict]:
    """The signed statements leading from earlier_key to later_key, for a
    snapshot whose key differs from the one before it."""
    path, current = [], earlier_key
    for rotation in Rotation.objects.all():
        if rotation.previous_public_key == current:
            path.append({"statement": rotation.statement(), "signature": rotation.signature})
            current = rotation.public_key
        if current == later_key:
            return path
    return []  # not reached: such a snapshot fails verification, as it should
