import json
import os
import re
import subprocess
import sys

import pytest

PRODUCTION = {
    "HAMSADA_PRODUCTION": "1",
    "HAMSADA_SECRET_KEY": "a-long-random-secret-for-this-test-only-" + "x9Qz" * 10,
    "HAMSADA_ALLOWED_HOSTS": "petitions.example.org",
    "HAMSADA_SITE_URL": "https://petitions.example.org",
    "HAMSADA_SMTP_URL": "smtp://mailer:secret@127.0.0.1:587?tls=1",
    "HAMSADA_BOUNCE_ADDRESS": "bounces@petitions.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
STRONG_KEY = "k7Hq2v9XbN4mZ8wR1tY6uP3sD5fG0jL" * 2


# Each check runs `hamsada` on an SQLite database of its own, whatever the
# suite's database: the suite's run on PostgreSQL would only repeat them.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on its own SQLite instance; the SQLite run of the suite covers it",
)


@pytest.fixture(autouse=True)
def fresh_instance(tmp_path, monkeypatch):
    """Each check looks at a database and keys of its own, not the checkout's."""
    monkeypatch.setenv("HAMSADA_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)


def hamsada(*args, **env):
    # As a real deployment starts it: without the test session's async override.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "-m", "hamsada.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = hamsada("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_mail_server_fails_the_deploy_check():
    result = hamsada("check", "--deploy", **{**PRODUCTION, "HAMSADA_SMTP_URL": ""})
    assert result.returncode != 0
    assert "HAMSADA_SMTP_URL" in result.stderr


def test_the_demo_refuses_to_run_in_production():
    result = hamsada("demo", **PRODUCTION)
    assert result.returncode != 0
    assert "not for production" in result.stderr


def test_smtp_without_a_bounce_address_is_warned_about():
    result = hamsada(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**PRODUCTION, "HAMSADA_BOUNCE_ADDRESS": ""},
    )
    assert result.returncode != 0
    assert "hamsada.W002" in result.stderr


def test_a_provider_whose_webhook_anyone_could_call_fails_the_deploy_check():
    provider = {**PRODUCTION, "HAMSADA_SMTP_URL": "", "HAMSADA_MAIL_PROVIDER": "postmark"}
    tokens = {"POSTMARK_SERVER_TOKEN": "token"}
    open_to_all = hamsada("check", "--deploy", HAMSADA_ANYMAIL=json.dumps(tokens), **provider)
    assert open_to_all.returncode != 0
    assert "hamsada.E005" in open_to_all.stderr
    secured = {**tokens, "WEBHOOK_SECRET": "hamsada:a-long-random-webhook-secret"}
    result = hamsada(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HAMSADA_ANYMAIL=json.dumps(secured),
        **provider,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_mailgun_webhook_without_its_signing_key_fails_the_deploy_check():
    provider = {**PRODUCTION, "HAMSADA_SMTP_URL": "", "HAMSADA_MAIL_PROVIDER": "mailgun"}
    result = hamsada("check", "--deploy", HAMSADA_ANYMAIL="{}", **provider)
    assert result.returncode != 0
    assert "hamsada.E004" in result.stderr


def test_an_instance_without_production_settings_fails_the_deploy_check():
    result = hamsada("check", "--deploy", **{**PRODUCTION, "HAMSADA_PRODUCTION": ""})
    assert result.returncode != 0
    assert "hamsada.E010" in result.stderr


def test_links_without_https_and_no_shared_cache_fail_the_deploy_check():
    result = hamsada(
        "check",
        "--deploy",
        **{**PRODUCTION, "HAMSADA_SITE_URL": "http://petitions.example.org", "REDIS_URL": ""},
    )
    assert "hamsada.E011" in result.stderr and "hamsada.E012" in result.stderr


def test_a_weak_new_key_fails_the_deploy_check():
    assert hamsada("migrate", "-v", "0").returncode == 0
    result = hamsada("check", "--deploy", **{**PRODUCTION, "HAMSADA_ENCRYPTION_KEY": "x"})
    assert result.returncode != 0
    assert "hamsada.E013" in result.stderr
    strong = hamsada(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**PRODUCTION, "HAMSADA_ENCRYPTION_KEY": STRONG_KEY},
    )
    assert strong.returncode == 0, strong.stderr


def test_a_weak_key_already_in_use_is_a_warning_with_a_way_out(tmp_path):
    weak = {"HAMSADA_ENCRYPTION_KEY": "password123"}
    assert hamsada("migrate", "-v", "0", **weak).returncode == 0
    assert hamsada("seed", "--campaign", "keyed", "--acts", "0", **weak).returncode == 0
    assert hamsada("shell", "-c", SIGN_ONE, **weak).returncode == 0
    result = hamsada("check", "--deploy", **{**PRODUCTION, **weak})
    assert result.returncode == 0, result.stderr  # a warning, not an error
    assert "hamsada.W013" in result.stderr
    assert "hamsada rotate-key" in result.stderr

    # The way out, as the hint says it.
    rotation = hamsada("rotate-key", **weak)
    assert rotation.returncode == 0, rotation.stderr
    draft = tmp_path / "keys" / "encryption.key.new"
    assert f"Set HAMSADA_ENCRYPTION_KEY to the new key, which is in {draft}" in rotation.stdout
    new = {"HAMSADA_ENCRYPTION_KEY": draft.read_text().strip()}
    strong = hamsada("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, **new})
    assert strong.returncode == 0, strong.stderr
    address = hamsada("shell", "--no-imports", "-c", READ_ONE, **new)
    assert address.stdout.strip() == "a@example.org", address.stderr
    # Starting again with the old key is caught before supporters meet it.
    stale = hamsada("check", "--deploy", **{**PRODUCTION, **weak})
    assert stale.returncode != 0 and "hamsada.E016" in stale.stderr


SIGN_ONE = """
from django.utils import timezone
from hamsada.campaigns.models import Campaign
from hamsada.participation.actions import record_act
record_act(Campaign.objects.get(slug="keyed"), kind="signature", name="A", email="a@example.org",
    country="AF", show_name=False, wants_updates=False, language="en", now=timezone.now())
"""
READ_ONE = "from hamsada.participation.models import Act; print(Act.objects.get().email)"


def test_a_database_that_ran_the_demo_fails_the_deploy_check():
    assert hamsada("migrate", "-v", "0").returncode == 0
    assert hamsada("demo").returncode == 0
    result = hamsada("check", "--deploy", **PRODUCTION)
    assert result.returncode != 0
    assert "hamsada.E014" in result.stderr and "hamsada.E015" in result.stderr


# Each defence against scripts, switched off, and the warning that names it.
DEFENCES_OFF = {
    "HAMSADA_FORM_HONEYPOT": ("0", "hamsada.W020"),
    "HAMSADA_FORM_MIN_SECONDS": ("0", "hamsada.W021"),
    "HAMSADA_PROOF_OF_WORK": ("off", "hamsada.W023"),
    "HAMSADA_UNPROVEN_PER_MINUTE": ("0", "hamsada.W024"),
    "HAMSADA_SIGN_RATE_LIMIT": ("0", "hamsada.W025"),
    "HAMSADA_RISE_ALERTS": ("0", "hamsada.W026"),
}


def test_each_defence_against_scripts_switched_off_is_warned_about():
    off = {setting: value for setting, (value, _warning) in DEFENCES_OFF.items()}
    result = hamsada("check", "--deploy", **{**PRODUCTION, **off})
    warnings = sorted(set(re.findall(r"hamsada\.W0\d\d", result.stderr)))
    assert warnings == sorted(warning for _value, warning in DEFENCES_OFF.values()), result.stderr
    # The clean production settings above warn of none of them.


def test_a_page_cache_older_than_the_minimum_time_to_fill_is_warned_about():
    result = hamsada("check", "--deploy", **{**PRODUCTION, "HAMSADA_PAGE_CACHE_SECONDS": "5"})
    assert "hamsada.W022" in result.stderr and result.stderr.count("hamsada.W0") == 1
