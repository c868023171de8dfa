"""`hamsada rotate-key`: replaces the instance key (HAMSADA_ENCRYPTION_KEY),
for one too weak or one that may have leaked.

Addresses and receipt codes are decrypted under the old key and encrypted under
the new one. Digests cannot be computed again, since invalidated and withdrawn
acts keep no address to compute them from: each is digested once more under the
new key (lib.crypto chains them), and the old digest keys are kept, sealed
under the new key, for the addresses yet to come. The snapshot key changes
with it; the old one signs a statement naming the new one, which later
snapshots carry, so their chains still verify.
"""

import base64
import json

from django.db import transaction

from hamsada.keys.digests import cached_binding, cached_history, history
from hamsada.keys.models import Rotation
from hamsada.lib import crypto
from hamsada.outbox.models import Message, Suppression
from hamsada.participation.models import Act, BulkInvalidation, OrganisationSignature
from hamsada.snapshots.verify import canonical
from hamsada.tally.models import RiseAlert, RiseCount

BATCH = 1000


def rotate(old_key: str, new_key: str, now) -> Rotation:
    """Moves every secret the database holds from old_key to new_key, in one
    transaction, and records the rotation."""

    def encrypt_again(token):
        return crypto.encrypt(crypto.decrypt(token, old_key), new_key) if token else token

    def digest_again(digest, purpose):
        if not digest:
            return digest
        return crypto.chained_digest(digest.encode(), [crypto.derive(new_key, purpose)])

    with transaction.atomic():
        earlier = history(old_key)
        earlier = {
            purpose: [*earlier.get(purpose, []), crypto.derive(old_key, purpose).hex()]
            for purpose in crypto.DIGEST_PURPOSES
        }

        def act(row):
            row.email_encrypted = encrypt_again(row.email_encrypted)
            row.private_encrypted = encrypt_again(row.private_encrypted)
            row.email_digest = digest_again(row.email_digest, "email-digest")

        def contact(row):
            row.contact_digest = digest_again(row.contact_digest, "email-digest")

        def suppression(row):
            row.digest = digest_again(row.digest, "suppression")

        def message(row):
            row.secret = encrypt_again(row.secret)

        def rise(row):
            row.domain = digest_again(row.domain, "email-domain")

        def alert(row):
            row.domain = digest_again(row.domain, "email-domain")
            row.domain_encrypted = encrypt_again(row.domain_encrypted)

        def criteria(row):
            row.domain_encrypted = encrypt_again(row.domain_encrypted)
            row.pattern_encrypted = encrypt_again(row.pattern_encrypted)

        acts = Act.objects.exclude(email_encrypted="", email_digest=None, private_encrypted="")
        addresses = acts.exclude(email_encrypted="").count()
        digests = acts.exclude(email_digest=None).count()
        rewrite(acts, ["email_encrypted", "private_encrypted", "email_digest"], act)
        contacts = OrganisationSignature.objects.exclude(contact_digest=None)
        digests += rewrite(contacts, ["contact_digest"], contact)
        digests += rewrite(Suppression.objects.all(), ["digest"], suppression)
        rewrite(Message.objects.exclude(secret=""), ["secret"], message)
        # Unusual rises' counts per domain go on under the same digests.
        rewrite(RiseCount.objects.exclude(domain=""), ["domain"], rise)
        rewrite(RiseAlert.objects.exclude(domain=""), ["domain", "domain_encrypted"], alert)
        jobs = BulkInvalidation.objects.exclude(domain_encrypted="", pattern_encrypted="")
        rewrite(jobs, ["domain_encrypted", "pattern_encrypted"], criteria)
        # Sealed under keys now retired: the new row holds the whole history.
        Rotation.objects.update(earlier_digest_keys="")
        rotation = Rotation(
            rotated_at=now.replace(microsecond=0),
            previous_public_key=crypto.public_key(old_key),
            public_key=crypto.public_key(new_key),
            earlier_digest_keys=crypto.encrypt(json.dumps(earlier), new_key, "key-history"),
            addresses=addresses,
            digests=digests,
        )
        signed = crypto.signing_key(old_key).sign(canonical(rotation.statement()))
        rotation.signature = base64.b64encode(signed).decode()
        rotation.save()
    cached_history.cache_clear()
    cached_binding.cache_clear()
    return rotation


def rewrite(queryset, fields, change):
    """Applies change to every row of queryset and saves fields, a thousand rows
    at a time in primary-key order. Returns the number of rows."""
    queryset, last, done = queryset.order_by("pk"), 0, 0
    while rows := list(queryset.filter(pk__gt=last)[:BATCH]):
        for row in rows:
            change(row)
        queryset.model.objects.bulk_update(rows, fields)
        last, done = rows[-1].pk, done + len(rows)
    return done
