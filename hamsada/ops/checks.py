"""`hamsada check --deploy`: what must be true before supporters trust an
instance with their names and addresses."""

import math
import string
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.contrib.auth.models import User
from django.core import checks
from django.db import DatabaseError

from hamsada.keys.digests import history
from hamsada.ops.demo import DEMO_ACCOUNTS, DEMO_ORGANIZATIONS, DEMO_PASSWORD
from hamsada.organizations.models import Organization
from hamsada.participation.models import Act

# A key guessed offline unlocks every address and forges snapshots: it must
# carry at least this much randomness.
KEY_BITS = 256


def key_bits(key):
    """An upper estimate of the randomness in key, from its length and the
    kinds of characters it uses (a generated key uses them all evenly)."""
    alphabet = 0
    for kind in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        if any(character in kind for character in key):
            alphabet += len(kind)
    if any(not character.isascii() or not character.isalnum() for character in key):
        alphabet += 32
    return len(key) * math.log2(alphabet) if alphabet else 0


def production_settings(app_configs, **kwargs):
    errors = []
    if not settings.PRODUCTION:
        errors.append(
            checks.Error(
                "HAMSADA_PRODUCTION is not set: development settings (debug pages, the "
                "development outbox, no HTTPS) must not face supporters.",
                id="hamsada.E010",
            )
        )
    if urlsplit(settings.SITE_URL).scheme != "https":
        errors.append(
            checks.Error(
                f"HAMSADA_SITE_URL is {settings.SITE_URL}: links in emails must use https.",
                id="hamsada.E011",
            )
        )
    if not settings.REDIS_URL:
        errors.append(
            checks.Error(
                "REDIS_URL is not set: each web process would count rate limits on its own, "
                "and the workers' pacing too.",
                hint="Run Redis on loopback and set REDIS_URL=redis://127.0.0.1:6379/0.",
                id="hamsada.E012",
            )
        )
    if key_bits(settings.ENCRYPTION_KEY) < KEY_BITS:
        errors.append(weak_key())
    return errors + defences_off()


# Defences against scripts signing, each off by a setting for load tests: a
# warning when one is off (or cannot work) in production.
DEFENCES = [
    (
        lambda: not settings.FORM_HONEYPOT,
        "HAMSADA_FORM_HONEYPOT is off: forms with the field people never see filled in are taken.",
        "hamsada.W020",
    ),
    (
        lambda: settings.FORM_MIN_SECONDS <= 0,
        "HAMSADA_FORM_MIN_SECONDS is 0: forms sent the moment they open are taken.",
        "hamsada.W021",
    ),
    (
        lambda: 0 < settings.FORM_MIN_SECONDS <= settings.PAGE_CACHE_SECONDS,
        "HAMSADA_PAGE_CACHE_SECONDS is not below HAMSADA_FORM_MIN_SECONDS: a page from the "
        "cache makes a script's form look older than it is.",
        "hamsada.W022",
    ),
    (
        lambda: settings.PROOF_OF_WORK != "on",
        "HAMSADA_PROOF_OF_WORK is off: no campaign can ask browsers for a proof of work, "
        "even in a spike.",
        "hamsada.W023",
    ),
    (
        lambda: settings.UNPROVEN_PER_HOUR <= 0 or settings.UNPROVEN_PER_MINUTE <= 0,
        "HAMSADA_UNPROVEN_PER_HOUR or _PER_MINUTE is 0: forms without a proof of work are "
        "taken without limit even when a proof is asked for.",
        "hamsada.W024",
    ),
    (
        lambda: settings.SIGN_RATE_LIMIT <= 0,
        "HAMSADA_SIGN_RATE_LIMIT is 0: one connection may send forms without limit.",
        "hamsada.W025",
    ),
    (
        lambda: not settings.RISE_ALERTS,
        "HAMSADA_RISE_ALERTS is off: organisers hear nothing of an unusual rise in signatures.",
        "hamsada.W026",
    ),
]


def defences_off():
    return [checks.Warning(message, id=id_) for off, message, id_ in DEFENCES if off()]


def weak_key():
    """An error for a key no address was encrypted with yet; for one already in
    use, a warning (the addresses must be re-encrypted under a new key)."""
    message = (
        f"HAMSADA_ENCRYPTION_KEY carries less than {KEY_BITS // 8} random bytes: a copy "
        "of the database and a guess of the key would reveal every address, and the "
        "published snapshot key is derived from it."
    )
    try:
        in_use = Act.objects.exclude(email_encrypted="").exists()
    except DatabaseError:
        in_use = True  # cannot tell: do not block an instance that may hold addresses
    if in_use:
        return checks.Warning(
            message,
            hint="Replace it: stop the web and worker processes, back up, run "
            "`hamsada rotate-key`, set the key it made, start again.",
            id="hamsada.W013",
        )
    return checks.Error(
        message,
        hint="Unset it to have one generated (var/keys/encryption.key), or set "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
        id="hamsada.E013",
    )


def no_demo_data(app_configs, **kwargs):
    try:
        accounts = [
            user.username
            for user in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
            if user.check_password(DEMO_PASSWORD)
        ]
        demo_campaigns = Organization.objects.filter(slug__in=DEMO_ORGANIZATIONS).exists()
    except DatabaseError:
        return []  # no database yet: nothing from the demo in it either
    errors = []
    if accounts:
        names = ", ".join(accounts)
        errors.append(
            checks.Error(
                f"Demo accounts can log in with the demo password: {names}.",
                hint=f'Delete them: hamsada shell -c "from django.contrib.auth.models import '
                f'User; User.objects.filter(username__in={accounts!r}).delete()"',
                id="hamsada.E014",
            )
        )
    if demo_campaigns:
        errors.append(
            checks.Error(
                "The demo organisations and their campaigns are in this database.",
                hint="Start production on a new database; the demo is for trying Hamsada.",
                id="hamsada.E015",
            )
        )
    return errors


def key_opens_history(app_configs, **kwargs):
    try:
        history(settings.ENCRYPTION_KEY)
    except DatabaseError:
        return []
    except InvalidTag:
        return [
            checks.Error(
                "HAMSADA_ENCRYPTION_KEY is not the key `hamsada rotate-key` made last: "
                "addresses could not be read nor signatures matched to earlier ones.",
                hint="Set the key the rotation left in var/keys/encryption.key.new.",
                id="hamsada.E016",
            )
        ]
    return []
