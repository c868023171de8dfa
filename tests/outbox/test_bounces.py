"""An address that bounces for good, or whose owner reports our mail as spam,
is suppressed instance-wide by a keyed digest of its own, and the act is
marked undeliverable: at send time (a 5xx for the recipient), from a bounce
report sent back to the message's signed return path, and from a provider's
tracking webhook."""

import io
import mailbox
from datetime import timedelta
from pathlib import Path
from string import Template

import pytest
from django.core.management import call_command
from django.utils import timezone

from hamsada.keys.digests import suppression_digest
from hamsada.organizations.roles import Role
from hamsada.outbox.actions import suppress
from hamsada.outbox.emails import message_of_return_path, return_path
from hamsada.outbox.models import Message, Suppression
from hamsada.participation.actions import announce_event, send_reminders
from hamsada.participation.models import Act
from tests import factories
from tests.factories import confirmed_signature, pending_signature
from tests.helpers import log_in, send_due

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "fixtures" / "bounces"


@pytest.fixture
def bounce_address(settings):
    settings.BOUNCE_ADDRESS = "bounces@example.org"
    return settings.BOUNCE_ADDRESS


def report(name, message, recipient="ada@example.org", **fields):
    values = {
        "return_path": return_path(message),
        "recipient": recipient,
        "action": "failed",
        "status": "5.1.1",
        "diagnostic": f"550 5.1.1 <{recipient}>: Recipient address rejected: User unknown",
        **fields,
    }
    return Template((FIXTURES / name).read_text()).substitute(values).encode()


def bounce(raw, *args):
    out = io.StringIO()
    call_command("bounce", *args, stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def suppressed(address):
    return Suppression.objects.filter(digest=suppression_digest(address)).first()


def test_each_message_has_a_signed_return_path_of_its_own(bounce_address, smtp_mailer, petition):
    pending_signature(petition)
    send_due()
    message = Message.objects.get()
    [sender] = smtp_mailer.senders
    box, _number_and_signature = sender.split("@")[0].split("+")
    assert box == "bounces" and sender.endswith("@example.org")
    assert message_of_return_path(sender) == message.pk
    # What the supporter sees as the sender is still the From address.
    assert smtp_mailer.messages[0]["From"] == "Hamsada <noreply@localhost>"
    forged = sender.replace(f"+{message.pk}-", f"+{message.pk + 1}-")
    assert message_of_return_path(forged) is None
    assert message_of_return_path(f"someone+{message.pk}-x@example.org") is None


def test_without_a_bounce_address_the_envelope_sender_is_the_from_address(smtp_mailer, petition):
    pending_signature(petition)
    send_due()
    assert smtp_mailer.senders == ["noreply@localhost"]


def test_a_5xx_for_the_recipient_at_send_time_suppresses_the_address(smtp_mailer, petition):
    smtp_mailer.refuse_recipient("ada@example.org", "550 5.1.1 <ada@example.org>: no such user")
    act = pending_signature(petition)
    pending_signature(petition, email="grace@example.org")
    send_due()
    message = Message.objects.get(act=act)
    assert message.status == Message.Status.FAILED
    assert "ada@example.org" not in message.last_error
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED
    assert act.undeliverable_at is not None
    assert suppressed("ada@example.org").reason == Suppression.Reason.BOUNCED
    assert [to for to, _raw in smtp_mailer.received] == [["grace@example.org"]]


def test_the_suppression_keeps_no_plain_address(smtp_mailer, petition):
    smtp_mailer.refuse_recipient("ada@example.org", "550 5.1.1 no such user")
    pending_signature(petition)
    send_due()
    [row] = Suppression.objects.values()
    assert "ada@" not in str(row) and "example.org" not in str(row)
    # Its own key: not the digest that deduplicates signatures.
    assert row["digest"] != Act.objects.get().email_digest


@pytest.mark.parametrize(
    "reply",
    [
        "550 5.7.1 Service unavailable, client host blocked using a blocklist",
        "550 5.7.1 client [5.1.20.3] blocked",
        "550 relay not permitted",
        "554 Transaction failed",
        "451 4.3.0 Try again later",
    ],
)
def test_a_refusal_that_is_not_about_the_address_suppresses_nothing(smtp_mailer, petition, reply):
    smtp_mailer.refuse_recipient("ada@example.org", reply)
    act = pending_signature(petition)
    send_due()
    assert not Suppression.objects.exists()
    act.refresh_from_db()
    assert act.undeliverable == ""


def test_a_suppressed_address_gets_no_mail_from_any_campaign(smtp_mailer, petition):
    smtp_mailer.refuse_recipient("ada@example.org", "550 5.1.1 no such user")
    pending_signature(petition)
    send_due()
    smtp_mailer.recorder.refuse_recipients.clear()
    other = factories.open_petition(slug="another")
    # The same mailbox, spelled differently.
    act = pending_signature(other, email="Ada@EXAMPLE.org")
    send_due()
    assert smtp_mailer.received == []
    message = Message.objects.get(act=act)
    assert message.status == Message.Status.FAILED
    assert message.last_error == "suppressed: the address bounced"
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED


def test_an_internationalised_domain_is_suppressed_in_either_spelling(smtp_mailer, petition):
    smtp_mailer.refuse_recipient("ada@xn--mgbh0fb.af", "550 5.1.1 no such user")
    pending_signature(petition, email="ada@مثال.af")
    send_due()
    assert suppressed("ada@مثال.af") == suppressed("ada@xn--mgbh0fb.af") is not None


def test_a_bounce_report_on_standard_input_marks_its_act(bounce_address, smtp_mailer, petition):
    act = pending_signature(petition)
    send_due()
    message = Message.objects.get()
    out = bounce(report("postfix-failed.eml", message))
    assert f"message {message.pk}: bounced" in out
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED
    assert suppressed("ada@example.org").reason == Suppression.Reason.BOUNCED
    # Read twice (an MTA may deliver a report again): nothing changes.
    first = act.undeliverable_at
    bounce(report("postfix-failed.eml", message))
    act.refresh_from_db()
    assert act.undeliverable_at == first
    assert Suppression.objects.count() == 1


def test_the_address_suppressed_is_the_acts_even_when_the_report_names_another(
    bounce_address, smtp_mailer, petition
):
    """A forwarding mailbox reports the address it forwarded to."""
    pending_signature(petition)
    send_due()
    bounce(report("postfix-failed.eml", Message.objects.get(), recipient="ada@forward.example"))
    assert suppressed("ada@example.org") is not None


def test_a_report_to_a_forged_return_path_changes_nothing(bounce_address, smtp_mailer, petition):
    act = pending_signature(petition)
    send_due()
    message = Message.objects.get()
    raw = report("postfix-failed.eml", message).replace(
        return_path(message).encode(), f"bounces+{message.pk}-0123456789abcdef@example.org".encode()
    )
    assert "no message of ours" in bounce(raw)
    act.refresh_from_db()
    assert act.undeliverable == ""
    assert not Suppression.objects.exists()


@pytest.mark.parametrize(
    ("fixture", "action", "status", "diagnostic"),
    [
        ("gmail-delayed.eml", "delayed", "4.4.1", "421 4.4.1 Connection timed out"),
        ("postfix-failed.eml", "failed", "5.7.1", "550 5.7.1 Message rejected as spam"),
        ("postfix-failed.eml", "failed", "5.2.2", "552 5.2.2 Mailbox full"),
    ],
)
def test_a_temporary_or_unrelated_failure_suppresses_nothing(
    bounce_address, smtp_mailer, petition, fixture, action, status, diagnostic
):
    act = pending_signature(petition)
    send_due()
    raw = report(
        fixture, Message.objects.get(), action=action, status=status, diagnostic=diagnostic
    )
    assert "nothing to do" in bounce(raw)
    act.refresh_from_db()
    assert act.undeliverable == ""
    assert not Suppression.objects.exists()


def test_a_spam_complaint_to_the_return_path_stops_all_mail(bounce_address, smtp_mailer, petition):
    act = confirmed_signature(petition)
    Act.objects.filter(pk=act.pk).update(wants_updates=True)
    announce_event(petition.events.get(), timezone.now())
    send_due()
    update = Message.objects.get(kind=Message.Kind.UPDATE)
    assert "complained" in bounce(report("arf-complaint.eml", update))
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.COMPLAINED
    assert not act.wants_updates
    assert suppressed("ada@example.org").reason == Suppression.Reason.COMPLAINED
    assert act.status == Act.Status.CONFIRMED  # still counted: the supporter confirmed


def test_reports_are_read_from_an_mbox_and_a_maildir(
    bounce_address, smtp_mailer, petition, tmp_path
):
    ada = pending_signature(petition)
    grace = pending_signature(petition, email="grace@example.org")
    send_due()
    mbox = mailbox.mbox(tmp_path / "bounces.mbox")
    mbox.add(report("postfix-failed.eml", Message.objects.get(act=ada)))
    mbox.flush()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(report("postfix-failed.eml", Message.objects.get(act=grace), "grace@example.org"))
    bounce(b"", "--mbox", str(tmp_path / "bounces.mbox"))
    bounce(b"", "--maildir", str(tmp_path / "Maildir"))
    assert set(Act.objects.values_list("undeliverable", flat=True)) == {"bounced"}


def test_the_recipient_an_mta_gives_names_the_message(
    bounce_address, smtp_mailer, petition, monkeypatch
):
    """Postfix's pipe sets $ORIGINAL_RECIPIENT; the report's own headers may not say."""
    act = pending_signature(petition)
    send_due()
    message = Message.objects.get()
    raw = report("postfix-failed.eml", message).replace(
        return_path(message).encode(), b"postmaster@example.org"
    )
    monkeypatch.setenv("ORIGINAL_RECIPIENT", return_path(message))
    bounce(raw)
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED


def test_reminders_and_updates_skip_undeliverable_acts(petition):
    act = confirmed_signature(petition)
    Act.objects.filter(pk=act.pk).update(
        wants_updates=True, undeliverable=Suppression.Reason.BOUNCED
    )
    assert announce_event(petition.events.get(), timezone.now()) == 0
    pending = pending_signature(petition, email="grace@example.org")
    Act.objects.filter(pk=pending.pk).update(undeliverable=Suppression.Reason.BOUNCED)
    assert send_reminders(timezone.now() + timedelta(hours=25)) == 0


def test_after_a_complaint_only_what_the_supporter_asks_for_again_is_sent(smtp_mailer, petition):
    suppress("ada@example.org", Suppression.Reason.COMPLAINED, timezone.now())
    act = pending_signature(petition)  # signing again: the confirmation goes
    pending_signature(petition)  # "already signed", which anyone can cause: not
    send_due()
    assert [to for to, _raw in smtp_mailer.received] == [["ada@example.org"]]
    kinds = dict(Message.objects.filter(act=act).values_list("kind", "status"))
    assert kinds == {"confirm": "sent", "already_signed": "failed"}


def test_a_report_that_cannot_be_read_does_not_stop_the_others(
    bounce_address, smtp_mailer, petition, tmp_path
):
    act = pending_signature(petition)
    send_due()
    mbox = mailbox.mbox(tmp_path / "bounces.mbox")
    mbox.add(b"To: bounces+1-\xc3\xa9@example.org\nSubject: odd\n\nnothing")
    mbox.add(report("postfix-failed.eml", Message.objects.get()))
    mbox.flush()
    out = bounce(b"", "--mbox", str(tmp_path / "bounces.mbox"))
    assert "no message of ours" in out
    act.refresh_from_db()
    assert act.undeliverable == Suppression.Reason.BOUNCED
    assert "ada@example.org" not in out


def test_a_suppression_is_found_by_its_address_and_lifted_by_deleting_it(
    operator_client, smtp_mailer, petition
):
    admin_client = operator_client
    smtp_mailer.refuse_recipient("ada@example.org", "550 5.1.1 no such user")
    pending_signature(petition)
    send_due()
    found = admin_client.get("/en/admin/outbox/suppression/", {"q": "Ada@example.org"})
    assert "1 suppressed address" in found.content.decode()
    none = admin_client.get("/en/admin/outbox/suppression/", {"q": "grace@example.org"})
    assert "0 suppressed addresses" in none.content.decode()
    suppression = Suppression.objects.get()
    admin_client.post(f"/en/admin/outbox/suppression/{suppression.pk}/delete/", {"post": "yes"})
    smtp_mailer.recorder.refuse_recipients.clear()
    pending_signature(factories.open_petition(slug="again"))
    send_due()
    assert [to for to, _raw in smtp_mailer.received] == [["ada@example.org"]]


def test_organisers_see_bounces_and_complaints_per_campaign(
    client, smtp_mailer, petition, django_user_model
):
    smtp_mailer.refuse_recipient("gone@example.org", "550 5.1.1 no such user")
    smtp_mailer.refuse_recipient("moved@example.org", "550 5.1.6 mailbox moved")
    for email in ("gone@example.org", "moved@example.org", "ada@example.org"):
        pending_signature(petition, email=email)
    quiet = factories.open_petition(slug="quiet")
    pending_signature(quiet, email="grace@example.org")
    send_due()
    log_in(client, factories.organiser("watcher", petition.organization, Role.CAMPAIGNER))
    page = client.get("/en/admin/outbox/message/").content.decode()
    row = page.split('data-testid="undeliverable-free-the-teachers">')[1].split("</tr>")[0]
    assert "<td>2</td><td>0</td>" in row
    assert 'data-testid="undeliverable-quiet"' not in page
    assert "Addresses suppressed in the last 24 hours: Bounced" in page
    dari = client.get("/fa/admin/outbox/message/").content.decode()
    assert "<td>۲</td><td>۰</td>" in dari
