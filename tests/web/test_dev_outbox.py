"""The development outbox shows every recipient's address and links: only when
asked for, only to logged-in staff, never in production or with a mail server."""

import os
import subprocess
import sys

import pytest
from django.utils import timezone

from hamsada.outbox.actions import claim_due_messages, send_claimed
from tests.factories import pending_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_outbox(settings):
    settings.DEV_OUTBOX = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "hamsada.outbox.backends.OutboxDirectoryBackend",
            "OPTIONS": {"directory": str(settings.OUTBOX_DIR)},
        }
    }
    return settings.OUTBOX_DIR


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    return client


def send_one(petition):
    pending_signature(petition, language="fa")
    now = timezone.now()
    send_claimed(claim_due_messages(now), now)


def test_staff_read_development_mail_at_dev_outbox(staff, petition, dev_outbox):
    send_one(petition)
    listing = staff.get("/dev/outbox/").content.decode()
    assert "معلمان را آزاد کنید" in listing
    name = next(dev_outbox.glob("*.eml")).name
    page = staff.get(f"/dev/outbox/{name}").content.decode()
    assert "/fa/confirm/" in page


def test_anyone_else_is_sent_to_log_in_and_sees_nothing(client, petition, dev_outbox):
    send_one(petition)
    name = next(dev_outbox.glob("*.eml")).name
    for path in ("/dev/outbox/", f"/dev/outbox/{name}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        assert "ada@example.org" not in response.content.decode()


def test_the_dev_outbox_refuses_paths_outside_it(staff, dev_outbox):
    assert staff.get("/dev/outbox/..%2Fkeys%2Fsecret.key").status_code == 404
    assert staff.get("/dev/outbox/nothing.eml").status_code == 404


def test_without_the_setting_there_is_no_dev_outbox(staff, petition, settings):
    settings.DEV_OUTBOX = False
    send_one(petition)
    assert staff.get("/dev/outbox/").status_code == 404
    assert b"/dev/outbox/" not in staff.get("/en/c/free-the-teachers/").content


@pytest.mark.parametrize(
    ("environment", "served"),
    [
        ({}, "True"),
        ({"HAMSADA_PRODUCTION": "1", "HAMSADA_SECRET_KEY": "x" * 60}, "False"),
        ({"HAMSADA_SMTP_URL": "smtp://127.0.0.1:25"}, "False"),
    ],
)
def test_the_setting_alone_is_never_enough(environment, served, tmp_path):
    shown = subprocess.run(
        [
            *[sys.executable, "-m", "hamsada.cli", "shell", "-c"],
            "from django.conf import settings; print(settings.DEV_OUTBOX)",
        ],
        env={
            **os.environ,
            "HAMSADA_VAR_DIR": str(tmp_path),
            "HAMSADA_ALLOWED_HOSTS": "petitions.example.org",
            "HAMSADA_DEV_OUTBOX": "1",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.splitlines()[-1] == served
