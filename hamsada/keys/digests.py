"""The digests the rest of the instance stores and looks up: lib.crypto's,
chained through the digest keys of every key the instance used before."""

import contextlib
import json
from functools import cache

from django.conf import settings

from hamsada.keys.models import Rotation
from hamsada.lib import crypto
from hamsada.lib.validators import ascii_domain


def act_digest(campaign_id: int, address: str) -> str:
    """The digest an act's address is deduplicated by, within its campaign."""
    keys = [*earlier_keys("email-digest"), crypto.derive(settings.ENCRYPTION_KEY, "email-digest")]
    bound = cached_binding(settings.ENCRYPTION_KEY)
    return crypto.scoped_digest(
        crypto.canonical_email(address), f"campaign:{campaign_id}", keys, bound
    )


def suppression_digest(address: str) -> str:
    return crypto.suppression_digest(address, earlier_keys("suppression"))


def domain_digest(campaign_id: int, domain: str) -> str:
    """The digest a campaign's confirmations from one email domain are counted
    under (tally.actions.count_first_email), so that no domain is stored in
    plain: keyed, bound to the campaign (the same domain digests to unrelated
    values in two campaigns) and chained like the others, so that a key
    rotation carries the counts. The domain is taken in its ASCII form."""
    with contextlib.suppress(ValueError):  # never sendable; digested as written
        domain = ascii_domain(domain)
    keys = [*earlier_keys("email-domain"), crypto.derive(settings.ENCRYPTION_KEY, "email-domain")]
    return crypto.chained_digest(f"campaign:{campaign_id}:{domain.lower()}".encode(), keys)


def earlier_keys(purpose: str) -> list[bytes]:
    return [bytes.fromhex(key) for key in cached_history(settings.ENCRYPTION_KEY).get(purpose, [])]


def history(key: str) -> dict:
    """The earlier digest keys (hex), by purpose, oldest first, as sealed under
    key by the latest rotation."""
    latest = Rotation.objects.last()
    if latest is None or not latest.earlier_digest_keys:
        return {}
    return json.loads(crypto.decrypt(latest.earlier_digest_keys, key, purpose="key-history"))


def binding(key: str) -> int:
    """How many digest keys deep the campaign layer of act digests lies: the
    keys in use when digests became per campaign (participation migration
    0011); rotations since wrap it."""
    return 1 + Rotation.objects.filter(before_campaign_digests=True).count()


# Read once per process: the key, and with it the history, changes only while
# the instance is stopped.
cached_history = cache(history)
cached_binding = cache(binding)
