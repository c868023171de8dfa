"""Delivering a package to a target: by email through the outbox, or recorded
by hand; either goes on the timeline."""

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hamsada.campaigns.models import Channel, Target
from hamsada.delivery.actions import record_delivery
from hamsada.delivery.models import Delivery, Package
from hamsada.organizations.roles import Role
from hamsada.outbox.models import Message
from tests.factories import built_package, named_supporters, organiser
from tests.helpers import html_of, log_in, send_due, text_of

pytestmark = pytest.mark.django_db


def delivery(campaign, **fields):
    values = {
        "campaign": campaign,
        "target": campaign.targets.get(),
        "method": Delivery.Method.HANDED,
        "delivered_on": "2026-11-27",
    }
    return Delivery(**(values | fields))


def test_a_delivery_by_hand_goes_on_the_timeline(client, petition):
    record_delivery(delivery(petition, note="At the ministry's gate"), timezone.now())
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert "Delivered to" in page and "Minister of Justice" in page
    assert not Message.objects.filter(kind=Message.Kind.DELIVERY).exists()
    record = client.get(f"/fa/targets/{petition.targets.get().pk}/").content.decode()
    assert 'data-testid="delivered"><time datetime="2026-11-27">' in record


def test_a_package_is_emailed_to_the_target_with_links_that_work(client, smtp_mailer, petition):
    named_supporters(petition)
    petition.offline_counts.create(
        source="paper", name="Herat sheets", count=1200, collected_on="2026-11-01"
    )
    package = built_package(petition, "fa")
    minister = petition.targets.get()
    Channel.objects.create(target=minister, kind="email", value="minister@justice.example")
    sent = record_delivery(
        delivery(petition, method=Delivery.Method.EMAIL, package=package), timezone.now()
    )
    assert sent.address == "minister@justice.example" and sent.event.kind == "delivery"
    send_due()
    [email] = [m for m in smtp_mailer.messages if m["To"] == "minister@justice.example"]
    body = text_of(email)
    assert "معلمان را آزاد کنید" in body and "۵" in body and "۱٬۲۰۰" in body
    assert all(line.startswith(("\u200f", "http")) for line in body.splitlines() if line.strip())
    assert 'dir="rtl"' in html_of(email)
    links = [line for line in body.splitlines() if "/delivered/" in line]
    assert len(links) == 3
    pdf = client.get(urlsplit(links[0].strip()).path)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get("/delivered/forged/package.pdf").status_code == 404


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"method": Delivery.Method.EMAIL}, "package"),  # emailing needs a package
        ({"method": Delivery.Method.EMAIL, "package": "ready"}, "method"),  # no address
        ({"target": "other"}, "target"),
        ({"package": "queued"}, "package"),
    ],
)
def test_a_delivery_that_cannot_be_made_is_refused(petition, fields, problem):
    named_supporters(petition)
    ready = built_package(petition, "en")
    queued = Package.objects.create(campaign=petition, language="en", requested_at=timezone.now())
    other = Target.objects.create(name="Someone else")
    choices = {"ready": ready, "queued": queued, "other": other}
    fields = {key: choices.get(value, value) for key, value in fields.items()}
    with pytest.raises(ValidationError) as refused:
        record_delivery(delivery(petition, **fields), timezone.now())
    assert problem in refused.value.message_dict
    assert not Delivery.objects.exists()


def test_an_organiser_records_a_delivery_in_the_admin(client, petition):
    log_in(client, organiser("organiser", petition.organization, Role.CAMPAIGNER))
    minister = petition.targets.get()
    form = {
        "campaign": petition.pk,
        "target": minister.pk,
        "method": "posted",
        "delivered_on": "۲۰۲۶-۱۱-۲۶",
        "note": "",
    }
    response = client.post("/fa/admin/delivery/delivery/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Delivery.objects.get()
    assert str(made.delivered_on) == "2026-11-26" and made.recorded_by.username == "organiser"
    refused = client.post("/fa/admin/delivery/delivery/add/", {**form, "method": "email"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert Delivery.objects.count() == 1
