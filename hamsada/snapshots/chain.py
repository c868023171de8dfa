"""Reading a campaign's chain of snapshots back: the receipts each counts,
the file `hamsada verify` checks (format: docs/snapshots.md), and where one
receipt stands."""

import json
from bisect import bisect_left

from hamsada.participation.models import Act
from hamsada.snapshots import merkle
from hamsada.snapshots.verify import FORMAT
from hamsada.tally.models import Snapshot
from hamsada.tally.receipts import normalise, receipt_hash

HASH_SIZE = 32


def pack(hashes):
    return b"".join(sorted(hashes))


def unpack(blob):
    blob = bytes(blob)
    return [blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)]


def receipts_at(snapshot):
    """The sorted receipt hashes (bytes) a snapshot counts, replayed from the first."""
    current = set()
    for earlier in Snapshot.objects.filter(
        campaign_id=snapshot.campaign_id, number__lte=snapshot.number
    ).only("added", "removed"):
        current.difference_update(unpack(earlier.removed))
        current.update(unpack(earlier.added))
    return sorted(current)


def snapshot_file(snapshot):
    """The snapshot file, as pieces of text to stream: its chain, its statement
    and signature, and every receipt hash it counts."""
    chain = Snapshot.objects.filter(
        campaign_id=snapshot.campaign_id, number__lt=snapshot.number
    ).only("body", "signature")
    yield '{"format": "' + FORMAT + '",\n"chain": ['
    for index, earlier in enumerate(chain):
        link = {"snapshot": earlier.statement, "signature": earlier.signature}
        yield ("" if index == 0 else ",") + "\n" + json.dumps(link, ensure_ascii=False)
    statement = json.dumps(snapshot.statement, ensure_ascii=False)
    yield '],\n"snapshot": ' + statement + ",\n"
    yield '"signature": "' + snapshot.signature + '",\n"receipts": ['
    listed = receipts_at(snapshot)
    for start in range(0, len(listed), 1000):
        part = ",".join(f'"{h.hex()}"' for h in listed[start : start + 1000])
        yield ("\n" if start == 0 else ",\n") + part
    yield "]}\n"


def find_receipt(campaign, code):
    """Where a receipt stands: ("unknown" | "removed" | "next" (confirmed after the
    latest snapshot) | "counted", the snapshot, the inclusion proof)."""
    wanted = receipt_hash(code) if normalise(code) else None
    act = Act.objects.filter(campaign=campaign, receipt_hash=wanted).first() if wanted else None
    if act is None:
        return "unknown", None, None
    if act.status != Act.Status.CONFIRMED:
        return "removed", None, None
    entry = bytes.fromhex(wanted)
    snapshot = campaign.snapshots.order_by("-number").first()
    listed = receipts_at(snapshot) if snapshot else []
    index = bisect_left(listed, entry)
    if index < len(listed) and listed[index] == entry:
        proof = {
            "receipt_hash": wanted,
            "index": index,
            "size": len(listed),
            "path": [h.hex() for h in merkle.inclusion_proof(listed, index)],
            "root": snapshot.statement["receipts"]["root"],
        }
        return "counted", snapshot, proof
    return "next", None, None
