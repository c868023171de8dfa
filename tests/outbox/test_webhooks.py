"""A provider's tracking webhooks (through Anymail) report bounces and
complaints. No provider can be reached from the tests: the payloads are the
ones the providers document, kept as fixtures, signed as the provider would."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import parse_qs

import pytest

from hamsada.keys.digests import suppression_digest
from hamsada.lib.env import anymail_backend
from hamsada.outbox.actions import HANDLERS
from hamsada.outbox.models import Message, Suppression
from hamsada.participation.models import Act
from tests.factories import pending_signature
from tests.helpers import send_due

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "fixtures" / "webhooks"
SIGNING_KEY = "key-of-the-mailgun-webhooks"
BASIC_AUTH = "hamsada:a-long-random-webhook-secret"


@pytest.fixture
def mailgun(settings):
    settings.MAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {"MAILGUN_API_KEY": "key", "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    return "/mail/events/mailgun/"


@pytest.fixture
def postmark(settings):
    settings.MAIL_PROVIDER = "postmark"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token", "WEBHOOK_SECRET": BASIC_AUTH}
    return "/mail/events/postmark/"


def payload(name, message, recipient="ada@example.org"):
    text = Template((FIXTURES / name).read_text())
    return json.loads(text.substitute(recipient=recipient, message=message.pk))


def signed(body, key=SIGNING_KEY):
    block = body["signature"]
    block["signature"] = hmac.new(
        key.encode(), f"{block['timestamp']}{block['token']}".encode(), hashlib.sha256
    ).hexdigest()
    return json.dumps(body)


def basic_auth(credentials=BASIC_AUTH):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.fixture
def sent(petition):
    act = pending_signature(petition)
    return act, Message.objects.get(act=act)


def test_a_mailgun_permanent_failure_marks_the_act_and_suppresses_the_address(
    client, mailgun, sent
):
    act, message = sent
    body = signed(payload("mailgun-failed-permanent.json", message))
    response = client.post(mailgun, body, content_type="application/json")
    assert response.status_code == 200
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED
    assert Suppression.objects.get().digest == suppression_digest("ada@example.org")


def test_a_mailgun_complaint_stops_updates(client, mailgun, sent):
    act, message = sent
    Act.objects.filter(pk=act.pk).update(wants_updates=True)
    body = signed(payload("mailgun-complained.json", message))
    assert client.post(mailgun, body, content_type="application/json").status_code == 200
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.COMPLAINED
    assert not act.wants_updates


def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(client, mailgun, sent):
    act, message = sent
    body = signed(payload("mailgun-failed-permanent.json", message), key="a-guessed-key")
    response = client.post(mailgun, body, content_type="application/json")
    assert response.status_code == 400
    act.refresh_from_db()
    assert act.undeliverable == ""
    assert not Suppression.objects.exists()


def test_a_mailgun_failure_that_is_not_about_the_address_suppresses_nothing(client, mailgun, sent):
    act, message = sent
    body = payload("mailgun-failed-permanent.json", message)
    body["event-data"]["delivery-status"]["message"] = "550 5.7.1 Rejected as spam"
    response = client.post(mailgun, signed(body), content_type="application/json")
    assert response.status_code == 200
    act.refresh_from_db()
    assert act.undeliverable == ""
    assert not Suppression.objects.exists()


def test_a_postmark_soft_bounce_suppresses_nothing(client, postmark, sent):
    """A full mailbox: Anymail reports it as bounced too."""
    act, message = sent
    body = payload("postmark-hard-bounce.json", message)
    body.update(Type="SoftBounce", TypeCode=4096, Details="smtp;452 4.2.2 Mailbox full")
    response = client.post(
        postmark, json.dumps(body), content_type="application/json", **basic_auth()
    )
    assert response.status_code == 200
    act.refresh_from_db()
    assert act.undeliverable == ""
    assert not Suppression.objects.exists()


def test_a_postmark_hard_bounce_with_the_webhook_secret(client, postmark, sent):
    act, message = sent
    body = json.dumps(payload("postmark-hard-bounce.json", message))
    response = client.post(postmark, body, content_type="application/json", **basic_auth())
    assert response.status_code == 200
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED


def test_a_postmark_spam_complaint(client, postmark, sent):
    act, message = sent
    body = json.dumps(payload("postmark-spam-complaint.json", message))
    client.post(postmark, body, content_type="application/json", **basic_auth())
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.COMPLAINED


def test_a_postmark_event_without_the_secret_is_refused(client, postmark, sent):
    _act, message = sent
    body = json.dumps(payload("postmark-hard-bounce.json", message))
    wrong = basic_auth("hamsada:guess")
    assert client.post(postmark, body, content_type="application/json").status_code == 400
    assert client.post(postmark, body, content_type="application/json", **wrong).status_code == 400
    assert not Suppression.objects.exists()


def test_an_event_for_a_message_unknown_here_still_suppresses_its_address(client, postmark, sent):
    _act, message = sent
    body = payload("postmark-hard-bounce.json", message, recipient="someone@example.net")
    body["Metadata"] = {}
    client.post(postmark, json.dumps(body), content_type="application/json", **basic_auth())
    assert Suppression.objects.get().digest == suppression_digest("someone@example.net")


def test_only_the_configured_providers_webhook_is_served(client, settings, mailgun):
    assert (
        client.post("/mail/events/postmark/", "{}", content_type="application/json").status_code
        == 404
    )
    settings.MAIL_PROVIDER = ""
    assert client.post(mailgun, "{}", content_type="application/json").status_code == 404


def test_the_message_carries_its_number_for_the_provider_to_hand_back(settings, sent):
    """What Anymail sends as metadata (Mailgun's user-variables, Postmark's Metadata)."""
    _act, message = sent
    email = HANDLERS[message.kind].render(message)
    assert email.metadata == {"hamsada_message": str(message.pk)}


class ProviderAPI(BaseHTTPRequestHandler):
    """Mailgun's sending API on loopback: records each request, answers as Mailgun does."""

    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ProviderAPI.requests.append((self.path, self.headers["Content-Type"], body))
        answer = json.dumps({"id": "<20261130.1.ABC@mg.example.org>", "message": "Queued."})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def mailgun_api(settings, mailgun):
    ProviderAPI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ProviderAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "MAILGUN_API_URL": f"http://127.0.0.1:{server.server_port}/v3",
    }
    settings.MAILERS = {"default": {"BACKEND": anymail_backend("mailgun")}}
    settings.DEFAULT_FROM_EMAIL = "Hamsada <noreply@mg.example.org>"
    yield ProviderAPI.requests
    server.shutdown()


def test_mail_goes_through_the_providers_api_with_its_number(mailgun_api, petition):
    act = pending_signature(petition)
    send_due()
    message = Message.objects.get(act=act)
    assert message.status == Message.Status.SENT
    [(path, _content_type, body)] = mailgun_api
    assert path == "/v3/mg.example.org/messages"
    form = parse_qs(body.decode())
    assert form["to"] == ["ada@example.org"]
    assert form["from"] == ["Hamsada <noreply@mg.example.org>"]
    assert form["h:Message-Id"] == [message.message_id]
    # Handed back in its bounce and complaint events, as user-variables.
    assert form["v:hamsada_message"] == [str(message.pk)]


def test_one_setting_chooses_the_provider(tmp_path):
    environment = {
        **os.environ,
        "HAMSADA_VAR_DIR": str(tmp_path),
        "HAMSADA_MAIL_PROVIDER": "mailgun",
        "HAMSADA_ANYMAIL": '{"MAILGUN_API_KEY": "key"}',
    }
    environment.pop("HAMSADA_SMTP_URL", None)
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "hamsada.cli",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.splitlines()[-1] == "anymail.backends.mailgun.EmailBackend"
    environment["HAMSADA_MAIL_PROVIDER"] = "no-such-provider"
    refused = subprocess.run(
        [sys.executable, "-m", "hamsada.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "HAMSADA_MAIL_PROVIDER must be Anymail's name for a provider" in refused.stderr


def test_a_provider_webhook_without_its_signing_key_answers_503_not_500(client, settings):
    settings.MAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {}
    response = client.post("/mail/events/mailgun/", "{}", content_type="application/json")
    assert response.status_code == 503


@pytest.mark.parametrize("body", ["not json", "[1]"])
def test_a_body_the_provider_never_sends_is_refused(client, postmark, body):
    response = client.post(postmark, body, content_type="application/json", **basic_auth())
    assert response.status_code == 400
    assert not Suppression.objects.exists()
