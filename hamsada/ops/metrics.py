"""/metrics: figures for Prometheus, in its text format, for whoever holds
HAMSADA_METRICS_TOKEN (sent as "Authorization: Bearer <token>"). Without the
setting there is no such page. Only totals: no campaign, address or name.

The refusals (429, 503) are counted in the cache as pages answer them: shared
by every web process with REDIS_URL, counted since the cache last started."""

import hmac

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from hamsada.lib.ratelimit import REFUSALS
from hamsada.outbox.models import Message, Suppression, oldest_queued
from hamsada.tally.models import Tally


def figures(now):
    # Confirmed only: a pending count would tell whoever reads it whether an
    # address they try has signed (a new one raises it, a known one does not).
    signatures = Tally.objects.aggregate(confirmed=Sum("confirmed"))
    by_status = dict(Message.objects.values_list("status").annotate(n=Count("pk")).order_by())
    oldest = oldest_queued()
    suppressed = dict(Suppression.objects.values_list("reason").annotate(n=Count("pk")).order_by())
    return [
        (
            "hamsada_signatures",
            "gauge",
            "Acts confirmed by email and counted.",
            [({"state": "confirmed"}, signatures["confirmed"] or 0)],
        ),
        (
            "hamsada_emails",
            "gauge",
            "Emails in the outbox, by status.",
            [({"status": status}, by_status.get(status, 0)) for status in Message.Status.values],
        ),
        (
            "hamsada_oldest_queued_email_seconds",
            "gauge",
            "Age of the oldest email waiting.",
            [({}, round((now - oldest).total_seconds()) if oldest else 0)],
        ),
        (
            "hamsada_suppressed_addresses",
            "gauge",
            "Addresses no email goes to, by reason.",
            [
                ({"reason": reason}, suppressed.get(reason, 0))
                for reason in Suppression.Reason.values
            ],
        ),
        (
            "hamsada_refused_requests_total",
            "counter",
            "Requests answered 429 or 503.",
            [({"status": str(status)}, cache.get(key) or 0) for status, key in REFUSALS.items()],
        ),
        (
            "hamsada_refused_forms_total",
            "counter",
            "Public forms given back unrecorded by a defence against scripts, by reason.",
            [
                ({"reason": reason}, cache.get(f"metrics:refused-form:{reason}") or 0)
                for reason in FORM_REFUSALS
            ],
        ),
    ]


# web.guard's reasons: the form token was expired or not ours, sent too soon
# after opening, the field people never see filled in, or no proof of work
# beyond the stricter limits.
FORM_REFUSALS = ["expired", "invalid", "too_fast", "trap", "unproven"]


def exposition(metrics):
    lines = []
    for name, kind, description, samples in metrics:
        lines += [f"# HELP {name} {description}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            label_text = ",".join(f'{key}="{value}"' for key, value in labels.items())
            lines.append(f"{name}{{{label_text}}} {value}" if labels else f"{name} {value}")
    return "\n".join(lines) + "\n"


@never_cache
def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(
        exposition(figures(timezone.now())), content_type="text/plain; version=0.0.4"
    )
