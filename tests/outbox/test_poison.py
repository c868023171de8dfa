"""No message can stop the mail: an address Python cannot encode is refused
by the form, and one already stored fails alone while the rest go out."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsada.keys.digests import act_digest
from hamsada.lib import crypto
from hamsada.outbox import actions as outbox
from hamsada.outbox.models import Message
from hamsada.participation.forms import SignForm
from hamsada.participation.models import Act
from tests.factories import open_petition, pending_signature, sign_data
from tests.helpers import send_due, wait_for

# As reported: a tatweel inside a Latin label, and a 60-character label of é.
POISON = ["poison@ex\u0640ample.org", "poison@" + "é" * 60 + ".org"]
SIGN = "/en/c/free-the-teachers/sign/"


@pytest.mark.django_db
@pytest.mark.parametrize("address", POISON)
def test_the_form_refuses_an_address_no_mail_server_could_be_given(client, petition, address):
    response = client.post(SIGN, sign_data(email=address))
    assert response.status_code == 400
    assert "The part after @ cannot receive email as written" in response.content.decode()
    assert not Act.objects.exists() and not Message.objects.exists()


@pytest.mark.django_db
def test_the_refusal_is_translated(client, petition):
    response = client.post("/fa/c/free-the-teachers/sign/", sign_data(email=POISON[0]))
    assert response.status_code == 400
    assert "The part after @" not in response.content.decode()
    assert not Act.objects.exists()


@pytest.mark.django_db
def test_the_form_and_the_worker_agree_on_an_international_domain(petition, smtp_mailer):
    # Python's own codec would send this to strasse.de, another domain.
    pending_signature(petition, email="ada@straße.de")
    send_due()
    [(recipients, _raw)] = smtp_mailer.received
    assert recipients == ["ada@xn--strae-oqa.de"]


def store_unchecked(campaign, address):
    """An act stored before the form checked domains, as old data may be."""
    return Act.objects.create(
        campaign=campaign,
        kind=Act.Kind.SIGNATURE,
        email_encrypted=crypto.encrypt(address),
        email_digest=act_digest(campaign.pk, address),
        language="en",
        created_at=timezone.now(),
    )


def queue_confirmation(act):
    return outbox.queue(Message.Kind.CONFIRM, act=act, language="en", now=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_poisoned_messages_fail_alone_and_the_real_worker_sends_the_rest(worker, smtp_server):
    petition = open_petition()
    poisoned = [queue_confirmation(store_unchecked(petition, address)) for address in POISON]
    pending_signature(petition, email="ada@example.org")
    [message] = wait_for(lambda: smtp_server.messages)
    assert message["To"] == "ada@example.org"

    def settled():
        rows = Message.objects.filter(pk__in=[m.pk for m in poisoned])
        return all(m.status == Message.Status.FAILED for m in rows) and rows

    for row in wait_for(settled):
        assert row.last_error == "the address's domain cannot be written for a mail server"
    assert worker.poll() is None  # still running; the fixture checks its output too


@pytest.mark.django_db
def test_a_message_claimed_past_its_attempts_fails_instead_of_going_out_again(petition):
    act = pending_signature(petition)
    Message.objects.filter(act=act).update(attempts=outbox.MAX_ATTEMPTS)
    assert outbox.claim_due_messages(timezone.now()) == []
    message = Message.objects.get(act=act)
    assert (message.status, message.last_error) == ("failed", "gave up after 10 attempts")


@pytest.mark.django_db
def test_any_error_while_sending_is_kept_on_that_message_alone_and_redacted(petition, monkeypatch):
    first = pending_signature(petition, email="first@example.org")
    second = pending_signature(petition, email="second@example.org")
    sent = []

    class Picky:
        def send(self, emails):
            if emails[0].to == ["first@example.org"]:
                raise UnicodeEncodeError("idna", "first@example.org", 0, 1, "label too long")
            sent.extend(emails)

        def close(self):
            pass

    handler = outbox.HANDLERS[Message.Kind.CONFIRM]
    monkeypatch.setitem(
        outbox.HANDLERS, Message.Kind.CONFIRM, outbox.Handler(handler.render, Picky)
    )
    send_due()
    failed = Message.objects.get(act=first)
    assert failed.status == "failed" and "example.org" not in failed.last_error
    assert Message.objects.get(act=second).status == "sent"
    assert [email.to for email in sent] == [["second@example.org"]]


LABEL_LETTERS = st.sampled_from(
    ["a", "z", "0", "-", "é", "ß", "ـ", "\u200c", "\u200d", "ا", "ښ", "ж", "中", "Ⅻ", "ﬁ", "\u0301"]
)
label = st.lists(LABEL_LETTERS, min_size=1, max_size=70).map("".join)
domains = st.lists(label, min_size=1, max_size=3).map(lambda labels: ".".join([*labels, "org"]))
locals_ = st.text(alphabet="abcxyz.+_-éښ", min_size=1, max_size=20)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(local=locals_, domain=domains)
def test_whatever_address_the_form_accepts_can_be_sent(petition, smtp_mailer, local, domain):
    address = f"{local}@{domain}"
    form = SignForm(sign_data(email=address))
    if not form.is_valid():
        assert "email" in form.errors
        return
    Message.objects.all().delete()
    smtp_mailer.recorder.received.clear()
    act = pending_signature(petition, email=form.cleaned_data["email"])
    send_due()
    message = Message.objects.get(act=act)
    assert message.status == Message.Status.SENT, (address, message.last_error)
    [(recipients, _raw)] = smtp_mailer.received
    assert recipients[0].isascii()
