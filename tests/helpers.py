"""What tests share beyond the state-named builders in factories.py: waiting,
reading emails and PDFs, running `hamsada verify`, sending due mail in the
test's own process, and driving the browser."""

import base64
import hashlib
import hmac
import io
import re
import struct
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

# A form's masked CSRF token, which differs on every page drawn, and a public
# form's token, which says the second the page was drawn.
CSRF_TOKEN = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"')


def token_in(response):
    """The public form token of a page (web.guard), as a browser would send it back."""
    return re.search(r'name="form_token" value="([^"]+)"', response.content.decode())[1]


def without_csrf_token(html):
    """The page with its forms' tokens left out, to compare two pages."""
    return CSRF_TOKEN.sub(r'name="\1"', html)


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


# Organisers.


def totp(secret, at=None):
    """The six-digit code an authenticator app shows for secret (base32, as
    the setup page prints it), computed as RFC 6238 says, not by our code."""
    secret = "".join(secret.split()).upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def log_in(client, user, language="en"):
    """Logs user in as they would: their password (here, a forced login), then,
    for roles that need one, the second factor, through its page. The account
    gets an authenticator app the first time."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    secret = base64.b32encode(device.bin_key).decode()
    # Each code is accepted once: a second login in the same 30 s uses the
    # next one, which the app's clock tolerance allows.
    step = max(int(time.time() // 30), device.last_t + 1)
    response = client.post(f"/{language}/admin/account/verify/", {"code": totp(secret, step * 30)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return user


def log_in_browser(page, base_url, language="en", username="organiser"):
    """A demo account logs in as a person does: password, then the code of the
    moment from the demo's known authenticator key."""
    from hamsada.ops.demo import DEMO_PASSWORD, DEMO_TOTP_KEY

    page.goto(f"{base_url}/{language}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/**")
    if "/admin/account/verify/" in page.url:
        secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        page.locator("#id_code").fill(totp(secret))
        page.locator("input[type=submit]").click()
        page.wait_for_url(lambda url: "/admin/account/" not in url)
