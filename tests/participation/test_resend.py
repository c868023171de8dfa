""" "Didn't get it? Send it again": the same answer for every address, within
the per-act cap and a rate limit."""

import pytest

from hamsada.outbox.models import Message
from hamsada.participation.models import Act
from tests.factories import confirmed_signature, pending_signature
from tests.helpers import without_csrf_token

pytestmark = pytest.mark.django_db

URL = "/en/c/free-the-teachers/check-your-email/"
SENT = "If this address signed and has not confirmed yet, we have sent the link again."


def test_a_pending_signer_gets_the_link_again(client, petition):
    act = pending_signature(petition, email="ada@example.org")
    response = client.post(URL, {"email": "Ada@Example.org"})
    assert response.status_code == 200 and SENT in response.content.decode()
    assert Message.objects.filter(act=act, kind=Message.Kind.CONFIRM).count() == 2


def test_every_address_gets_the_same_answer(client, petition):
    pending_signature(petition, email="pending@example.org")
    confirmed_signature(petition, email="confirmed@example.org")
    pages = [
        client.post(URL, {"email": address})
        for address in ["pending@example.org", "confirmed@example.org", "never@example.org"]
    ]
    assert {page.status_code for page in pages} == {200}
    # Identical but for each form's own masked CSRF token.
    bodies = {without_csrf_token(page.content.decode()) for page in pages}
    assert len(bodies) == 1 and SENT in bodies.pop()
    # Only the pending signature got anything.
    assert Message.objects.filter(kind=Message.Kind.CONFIRM).count() == 3


def test_resending_stays_within_the_cap(client, petition, settings):
    settings.MAX_EMAILS_PER_ACT = 3
    act = pending_signature(petition, email="ada@example.org")
    for _ in range(5):
        client.post(URL, {"email": "ada@example.org"})
    assert Message.objects.filter(act=act).count() == 3
    assert Act.objects.get(pk=act.pk).emails_sent == 3


def test_a_bad_address_is_answered_with_a_message(client, petition):
    response = client.post(URL, {"email": "not an address"})
    assert response.status_code == 400
    assert "Please write a valid email address" in response.content.decode()
    assert not Message.objects.exists()
