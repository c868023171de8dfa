"""Rate limits keyed by a hash of the client's address, kept only in the cache."""

from django.core.cache import cache

from hamsada.lib.crypto import client_digest


def client_address(request):
    return request.META.get("REMOTE_ADDR", "")


def allow(client, scope, limit, window):
    """True while client (an address) has made at most limit calls in scope this window."""
    if limit <= 0:
        return True
    key = f"rate:{scope}:{client_digest(client)}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return True
