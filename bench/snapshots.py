"""What signed snapshots cost at a real campaign's size: taking one, the next
one after more signatures and some withdrawals, a supporter's inclusion proof,
writing the snapshot file, and `hamsada verify` checking it offline.

    python bench/snapshots.py --acts 354847

Seeds a petition in a fresh SQLite database (acts made in SQL, each confirmed
one with its receipt hash), then times each step in one process (the verify
step in its own, as a person would run it).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(label, function, results):
    started = time.perf_counter()
    value = function()
    results[label] = round(time.perf_counter() - started, 2)
    print(f"{label:<42}{results[label]:>8} s", flush=True)
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--acts", type=int, default=354_847)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="hamsada-snapshots-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["HAMSADA_VAR_DIR"] = directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsada.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from hamsada.campaigns.models import Campaign
    from hamsada.participation.actions import withdraw_act
    from hamsada.participation.models import Act
    from hamsada.snapshots.actions import take_snapshot
    from hamsada.snapshots.chain import receipts_at, snapshot_file
    from hamsada.snapshots.merkle import inclusion_proof

    call_command("migrate", verbosity=0)
    results = {"acts": args.acts}
    quiet = open(os.devnull, "w")  # noqa: SIM115 - open for the whole run
    timed("seed", lambda: call_command("seed", acts=args.acts, stdout=quiet), results)
    campaign = Campaign.objects.get(slug="bench")
    first = timed(
        "first snapshot", lambda: take_snapshot(campaign, "requested", timezone.now()), results
    )
    call_command("seed", acts=args.acts + 1000, stdout=quiet)
    for pk in Act.objects.filter(campaign=campaign).values_list("pk", flat=True)[:100]:
        withdraw_act(pk, timezone.now())
    second = timed(
        "next (+1,000, -100)", lambda: take_snapshot(campaign, "requested", timezone.now()), results
    )
    listed = timed("receipt list of a snapshot (replayed)", lambda: receipts_at(second), results)
    timed("one inclusion proof", lambda: inclusion_proof(listed, len(listed) // 2), results)
    path = Path(directory) / "snapshot.json"
    timed(
        "write the snapshot file", lambda: path.write_text("".join(snapshot_file(second))), results
    )
    results["file_mb"] = round(path.stat().st_size / 1e6, 1)
    started = time.perf_counter()
    check = subprocess.run(
        [sys.executable, "-m", "hamsada.cli", "verify", str(path)], capture_output=True, text=True
    )
    results["hamsada verify"] = round(time.perf_counter() - started, 2)
    print(f"{'hamsada verify (own process)':<42}{results['hamsada verify']:>8} s")
    assert check.returncode == 0, check.stdout + check.stderr
    results["receipts"] = second.statement["receipts"]
    results["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(
        f"file {results['file_mb']} MB; peak memory {results['peak_mb']} MB; first #{first.number}"
    )
    (ROOT / "bench" / "results" / "snapshots.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
