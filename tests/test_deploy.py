import json
import os
import subprocess
import sys

PRODUCTION = {
    "HAMSADA_PRODUCTION": "1",
    "HAMSADA_SECRET_KEY": "a-long-random-secret-for-this-test-only-" + "x9Qz" * 10,
    "HAMSADA_ALLOWED_HOSTS": "petitions.example.org",
    "HAMSADA_SITE_URL": "https://petitions.example.org",
    "HAMSADA_SMTP_URL": "smtp://mailer:secret@127.0.0.1:587?tls=1",
    "HAMSADA_BOUNCE_ADDRESS": "bounces@petitions.example.org",
}


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
