"""Receipts, signed snapshots and their offline check, end to end: supporters
confirm, snapshots are taken, anyone can verify the file with `hamsada verify`,
and any tampering makes it fail."""

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from hamsada.lib.crypto import public_key
from hamsada.outbox.models import Message
from hamsada.participation.actions import invalidate_act, withdraw_act
from hamsada.participation.models import Act
from hamsada.participation.recount import recount
from hamsada.snapshots import merkle
from hamsada.snapshots.actions import take_due_snapshots, take_snapshot
from hamsada.snapshots.chain import find_receipt
from hamsada.snapshots.verify import canonical, digest
from hamsada.tally.models import Snapshot, totals
from hamsada.tally.receipts import receipt_hash
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import confirm_url, hamsada_verify, send_due, text_of, wait_for

pytestmark = pytest.mark.django_db


def supporters(campaign, count, start=0):
    return [
        confirmed_signature(campaign, email=f"s{n}@example.org", country="AF" if n % 2 else "")
        for n in range(start, start + count)
    ]


def test_a_confirmed_act_gets_a_receipt_of_which_only_the_hash_is_kept(petition):
    act = confirmed_signature(petition)
    assert act.receipt and len(act.receipt) == 24
    stored = Act.objects.get(pk=act.pk)
    assert stored.receipt_hash == receipt_hash(act.receipt)
    message = Message.objects.get(act=act, kind=Message.Kind.RECEIPT)
    assert message.secret and act.receipt.replace("-", "") not in message.secret  # encrypted
    assert pending_signature(petition, email="p@example.org").receipt_hash is None


def test_the_receipt_email_carries_the_code_and_the_code_is_then_forgotten(smtp_mailer, petition):
    act = confirmed_signature(petition, language="fa")
    send_due()
    received = [m for m in smtp_mailer.messages if act.receipt in text_of(m)]
    assert len(received) == 1
    assert "/fa/c/free-the-teachers/verify/" in text_of(received[0])
    assert Message.objects.get(act=act, kind=Message.Kind.RECEIPT).secret == ""


def test_the_confirmation_page_shows_the_receipt_once(client, petition):
    act = pending_signature(petition)
    response = client.post(confirm_url(act))
    act.refresh_from_db()
    page = response.content.decode()
    code = page.split('data-testid="receipt">')[1].split("<")[0]
    assert receipt_hash(code) == act.receipt_hash
    assert "no-store" in response["Cache-Control"]
    again = client.post(confirm_url(act), follow=True).content.decode()
    assert code not in again and 'data-testid="receipt"' not in again


def test_a_snapshot_counts_signs_and_chains(petition):
    acts = supporters(petition, 5)
    first = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    statement = first.statement
    hashes = sorted(bytes.fromhex(receipt_hash(act.receipt)) for act in acts)
    assert statement["number"] == 1 and statement["previous"] is None
    assert statement["counts"]["confirmed"] == statement["receipts"]["count"] == 5
    assert statement["counts"]["countries"] == {"": 3, "AF": 2}
    assert statement["receipts"]["root"] == merkle.root(hashes).hex()
    assert statement["public_key"] == public_key()
    withdraw_act(acts[0].pk, timezone.now())
    supporters(petition, 2, start=5)
    second = take_snapshot(petition, Snapshot.Reason.SCHEDULED, timezone.now())
    assert second.statement["previous"] == first.digest
    assert second.statement["receipts"] == {
        "count": 6,
        "root": second.statement["receipts"]["root"],
        "added": 2,
        "removed": {"withdrawn": 1, "invalidated": 0},
    }
    assert first.body == canonical(statement).decode()  # kept byte for byte


def test_counts_from_paper_and_partners_stay_on_their_own_lines(client, petition):
    supporters(petition, 2)
    petition.offline_counts.create(
        source="paper", name="Herat sheets", count=1200, collected_on="2026-11-01"
    )
    statement = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now()).statement
    assert statement["counts"]["confirmed"] == 2
    assert statement["offline"] == [
        {"source": "paper", "name": "Herat sheets", "count": 1200, "date": "2026-11-01"}
    ]
    page = client.get("/fa/c/free-the-teachers/").content.decode()
    assert 'data-testid="confirmed-total">۲<' in page
    assert "۱٬۲۰۰" in page and "<bdi>Herat sheets</bdi>" in page
    assert "/fa/c/free-the-teachers/verify/" in page
    verify = client.get("/fa/c/free-the-teachers/verify/").content.decode()
    assert 'data-testid="offline-count">۱٬۲۰۰<' in verify


def download(client, campaign, number, tmp_path):
    response = client.get(f"/en/c/{campaign.slug}/verify/snapshot-{number}.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    path = tmp_path / f"snapshot-{number}.json"
    path.write_bytes(b"".join(response.streaming_content))
    return path


@pytest.fixture
def snapshot_file(client, petition, tmp_path):
    acts = supporters(petition, 6)
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    withdraw_act(acts[0].pk, timezone.now())
    supporters(petition, 3, start=6)
    take_snapshot(petition, Snapshot.Reason.DELIVERY, timezone.now())
    return download(client, petition, 2, tmp_path), acts


def test_hamsada_verify_passes_a_downloaded_snapshot_and_finds_a_receipt(snapshot_file):
    path, acts = snapshot_file
    status, output = hamsada_verify(path, "--receipt", acts[3].receipt, "--key", public_key())
    assert status == 0, output
    assert "VERIFIED: snapshot 2 of free-the-teachers counts 8 receipts." in output
    assert "This receipt is counted" in output
    status, output = hamsada_verify(path, "--receipt", acts[0].receipt)  # withdrawn
    assert status == 1 and "not among the counted receipts" in output


def edit(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    return path


def resign(link, key):
    link["signature"] = base64.b64encode(key.sign(canonical(link["snapshot"]))).decode()


def raise_count(d):
    d["snapshot"]["counts"]["confirmed"] += 1
    d["snapshot"]["receipts"]["count"] += 1


def drop_hash(d):
    d["receipts"].pop()


def add_hash(d):
    d["receipts"].append("f" * 64)


def reorder(d):
    d["receipts"][0], d["receipts"][1] = d["receipts"][1], d["receipts"][0]


def forge_signature(d):
    raise_count(d)
    d["receipts"].append("f" * 64)
    resign(d, Ed25519PrivateKey.generate())


def forge_everything(d):
    """A forger's own key throughout: caught only by comparing the key."""
    forger = Ed25519PrivateKey.generate()
    raw = forger.public_key().public_bytes_raw()
    for link in [*d["chain"], d]:
        link["snapshot"]["public_key"] = base64.b64encode(raw).decode()
    resign(d["chain"][0], forger)
    d["snapshot"]["previous"] = digest(d["chain"][0]["snapshot"])
    resign(d, forger)


def break_chain(d):
    d["chain"] = []


def break_link(d):
    d["chain"][0]["snapshot"]["counts"]["countries"][""] = 5


@pytest.mark.parametrize(
    "tamper",
    [raise_count, drop_hash, add_hash, reorder, forge_signature, forge_everything, break_chain,
     break_link],
)  # fmt: skip
def test_hamsada_verify_catches_tampering(snapshot_file, tamper):
    path, _acts = snapshot_file
    status, output = hamsada_verify(edit(path, tamper), "--key", public_key())
    assert status == 1, output
    assert "✗" in output and "NOT VERIFIED" in output


def test_hamsada_verify_says_when_a_file_is_not_a_snapshot(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}')
    status, output = hamsada_verify(path)
    assert status == 2 and "not a Hamsada snapshot" in output
    path.write_text("not json")
    assert hamsada_verify(path)[0] == 2
    assert hamsada_verify(tmp_path / "missing.json")[0] == 2


def test_a_supporter_checks_a_receipt_on_the_page(client, petition):
    acts = supporters(petition, 4)
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    later = supporters(petition, 1, start=4)[0]
    url = "/fa/c/free-the-teachers/verify/"
    page = client.post(url, {"receipt": acts[2].receipt.lower()}).content.decode()
    assert 'data-testid="receipt-result"' in page and "<code>" in page
    status, snapshot, proof = find_receipt(petition, acts[2].receipt)
    assert status == "counted" and snapshot.number == 1
    entry = bytes.fromhex(proof["receipt_hash"])
    path = [bytes.fromhex(h) for h in proof["path"]]
    root = bytes.fromhex(snapshot.statement["receipts"]["root"])
    assert merkle.verify_inclusion(entry, proof["index"], proof["size"], path, root)
    assert find_receipt(petition, later.receipt)[0] == "next"
    withdraw_act(acts[1].pk, timezone.now())
    assert find_receipt(petition, acts[1].receipt)[0] == "removed"
    assert find_receipt(petition, "7KQ2-M9XD-3F8H-TW4B-N6CR")[0] == "unknown"


@pytest.mark.parametrize("code", ["", "short", "x" * 61, "7KQ2-M9XD-3F8H-TW4B-N6CU"])
def test_a_malformed_receipt_gets_a_message_and_changes_nothing(client, petition, code):
    response = client.post("/en/c/free-the-teachers/verify/", {"receipt": code})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_the_verification_page_lists_the_chain_and_the_key(client, petition):
    supporters(petition, 3)
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    page = client.get("/ps/c/free-the-teachers/verify/").content.decode()
    assert public_key() in page and "snapshot-1.json" in page
    assert 'dir="rtl"' in page
    assert client.get("/signing-key.txt").content.decode().startswith(public_key())
    assert client.get("/en/c/free-the-teachers/verify/snapshot-2.json").status_code == 404


def test_an_act_invalidated_as_abuse_is_uncounted_explained_and_cannot_sign_again(petition):
    acts = supporters(petition, 3)
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    act, changed = invalidate_act(acts[1].pk, timezone.now())
    assert changed and act.status == Act.Status.INVALIDATED and act.name == ""
    assert not invalidate_act(acts[1].pk, timezone.now())[1]
    assert totals(petition.pk) == {"confirmed": 2, "pending": 0}
    again = pending_signature(petition, email="s1@example.org")
    assert again.pk == act.pk and totals(petition.pk)["pending"] == 0
    statement = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now()).statement
    assert statement["receipts"]["removed"] == {"withdrawn": 0, "invalidated": 1}
    assert statement["receipts"]["count"] == 2
    assert find_receipt(petition, acts[1].receipt)[0] == "removed"
    assert recount(repair=False) == []


def test_the_schedule_snapshots_campaigns_whose_counted_acts_changed(petition, settings):
    settings.SNAPSHOT_HOURS = 24
    assert take_due_snapshots(timezone.now()) == []  # nothing counted yet
    supporters(petition, 2)
    now = timezone.now()
    [first] = take_due_snapshots(now)
    assert first.reason == "scheduled" and first.statement["receipts"]["count"] == 2
    assert take_due_snapshots(now + timedelta(hours=23)) == []  # not yet due
    assert take_due_snapshots(now + timedelta(hours=25)) == []  # due, but nothing changed
    supporters(petition, 1, start=2)
    [second] = take_due_snapshots(timezone.now() + timedelta(hours=25))
    assert second.number == 2 and second.statement["receipts"]["added"] == 1


def test_the_worker_takes_the_scheduled_snapshots(worker):
    petition = open_petition()
    supporters(petition, 3)
    snapshot = wait_for(lambda: Snapshot.objects.filter(campaign=petition).first())
    assert snapshot.reason == "scheduled"
    assert snapshot.statement["counts"]["confirmed"] == 3


def test_a_title_changed_between_snapshots_keeps_the_chain_whole(client, petition, tmp_path):
    supporters(petition, 2)
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    petition.texts.filter(language="en").update(title="Free the teachers now")
    take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    status, output = hamsada_verify(download(client, petition, 2, tmp_path))
    assert status == 0, output
