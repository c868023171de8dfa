"""The digests the rest of the instance stores and looks up: lib.crypto's,
chained through the digest keys of every key the instance used before."""

import json
from functools import cache

from django.conf import settings

from hamsada.keys.models import Rotation
from hamsada.lib import crypto


def email_digest(address: str) -> str:
    return crypto.email_digest(address, earlier_keys("email-digest"))


def suppression_digest(address: str) -> str:
    return crypto.suppression_digest(address, earlier_keys("suppression"))


def earlier_keys(purpose: str) -> list[bytes]:
    return [bytes.fromhex(key) for key in cached_history(settings.ENCRYPTION_KEY).get(purpose, [])]


def history(key: str) -> dict:
    """The earlier digest keys (hex), by purpose, oldest first, as sealed under
    key by the latest rotation."""
    latest = Rotation.objects.last()
    if latest is None or not latest.earlier_digest_keys:
        return {}
    return json.loads(crypto.decrypt(latest.earlier_digest_keys, key, purpose="key-history"))


# Read once per process: the key, and with it the history, changes only while
# the instance is stopped.
cached_history = cache(history)
