"""Email addresses at rest: encrypted for sending, digested for deduplication;
and the key that signs snapshots.

Every key is derived from settings.ENCRYPTION_KEY, so one secret is backed up.
The digest is keyed (HMAC), so a leaked database does not let anyone test
whether a known address signed.

When the key is replaced (`hamsada rotate-key`), stored digests are not
recomputed from addresses, which invalidated and withdrawn acts no longer
have: each is digested again under the new key. A digest is therefore a chain,
HMAC(newest, … HMAC(first, address)), and the earlier digest keys are kept
sealed under the current one (hamsada.keys).
"""

import base64
import contextlib
import hashlib
import hmac
import os
import unicodedata
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from hamsada.lib.validators import ascii_domain

# Providers that deliver a.b+tag@ to ab@ (dots) or ab+tag@ to ab@ (tags).
IGNORES_DOTS = {"gmail.com", "googlemail.com"}
IGNORES_PLUS_TAGS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "fastmail.com",
    "icloud.com",
    "me.com",
    "riseup.net",
    "tutanota.com",
    "tuta.io",
    "yandex.com",
    "yandex.ru",
}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


@cache
def derive(key: str, purpose: str) -> bytes:
    return hmac.new(key.encode(), purpose.encode(), hashlib.sha256).digest()


def _derived_key(purpose: str, key: str | None = None) -> bytes:
    return derive(key or settings.ENCRYPTION_KEY, purpose)


def chained_digest(value: bytes, keys) -> str:
    """HMAC of value under the first key, then of that hex digest under each next one."""
    digest = value
    for key in keys:
        digest = hmac.new(key, digest, hashlib.sha256).hexdigest().encode()
    return digest.decode()


def canonical_email(address: str) -> str:
    """The one spelling of an address that reaches the same mailbox."""
    address = unicodedata.normalize("NFKC", address).strip().lower()
    local, _, domain = address.rpartition("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in IGNORES_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORES_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


# Each chained through the keys used before (keys.digests); "email-domain" keys
# the per-domain counts of unusual rises (tally), never stored in plain.
DIGEST_PURPOSES = ("email-digest", "suppression", "email-domain")


def email_digest(address: str, earlier_keys=()) -> str:
    """The digest acts are deduplicated by; earlier_keys are the digest keys of
    the keys this instance used before (hamsada.keys.digests supplies them)."""
    canonical = canonical_email(address).encode()
    return chained_digest(canonical, [*earlier_keys, _derived_key("email-digest")])


def scoped_digest(value: str, scope: str, keys: list[bytes], bound: int) -> str:
    """The chained digest of value under keys, with a layer of scope's own
    after the first bound keys: the same address digests to unrelated values
    in two scopes (campaigns), so a copy of the database does not link them.
    The layer goes where the digests stored when scopes came were (the HMAC
    of such a digest under the scope's key), and keys added by later key
    rotations wrap it as they wrap every stored digest."""
    inner = chained_digest(value.encode(), keys[:bound])
    return chained_digest(inner.encode(), [scope_key(keys[bound - 1], scope), *keys[bound:]])


def scope_key(key: bytes, scope: str) -> bytes:
    return hmac.new(key, f"scope:{scope}".encode(), hashlib.sha256).digest()


def suppression_digest(address: str, earlier_keys=()) -> str:
    """The keyed digest an undeliverable address is suppressed by: a key of its
    own, the same in every campaign, so an address that bounced once is not
    mailed again anywhere on the instance. The domain is taken in its ASCII
    form, as servers and providers report it back."""
    local, _at, domain = canonical_email(address).rpartition("@")
    with contextlib.suppress(ValueError):  # never sent to; digested as written
        domain = ascii_domain(domain)
    canonical = f"{local}@{domain}".encode()
    return chained_digest(canonical, [*earlier_keys, _derived_key("suppression")])


def return_path_signature(message_id: int) -> str:
    """Signs a message's number in its return path (VERP), so that only a real
    bounce of that message, not anyone's forged report, can suppress its address."""
    key = _derived_key("return-path")
    return hmac.new(key, str(message_id).encode(), hashlib.sha256).hexdigest()[:16]


def encrypt(plaintext: str, key: str | None = None, purpose="email-encryption") -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derived_key(purpose, key)).encrypt(nonce, plaintext.encode(), None)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str, key: str | None = None, purpose="email-encryption") -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    return AESGCM(_derived_key(purpose, key)).decrypt(raw[:12], raw[12:], None).decode()


def client_digest(ip_address: str) -> str:
    """A keyed hash of the client's address, for rate limits; the address is never kept."""
    key = _derived_key("client-address")
    return hmac.new(key, ip_address.encode(), hashlib.sha256).hexdigest()[:32]


def signing_key(key: str | None = None) -> Ed25519PrivateKey:
    """The instance's Ed25519 key for snapshots, derived like the others, so
    backing up the encryption key backs this up too (and changing it changes
    the published key)."""
    return Ed25519PrivateKey.from_private_bytes(_derived_key("snapshot-signing", key))


def public_key(key: str | None = None) -> str:
    """The public half, base64, as published and printed in deliveries."""
    raw = signing_key(key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()
