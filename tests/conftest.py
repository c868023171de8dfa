import os
import subprocess
import sys

import pytest

from hamsada.lib.env import smtp_options
from hamsada.ops.mailsink import SMTPServer
from tests import factories
from tests.helpers import database_url, log_in

# Playwright's sync API runs an event loop in the test thread; the live server's
# database calls from the same thread are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_test_settings(settings, tmp_path):
    settings.SIGN_RATE_LIMIT = 0
    # Tests sign as fast as a script; the defences against scripts are tested
    # on their own (tests/web/test_bots.py).
    settings.FORM_MIN_SECONDS = 0
    settings.PROOF_OF_WORK = "off"
    settings.PAGE_CACHE_SECONDS = 0  # tests that read counts want them fresh
    settings.PUBLIC_PAGE_SECONDS = 0  # and so does the browser that reads them
    # Hashing strength is not under test; a fast hasher keeps admin tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OUTBOX_DIR = tmp_path / "outbox"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request may leave its language active."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def petition(db):
    return factories.open_petition()


@pytest.fixture
def operator_client(client, django_user_model):
    """Logged in as the instance's operator (not a superuser)."""
    from hamsada.organizations.models import Operator

    user = django_user_model.objects.create_user("operator", password="pw", is_staff=True)
    Operator.objects.create(user=user)
    log_in(client, user)
    return client


@pytest.fixture
def smtp_server():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def smtp_mailer(settings, smtp_server):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": smtp_options(smtp_server.url),
        }
    }
    return smtp_server


def start_worker(smtp_server, live_server, **environment):
    """The real background worker, in its own process, sending to the loopback SMTP server."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HAMSADA_SMTP_URL": smtp_server.url,
        "HAMSADA_SITE_URL": live_server.url,
        **environment,
    }
    process = subprocess.Popen(
        [
            *[sys.executable, "-m", "hamsada.cli", "worker"],
            *["--interval", "0.1", "--schedule-seconds", "0.5"],
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = process.stdout.readline()
    assert "Worker started" in started, started + process.stdout.read()
    return process


def stop_worker(process):
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print("Worker output:\n" + output)  # shown by pytest when a test fails
    assert "Traceback" not in output, output


@pytest.fixture
def worker(transactional_db, smtp_server, live_server):
    process = start_worker(smtp_server, live_server)
    yield process
    stop_worker(process)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = os.environ.get("HAMSADA_CHROMIUM")
    if not chromium:
        raise pytest.UsageError(
            "The browser tests need Chromium: run them with `make test`, which finds or "
            "installs one, or set HAMSADA_CHROMIUM to a Chromium binary."
        )
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
