"""Exports of email addresses: only with their own permission, streamed, recorded."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission, User

from hamsada.delivery.models import Export
from tests.factories import confirmed_signature, pending_signature

pytestmark = pytest.mark.django_db


def organiser(*codenames):
    user = User.objects.create_user("org", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_an_allowed_organiser_exports_who_asked_for_news_and_it_is_recorded(client, petition):
    keen = confirmed_signature(petition, email="keen@example.org", name="=SUM(A1)")
    keen.wants_updates = True
    keen.save(update_fields=["wants_updates"])
    confirmed_signature(petition, email="quiet@example.org")  # did not ask for news
    pending_signature(petition, email="pending@example.org")
    user = organiser("export_supporters", "view_campaign")
    client.force_login(user)
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
    client.force_login(organiser("view_campaign", "view_act", "view_package"))
    assert client.get("/en/delivery/exports/free-the-teachers/supporters.csv").status_code == 403
    assert not Export.objects.exists()
