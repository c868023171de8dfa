"""Publishing a numbered update emails every supporter who asked for updates,
through the outbox, with a one-click way to stop them."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from hamsada.campaigns.actions import add_event
from hamsada.campaigns.models import Event, EventText
from hamsada.outbox.models import Message
from hamsada.participation.actions import announce_event, confirm_act, record_act
from hamsada.participation.models import Act
from tests.factories import open_urgent_action
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def supporter(campaign, email, language="en", wants_updates=True, confirm=True):
    act = record_act(
        campaign,
        kind=Act.Kind.REPORT,
        name="",
        email=email,
        country="",
        show_name=False,
        wants_updates=wants_updates,
        language=language,
        now=timezone.now(),
    )
    if confirm:
        confirm_act(act.pk, timezone.now())
    return act


def new_update(campaign, **titles):
    update = add_event(Event(campaign=campaign, kind=Event.Kind.UPDATE), timezone.now())
    for language, title in titles.items():
        EventText.objects.create(event=update, language=language, title=title, body=title)
    return update, announce_event(update, timezone.now())


def test_updates_are_numbered_and_go_only_to_those_who_asked():
    campaign = open_urgent_action()
    supporter(campaign, "yes@example.org", language="fa")
    supporter(campaign, "no@example.org", wants_updates=False)
    supporter(campaign, "unconfirmed@example.org", confirm=False)
    first, queued = new_update(campaign, en="She was moved", fa="او منتقل شد")
    second, _ = new_update(campaign, en="She is free")
    assert (first.number, second.number) == (1, 2)
    assert queued == 1
    [message] = Message.objects.filter(kind="update", event=first)
    assert (message.act.email, message.language) == ("yes@example.org", "fa")


def test_the_update_email_arrives_in_the_supporters_language_and_stops_in_one_click(
    worker, smtp_server
):
    campaign = open_urgent_action()
    act = supporter(campaign, "dari@example.org", language="fa")
    new_update(campaign, en="She was moved", fa="او به زندان دیگری منتقل شد")
    message = wait_for(
        lambda: next((m for m in smtp_server.messages if "UA 118.26" in m["Subject"]), None)
    )
    assert "او به زندان دیگری منتقل شد" in message["Subject"]
    assert "۱" in message["Subject"]  # "update ۱", in Persian digits
    # On the wire, as a mail program reads it: one link, not RFC 2047 words
    # that only a parser like Python's would decode back into one.
    [raw] = [raw for _to, raw in smtp_server.received if b"List-Unsubscribe:" in raw]
    assert re.search(rb"^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$", raw, re.M)
    link = re.search(rb"^List-Unsubscribe: <(https?://[^>\s]+)>\r?$", raw, re.M)
    assert link, raw.split(b"\r\n\r\n")[0].decode()
    assert b"=?utf-8?" not in link[0]
    path = re.sub(r"^https?://[^/]+", "", link[1].decode())
    # What a mail program does for one-click unsubscribe: a POST without cookies.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    act.refresh_from_db()
    assert not act.wants_updates
    new_update(campaign, en="Still held")
    assert not Message.objects.filter(kind="update", event__number=2).exists()


def test_a_forged_stop_link_changes_nothing(client):
    campaign = open_urgent_action()
    act = supporter(campaign, "keep@example.org")
    response = client.post("/en/stop-updates/forged-token/")
    assert response.status_code == 400
    act.refresh_from_db()
    assert act.wants_updates
