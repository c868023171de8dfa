"""`hamsada verify FILE [--receipt CODE] [--key KEY]`: checks a snapshot file
offline, with nothing but this file, merkle.py, receipts.py and the
`cryptography` package. The format is described in docs/snapshots.md.

Exit status: 0 when every check passes, 1 when any fails, 2 when the file
cannot be read as a snapshot at all.
"""

import argparse
import base64
import gettext
import hashlib
import json
import os
import sys
from bisect import bisect_left
from itertools import pairwise
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hamsada.snapshots import merkle
from hamsada.tally.receipts import normalise, receipt_hash

FORMAT = "hamsada-snapshot/1"
LOCALE = Path(__file__).resolve().parent.parent / "locale"


def canonical(snapshot: dict) -> bytes:
    """The bytes that are signed: keys sorted, no spaces, UTF-8 (RFC 8785 for
    this content, which holds only strings, integers, lists, objects and null)."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(snapshot: dict) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def fingerprint(public_key: str) -> str:
    """A short form of the key for people to compare: the first 16 hex digits of its SHA-256."""
    raw = base64.b64decode(public_key)
    return hashlib.sha256(raw).hexdigest()[:16]


def key_chain(snapshots):
    """The key of each snapshot, and whether every change of key along the
    chain is vouched for: the later snapshot carries, in key_rotations, a
    statement naming the new key signed by the key before it (one per
    rotation, when the key changed more than once between two snapshots)."""
    keys = [s.get("public_key") for s in snapshots]
    endorsed = True
    for earlier, later in pairwise(snapshots):
        current = earlier.get("public_key")
        rotations = later.get("key_rotations", []) if current != later.get("public_key") else []
        for rotation in rotations:
            statement = rotation.get("statement", {}) if isinstance(rotation, dict) else {}
            if statement.get("previous_key") != current or not signature_holds(
                statement, rotation.get("signature"), current
            ):
                endorsed = False
                break
            current = statement.get("public_key")
        endorsed = endorsed and current == later.get("public_key")
    return keys, endorsed


def signature_holds(snapshot: dict, signature: str, public_key: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), canonical(snapshot))
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        return False
    return True


class Unreadable(Exception):
    pass


def check(
    document: dict,
    code: str | None = None,
    key: str | None = None,
    translation: gettext.NullTranslations | None = None,
):
    """Every check, as (passed, sentence) pairs, in order, in the language of
    translation (a gettext translations object; English without one)."""
    translation = translation or gettext.NullTranslations()
    _, ngettext = translation.gettext, translation.ngettext
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unreadable(_("This is not a Hamsada snapshot file (format %s).") % FORMAT)
    try:
        links = [*document["chain"], {k: document[k] for k in ("snapshot", "signature")}]
        snapshots = [link["snapshot"] for link in links]
        last = snapshots[-1]
        listed = document["receipts"]
        trusted = key or last["public_key"]
        counts, claimed = last["counts"], last["receipts"]
    except (KeyError, TypeError) as error:
        raise Unreadable(_("The file lacks a part a snapshot must have: %s") % error) from None
    results = []

    keys, endorsed = key_chain(snapshots)
    signed = (trusted in keys and endorsed) and all(
        signature_holds(link["snapshot"], link["signature"], link["snapshot"].get("public_key"))
        for link in links
    )
    results.append(
        (
            signed,
            _("Every snapshot is signed by the key %s.") % fingerprint(trusted)
            if signed and len(set(keys)) == 1
            else _(
                "Every snapshot is signed by the key %s or by one linked to it by a "
                "signed change of key."
            )
            % fingerprint(trusted)
            if signed
            else _("A signature does not match the key %s: the file was changed or forged.")
            % fingerprint(trusted),
        )
    )
    same = all(s.get("campaign", {}).get("slug") == last["campaign"]["slug"] for s in snapshots)
    chained = same and all(
        s.get("number") == n and s.get("previous") == (digest(snapshots[n - 2]) if n > 1 else None)
        for n, s in enumerate(snapshots, start=1)
    )
    results.append(
        (
            chained,
            ngettext(
                "The chain is whole: snapshot %(count)s is the first and names none before it.",
                "The chain is whole: snapshots 1 to %(count)s, each naming the one before.",
                len(links),
            )
            % {"count": len(links)}
            if chained
            else _("The chain is broken: a snapshot is missing, reordered or changed."),
        )
    )
    running, adds_up = 0, True
    for s in snapshots:
        r = s["receipts"]
        running += r["added"] - sum(r["removed"].values())
        adds_up = adds_up and running == r["count"]
    results.append(
        (
            adds_up,
            _("Each count is the one before, plus receipts added, minus receipts removed.")
            if adds_up
            else _("The counts along the chain do not add up."),
        )
    )
    well_formed = all(
        isinstance(h, str) and len(h) == 64 and h == h.lower() and is_hex(h) for h in listed
    ) and all(a < b for a, b in pairwise(listed))
    results.append(
        (
            well_formed,
            _("The receipt hashes are listed once each, in order.")
            if well_formed
            else _("The receipt list is out of order, repeats a hash or holds something else."),
        )
    )
    counted = len(listed) == claimed["count"] == counts["confirmed"]
    results.append(
        (
            counted,
            ngettext(
                "The file lists %(listed)s receipt: the count the snapshot states.",
                "The file lists %(listed)s receipts: the count the snapshot states.",
                len(listed),
            )
            % {"listed": len(listed)}
            if counted
            # The listed receipts choose the form: the stated count has no
            # word of its own that agrees with it.
            else ngettext(
                "The file lists %(listed)s receipt but the snapshot states %(count)s.",
                "The file lists %(listed)s receipts but the snapshot states %(count)s.",
                len(listed),
            )
            % {"listed": len(listed), "count": counts["confirmed"]},
        )
    )
    entries = [bytes.fromhex(h) for h in listed] if well_formed else []
    rooted = well_formed and merkle.root(entries).hex() == claimed["root"]
    results.append(
        (
            rooted,
            _("The Merkle root of the listed receipts is the signed root.")
            if rooted
            else _("The Merkle root of the listed receipts is not the signed root."),
        )
    )
    if code is not None:
        results.append(check_receipt(code, listed, entries, claimed, translation))
    return results


def check_receipt(code, listed, entries, claimed, translation):
    _, ngettext = translation.gettext, translation.ngettext
    if normalise(code) is None:
        return False, _("This is not a receipt code: it has 20 letters and digits.")
    wanted = receipt_hash(code)
    index = bisect_left(listed, wanted)
    if index == len(listed) or listed[index] != wanted or not entries:
        return False, _("This receipt is not among the counted receipts of this snapshot.")
    path = merkle.inclusion_proof(entries, index)
    proven = merkle.verify_inclusion(
        entries[index], index, len(entries), path, bytes.fromhex(claimed["root"])
    )
    if not proven:
        return False, _("This receipt is listed, but its proof does not lead to the signed root.")
    return True, ngettext(
        "This receipt is counted: number %(position)s of %(count)s, proven.",
        "This receipt is counted: number %(position)s of %(count)s, proven.",
        len(entries),
    ) % {"position": index + 1, "count": len(entries)}


def is_hex(text):
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def translator(language):
    """The compiled Django catalog read with the standard library (plural forms
    from its header), so that checking needs no Django settings."""
    languages = [language] if language else None
    return gettext.translation("django", LOCALE, languages=languages, fallback=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="hamsada verify",
        description="Checks a Hamsada snapshot file: signatures, chain, count, root, "
        "and optionally that a receipt is included.",
    )
    parser.add_argument("file", help="the snapshot file (.json) downloaded from the instance")
    parser.add_argument("--receipt", help="your receipt code, to check that you are counted")
    parser.add_argument(
        "--key", help="the instance's public key (base64), as published, to check against"
    )
    parser.add_argument("--language", default=os.environ.get("HAMSADA_LANGUAGE"))
    args = parser.parse_args(argv)
    translation = translator(args.language)
    _, ngettext = translation.gettext, translation.ngettext
    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
        results = check(document, args.receipt, args.key, translation)
    except (OSError, ValueError, Unreadable, KeyError, TypeError, AttributeError) as error:
        print(_("Cannot check %(file)s: %(error)s") % {"file": args.file, "error": error})
        return 2
    for passed, sentence in results:
        print(("✓ " if passed else "✗ ") + sentence)
    snapshot = document["snapshot"]
    if all(passed for passed, _sentence in results):
        count = snapshot["receipts"]["count"]
        print(
            ngettext(
                "VERIFIED: snapshot %(number)s of %(campaign)s counts %(count)s receipt.",
                "VERIFIED: snapshot %(number)s of %(campaign)s counts %(count)s receipts.",
                count,
            )
            % {
                "number": snapshot["number"],
                "campaign": snapshot["campaign"]["slug"],
                "count": count,
            }
        )
        if not args.key:
            print(
                _(
                    "Compare the key %s with the one the instance publishes and prints in "
                    "its deliveries: this file alone cannot show whose key it is."
                )
                % fingerprint(snapshot["public_key"])
            )
        return 0
    print(_("NOT VERIFIED: do not rely on this file."))
    return 1


if __name__ == "__main__":
    sys.exit(main())
