"""Public verification: the snapshot chain of a campaign, each snapshot as a
file anyone can check offline, and a supporter's receipt check."""

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamsada.keys.models import Rotation
from hamsada.lib.clients import client_address
from hamsada.lib.crypto import public_key
from hamsada.lib.ratelimit import allow
from hamsada.snapshots.chain import find_receipt, snapshot_file
from hamsada.snapshots.verify import fingerprint
from hamsada.tally.models import Snapshot, totals
from hamsada.web.forms import ReceiptForm
from hamsada.web.guard import public_form, refused
from hamsada.web.pages import public_campaign

RECEIPT_CHECKS_PER_HOUR = 60


@public_form
def verify(request, slug):
    campaign = public_campaign(slug)
    text = campaign.text_for(get_language())
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    status = 200
    result = None
    if form.is_bound:
        if not allow(client_address(request), "receipt", RECEIPT_CHECKS_PER_HOUR, 3600):
            status = 429
            form.add_error(None, _("Too many checks from this connection: please wait an hour."))
        elif refused(request, form):
            status = 403
        elif form.is_valid():
            found, snapshot, proof = find_receipt(campaign, form.cleaned_data["receipt"])
            result = {"status": found, "snapshot": snapshot, "proof": proof}
        else:
            status = 400
    snapshots = list(campaign.snapshots.order_by("-number"))
    key = public_key()
    context = {
        "campaign": campaign,
        "text": text,
        "snapshots": snapshots,
        "offline": list(campaign.offline_counts.all()),
        "counts": totals(campaign.pk),
        "form": form,
        "result": result,
        "public_key": key,
        "fingerprint": fingerprint(key),
    }
    return render(request, "tally/verify.html", context, status=status)


def snapshot_download(request, slug, number):
    campaign = public_campaign(slug)
    snapshot = get_object_or_404(Snapshot, campaign=campaign, number=number)
    response = StreamingHttpResponse(
        (piece.encode() for piece in snapshot_file(snapshot)),
        content_type="application/json; charset=utf-8",
    )
    name = f"{campaign.slug}-snapshot-{snapshot.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def signing_key(request):
    """The instance's public key, for checking snapshots and deliveries."""
    key = public_key()
    lines = [key, f"fingerprint {fingerprint(key)}"]
    # Newest first: each key replaced, which signed over to the one after it.
    for rotation in Rotation.objects.order_by("-rotated_at", "-pk"):
        old, day = rotation.previous_public_key, f"{rotation.rotated_at:%Y-%m-%d}"
        lines.append(f"replaced {day} {old} fingerprint {fingerprint(old)}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
