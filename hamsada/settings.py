"""Hamsada's one settings module, driven by the environment.

With no variables set it runs a development instance on SQLite under var/.
Set HAMSADA_PRODUCTION=1 on a real deployment; see README.md for the rest.
"""

import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from hamsada.lib.env import (
    anymail_backend,
    env_bool,
    env_float,
    env_int,
    env_json,
    env_limits,
    env_list,
    env_mailbox,
    env_proxies,
    secret,
    smtp_options,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HAMSADA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("HAMSADA_PRODUCTION", False)
DEBUG = env_bool("HAMSADA_DEBUG", False)
SECRET_KEY = secret("HAMSADA_SECRET_KEY", VAR_DIR / "keys" / "secret.key")
# Email addresses are encrypted and digested with keys derived from this one.
ENCRYPTION_KEY = secret("HAMSADA_ENCRYPTION_KEY", VAR_DIR / "keys" / "encryption.key")
SITE_URL = os.environ.get("HAMSADA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list(
    "HAMSADA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
# The onion service's address (http://….onion), if the instance has one: its
# pages get no HTTPS redirect or HSTS (Tor encrypts), and clearnet pages name
# it in Onion-Location for Tor Browser.
ONION_URL = os.environ.get("HAMSADA_ONION_URL", "").rstrip("/")
ONION_HOST = urlsplit(ONION_URL).hostname or ""
if ONION_HOST:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, ONION_HOST]

INSTALLED_APPS = [
    "hamsada.web.apps.OrganisersAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "hamsada.keys",
    "hamsada.organizations",
    "hamsada.campaigns",
    "hamsada.participation",
    "hamsada.tally",
    "hamsada.outbox",
    "hamsada.delivery",
    "hamsada.web",
    "hamsada.ops",
]

MIDDLEWARE = [
    # Django's SecurityMiddleware, but no HTTPS redirect for the onion service.
    "hamsada.web.middleware.Security",
    "hamsada.web.middleware.count_refusals",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # answers static files itself, compressed
    "hamsada.web.middleware.CompressPages",
    "hamsada.web.middleware.no_supporter_cookies",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Django looks for its own SecurityMiddleware by name; ours is a subclass of it.
SILENCED_SYSTEM_CHECKS = ["security.W001"]

ROOT_URLCONF = "hamsada.web.urls"
WSGI_APPLICATION = "hamsada.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hamsada" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hamsada.web.context.languages",
            ],
            "builtins": ["hamsada.lib.templatetags"],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "hamsada.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with writers queueing on a file lock (see there).
    DATABASES["default"]["ENGINE"] = "hamsada.lib.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN, so concurrent writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous="
            + os.environ.get("HAMSADA_SQLITE_SYNCHRONOUS", "FULL")
            + "; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that a worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The proxies in front of the application (addresses, networks, or "unix" for
# one connected over a Unix socket): the client is the right-most address in
# X-Forwarded-For that is not one of them. Unset: the peer is the client and
# forwarded headers are ignored.
TRUSTED_PROXIES = env_proxies("HAMSADA_TRUSTED_PROXIES")
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTHENTICATION_BACKENDS = ["hamsada.organizations.backends.RoleBackend"]
# Organisers' second factor. A passkey is bound to a domain name: an instance
# reached by IP address (the development server's 127.0.0.1) offers them on
# localhost instead, which browsers accept without HTTPS.
PASSKEY_ORIGIN = os.environ.get("HAMSADA_PASSKEY_ORIGIN", "").rstrip("/") or (
    SITE_URL.replace("://127.0.0.1", "://localhost")
)
OTP_TOTP_ISSUER = os.environ.get("HAMSADA_NAME", "Hamsada")
OTP_WEBAUTHN_RP_ID = urlsplit(PASSKEY_ORIGIN).hostname
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = [PASSKEY_ORIGIN]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a second factor, after the password
LOGIN_URL = "admin:login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Only organisers have sessions: one left alone for an hour ends (each request
# renews it), and web.site ends any after twelve hours.
SESSION_COOKIE_AGE = 3600
PASSWORD_RESET_TIMEOUT = 3600  # a reset link works for an hour, once
SESSION_SAVE_EVERY_REQUEST = True

# Languages. Django does not know Pashto; it is registered here, right-to-left.
LANG_INFO.setdefault("ps", {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"})
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fa", "دری"), ("ps", "پښتو")]
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "ps"]
LOCALE_PATHS = [BASE_DIR / "hamsada" / "locale", BASE_DIR / "hamsada" / "locale_django"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by collectstatic; absent before it on a fresh clone
STATICFILES_DIRS = [BASE_DIR / "hamsada" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Nothing is ever loaded from another host.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
# "same-origin": other sites learn nothing; "no-referrer" would make browsers send
# "Origin: null" on our own forms, which CSRF protection rightly refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("HAMSADA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("HAMSADA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Email. SMTP (HAMSADA_SMTP_URL) or a provider's API (HAMSADA_MAIL_PROVIDER) in
# production; in development every message is written to var/outbox/.
DEFAULT_FROM_EMAIL = os.environ.get("HAMSADA_FROM_EMAIL", "Hamsada <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sender of campaigns' discreet emails: the same address, a plain name.
DISCREET_FROM_EMAIL = os.environ.get(
    "HAMSADA_DISCREET_FROM_EMAIL",
    f"Notifications <{parseaddr(DEFAULT_FROM_EMAIL)[1]}>",
)
# Where supporters and readers can write about the site (the accessibility statement).
CONTACT_EMAIL = os.environ.get("HAMSADA_CONTACT_EMAIL", "")
SMTP_URL = os.environ.get("HAMSADA_SMTP_URL", "")
# A provider through Anymail, by Anymail's name for it (mailgun, postmark,
# amazon_ses, brevo, sparkpost, ...), with Anymail's settings for it as JSON in
# HAMSADA_ANYMAIL, e.g. {"MAILGUN_API_KEY": "...", "MAILGUN_WEBHOOK_SIGNING_KEY":
# "...", "WEBHOOK_SECRET": "user:password"}. Its tracking webhooks are then
# served under /mail/events/ and report bounces and complaints.
MAIL_PROVIDER = os.environ.get("HAMSADA_MAIL_PROVIDER", "")
ANYMAIL = env_json("HAMSADA_ANYMAIL", {})
OUTBOX_DIR = VAR_DIR / "outbox"
# The development outbox (/dev/outbox/, for logged-in staff only) shows every
# email's recipient and links: served only when asked for (`make run` does),
# never in production, and only while mail goes to var/outbox/.
DEV_OUTBOX = (
    env_bool("HAMSADA_DEV_OUTBOX", False) and not PRODUCTION and not SMTP_URL and not MAIL_PROVIDER
)
if SMTP_URL and MAIL_PROVIDER:
    raise ImproperlyConfigured("Set HAMSADA_SMTP_URL or HAMSADA_MAIL_PROVIDER, not both.")
if MAIL_PROVIDER:
    MAILERS = {"default": {"BACKEND": anymail_backend(MAIL_PROVIDER)}}
elif SMTP_URL:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": smtp_options(SMTP_URL),
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "hamsada.outbox.backends.OutboxDirectoryBackend",
            "OPTIONS": {"directory": str(OUTBOX_DIR)},
        }
    }
# SMTP only: the mailbox bounces come back to (box@domain), fed to `hamsada
# bounce`. Each message goes out with its own signed return path in it,
# box+<number>-<signature>@domain, so a bounce names its message.
BOUNCE_ADDRESS = "" if MAIL_PROVIDER else env_mailbox("HAMSADA_BOUNCE_ADDRESS")

# Seconds a petition page's HTML is shared between readers (0: render each time).
PAGE_CACHE_SECONDS = env_int("HAMSADA_PAGE_CACHE_SECONDS", 2)
# Seconds browsers and caches may keep a public page (Cache-Control: public).
PUBLIC_PAGE_SECONDS = env_int("HAMSADA_PUBLIC_PAGE_SECONDS", 60)
# Days supporters' addresses and private names are kept after a campaign
# closes, unless the campaign says otherwise.
RETENTION_DAYS = env_int("HAMSADA_RETENTION_DAYS", 180)
# Intended actions (opening a letter page or an official's link) counted per
# connection and hour.
INTENDED_PER_HOUR = env_int("HAMSADA_INTENDED_PER_HOUR", 30)
# Unusual rises in a campaign's new acts, told by email to its organisation's
# owners and campaigners, at most once an hour for each (tally.actions). Counted
# per hour signed as the worker makes each act's first email, per email domain
# under a keyed digest. One domain: at least DOMAIN_MIN in the hour, more than
# DOMAIN_FACTOR times its own hourly average of the week before, and either
# more than DOMAIN_SHARE of the hour beyond its usual share or not seen at all
# that week. The hour: at least HOUR_MIN, more than HOUR_FACTOR times the
# campaign's hourly average of the week before.
RISE_ALERTS = env_bool("HAMSADA_RISE_ALERTS", True)
ALERT_DOMAIN_MIN = env_int("HAMSADA_ALERT_DOMAIN_MIN", 50)
ALERT_DOMAIN_SHARE = env_float("HAMSADA_ALERT_DOMAIN_SHARE", 0.3)
ALERT_DOMAIN_FACTOR = env_float("HAMSADA_ALERT_DOMAIN_FACTOR", 5)
ALERT_HOUR_MIN = env_int("HAMSADA_ALERT_HOUR_MIN", 100)
ALERT_HOUR_FACTOR = env_float("HAMSADA_ALERT_HOUR_FACTOR", 5)
# Letters laid out as PDF files per connection and hour.
PDFS_PER_HOUR = env_int("HAMSADA_PDFS_PER_HOUR", 20)
# How long a public form may stay open before it must be sent again.
FORM_TOKEN_MAX_AGE = env_int("HAMSADA_FORM_TOKEN_HOURS", 24) * 3600
# Other sites allowed to post the public forms (embeds), as origins:
# "https://partner.example".
FORM_ORIGINS = env_list("HAMSADA_FORM_ORIGINS", [])
# How dates are written where an organisation has not chosen: "both" (Solar
# Hijri first on Dari and Pashto pages, Gregorian first on English ones),
# "solar_hijri" or "gregorian".
CALENDAR = os.environ.get("HAMSADA_CALENDAR", "both")
# How many daily backups `hamsada backup` keeps: erased data leaves the backups
# after this many days (the privacy notice says so).
BACKUP_KEEP = env_int("HAMSADA_BACKUP_KEEP", 14)
# The operator's age public key (age1…): `hamsada backup` encrypts to it.
BACKUP_RECIPIENT = os.environ.get("HAMSADA_BACKUP_RECIPIENT", "")
# Who may read /metrics (Prometheus): "Authorization: Bearer <this>". Unset: no /metrics.
METRICS_TOKEN = os.environ.get("HAMSADA_METRICS_TOKEN", "")
# Benchmarks only: a bare view at /bench/floor/ to measure the server's floor.
BENCH_FLOOR = env_bool("HAMSADA_BENCH_FLOOR", False)

# Participation rules.
CONFIRM_LINK_MAX_AGE = env_int("HAMSADA_CONFIRM_LINK_DAYS", 14) * 86400
WITHDRAW_LINK_MAX_AGE = env_int("HAMSADA_WITHDRAW_LINK_DAYS", 730) * 86400
MAX_EMAILS_PER_ACT = 5
# Organisations one address may put forward for one open letter (a coalition
# coordinator signs for a few; more would let anyone mail an address at will).
MAX_ORGANISATIONS_PER_ADDRESS = env_int("HAMSADA_MAX_ORGANISATIONS_PER_ADDRESS", 5)
# The worker signs a snapshot of each public campaign whose counted acts changed,
# at most this often (0: only when an organiser asks, and at deliveries).
SNAPSHOT_HOURS = env_int("HAMSADA_SNAPSHOT_HOURS", 24)
# A worker that dies while sending leaves its messages to others after this long.
OUTBOX_LEASE_SECONDS = env_int("HAMSADA_OUTBOX_LEASE_SECONDS", 300)
# One reminder to confirm goes to a supporter still unconfirmed this many hours
# after signing (0: none).
REMINDER_HOURS = env_int("HAMSADA_REMINDER_HOURS", 24)
# Connections each worker keeps open to the mail server at once, each sending
# its share of a batch: through a relay, time waiting on the network, not CPU,
# is what limits one connection. On SQLite one: its one writer at a time is
# shared with the signers, and eight senders (each recording what it sent)
# cut the signatures a second from 286 to 113 (bench/run.py, sign, quick).
OUTBOX_CONNECTIONS = env_int(
    "HAMSADA_OUTBOX_CONNECTIONS", 1 if DATABASES["default"]["ENGINE"] == "hamsada.lib.sqlite" else 8
)
# Optional pacing: messages a minute to one recipient domain (its ASCII form),
# "*" for each other domain, e.g. HAMSADA_MAIL_DOMAIN_LIMITS=gmail.com=600,*=300.
# Decided when sending, from the address; counted in the cache (shared between
# workers with REDIS_URL), under a keyed hash of the domain. Unset: no pacing.
MAIL_DOMAIN_LIMITS = env_limits("HAMSADA_MAIL_DOMAIN_LIMITS")
# First retry after a temporary SMTP failure; each later one waits twice as long.
OUTBOX_RETRY_SECONDS = env_int("HAMSADA_OUTBOX_RETRY_SECONDS", 30)
# Sign attempts allowed per client address (as a keyed hash) per window. Generous,
# because whole provinces share a few mobile-carrier addresses.
SIGN_RATE_LIMIT = env_int("HAMSADA_SIGN_RATE_LIMIT", 120)
SIGN_RATE_WINDOW = env_int("HAMSADA_SIGN_RATE_WINDOW", 60)
# Defences against scripts signing (web.guard). Each can be switched off, as
# load tests need; `check --deploy` warns when one is off in production.
# A field people never see, left empty by people and filled in by many scripts.
FORM_HONEYPOT = env_bool("HAMSADA_FORM_HONEYPOT", True)
# Seconds a person takes at least between opening a form and sending it
# (0: any). Pages with a form are cached no longer than this.
FORM_MIN_SECONDS = env_int("HAMSADA_FORM_MIN_SECONDS", 3)
# A proof of work the browser computes before sending (hamsada/static/hamsada/
# proof.js): "off", or "on" (then as each campaign says: always, never, or only
# while signing spikes).
PROOF_OF_WORK = os.environ.get("HAMSADA_PROOF_OF_WORK", "on")
# Hashes a browser tries at most (half as many on average): about a second
# on a slow phone.
PROOF_OF_WORK_MAX_NUMBER = env_int("HAMSADA_PROOF_OF_WORK_MAX_NUMBER", 100_000)
# Attempts on one campaign in a minute from which signing counts as a spike.
PROOF_OF_WORK_SPIKE_PER_MINUTE = env_int("HAMSADA_PROOF_OF_WORK_SPIKE_PER_MINUTE", 60)
# While a proof is required, forms sent without one (no JavaScript, an old
# browser) are still taken, within stricter limits: per connection and hour,
# and per campaign and minute.
UNPROVEN_PER_HOUR = env_int("HAMSADA_UNPROVEN_PER_HOUR", 10)
UNPROVEN_PER_MINUTE = env_int("HAMSADA_UNPROVEN_PER_MINUTE", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "hamsada.lib.logs.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HAMSADA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Font subsetting for PDFs reports every table it touches.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}
