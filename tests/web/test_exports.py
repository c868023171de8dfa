"""Exports of email addresses: only with their own permission, streamed, recorded."""

import csv
import io

import pytest

from hamsada.delivery.models import Export
from hamsada.organizations.roles import Role
from tests.factories import confirmed_signature, organization, pending_signature
from tests.factories import organiser as new_organiser
from tests.helpers import log_in

pytestmark = pytest.mark.django_db


def organiser(role, campaign):
    return new_organiser("org", campaign.organization, role)


def test_an_allowed_organiser_exports_who_asked_for_news_and_it_is_recorded(client, petition):
    keen = confirmed_signature(petition, email="keen@example.org", name="=SUM(A1)")
    keen.wants_updates = True
    keen.save(update_fields=["wants_updates"])
    confirmed_signature(petition, email="quiet@example.org")  # did not ask for news
    pending_signature(petition, email="pending@example.org")
    user = organiser(Role.OWNER, petition)
    log_in(client, user)
    response = client.get("/en/delivery/exports/free-the-teachers/supporters.csv")
    assert response.streaming and response["Cache-Control"] == "no-store"
    content = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert [row[:2] for row in rows[1:]] == [["'=SUM(A1)", "keen@example.org"]]
    export = Export.objects.get()
    assert (export.user, export.campaign, export.rows) == (user, petition, 1)
    assert "email" in export.what


def test_without_the_permission_nothing_is_exported_or_recorded(client, petition):
    confirmed_signature(petition, email="keen@example.org")
    log_in(client, organiser(Role.CAMPAIGNER, petition))
    assert client.get("/en/delivery/exports/free-the-teachers/supporters.csv").status_code == 403
    assert not Export.objects.exists()


def test_an_owner_of_another_organisation_exports_nothing(client, petition):
    confirmed_signature(petition, email="keen@example.org")
    log_in(client, new_organiser("elsewhere", organization("other", "Other"), Role.OWNER))
    assert client.get("/en/delivery/exports/free-the-teachers/supporters.csv").status_code == 403
    assert not Export.objects.exists()
