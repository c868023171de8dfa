"""Backups encrypted to the operator's age key, and the restore drill: back up,
wipe, restore, and everything checks again (counters, the signed chain, an
address decrypted)."""

import io
from datetime import timedelta
from pathlib import Path

import pyrage
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hamsada.lib.crypto import public_key
from hamsada.ops.backup import write_backup
from hamsada.participation.models import Act
from hamsada.snapshots.actions import take_snapshot
from hamsada.snapshots.chain import snapshot_file
from hamsada.tally.models import Snapshot, totals
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import hamsada_verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(settings, tmp_path):
    """The operator's age identity, kept off the server; the server knows only its public half."""
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENT = str(identity.to_public())
    path = tmp_path / "identity.txt"
    path.write_text(f"# the operator's\n{identity}\n")
    return path


def backup(folder):
    out = io.StringIO()
    call_command("backup", "--to", str(folder), stdout=out)
    return out.getvalue().strip()


def test_back_up_wipe_restore_and_everything_checks(operator, tmp_path):
    petition = open_petition()
    confirmed_signature(petition, name="Mariam")
    confirmed_signature(petition, email="grace@example.org")
    pending_signature(petition, email="later@example.org")
    snapshot = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    before = totals(petition.pk)

    path = backup(tmp_path / "backups")
    raw = Path(path).read_bytes()
    assert raw.startswith(b"age-encryption.org/v1")
    assert b"free-the-teachers" not in raw and b"Mariam" not in raw

    call_command("flush", "--no-input")
    assert not Act.objects.exists()

    call_command("restore", path, "--identity", str(operator), stdout=io.StringIO())
    assert totals(petition.pk) == before
    call_command("recount", "--check", stdout=io.StringIO())
    chain = tmp_path / "snapshot.json"
    chain.write_text("".join(snapshot_file(Snapshot.objects.get(pk=snapshot.pk))))
    status, output = hamsada_verify(chain, "--key", public_key())
    assert status == 0, output
    restored = next(act for act in Act.objects.all() if act.full_name == "Mariam")
    assert restored.email == "ada@example.org"


def test_no_backup_is_written_unencrypted(settings, tmp_path):
    settings.BACKUP_RECIPIENT = ""
    with pytest.raises(CommandError, match="HAMSADA_BACKUP_RECIPIENT"):
        backup(tmp_path)
    assert not list(tmp_path.iterdir())


def test_another_identity_cannot_restore(operator, tmp_path):
    open_petition()
    path = backup(tmp_path / "backups")
    stranger = tmp_path / "stranger.txt"
    stranger.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    with pytest.raises(CommandError, match="cannot open this backup"):
        call_command("restore", path, "--identity", str(stranger))


def test_only_the_newest_backups_are_kept(operator, tmp_path):
    now = timezone.now()
    for days in (3, 2, 1, 0):
        write_backup(tmp_path, now - timedelta(days=days), keep=2)
    kept = sorted(path.name for path in tmp_path.glob("*.tar.age"))
    assert kept == [
        f"hamsada-{now - timedelta(days=1):%Y%m%d-%H%M%S}.tar.age",
        f"hamsada-{now:%Y%m%d-%H%M%S}.tar.age",
    ]
