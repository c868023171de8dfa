"""Reporting what you did for an urgent action: the same pipeline as a
signature, with three figures kept apart and exact per official and channel."""

import pytest
from django.utils import timezone

from hamsada.campaigns.actions import close_campaign
from hamsada.outbox.models import Message
from hamsada.participation.actions import confirm_act, withdraw_act
from hamsada.participation.models import Act, ReportedAction
from hamsada.participation.recount import recount
from hamsada.tally.models import ActionTally, totals
from tests.factories import ambassador, open_petition, open_urgent_action, president
from tests.helpers import report_on

pytestmark = pytest.mark.django_db

REPORT = "/en/c/ua-defender-detained/report/"


def figures(campaign, target, channel):
    tally = ActionTally.objects.filter(campaign=campaign, target=target, channel=channel).first()
    return (tally.reported, tally.confirmed) if tally else (0, 0)


def report(client, *actions, **fields):
    return report_on(client, REPORT, *actions, **fields)


def test_a_report_without_email_is_counted_as_not_confirmed(client):
    campaign = open_urgent_action()
    response = report(client, (ambassador(), "email"), (ambassador(), "phone"), note="No answer")
    assert response.status_code == 302
    assert response["Location"].endswith("/reported/anonymous/")
    act = Act.objects.get()
    assert (act.kind, act.status, act.email_encrypted, act.full_note) == (
        "report",
        "pending",
        "",
        "No answer",
    )
    assert act.note == ""  # kept only encrypted
    assert not Message.objects.exists()
    assert figures(campaign, ambassador(), "email") == (1, 0)
    assert figures(campaign, ambassador(), "phone") == (1, 0)
    assert totals(campaign.pk) == {"confirmed": 0, "pending": 1}


def test_a_report_with_email_is_confirmed_by_email_and_counted_per_channel(client):
    campaign = open_urgent_action()
    report(
        client,
        (president(), "postal"),
        (ambassador(), "x"),
        name="Ada",
        email="ada@example.org",
        country="GB",
        consent="on",
    )
    act = Act.objects.get()
    assert act.email == "ada@example.org"
    assert Message.objects.get().kind == "confirm_report"
    confirm_act(act.pk, timezone.now())
    assert figures(campaign, president(), "postal") == (1, 1)
    assert figures(campaign, ambassador(), "x") == (1, 1)
    assert totals(campaign.pk) == {"confirmed": 1, "pending": 0}
    assert recount(repair=False) == []


def test_withdrawing_a_report_uncounts_its_actions_and_erases_the_note(client):
    campaign = open_urgent_action()
    report(client, (ambassador(), "fax"), email="b@example.org", note="Sent", consent="on")
    act = Act.objects.get()
    confirm_act(act.pk, timezone.now())
    withdraw_act(act.pk, timezone.now())
    act.refresh_from_db()
    assert (act.full_note, act.private_encrypted, act.email_encrypted) == ("", "", "")
    assert figures(campaign, ambassador(), "fax") == (0, 0)
    assert recount(repair=False) == []


def test_each_report_counts_even_from_the_same_address(client):
    campaign = open_urgent_action()
    for channel in ["email", "phone"]:
        report(client, (ambassador(), channel), email="c@example.org", consent="on")
    assert Act.objects.count() == 2
    assert Message.objects.filter(kind="confirm_report").count() == 2
    assert figures(campaign, ambassador(), "email") == (1, 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"actions": []}, "Please tick at least one thing you did."),
        ({"actions": ["999:email"]}, "Please choose from the list."),
        ({"actions": ["nonsense"]}, "Please choose from the list."),
        ({"email": "ada@example.org"}, "Please tick this box"),
        ({"wants_updates": "on"}, "Please give your email address to receive updates."),
        ({"email": "not-an-address", "consent": "on"}, "valid email address"),
        ({"country": "XX", "consent": "on"}, "Please choose a country from the list."),
        ({"note": "x" * 1001}, "Please shorten your note"),
    ],
)
def test_a_bad_report_changes_nothing_and_says_why(client, fields, message):
    open_urgent_action()
    data = {"actions": [f"{ambassador().pk}:email"], **fields}
    response = client.post(REPORT, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Act.objects.exists() and not ActionTally.objects.exists()


def test_a_petition_takes_no_reports(client):
    open_petition()
    assert client.get("/en/c/free-the-teachers/report/").status_code == 404


def test_a_closed_urgent_action_takes_no_reports(client):
    campaign = open_urgent_action()
    close_campaign(campaign, timezone.now())
    response = report(client, (ambassador(), "email"))
    assert response.status_code == 409
    assert not Act.objects.exists()


def test_recount_finds_and_repairs_a_drifted_action_counter(client):
    campaign = open_urgent_action()
    report(client, (ambassador(), "email"))
    ActionTally.objects.filter(campaign=campaign, channel="email").update(reported=7)
    [drift] = recount(repair=True)
    assert (drift.field, drift.stored, drift.actual) == ("reported", 7, 1)
    assert figures(campaign, ambassador(), "email") == (1, 0)
    assert ReportedAction.objects.count() == 1
