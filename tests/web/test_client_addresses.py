"""Rate limits count each client, not the proxy in front of them: the client is
the right-most address in X-Forwarded-For that is not a trusted proxy, and
forwarded headers from anyone else are ignored."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from hamsada.lib.clients import UNTRUSTED_FORWARDING, client_address
from hamsada.participation.models import Act
from tests.factories import sign_data

pytestmark = pytest.mark.django_db
SIGN_URL = "/en/c/free-the-teachers/sign/"
PROXY = "10.0.0.2"


def address(remote_addr, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ("10.0.0.0/24", "unix")


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = ()
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_the_right_most_untrusted_hop_is_the_client(behind_proxy):
    assert address(PROXY, "203.0.113.7") == "203.0.113.7"
    # What the client wrote itself stands to the left and is never read.
    assert address(PROXY, "1.2.3.4, 203.0.113.7") == "203.0.113.7"
    # A chain of trusted proxies is walked through.
    assert address(PROXY, "203.0.113.7, 10.0.0.9") == "203.0.113.7"
    # nginx on a Unix socket: the peer has no address.
    assert address("", "203.0.113.7") == "203.0.113.7"


def test_onion_circuits_are_each_their_own_client(behind_proxy):
    """Tor gives every circuit an address in fc00:dead:beef:4dad::/64."""
    first = address("", "fc00:dead:beef:4dad::1:2")
    second = address("", "fc00:dead:beef:4dad::1:3")
    assert first != second


def test_headers_from_an_untrusted_peer_are_ignored_and_noted(behind_proxy):
    assert address("203.0.113.7", "10.0.0.5") == "203.0.113.7"
    assert cache.get(UNTRUSTED_FORWARDING)


def test_a_client_spoofing_forwarded_headers_from_outside_is_still_limited(
    client, petition, settings, behind_proxy
):
    settings.SIGN_RATE_LIMIT = 3
    for n in range(5):
        client.post(
            SIGN_URL,
            sign_data(email=f"p{n}@example.org"),
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert Act.objects.count() == 3


def test_many_clients_behind_the_proxy_each_get_their_own_limit(
    client, petition, settings, behind_proxy
):
    settings.SIGN_RATE_LIMIT = 3
    for n in range(20):
        response = client.post(
            SIGN_URL,
            sign_data(email=f"p{n}@example.org"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        assert response.status_code == 302
    # One of them, over its own limit; the others unaffected.
    for n in range(3):
        client.post(
            SIGN_URL,
            sign_data(email=f"again{n}@example.org"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.0",
        )
    assert Act.objects.count() == 22
