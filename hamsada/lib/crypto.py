"""Email addresses at rest: encrypted for sending, digested for deduplication;
and the key that signs snapshots.

Every key is derived from settings.ENCRYPTION_KEY, so one secret is backed up.
The digest is keyed (HMAC), so a leaked database does not let anyone test
whether a known address signed.
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
def _derived_key(purpose: str) -> bytes:
    return hmac.new(settings.ENCRYPTION_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


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


def email_digest(address: str) -> str:
    canonical = canonical_email(address).encode()
    return hmac.new(_derived_key("email-digest"), canonical, hashlib.sha256).hexdigest()


def suppression_digest(address: str) -> str:
    """The keyed digest an undeliverable address is suppressed by: a key of its
    own, the same in every campaign, so an address that bounced once is not
    mailed again anywhere on the instance. The domain is taken in its ASCII
    form, as servers and providers report it back."""
    local, _at, domain = canonical_email(address).rpartition("@")
    with contextlib.suppress(ValueError):  # never sent to; digested as written
        domain = ascii_domain(domain)
    canonical = f"{local}@{domain}".encode()
    return hmac.new(_derived_key("suppression"), canonical, hashlib.sha256).hexdigest()


def return_path_signature(message_id: int) -> str:
    """Signs a message's number in its return path (VERP), so that only a real
    bounce of that message, not anyone's forged report, can suppress its address."""
    key = _derived_key("return-path")
    return hmac.new(key, str(message_id).encode(), hashlib.sha256).hexdigest()[:16]


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derived_key("email-encryption")).encrypt(nonce, plaintext.encode(), None)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    return AESGCM(_derived_key("email-encryption")).decrypt(raw[:12], raw[12:], None).decode()


def client_digest(ip_address: str) -> str:
    """A keyed hash of the client's address, for rate limits; the address is never kept."""
    key = _derived_key("client-address")
    return hmac.new(key, ip_address.encode(), hashlib.sha256).hexdigest()[:32]


def signing_key() -> Ed25519PrivateKey:
    """The instance's Ed25519 key for snapshots, derived like the others, so
    backing up the encryption key backs this up too (and changing it changes
    the published key)."""
    return Ed25519PrivateKey.from_private_bytes(_derived_key("snapshot-signing"))


def public_key() -> str:
    """The public half, base64, as published and printed in deliveries."""
    raw = signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()
