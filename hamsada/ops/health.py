"""What a monitor asks: is the instance well? /healthz answers 200 when the
database answers and a worker beat recently, 503 otherwise, with the figures
as JSON: worker heartbeat age, oldest queued email, and whether forwarded
headers arrived from a peer that is not a trusted proxy (a proxy missing
from HAMSADA_TRUSTED_PROXIES, or someone writing them)."""

import os
import socket
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from hamsada.lib.clients import UNTRUSTED_FORWARDING
from hamsada.ops.models import Heartbeat
from hamsada.outbox.models import oldest_queued

# A worker beats every HEARTBEAT_SECONDS; one silent for STALE_SECONDS is down.
HEARTBEAT_SECONDS = 15
STALE_SECONDS = 120


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def beat(now):
    """Called by the worker's loop; forgets workers silent for a day."""
    Heartbeat.objects.update_or_create(worker=worker_name(), defaults={"beat_at": now})
    Heartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()


def seconds_since(moment, now):
    return None if moment is None else round((now - moment).total_seconds())


@never_cache
def healthz(request):
    now = timezone.now()
    try:
        last_beat = Heartbeat.objects.aggregate(last=Max("beat_at"))["last"]
        oldest = oldest_queued()
    except DatabaseError:
        return JsonResponse({"ok": False, "database": False}, status=503)
    worker_age = seconds_since(last_beat, now)
    worker_alive = worker_age is not None and worker_age <= STALE_SECONDS
    figures = {
        "ok": worker_alive,
        "database": True,
        "worker_heartbeat_age_seconds": worker_age,
        "oldest_queued_email_age_seconds": seconds_since(oldest, now),
        "untrusted_forwarding_seen": bool(cache.get(UNTRUSTED_FORWARDING)),
    }
    return JsonResponse(figures, status=200 if worker_alive else 503)
