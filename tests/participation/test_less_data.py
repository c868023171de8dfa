"""A copy of the database without the key names no one who chose not to be
named and does not link one address across campaigns (what was measured:
every name in plain text, and one digest for an address in every campaign)."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from hamsada.keys.digests import act_digest
from hamsada.lib import crypto
from hamsada.participation.actions import invalidate_act, record_act
from hamsada.participation.models import Act, OrganisationSignature
from tests.factories import (
    confirmed_signature,
    open_letter,
    open_petition,
    organisation_signature,
    sign_data,
)
from tests.helpers import send_due, text_of

pytestmark = pytest.mark.django_db


def database_text():
    """Every act's row as a thief with the database and not the key reads it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM participation_act")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_a_private_name_and_affiliation_are_kept_only_encrypted():
    letter = open_letter()
    Client().post(
        f"/en/c/{letter.slug}/sign/",
        sign_data(name="Quiet Mariam", email="q@example.org", affiliation="Herat University"),
    )
    Client().post(
        f"/en/c/{letter.slug}/sign/",
        sign_data(name="Named Zahra", email="n@example.org", show_name="on", affiliation="Poet"),
    )
    text = database_text()
    assert "Quiet Mariam" not in text and "Herat University" not in text
    assert "Named Zahra" in text  # she chose to be named
    quiet = Act.objects.get(show_name=False)
    assert (quiet.name, quiet.affiliation) == ("", "")
    assert (quiet.full_name, quiet.full_affiliation) == ("Quiet Mariam", "Herat University")


def test_the_same_address_has_unrelated_digests_in_two_campaigns():
    first, second = open_petition(), open_petition("second-petition")
    a = confirmed_signature(first, email="ada@example.org")
    b = confirmed_signature(second, email="ADA@example.org")
    assert a.email_digest != b.email_digest
    assert a.email_digest not in database_text().replace(a.email_digest, "", 1)
    # Bound to the campaign on top of the instance-wide digest.
    key = crypto.derive(settings.ENCRYPTION_KEY, "email-digest")
    old = crypto.email_digest("ada@example.org")
    scope = crypto.scope_key(key, f"campaign:{first.pk}")
    assert a.email_digest == crypto.chained_digest(old.encode(), [scope])
    assert a.email_digest == act_digest(first.pk, "ada@example.org")


def test_the_confirmation_email_still_greets_a_private_supporter_by_name(smtp_mailer):
    petition = open_petition()
    act = record_act(
        petition,
        kind=Act.Kind.SIGNATURE,
        name="مریم",
        email="m@example.org",
        country="AF",
        show_name=False,
        wants_updates=False,
        language="fa",
        now=timezone.now(),
    )
    assert act.name == ""
    send_due()
    assert "مریم" in text_of(smtp_mailer.messages[0])


MIGRATE_FROM = [("participation", "0010_alter_act_options"), ("keys", "0001_rotation")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_encrypted_and_bound_so_old_blocks_still_hold():
    petition, letter = open_petition(), open_letter()
    executor = MigrationExecutor(connection)
    executor.migrate(MIGRATE_FROM)
    old = executor.loader.project_state(MIGRATE_FROM).apps
    OldAct = old.get_model("participation", "Act")
    OldSignature = old.get_model("participation", "OrganisationSignature")

    def act(campaign, address, **fields):
        return OldAct.objects.create(
            campaign_id=campaign.pk,
            email_encrypted=crypto.encrypt(address) if address else "",
            email_digest=crypto.email_digest(address),
            language="en",
            created_at=timezone.now(),
            **fields,
        )

    quiet = act(petition, "quiet@example.org", name="Quiet One", status="pending")
    named = act(petition, "named@example.org", name="Named One", show_name=True)
    # An invalidated act keeps only its digest: the address must stay blocked.
    act(petition, "bot@example.net", status="invalidated")
    OldAct.objects.filter(email_digest=crypto.email_digest("bot@example.net")).update(
        email_encrypted=""
    )
    contact = act(letter, "office@example.org", kind="organisation", name="Contact")
    OldSignature.objects.create(
        act=contact,
        name_en="Kabul Legal Aid",
        contact_digest=crypto.email_digest("office@example.org"),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    quiet = Act.objects.get(pk=quiet.pk)
    assert quiet.name == "" and quiet.full_name == "Quiet One"
    assert Act.objects.get(pk=named.pk).name == "Named One"
    assert "Quiet One" not in database_text()
    sign = lambda address: record_act(  # noqa: E731
        petition, kind="signature", name="", email=address, country="", show_name=False,
        wants_updates=False, language="en", now=timezone.now(),
    )  # fmt: skip
    assert sign("Quiet@example.org").pk == quiet.pk  # already signed, found again
    blocked = sign("bot@example.net")
    assert blocked.status == Act.Status.INVALIDATED  # still blocked
    signature = OrganisationSignature.objects.get()
    assert signature.contact_digest == act_digest(signature.act.campaign_id, "office@example.org")
    assert json.loads(crypto.decrypt(quiet.private_encrypted)) == ["Quiet One", "", ""]


def test_invalidated_addresses_stay_blocked_in_their_campaign_only():
    first, second = open_petition(), open_petition("second-petition")
    act = confirmed_signature(first, email="bot@example.net")
    invalidate_act(act.pk, timezone.now())
    again = confirmed_signature(first, email="bot@example.net")
    assert again.pk == act.pk and again.status == Act.Status.INVALIDATED
    elsewhere = confirmed_signature(second, email="bot@example.net")
    assert elsewhere.status == Act.Status.CONFIRMED


def test_an_organisations_contact_digest_is_bound_to_its_letter():
    letter = open_letter()
    organisation_signature(letter, email="office@example.org")
    signature = OrganisationSignature.objects.get()
    assert signature.contact_digest == act_digest(letter.pk, "office@example.org")
    assert signature.contact_digest != crypto.email_digest("office@example.org")
