import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hamsada.tally.models import Tally, totals
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import database_url

pytestmark = pytest.mark.django_db


def test_recount_check_passes_when_counters_match_the_acts(petition, capsys):
    confirmed_signature(petition)
    pending_signature(petition, email="b@example.org", country="AF")
    call_command("recount", "--check")
    assert "All counters match" in capsys.readouterr().out


def test_recount_check_fails_on_drift_and_changes_nothing(petition):
    confirmed_signature(petition, country="AF")
    Tally.objects.filter(campaign=petition, country="AF").update(confirmed=41)
    with pytest.raises(CommandError, match="differ"):
        call_command("recount", "--check")
    assert totals(petition.pk)["confirmed"] == 41


def test_recount_repairs_drift_and_missing_rows(petition):
    confirmed_signature(petition, country="AF")
    pending_signature(petition, email="b@example.org", country="DE")
    Tally.objects.filter(campaign=petition, country="AF").update(confirmed=7, pending=3)
    Tally.objects.filter(campaign=petition, country="DE").delete()
    call_command("recount")
    assert totals(petition.pk) == {"confirmed": 1, "pending": 1}
    call_command("recount", "--check")


@pytest.mark.django_db(transaction=True)
def test_hamsada_recount_check_exits_non_zero_on_drift_and_zero_after_repair():
    """The command an operator or a cron job runs, in its own process."""
    petition = open_petition()
    confirmed_signature(petition)
    Tally.objects.filter(campaign=petition).update(confirmed=2)
    env = {**os.environ, "DATABASE_URL": database_url()}

    def hamsada(*args):
        return subprocess.run(
            [sys.executable, "-m", "hamsada.cli", "recount", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    check = hamsada("--check")
    assert check.returncode == 1
    assert "stored 2, counted 1" in check.stdout
    assert hamsada().returncode == 0
    assert hamsada("--check").returncode == 0
    assert totals(petition.pk)["confirmed"] == 1
