"""Organisers hear of unusual rises in a campaign's new acts: many from one
email domain, or an hour far above the week before. Counted as the worker
makes each act's first email, from its decrypted address, under a keyed
digest of the domain; alerted once per campaign, kind, domain and hour."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hamsada.keys.digests import domain_digest
from hamsada.lib.crypto import canonical_email
from hamsada.ops.rotation import rotate
from hamsada.organizations.roles import Role
from hamsada.outbox.models import Message
from hamsada.participation.actions import record_act, resend_confirmation
from hamsada.participation.emails import render_act_email
from hamsada.participation.models import Act
from hamsada.tally.actions import Past, hour_of, unusual_domain, unusual_hour
from hamsada.tally.models import RiseAlert, RiseCount, RiseCounted
from tests.conftest import start_worker, stop_worker
from tests.factories import open_petition, organiser, organization
from tests.helpers import log_in, send_due, text_of, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FLOOD = "throwaway.example"
# An ordinary week before: 20 new acts an hour, 40 % of them at gmail.com.
ORDINARY_HOUR = {"gmail.com": 8, "yahoo.com": 3, "outlook.com": 3, "proton.me": 2}
ORDINARY_HOUR |= {f"uni{number}.edu.af": 1 for number in range(4)}


@pytest.fixture
def people(db):
    """The campaign's organisation's owner, campaigner and viewer, and another
    organisation's owner, each with an address."""
    ours, theirs = organization(), organization("other", "Other")
    found = {}
    for username, org, role in [
        ("owner", ours, Role.OWNER),
        ("campaigner", ours, Role.CAMPAIGNER),
        ("viewer", ours, Role.VIEWER),
        ("rival", theirs, Role.OWNER),
    ]:
        user = organiser(username, org, role)
        user.email = f"{username}@organisers.example"
        user.save(update_fields=["email"])
        found[username] = user
    return found


@pytest.fixture
def petition(people):
    return open_petition()


def sign(campaign, addresses, signed_at):
    """New pending signatures from addresses, all signed at signed_at (one
    hour, however long signing them takes)."""
    return [
        record_act(
            campaign,
            kind=Act.Kind.SIGNATURE,
            name="",
            email=address,
            country="AF",
            show_name=False,
            wants_updates=False,
            language="en",
            now=signed_at,
        )
        for address in addresses
    ]


def addresses(domain, count, start=0):
    return [f"supporter{number}@{domain}" for number in range(start, start + count)]


def past_week(campaign, per_hour, hour, hours=72):
    """The counts the campaign's previous hours left: per_hour ({domain: new
    acts}) in each of the hours before hour."""
    rows = []
    for back in range(1, hours + 1):
        at = hour - timedelta(hours=back)
        rows.append(RiseCount(campaign=campaign, hour=at, domain="", count=sum(per_hour.values())))
        for domain, count in per_hour.items():
            digest = domain_digest(campaign.pk, domain)
            rows.append(RiseCount(campaign=campaign, hour=at, domain=digest, count=count))
    RiseCount.objects.bulk_create(rows)


def send_everything(now=None):
    """Sends in this process, as the worker would, until nothing is due."""
    now = now or timezone.now()
    while Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now).exists():
        send_due(now)


def alert_emails(smtp_server):
    return [message for message in smtp_server.messages if "Unusual rise" in message["Subject"]]


def recipients(messages):
    return sorted(message["To"] for message in messages)


def outbox_empty():
    waiting = [Message.Status.QUEUED, Message.Status.SENDING]
    return not Message.objects.filter(status__in=waiting).exists()


def test_many_confirmations_from_a_new_domain_alert_the_owner_and_the_campaigner(
    petition, people, smtp_server, live_server
):
    signed_at = timezone.now()
    past_week(petition, ORDINARY_HOUR, hour_of(signed_at))
    worker = start_worker(smtp_server, live_server)
    try:
        sign(petition, addresses(FLOOD, 60), signed_at)
        wait_for(lambda: len(smtp_server.messages) >= 62 and outbox_empty())
        alerts = alert_emails(smtp_server)
        assert recipients(alerts) == ["campaigner@organisers.example", "owner@organisers.example"]
        assert len(smtp_server.messages) == 62  # and the 60 confirmations
        body = text_of(alerts[0])
        assert FLOOD in body
        so_far = int(re.search(r"(\d+) new supporter acts came from", body).group(1))
        assert 50 <= so_far <= 60
        assert "In the week before, no new act came from that domain." in body
        assert "fake signatures" in body
        assert f"/en/admin/participation/act/?campaign__id__exact={petition.pk}" in body
        assert "all the acts from one email domain at once" in body
        assert f"/en/admin/participation/bulkinvalidation/add/?campaign={petition.pk}" in body
        title = "\u2068Free the teachers\u2069"
        assert alerts[0]["Subject"] == f"Unusual rise in new supporter acts: {title}"

        # More from the same domain in the same hour: no second alert.
        sign(petition, addresses(FLOOD, 20, start=60), signed_at)
        wait_for(lambda: len(smtp_server.messages) >= 82 and outbox_empty())
    finally:
        stop_worker(worker)
    assert len(alert_emails(smtp_server)) == 2
    [alert] = RiseAlert.objects.all()
    assert (alert.kind, alert.domain_name) == (RiseAlert.Kind.DOMAIN, FLOOD)
    # Raised by the email that crossed the minimum; with several connections
    # sending at once, another may have counted meanwhile.
    assert 50 <= alert.count <= 60
    assert alert.usual == 0
    counts = RiseCount.objects.filter(hour=hour_of(signed_at))
    assert counts.get(domain="").count == 80
    assert counts.get(domain=domain_digest(petition.pk, FLOOD)).count == 80


def test_ordinary_traffic_with_a_big_webmail_share_raises_no_alert(petition, smtp_mailer):
    signed_at = timezone.now()
    # 30 an hour the week before, 40 % at gmail.com.
    past_week(petition, {**ORDINARY_HOUR, "gmail.com": 12, "yahoo.com": 9}, hour_of(signed_at))
    # A busy hour, near five times the usual, with gmail.com at its usual 40 %:
    # over the minimum and over 30 % of the hour, and ordinary.
    busy = addresses("gmail.com", 56)
    for number in range(28):
        busy += addresses(f"school{number}.edu.af", 3)
    sign(petition, busy, signed_at)
    send_everything()
    assert len(smtp_mailer.messages) == 140
    assert alert_emails(smtp_mailer) == []
    assert not RiseAlert.objects.exists()
    assert RiseCount.objects.get(hour=hour_of(signed_at), domain="").count == 140


def test_an_hour_far_above_the_week_before_alerts_with_its_total(petition, people, smtp_mailer):
    signed_at = timezone.now()
    past_week(petition, ORDINARY_HOUR, hour_of(signed_at))  # 20 an hour
    spread = []
    for number in range(40):
        spread += addresses(f"school{number}.edu.af", 3)
    sign(petition, spread, signed_at)
    send_everything()
    [alert] = RiseAlert.objects.all()
    assert (alert.kind, alert.count, alert.domain, alert.domain_encrypted) == ("hour", 101, "", "")
    assert alert.usual == 20
    alerts = alert_emails(smtp_mailer)
    assert recipients(alerts) == ["campaigner@organisers.example", "owner@organisers.example"]
    body = text_of(alerts[0])
    assert "the campaign brought 120 new supporter acts so far." in body
    assert "In the week before, it brought about 20 new acts an hour." in body


def test_a_campaigns_first_hour_alerts_by_a_domains_share_alone(petition):
    signed_at = timezone.now()
    sign(petition, addresses(FLOOD, 50) + addresses("gmail.com", 20), signed_at)
    send_everything()
    [alert] = RiseAlert.objects.all()  # and none for the hour: nothing to rise from
    assert (alert.kind, alert.domain_name, alert.count) == ("domain", FLOOD, 50)


def test_a_discreet_campaigns_alert_names_no_campaign_in_its_subject(people, smtp_mailer):
    petition = open_petition(discreet_emails=True)
    sign(petition, addresses(FLOOD, 50), timezone.now())
    send_everything()
    alerts = alert_emails(smtp_mailer)
    assert {message["Subject"] for message in alerts} == {"Unusual rise in new supporter acts"}
    assert "Free the teachers" in text_of(alerts[0])  # the organiser is told which


def test_a_retried_or_resent_confirmation_counts_once(petition, smtp_mailer):
    signed_at = timezone.now()
    [act] = sign(petition, ["ada@riseup.net"], signed_at)
    smtp_mailer.refuse("451 4.3.0 Try again later")
    send_due(signed_at)
    message = Message.objects.get(act=act)
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    smtp_mailer.refuse(None)
    send_due(signed_at + timedelta(minutes=5))
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    render_act_email(message)  # made once more, whatever the reason
    resend_confirmation(petition, "ada@riseup.net", signed_at)
    send_everything(signed_at + timedelta(minutes=10))
    assert len(smtp_mailer.messages) == 2
    assert RiseCounted.objects.count() == 1
    counts = RiseCount.objects.filter(hour=hour_of(signed_at))
    assert sorted(counts.values_list("count", flat=True)) == [1, 1]


def test_no_domain_is_stored_in_plain(petition, people):
    domain = "Throwaway.Example"
    sign(petition, addresses(domain, 60), timezone.now())
    send_everything()
    assert RiseAlert.objects.get().domain_name == FLOOD
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                found += [(table, value) for value in row if FLOOD in str(value).lower()]
    assert found == []


def test_with_the_defence_off_nothing_is_counted_or_alerted(
    settings, petition, people, smtp_mailer
):
    settings.RISE_ALERTS = False
    sign(petition, addresses(FLOOD, 60), timezone.now())
    send_everything()
    assert len(smtp_mailer.messages) == 60
    assert alert_emails(smtp_mailer) == []
    assert not RiseCount.objects.exists()
    assert not RiseCounted.objects.exists()
    assert not RiseAlert.objects.exists()


def test_another_organisations_organisers_neither_hear_of_nor_see_the_alert(
    petition, people, smtp_mailer, client
):
    sign(petition, addresses(FLOOD, 50), timezone.now())
    send_everything()
    assert "rival@organisers.example" not in recipients(alert_emails(smtp_mailer))
    log_in(client, people["rival"])
    listed = client.get("/en/admin/tally/risealert/")
    assert FLOOD not in listed.content.decode()
    alert = RiseAlert.objects.get()
    assert client.get(f"/en/admin/tally/risealert/{alert.pk}/change/").status_code == 404


def test_owners_and_campaigners_read_the_alerts_domain_in_the_admin(petition, people, client):
    sign(petition, addresses(FLOOD, 50), timezone.now())
    send_everything()
    log_in(client, people["campaigner"])
    page = client.get("/en/admin/tally/risealert/").content.decode()
    assert FLOOD in page
    assert f"/en/admin/participation/act/?campaign__id__exact={petition.pk}" in page
    client.logout()
    log_in(client, people["viewer"])
    assert client.get("/en/admin/tally/risealert/").status_code == 403


def test_a_key_rotation_carries_the_counts_and_the_alerts(settings, petition):
    signed_at = timezone.now()
    sign(petition, addresses(FLOOD, 50), signed_at)
    send_everything()
    new_key = "n" * 64
    rotate(settings.ENCRYPTION_KEY, new_key, timezone.now())
    settings.ENCRYPTION_KEY = new_key
    assert RiseAlert.objects.get().domain_name == FLOOD
    sign(petition, addresses(FLOOD, 1, start=50), signed_at)
    send_everything()
    digest = domain_digest(petition.pk, FLOOD)
    assert RiseCount.objects.get(hour=hour_of(signed_at), domain=digest).count == 51


# The rules alone.


def test_a_webmail_provider_at_its_usual_share_is_not_unusual():
    past = Past(total=30 * 168, domain=12 * 168, hours=168)  # 40 % of 30 an hour
    assert not unusual_domain(56, 140, past)  # a busy hour, 40 % again
    assert not unusual_domain(400, 1000, past)  # a viral hour: the hour may alert
    assert unusual_domain(900, 1000, past)  # it took the hour over


def test_a_domain_never_seen_in_a_known_week_is_unusual_in_bulk_even_in_a_busy_hour():
    past = Past(total=30 * 168, domain=0, hours=168)
    assert unusual_domain(200, 2000, past)
    assert not unusual_domain(49, 60, past)  # under the minimum


def test_a_rise_needs_something_to_rise_from():
    assert not unusual_hour(500, Past())
    assert unusual_hour(101, Past(total=20 * 10, hours=10))
    assert not unusual_hour(100, Past(total=20 * 10, hours=10))  # not more than 5 times
    assert not unusual_hour(99, Past(total=1, hours=10))  # under the minimum


def test_a_domain_is_counted_in_its_canonical_form():
    assert canonical_email("A@GoogleMail.com").rpartition("@")[2] == "gmail.com"
