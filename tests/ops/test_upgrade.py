"""An instance made at an earlier release upgrades: a database made at commit
611cbc0 (the demo, plus a confirmed, a withdrawn and a pending signature),
kept as an SQL dump, migrates to this one and everything still checks."""

import gzip
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent.parent / "fixtures" / "upgrade" / "611cbc0.sql.gz"
# The keys the fixture was made with (test-only values).
KEYS = {
    "HAMSADA_ENCRYPTION_KEY": "upgrade-fixture-key-not-secret-k7Hq2v9XbN4mZ8wR1tY6uP3sD5fG0jLa",
    "HAMSADA_SECRET_KEY": "upgrade-fixture-secret",
}
CHECK = """
from django.test import Client
from django.utils import timezone
from hamsada.participation.actions import record_act
from hamsada.participation.models import Act
acts = {act.full_name: act for act in Act.objects.all()}
print(acts["Mariam"].email)
print(acts["Waiting"].status)
print(Act.objects.filter(email_encrypted="", status="withdrawn").count())
print(Act.objects.filter(show_name=False).exclude(name="").count())
again = record_act(acts["Mariam"].campaign, kind="signature", name="M", email="mariam@example.org",
    country="", show_name=False, wants_updates=False, language="fa", now=timezone.now())
print(again.pk == acts["Mariam"].pk)
page = Client().get("/fa/c/reopen-girls-schools/")
print(page.status_code, "Mariam" in page.content.decode())
"""


def hamsada(var, *args):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "hamsada.cli", *args],
        env={**environment, **KEYS, "HAMSADA_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_database_made_at_611cbc0_migrates_to_this_one(tmp_path):
    database = sqlite3.connect(tmp_path / "hamsada.sqlite3")
    database.executescript(gzip.decompress(FIXTURE.read_bytes()).decode())
    database.close()
    migrated = hamsada(tmp_path, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    assert "Applying outbox.0009_suppressions... OK" in migrated.stdout
    recount = hamsada(tmp_path, "recount", "--check")
    assert recount.returncode == 0, recount.stdout + recount.stderr
    checked = hamsada(tmp_path, "shell", "-c", CHECK)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-6:] == [
        "mariam@example.org",
        "pending",
        "1",
        "0",  # private names are encrypted
        "True",  # the address is found again: its digest was bound to the campaign
        "200 True",
    ]
