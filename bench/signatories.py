"""How fast the public signatory list of an open letter is read, first page to
last, with tens of thousands of people named among the co-signers.

    python bench/signatories.py --backend sqlite --names 50000

Seeds an open letter (one co-signer in seven chooses to be named, as in the
seed command), then times the list's pages in one process with Django's test
client, so the figure is the server's own work: query and rendering.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--names", type=int, default=50_000, help="co-signers named in public")
    parser.add_argument("--requests", type=int, default=50, help="per page measured")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="hamsada-signatories-")
    if args.backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    else:
        os.environ.setdefault(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hamsada_bench_signatories"
        )
    os.environ["HAMSADA_VAR_DIR"] = directory
    os.environ["HAMSADA_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsada.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    if args.backend == "postgresql":
        create_database()
    call_command("migrate", verbosity=0)
    # The seed names one co-signer in seven.
    call_command(
        "seed",
        campaign="letter",
        kind="open_letter",
        acts=args.names * 7,
        stdout=io.StringIO(),
    )
    client = Client(HTTP_HOST="127.0.0.1")
    base = "/en/c/letter/signatories/"
    last = -(-args.names // 200)
    print(f"{args.backend}: {args.names:,} named co-signers, {last:,} pages of 200")
    for label, page in [("first page", 1), ("middle page", last // 2), ("last page", last)]:
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(f"{base}?page={page}")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        timings.sort()
        print(
            f"  {label:12} (page {page:>5,}): p50 {statistics.median(timings):6.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:6.1f} ms"
        )
    response = client.get("/en/c/letter/")
    assert response.status_code == 200


def create_database():
    """A fresh benchmark database beside the default one."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
