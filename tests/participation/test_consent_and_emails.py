"""What a supporter agreed to is recorded; the privacy notice says what the
instance really does; emails can be discreet (what was measured: subjects
naming the campaign, "Please confirm your signature: …"); and a supporter can
have the list of what they signed emailed, the same answer for any address."""

import pytest
from django.test import Client
from django.utils import translation

from hamsada.campaigns.models import Campaign
from hamsada.outbox.models import Message
from hamsada.participation import privacy
from hamsada.participation.forms import SignForm
from hamsada.participation.models import Act
from hamsada.participation.tokens import read_token
from tests.factories import (
    confirmed_signature,
    open_letter,
    open_petition,
    organisation_signature,
    sign_data,
)
from tests.helpers import link_in, send_due, text_of, without_csrf_token

pytestmark = pytest.mark.django_db


def test_each_act_records_the_consent_and_notice_versions_it_was_shown(settings):
    petition = open_petition()
    Client().post("/fa/c/free-the-teachers/sign/", sign_data())
    act = Act.objects.get()
    with translation.override("fa"):
        shown = privacy.consent_hash(
            str(SignForm.base_fields["consent"].label), petition.retention_promise()
        )
    assert act.consent_hash == shown
    assert act.notice_hash == privacy.notice_hash("fa") != privacy.notice_hash("en")
    assert act.language == "fa" and act.created_at


def test_a_changed_retention_period_is_a_new_consent_version():
    first, second = open_petition(), open_petition("other", retention_days=30)
    Client().post(f"/en/c/{first.slug}/sign/", sign_data())
    Client().post(f"/en/c/{second.slug}/sign/", sign_data())
    one, other = Act.objects.order_by("pk")
    assert one.consent_hash != other.consent_hash
    assert one.notice_hash == other.notice_hash


def test_the_privacy_notice_is_made_from_the_real_settings(client, settings):
    settings.RETENTION_DAYS = 45
    settings.BACKUP_KEEP = 7
    settings.MAIL_PROVIDER = "postmark"
    page = client.get("/en/privacy/").content.decode()
    assert "erased 45 days after the campaign closes" in page
    assert "keeps the newest 7, so what is erased leaves the backups within 7 days" in page
    assert "delivered by <bdi>postmark</bdi>" in page
    assert client.get("/fa/privacy/").status_code == 200
    assert client.get("/ps/accessibility/").status_code == 200


def test_discreet_emails_name_neither_the_campaign_nor_the_cause(smtp_mailer):
    petition = open_petition(discreet_emails=True)
    Client().post(f"/en/c/{petition.slug}/sign/", sign_data())
    send_due()
    email = smtp_mailer.messages[0]
    assert email["Subject"] == "Please confirm"
    assert email["From"].startswith("Notifications <")
    assert "teachers" not in email["From"].lower()


def test_emails_name_the_campaign_unless_discreet(smtp_mailer):
    open_petition()
    Client().post("/en/c/free-the-teachers/sign/", sign_data())
    send_due()
    assert smtp_mailer.messages[0]["Subject"] == "Please confirm your signature: Free the teachers"


def ask_for_list(client, email):
    return client.post("/en/my-signatures/", {"email": email})


def test_the_list_of_acts_is_emailed_and_the_page_is_the_same_for_any_address(smtp_mailer):
    petition, letter = open_petition(), open_letter()
    mine = confirmed_signature(petition, email="ada@example.org", wants_updates=True)
    Client().post(f"/en/c/{letter.slug}/sign/", sign_data(email="Ada@example.org"))
    organisation_signature(letter, email="ada@example.org")
    confirmed_signature(open_petition("not-mine"), email="eve@example.org")
    known = ask_for_list(Client(), "ada@example.org")
    unknown = ask_for_list(Client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf_token(known.content.decode()) == without_csrf_token(
        unknown.content.decode()
    )
    assert not known.cookies
    lists = Message.objects.filter(kind=Message.Kind.ACTS_LIST)
    assert lists.count() == 1
    send_due()
    email = next(m for m in smtp_mailer.messages if m["Subject"] == "The list you asked for")
    text = text_of(email)
    assert "Free the teachers" in text and "not-mine" not in text
    assert text.count("/withdraw/") == 3  # two signatures and the organisation
    assert read_token(link_in(email, "withdraw").rsplit("/", 2)[-2], "withdraw") == mine.pk
    assert "/stop-updates/" in text
    assert email["To"] == "ada@example.org"


def test_the_list_is_rate_limited_per_address(smtp_mailer):
    confirmed_signature(open_petition(), email="ada@example.org")
    for number in range(5):
        ask_for_list(Client(REMOTE_ADDR=f"192.0.2.{number}"), "ada@example.org")
    assert Message.objects.filter(kind=Message.Kind.ACTS_LIST).count() == 3


def test_withdrawn_and_erased_campaigns_are_left_out_of_the_list():
    petition = open_petition()
    act = confirmed_signature(petition, email="ada@example.org")
    Campaign.objects.filter(pk=petition.pk).update(erased_at=act.confirmed_at)
    ask_for_list(Client(), "ada@example.org")
    assert not Message.objects.filter(kind=Message.Kind.ACTS_LIST).exists()
