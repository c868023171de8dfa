"""Who the client is, behind the proxies this instance trusts.

Behind nginx (or an onion service feeding nginx), every request reaches the
application from the proxy. The client is then the right-most address in
X-Forwarded-For that is not one of the trusted proxies: each trusted proxy
appends the address it was connected from, and whatever a client wrote
itself stands to the left of that, where it is never read. A request from a
peer that is not trusted is taken at its own address, whatever headers it
carries.
"""

import ipaddress
import logging
from functools import cache

from django.conf import settings
from django.core.cache import cache as shared

log = logging.getLogger(__name__)
# Set in the cache when forwarded headers arrive from a peer that is not
# trusted: a proxy missing from HAMSADA_TRUSTED_PROXIES, or a client writing
# them itself. /healthz reports it.
UNTRUSTED_FORWARDING = "untrusted-forwarding-seen"
UNIX_SOCKET = "unix"  # as HAMSADA_TRUSTED_PROXIES names a proxy on a Unix socket


@cache
def trusted_networks(proxies):
    networks = []
    for proxy in proxies:
        if proxy != UNIX_SOCKET:
            networks.append(ipaddress.ip_network(proxy, strict=False))
    return tuple(networks)


def is_trusted(address):
    proxies = settings.TRUSTED_PROXIES
    if address == "":  # a Unix socket has no address
        return UNIX_SOCKET in proxies
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_networks(proxies))


def client_address(request):
    """The client's address, as far as the trusted proxies vouch for it."""
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not is_trusted(peer):
        if forwarded:
            note_untrusted_forwarding(peer)
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return hop
    return hops[0] if hops else peer


def note_untrusted_forwarding(peer):
    if shared.add(UNTRUSTED_FORWARDING, True, timeout=3600):
        log.warning(
            "X-Forwarded-For arrived from a peer that is not a trusted proxy and was "
            "ignored; if this instance is behind a proxy, add it to HAMSADA_TRUSTED_PROXIES"
        )
