"""A campaign's timeline: launch and milestones stamped automatically, the
organisers' events, the targets' responses, silence made visible after the
response deadline, each target's record across campaigns, and the feed."""

import threading
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from hamsada.campaigns.actions import add_event, announce_event, milestones
from hamsada.campaigns.models import Event, EventText, Target
from hamsada.campaigns.timeline import record_of, timeline
from hamsada.outbox.emails import render_message
from hamsada.outbox.models import Message
from hamsada.participation.actions import confirm_act, withdraw_act
from hamsada.tally.models import totals
from tests.factories import confirmed_signature, open_petition, pending_signature

DUE = date(2026, 11, 1)


def test_opening_a_campaign_puts_its_launch_on_the_timeline(db):
    campaign = open_petition()
    [entry] = timeline(campaign, timezone.localdate())
    assert (entry.kind, entry.on) == ("launch", timezone.localdate())
    assert entry.heading == "The campaign was launched"


def test_milestones_are_round_numbers_the_goal_and_ten_times_it():
    assert milestones(None)[:3] == [100, 1_000, 10_000]
    assert milestones(250)[:4] == [100, 250, 1_000, 2_500]


@pytest.mark.django_db(transaction=True)
def test_a_milestone_is_stamped_exactly_once_under_concurrent_confirmations():
    campaign = open_petition(goal=5)
    for number in range(3):
        confirmed_signature(campaign, email=f"early{number}@example.org")
    pending = [
        pending_signature(campaign, email=f"late{number}@example.org").pk for number in range(8)
    ]
    start = threading.Barrier(len(pending))
    errors = []

    def confirm(act_id):
        try:
            start.wait()
            confirm_act(act_id, timezone.now())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(act_id,)) for act_id in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert totals(campaign.pk)["confirmed"] == 11
    marks = list(
        Event.objects.filter(kind=Event.Kind.MILESTONE).values_list("milestone", flat=True)
    )
    assert marks == [5]
    with translation.override("fa"):
        [entry] = [e for e in timeline(campaign, timezone.localdate()) if e.kind == "milestone"]
        assert "۵" in entry.heading


def test_a_milestone_is_not_stamped_again_after_withdrawals(db):
    campaign = open_petition(goal=2)
    first = confirmed_signature(campaign, email="a@example.org")
    confirmed_signature(campaign, email="b@example.org")
    withdraw_act(first.pk, timezone.now())
    confirmed_signature(campaign, email="c@example.org")
    assert Event.objects.filter(kind=Event.Kind.MILESTONE).count() == 1


def respond(campaign, target, stance, on, quote=""):
    return add_event(
        Event(
            campaign=campaign,
            kind=Event.Kind.RESPONSE,
            target=target,
            stance=stance,
            quote=quote,
            happened_on=on,
        ),
        timezone.now(),
    )


@pytest.fixture
def two_targets(db):
    campaign = open_petition(response_due=DUE)
    minister = campaign.targets.get()
    envoy = Target.objects.create(name="Special Envoy")
    campaign.targets.add(envoy)
    return campaign, minister, envoy


def stances(entries):
    return {(entry.target.name, entry.stance) for entry in entries if entry.target}


def test_no_response_shows_for_each_silent_target_once_the_deadline_passes(two_targets):
    campaign, minister, envoy = two_targets
    respond(campaign, minister, Event.Stance.DENIED, DUE - timedelta(days=3))
    assert stances(timeline(campaign, today=DUE)) == {("Minister of Justice", "denied")}
    after = timeline(campaign, today=DUE + timedelta(days=1))
    assert stances(after) == {("Minister of Justice", "denied"), ("Special Envoy", "no_response")}
    silence = next(entry for entry in after if entry.stance == "no_response")
    assert (silence.on, silence.heading) == (DUE, "Special Envoy has not responded")
    respond(campaign, envoy, Event.Stance.COMMITTED, DUE + timedelta(days=2))
    assert "no_response" not in {e.stance for e in timeline(campaign, DUE + timedelta(days=5))}


def test_a_targets_record_shows_its_latest_stance_in_every_campaign(two_targets):
    campaign, minister, _envoy = two_targets
    other = open_petition(slug="second-campaign", response_due=DUE)
    other.targets.add(minister)
    respond(campaign, minister, Event.Stance.DENIED, DUE - timedelta(days=9))
    respond(campaign, minister, Event.Stance.ACKNOWLEDGED, DUE - timedelta(days=2))
    rows, responses = record_of(minister, today=DUE + timedelta(days=1))
    assert {row["campaign"].slug: row["stance"] for row in rows} == {
        campaign.slug: "acknowledged",
        other.slug: "no_response",
    }
    assert [entry.stance for entry in responses] == ["acknowledged", "denied"]
    rows, _ = record_of(minister, today=DUE)
    assert {row["campaign"].slug: row["stance"] for row in rows}[other.slug] == "awaiting"


def test_a_response_needs_its_target_and_stance(two_targets):
    campaign, minister, _envoy = two_targets
    with pytest.raises(ValidationError):
        Event(campaign=campaign, kind=Event.Kind.RESPONSE, target=minister).clean()
    with pytest.raises(ValidationError):
        Event(campaign=campaign, kind=Event.Kind.STATEMENT, stance="denied").clean()


def subscriber(campaign, email, language="en", wants_updates=True):
    act = pending_signature(campaign, email=email, language=language)
    act.__class__.objects.filter(pk=act.pk).update(wants_updates=wants_updates)
    confirm_act(act.pk, timezone.now())
    return act


def test_an_announced_event_is_queued_once_per_subscriber(two_targets):
    campaign, minister, _envoy = two_targets
    subscriber(campaign, "one@example.org")
    subscriber(campaign, "two@example.org", language="fa")
    subscriber(campaign, "quiet@example.org", wants_updates=False)
    response = respond(campaign, minister, Event.Stance.DENIED, DUE, quote="Baseless.")
    assert announce_event(response, timezone.now()) == 2
    assert announce_event(response, timezone.now()) == 0
    assert Message.objects.filter(event=response).count() == 2


def test_the_email_about_a_response_names_the_stance_and_offers_one_click_unsubscribe(
    two_targets,
):
    campaign, minister, _envoy = two_targets
    act = subscriber(campaign, "dari@example.org", language="fa")
    response = respond(campaign, minister, Event.Stance.DENIED, DUE, quote="Baseless.")
    EventText.objects.create(event=response, language="fa", title="وزیر اتهام‌ها را رد کرد")
    announce_event(response, timezone.now())
    email = render_message(Message.objects.get(event=response), act)
    assert "وزیر اتهام‌ها را رد کرد" in email.subject
    assert "Baseless." in email.body and f"#event-{response.pk}" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/stop-updates/" in email.extra_headers["List-Unsubscribe"]
    html = email.alternatives[0].content
    assert 'dir="rtl"' in html and "Baseless." in html


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_timeline_feed_lists_events_and_silences(client, two_targets):
    campaign, minister, envoy = two_targets
    respond(campaign, minister, Event.Stance.DENIED, DUE - timedelta(days=1))
    response = client.get(f"/en/c/{campaign.slug}/timeline.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert "Minister of Justice: Denied the facts" in titles
    assert "Special Envoy has not responded" in titles
    assert "The campaign was launched" in titles
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert any(link.endswith(f"/en/c/{campaign.slug}/#silence-{envoy.pk}") for link in links)
    assert client.get("/en/c/no-such-campaign/timeline.atom").status_code == 404


def test_target_pages_show_only_public_campaigns(client, two_targets):
    campaign, minister, _envoy = two_targets
    respond(campaign, minister, Event.Stance.DENIED, DUE, quote="These claims are false.")
    page = client.get(f"/fa/targets/{minister.pk}/").content.decode()
    assert "These claims are false." in page and 'dir="rtl"' in page
    lonely = Target.objects.create(name="Nobody asked")
    assert client.get(f"/en/targets/{lonely.pk}/").status_code == 404
    assert client.get("/en/targets/999999/").status_code == 404


def test_a_response_comes_from_one_of_the_campaigns_targets(two_targets):
    campaign, _minister, _envoy = two_targets
    stranger = Target.objects.create(name="Someone else")
    with pytest.raises(ValidationError):
        Event(campaign=campaign, kind=Event.Kind.RESPONSE, target=stranger, stance="denied").clean()
