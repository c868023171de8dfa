"""A campaign's timeline: launch and milestones stamped automatically, the
organisers' events, the targets' responses, silence made visible after the
response deadline, each target's record across campaigns, and the feed."""

import importlib
import threading
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from hamsada.campaigns.actions import add_event
from hamsada.campaigns.models import Event, EventText, Target
from hamsada.campaigns.timeline import record_of, timeline
from hamsada.outbox.models import Message
from hamsada.participation.actions import announce_event, confirm_act, withdraw_act
from hamsada.participation.emails import render_act_email
from hamsada.participation.models import Act
from hamsada.tally.actions import milestones
from hamsada.tally.models import totals
from tests.factories import confirmed_signature, draft_petition, open_petition, pending_signature

DUE = date(2026, 11, 1)


def plain(text):
    """Text without the isolates that keep a name from reordering its sentence."""
    return text.replace("\u2068", "").replace("\u2069", "")


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
    assert (silence.on, plain(silence.heading)) == (DUE, "Special Envoy has not responded")
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
    subscriber(campaign, "dari@example.org", language="fa")
    response = respond(campaign, minister, Event.Stance.DENIED, DUE, quote="Baseless.")
    EventText.objects.create(event=response, language="fa", title="وزیر اتهام‌ها را رد کرد")
    announce_event(response, timezone.now())
    email = render_act_email(Message.objects.get(event=response))
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
    titles = [plain(entry.findtext(f"{ATOM}title")) for entry in feed.iter(f"{ATOM}entry")]
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


def test_a_generated_heading_isolates_the_name_it_holds(two_targets):
    campaign, minister, _envoy = two_targets
    respond(campaign, minister, Event.Stance.DENIED, DUE)
    with translation.override("fa"):
        entry = next(e for e in timeline(campaign, DUE) if e.kind == "response")
    assert entry.generated
    assert entry.heading.startswith("\u2068Minister of Justice\u2069: ")
    assert entry.heading.endswith("واقعیت‌ها را انکار کرد")


def test_launches_and_milestones_cannot_be_made_by_hand(two_targets):
    campaign, _minister, _envoy = two_targets
    for kind in [Event.Kind.LAUNCH, Event.Kind.MILESTONE]:
        with pytest.raises(ValidationError):
            Event(campaign=campaign, kind=kind).clean()


def test_a_control_character_pasted_into_a_quote_does_not_break_the_feed(client, two_targets):
    campaign, minister, _envoy = two_targets
    respond(campaign, minister, Event.Stance.DENIED, DUE, quote="Lies\x0b and\x1f more")
    response = client.get(f"/en/c/{campaign.slug}/timeline.atom")
    assert response.status_code == 200
    assert b"Lies and more" in response.content


def test_target_pages_leave_out_campaigns_that_are_not_public(client, two_targets):
    campaign, minister, _envoy = two_targets
    draft = draft_petition(slug="secret-draft")
    draft.targets.add(minister)
    page = client.get(f"/en/targets/{minister.pk}/").content.decode()
    assert campaign.slug in page and "secret-draft" not in page


def test_campaigns_opened_before_timelines_get_their_launch_and_past_milestones(db):
    history = importlib.import_module("hamsada.campaigns.migrations.0004_timeline_history")
    campaign = open_petition(goal=2)
    for number, day in enumerate([3, 5, 7]):
        act = pending_signature(campaign, email=f"s{number}@example.org")
        confirm_act(act.pk, timezone.now() - timedelta(days=30 - day))
    when = Act.objects.order_by("confirmed_at")[1].confirmed_at
    Event.objects.all().delete()  # as before the timeline existed
    history.add_history(apps, None)
    launch = Event.objects.get(kind="launch")
    assert launch.happened_on == campaign.opened_at.date()
    [milestone] = Event.objects.filter(kind="milestone")
    assert (milestone.milestone, milestone.happened_on) == (2, when.date())
    history.add_history(apps, None)
    assert Event.objects.count() == 2
