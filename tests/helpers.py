"""What tests share beyond the state-named builders in factories.py: waiting,
reading emails and PDFs, running `hamsada verify`, sending due mail in the
test's own process, and driving the browser."""

import io
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pypdf
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamsada.outbox.actions import claim_due_messages, send_claimed
from hamsada.participation.tokens import make_token

# A form's masked CSRF token, which differs on every page drawn.
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf_token(html):
    """The page with its forms' CSRF tokens left out, to compare two pages."""
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken"', html)


# How far a page scrolls sideways; 0 when it fits the window.
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def wait_for(condition, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"gave up waiting after {timeout} s")


def database_url():
    """The test database, as a URL another process can open."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    return (
        f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST'] or '127.0.0.1'}:"
        f"{config['PORT'] or 5432}/{config['NAME']}"
    )


def send_due(now=None):
    """Sends what is due in this process, as the worker would."""
    now = now or timezone.now()
    send_claimed(claim_due_messages(now), now)


def confirm_url(act, language="en"):
    return f"/{language}/confirm/{make_token(act, 'confirm')}/"


def withdraw_url(act, language="en"):
    return f"/{language}/withdraw/{make_token(act, 'withdraw')}/"


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, kind):
    """The first /confirm/ or /withdraw/ link in a message's text part."""
    return re.search(rf"https?://\S+/{kind}/\S+/", text_of(message)).group(0)


def report_on(client, url, *actions, **fields):
    """Posts an action report: actions are (target, channel) pairs."""
    return client.post(url, {"actions": [f"{t.pk}:{channel}" for t, channel in actions], **fields})


def pdf_text(content):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def hamsada_verify(*args):
    """`hamsada verify` as anyone would run it: no settings, no database."""
    result = subprocess.run(
        [sys.executable, "-m", "hamsada.cli", "verify", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HAMSADA_LANGUAGE": "en"},
    )
    return result.returncode, result.stdout + result.stderr


# In the browser.


def watch_hosts(page):
    """Every host the page contacts; also fails the test on any missing resource."""
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("response", lambda response: assert_found(response))
    return hosts


def assert_found(response):
    if "/static/" in response.url:
        assert response.status in {200, 304}, (response.status, response.url)


def sign_in_browser(page, url, email, name="Ada Lovelace", country="AF"):
    page.goto(url)
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#id_country").select_option(country)
    page.locator("#id_consent").check()
    page.locator("form button[type=submit]").click()


def confirm_from_email(page, smtp_server, count):
    """Opens the count-th confirmation email's link (receipts come in between) and confirms."""

    def confirmations():
        found = [m for m in smtp_server.messages if "/confirm/" in text_of(m)]
        return len(found) >= count and found

    page.goto(link_in(wait_for(confirmations)[count - 1], "confirm"))
    page.locator("main form button[type=submit]").click()


@contextmanager
def exactly(count, using="default"):
    """Asserts that the block runs exactly count queries, listing them when it
    does not: a count that falls is news too (update it), not only one that rises."""
    with CaptureQueriesContext(connections[using]) as captured:
        yield captured
    ran = [query["sql"] for query in captured.captured_queries]
    assert len(ran) == count, f"{len(ran)} queries, not {count}:\n" + "\n".join(ran)
