"""Rate limits keyed by a hash of the client's address, kept only in the cache.

The address is the whole one, never grouped by prefix: every Tor circuit
reaches an onion service from the same /64 (fc00:dead:beef:4dad::/64).
"""

from django.core.cache import cache

from hamsada.lib.crypto import client_digest


def allow(client, scope, limit, window):
    """True while client (an address) has made at most limit calls in scope this window."""
    if limit <= 0:
        return True
    return count(f"rate:{scope}:{client_digest(client)}", window) <= limit


def count(key, timeout):
    """Adds one to the counter at key in the cache (kept for timeout seconds,
    or for good with None) and returns its new value."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired or evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


# Requests refused (429 slow down, 503 busy), counted for /metrics.
REFUSALS = {429: "metrics:refused:429", 503: "metrics:refused:503"}


def count_refusal(status):
    if status in REFUSALS:
        count(REFUSALS[status], None)
