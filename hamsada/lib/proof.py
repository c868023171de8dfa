"""A proof of work a browser computes before sending a public form.

The instance picks a secret number n below max_number and gives the browser
a salt and SHA-256(salt + n), signed. The browser tries numbers from 0 until
one hashes to the challenge (hamsada/static/hamsada/proof.js, with the
browser's own Web Crypto), about max_number / 2 hashes on average and never
more than max_number: a bounded second or so on a slow phone, and a cost
per signature to a script sending thousands.

Nothing is stored while a challenge is out: its salt names its scope (a
campaign) and when it expires, and its signature proves the instance made
it. A solved challenge is spent once (the cache remembers its salt until it
expires).
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

PROOF_FIELD = "proof"
CHALLENGE_SECONDS = 20 * 60


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def signature_of(challenge):
    return salted_hmac("hamsada.proof", challenge, algorithm="sha256").hexdigest()


def make_challenge(scope, max_number=None, now=None):
    """A challenge for a form of scope (a string without dots), as the
    browser's script reads it."""
    max_number = max_number or settings.PROOF_OF_WORK_MAX_NUMBER
    expires = int(time.time() if now is None else now) + CHALLENGE_SECONDS
    salt = f"{scope}.{expires}.{secrets.token_hex(12)}."
    challenge = sha256_hex(salt + str(secrets.randbelow(max_number + 1)))
    return {
        "algorithm": "SHA-256",
        "salt": salt,
        "challenge": challenge,
        "max_number": max_number,
        "signature": signature_of(challenge),
    }


def solve(challenge):
    """The number a browser would find (for tests and benchmarks: what a
    script pays, in Python)."""
    for number in range(challenge["max_number"] + 1):
        if sha256_hex(challenge["salt"] + str(number)) == challenge["challenge"]:
            return number
    return None


def answer(challenge, number):
    """The form field's value for number solving challenge."""
    return f"{challenge['salt']}:{number}:{challenge['signature']}"


def is_proven(value, scope, now=None):
    """Whether value (the form's field) solves a challenge this instance made
    for scope, unexpired and not used before; using it spends it."""
    salt, _, rest = (value or "").rpartition(":")
    salt, _, number = salt.rpartition(":")
    signature = rest
    parts = salt.split(".")
    if len(parts) != 4 or parts[0] != str(scope) or not number.isdigit():
        return False
    try:
        expires = int(parts[1])
    except ValueError:
        return False
    left = expires - (time.time() if now is None else now)
    if left <= 0 or left > CHALLENGE_SECONDS:
        return False
    if not hmac.compare_digest(signature_of(sha256_hex(salt + number)), signature):
        return False
    # Spent once: another form sent with the same answer is not proven.
    return cache.add(f"proof:{sha256_hex(salt)}", 1, timeout=int(left) + 1)
