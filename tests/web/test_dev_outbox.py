import pytest
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from hamsada.outbox.actions import claim_due_messages, send_claimed
from tests.factories import pending_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_outbox(settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "hamsada.outbox.backends.OutboxDirectoryBackend",
            "OPTIONS": {"directory": str(settings.OUTBOX_DIR)},
        }
    }
    return settings.OUTBOX_DIR


def test_development_mail_can_be_read_at_dev_outbox(client, petition, dev_outbox):
    pending_signature(petition, language="fa")
    now = timezone.now()
    send_claimed(claim_due_messages(now), now)
    listing = client.get("/dev/outbox/").content.decode()
    assert "معلمان را آزاد کنید" in listing
    name = next(dev_outbox.glob("*.eml")).name
    page = client.get(f"/dev/outbox/{name}").content.decode()
    assert "/fa/confirm/" in page


def test_the_dev_outbox_refuses_paths_outside_it(client, dev_outbox):
    assert client.get("/dev/outbox/..%2Fkeys%2Fsecret.key").status_code == 404
    assert client.get("/dev/outbox/nothing.eml").status_code == 404


def test_the_dev_outbox_is_not_mounted_in_production(client, db):
    import importlib

    from hamsada.web import urls

    with override_settings(DEV_OUTBOX=False):
        importlib.reload(urls)
        clear_url_caches()
        try:
            with override_settings(ROOT_URLCONF=urls):
                assert client.get("/dev/outbox/").status_code == 404
        finally:
            pass
    importlib.reload(urls)
    clear_url_caches()
    assert reverse("dev_outbox") == "/dev/outbox/"
