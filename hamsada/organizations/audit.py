"""The audit trail: every organiser's write and every read of personal data by
a person, one hash chain per organisation and one for the operator.

Each entry's digest covers the digest before it, so an entry deleted, changed
or put out of order breaks its chain where it happened (check). The database
refuses to change or delete entries (a trigger), so that takes an operator
who bypasses it, and still shows.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from hamsada.organizations.models import AuditEntry

START = "0" * 64
OPERATOR_CHAIN = "operator"


def chain_of(organization):
    return f"organization:{organization.pk}" if organization is not None else OPERATOR_CHAIN


def digest_of(previous, content):
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous + canonical).encode()).hexdigest()


def record(actor, action, object_type, object_id="", organization=None, fields=None):
    """Appends an entry to the chain of organization (None: the operator's)."""
    chain = chain_of(organization)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                last = (
                    AuditEntry.objects.select_for_update()
                    .filter(chain=chain)
                    .order_by("-number")
                    .first()
                )
                entry = AuditEntry(
                    chain=chain,
                    organization=organization,
                    number=last.number + 1 if last else 1,
                    at=timezone.now(),
                    actor=actor,
                    actor_name=actor.get_username(),
                    action=action,
                    object_type=object_type,
                    object_id=str(object_id),
                    fields=fields or {},
                    previous=last.digest if last else START,
                )
                entry.digest = digest_of(entry.previous, entry.content())
                entry.save()
                return entry
        except IntegrityError:
            continue  # another request took this number: read the chain's end again
    raise RuntimeError(f"could not append to the audit chain {chain}")


def check(chain=None):
    """Problems found, as (chain, number, what) triples; none when every chain
    is whole. Entries are read in the order of their numbers."""
    problems = []
    chains = [chain] if chain else AuditEntry.objects.values_list("chain", flat=True).distinct()
    for name in sorted(set(chains)):
        previous, expected = START, 1
        for entry in AuditEntry.objects.filter(chain=name).order_by("number").iterator():
            if entry.number != expected:
                problems.append((name, expected, "missing"))
            if entry.previous != previous:
                problems.append((name, entry.number, "does not follow the entry before"))
            if entry.digest != digest_of(entry.previous, entry.content()):
                problems.append((name, entry.number, "changed"))
            previous, expected = entry.digest, entry.number + 1
    return problems


def heads():
    """The last entry of each chain: (chain, number, digest), for an owner to
    note elsewhere and compare later (an entry appended since changes it;
    one cut from the end does not show otherwise)."""
    last = {}
    for entry in AuditEntry.objects.order_by("chain", "number").only("chain", "number", "digest"):
        last[entry.chain] = (entry.chain, entry.number, entry.digest)
    return list(last.values())
