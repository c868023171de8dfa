"""Delivery packages: a PDF with the counts, the proof and the names of those
who chose to be named; a CSV of those names; the signed snapshot as JSON that
`hamsada verify` accepts. Built by the worker, in a process of its own."""

import csv
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from hamsada.delivery.actions import build_package, claim_package
from hamsada.delivery.models import Package
from hamsada.lib.crypto import public_key
from hamsada.organizations.roles import Role
from hamsada.participation.actions import withdraw_act
from tests.factories import (
    NAMED,
    built_package,
    named_supporters,
    open_petition,
    organiser,
    organization,
)
from tests.helpers import hamsada_verify, log_in, pdf_text, wait_for

pytestmark = pytest.mark.django_db


def test_a_package_carries_counts_proof_and_only_public_names_in_order(petition, tmp_path):
    named_supporters(petition)
    package = built_package(petition, "fa")
    assert package.status == "ready" and package.names_total == package.names_done == 4
    text = pdf_text(package.pdf)
    assert "معلمان را آزاد کنید" in text  # the title, in Dari
    assert "۵" in text  # five confirmed, in Persian digits
    joined = "".join(text.split())  # long hashes wrap across lines
    assert package.snapshot.statement["receipts"]["root"] in joined
    assert public_key() in joined
    positions = [text.find(name) for name in NAMED[:3]]
    assert -1 not in positions and positions == sorted(positions), text
    assert "Quiet Person" not in text
    assert package.snapshot.reason == "delivery"
    path = tmp_path / "package.json"
    path.write_bytes(package.json)
    status, output = hamsada_verify(path, "--key", public_key())
    assert status == 0, output


def test_the_csv_opens_in_spreadsheets_and_runs_no_formula(petition):
    named_supporters(petition)
    content = built_package(petition, "ps").csv.decode("utf-8")
    assert content.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    names = [row[1] for row in table[1:]]
    assert names[:3] == NAMED[:3]
    assert names[3] == "'" + NAMED[3]  # neutralised
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


def test_without_names_the_package_still_counts_everyone(petition):
    named_supporters(petition)
    package = built_package(petition, "en", include_names=False)
    text = pdf_text(package.pdf)
    assert "Confirmed by email" in text and "Mariam" not in text and "Ada Lovelace" not in text
    assert package.csv.decode("utf-8").count("\n") == 1  # the header only
    assert json.loads(package.json)["snapshot"]["counts"]["confirmed"] == 5


def test_a_withdrawn_supporter_leaves_the_next_package(petition):
    acts = named_supporters(petition)
    built_package(petition, "en")
    withdraw_act(acts[1].pk, timezone.now())
    second = built_package(petition, "en")
    assert "Ada Lovelace" not in pdf_text(second.pdf)
    assert second.snapshot.statement["receipts"]["removed"]["withdrawn"] == 1


def test_the_worker_builds_a_requested_package_in_its_own_process(worker):
    petition = open_petition()
    named_supporters(petition)
    package = Package.objects.create(campaign=petition, language="ps", requested_at=timezone.now())
    built = wait_for(
        lambda: Package.objects.filter(pk=package.pk, status__in=["ready", "failed"]).first(),
        timeout=120,
    )
    assert built.status == "ready", built.error
    assert built.names_done == built.names_total == 4
    assert "زرغونه یوسفزۍ" in pdf_text(built.pdf)


def test_organisers_request_packages_and_only_those_allowed_download_them(client):

    campaign = open_petition(slug="for-delivery")
    log_in(client, organiser("organiser", campaign.organization, Role.CAMPAIGNER))
    response = client.post(
        "/en/admin/delivery/package/add/",
        {"campaign": campaign.pk, "language": "fa", "include_names": "on"},
    )
    assert response.status_code == 302
    package = Package.objects.get(campaign=campaign)
    assert package.status == "queued" and package.requested_by.username == "organiser"
    build_package(claim_package(timezone.now()), timezone.now())
    listing = client.get("/fa/admin/delivery/package/").content.decode()
    url = f"/fa/delivery/packages/{package.pk}/pdf"
    assert url in listing
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert client.get(f"/fa/delivery/packages/{package.pk}/exe").status_code == 404
    log_in(client, organiser("viewer", campaign.organization, Role.VIEWER))
    assert client.get(url).status_code == 403
    assert url not in client.get("/fa/admin/delivery/package/").content.decode()
    log_in(client, organiser("elsewhere", organization("other", "Other"), Role.OWNER))
    assert client.get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302, anonymous.content.decode()[:2000]  # to the login page


def test_an_open_letter_names_its_organisations_before_individuals():
    from django.core.management import call_command

    from hamsada.campaigns.models import Campaign

    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    letter = Campaign.objects.get(slug="open-letter-gender-persecution")
    text = pdf_text(built_package(letter, "en").pdf)
    assert "Organisations" in text
    first_organisation = text.find("Afghan Women's Voice Network")
    first_person = text.find("Mariam Ahmadi")
    assert -1 < first_organisation < first_person, text
