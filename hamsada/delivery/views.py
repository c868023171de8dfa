from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hamsada.delivery.models import Package

TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


# Links in a delivery email stay valid this long: officials open them late.
LINK_MAX_AGE = 400 * 86400


def package_links(package):
    """{kind: absolute link} to a package's files, signed, for the email that delivers it."""
    token = signing.dumps(package.pk, salt="hamsada.package", compress=False)
    return {
        kind: settings.SITE_URL + reverse("delivered_file", args=[token, kind]) for kind in TYPES
    }


def delivered_file(request, token, kind):
    """A package's file through the signed link a target was sent."""
    try:
        pk = signing.loads(token, salt="hamsada.package", max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    return file_response(pk, kind)


@staff_member_required
def package_file(request, pk, kind):
    """A built package's file, for organisers who may see packages."""
    if not request.user.has_perm("delivery.view_package"):
        raise PermissionDenied
    return file_response(pk, kind)


def file_response(pk, kind):
    if kind not in TYPES:
        raise Http404
    package = get_object_or_404(
        Package.objects.only("campaign__slug", "status", kind).select_related("campaign"),
        pk=pk,
        status=Package.Status.READY,
    )
    response = HttpResponse(bytes(getattr(package, kind)), content_type=TYPES[kind])
    name = f"{package.campaign.slug}-delivery-{package.pk}-{package.language}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
