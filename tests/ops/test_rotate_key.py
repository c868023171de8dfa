"""`hamsada rotate-key`: a weak or leaked instance key is replaced without
losing an address, a block or the signed chain."""

import base64
import io
import json
import stat
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import CommandError, call_command
from django.utils import timezone

from hamsada.keys.digests import act_digest
from hamsada.keys.models import Rotation
from hamsada.lib import crypto
from hamsada.ops.models import Heartbeat
from hamsada.outbox.actions import suppress, suppression_of
from hamsada.outbox.models import Message, Suppression
from hamsada.participation.actions import invalidate_act, record_act, withdraw_act
from hamsada.participation.models import Act, OrganisationSignature
from hamsada.snapshots.actions import take_snapshot
from hamsada.snapshots.chain import snapshot_file
from hamsada.snapshots.verify import canonical
from hamsada.tally.models import Snapshot, totals
from tests.factories import (
    confirmed_signature,
    open_letter,
    open_petition,
    organisation_signature,
)
from tests.helpers import hamsada_verify

pytestmark = pytest.mark.django_db(transaction=True)

WEAK = "x"


@pytest.fixture
def weak_instance(settings, tmp_path, monkeypatch):
    """An instance that generated no key of its own but was given a weak one in
    its key file (the environment does not name it)."""
    monkeypatch.delenv("HAMSADA_ENCRYPTION_KEY", raising=False)
    settings.VAR_DIR = tmp_path / "var"
    (settings.VAR_DIR / "keys").mkdir(parents=True)
    (settings.VAR_DIR / "keys" / "encryption.key").write_text(WEAK + "\n")
    settings.ENCRYPTION_KEY = WEAK
    return settings


def rotate_key(*args):
    out = io.StringIO()
    call_command("rotate_key", *args, stdout=out)
    return out.getvalue()


def restart_with_new_key(settings):
    """What starting the processes again does: read the key the command left."""
    settings.ENCRYPTION_KEY = (settings.VAR_DIR / "keys" / "encryption.key").read_text().strip()
    return settings.ENCRYPTION_KEY


def sign(campaign, email):
    return record_act(
        campaign,
        kind=Act.Kind.SIGNATURE,
        name="Someone",
        email=email,
        country="AF",
        show_name=False,
        wants_updates=False,
        language="fa",
        now=timezone.now(),
    )


def test_every_address_digest_and_code_moves_to_the_new_key(weak_instance):
    petition = open_petition()
    kept = confirmed_signature(petition, email="mariam@example.org", name="Mariam")
    removed = confirmed_signature(petition, email="bot@example.net")
    invalidate_act(removed.pk, timezone.now())
    gone = confirmed_signature(petition, email="left@example.org")
    withdraw_act(gone.pk, timezone.now())
    suppress("bounced@example.org", Suppression.Reason.BOUNCED, timezone.now())
    receipt = Message.objects.get(act=kept, kind=Message.Kind.RECEIPT)
    code = crypto.decrypt(receipt.secret)
    counts = totals(petition.pk)

    output = rotate_key("--force")
    new_key = restart_with_new_key(weak_instance)

    assert len(new_key) == 64 and new_key != WEAK
    # The kept act's address; its digest, the invalidated act's and the suppression's.
    assert "Re-encrypted 1 addresses and derived 3 digests again" in output
    kept.refresh_from_db()
    assert kept.email == "mariam@example.org"
    with pytest.raises(InvalidTag):
        crypto.decrypt(kept.email_encrypted, WEAK)
    receipt.refresh_from_db()
    assert crypto.decrypt(receipt.secret) == code
    assert totals(petition.pk) == counts

    # Each block still holds, though the invalidated act keeps no address.
    assert sign(petition, "Mariam@Example.org").pk == kept.pk  # already signed
    assert sign(petition, "bot@example.net").pk == removed.pk  # still blocked
    assert suppression_of("bounced@example.org") == Suppression.Reason.BOUNCED
    # A new address is digested under the whole chain of keys, like the old ones.
    fresh = sign(petition, "new@example.org")
    assert fresh.email_digest == act_digest(petition.pk, "new@example.org")
    assert fresh.email_digest != crypto.email_digest("new@example.org")
    assert sign(petition, "new@example.org").pk == fresh.pk


def test_snapshots_taken_after_the_rotation_still_verify_from_the_old_key(weak_instance, tmp_path):
    petition = open_petition()
    confirmed_signature(petition, email="mariam@example.org")
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    rotate_key("--force")
    new_key = restart_with_new_key(weak_instance)
    confirmed_signature(petition, email="grace@example.org")
    after = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())

    body = json.loads(after.body)
    rotation = Rotation.objects.get()
    assert body["public_key"] == crypto.public_key(new_key) == rotation.public_key
    assert body["key_rotations"] == [
        {"statement": rotation.statement(), "signature": rotation.signature}
    ]
    path = tmp_path / "after.json"
    path.write_text("".join(snapshot_file(after)))
    for key in (crypto.public_key(WEAK), crypto.public_key(new_key)):
        status, output = hamsada_verify(path, "--key", key)
        assert status == 0, output
        assert "or by one linked to it by a signed change of key" in output
    stranger = Ed25519PrivateKey.generate()
    assert hamsada_verify(path, "--key", public_half(stranger))[0] == 1


def test_a_new_key_the_old_one_did_not_sign_over_is_caught(weak_instance, tmp_path):
    petition = open_petition()
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    rotate_key("--force")
    restart_with_new_key(weak_instance)
    after = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    document = json.loads("".join(snapshot_file(after)))
    # Someone swaps in a key of their own and signs the snapshot with it.
    forger = Ed25519PrivateKey.generate()
    document["snapshot"]["public_key"] = public_half(forger)
    document["snapshot"]["key_rotations"][0]["statement"]["public_key"] = public_half(forger)
    document["signature"] = base64.b64encode(forger.sign(canonical(document["snapshot"]))).decode()
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(document))

    status, output = hamsada_verify(path)
    assert status == 1
    assert "A signature does not match the key" in output


def test_two_rotations_keep_the_first_addresses_blocked(weak_instance):
    letter = open_letter()
    first = confirmed_signature(letter, email="mariam@example.org")
    organisation_signature(letter, email="office@example.org")
    rotate_key("--force")
    restart_with_new_key(weak_instance)
    rotate_key("--force")
    newest = restart_with_new_key(weak_instance)

    assert Rotation.objects.count() == 2
    assert not Rotation.objects.first().earlier_digest_keys  # sealed under a retired key
    assert Rotation.objects.last().public_key == crypto.public_key(newest)
    assert sign(letter, "mariam@example.org").pk == first.pk
    contact = OrganisationSignature.objects.get()
    assert contact.contact_digest == act_digest(letter.pk, "office@example.org")
    assert Act.objects.get(pk=first.pk).email == "mariam@example.org"


def test_a_key_from_the_environment_is_left_for_the_operator_to_set(weak_instance, monkeypatch):
    monkeypatch.setenv("HAMSADA_ENCRYPTION_KEY", WEAK)
    key_file = weak_instance.VAR_DIR / "keys" / "encryption.key"
    key_file.unlink()
    confirmed_signature(open_petition(), email="mariam@example.org")

    output = rotate_key("--force")
    draft = key_file.with_name("encryption.key.new")
    assert "Set HAMSADA_ENCRYPTION_KEY to the new key" in output and str(draft) in output
    assert not key_file.exists()
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    # Run again before the key was installed: nothing is rotated twice.
    assert "already moved to the key" in rotate_key("--force")
    assert Rotation.objects.count() == 1
    weak_instance.ENCRYPTION_KEY = draft.read_text().strip()
    assert Act.objects.get().email == "mariam@example.org"


def test_refused_while_a_worker_runs(weak_instance):
    confirmed_signature(open_petition(), email="mariam@example.org")
    Heartbeat.objects.create(worker="host:1", beat_at=timezone.now() - timedelta(seconds=20))
    before = Act.objects.get().email_encrypted

    with pytest.raises(CommandError, match="A worker reported in the last minute"):
        rotate_key()
    assert Act.objects.get().email_encrypted == before
    assert not Rotation.objects.exists()
    assert (weak_instance.VAR_DIR / "keys" / "encryption.key").read_text().strip() == WEAK


def test_refused_when_the_key_in_use_is_not_the_databases(weak_instance):
    confirmed_signature(open_petition(), email="mariam@example.org")
    before = Act.objects.get().email_encrypted
    weak_instance.ENCRYPTION_KEY = "another instance's key, set by mistake"

    with pytest.raises(CommandError, match="not this database's key"):
        rotate_key("--force")
    assert Act.objects.get().email_encrypted == before
    assert not Rotation.objects.exists()
    assert not (weak_instance.VAR_DIR / "keys" / "encryption.key.new").exists()


def public_half(private_key):
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def test_the_published_key_names_the_keys_it_replaced(weak_instance, client):
    rotate_key("--force")
    new_key = restart_with_new_key(weak_instance)

    lines = client.get("/signing-key.txt").content.decode().splitlines()
    assert lines[0] == crypto.public_key(new_key)
    assert lines[2].startswith("replaced ") and crypto.public_key(WEAK) in lines[2]
