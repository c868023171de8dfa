"""A built package's files: through the signed link a target was sent, or
for organisers who may see packages."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from hamsada.delivery.emails import FILE_KINDS, package_from_link
from hamsada.delivery.models import Package
from hamsada.lib.links import BadToken, ExpiredToken
from hamsada.web import audit
from hamsada.web.views.accounts import ask_again, is_fresh

TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def delivered_file(request, token, kind):
    """A package's file through the signed link a target was sent."""
    try:
        pk = package_from_link(token)
    except (BadToken, ExpiredToken):
        raise Http404 from None
    return file_response(pk, kind)


@staff_member_required
def package_file(request, pk, kind):
    """A built package's file, for organisers who may download its campaign's packages."""
    package = get_object_or_404(
        Package.objects.select_related("campaign").only("campaign__organization"), pk=pk
    )
    if not request.user.has_perm("delivery.download_package", package.campaign):
        raise PermissionDenied
    if not is_fresh(request):
        return ask_again(request)
    audit.read(request, f"download {kind}", package, package.campaign.organization, ["names"])
    return file_response(pk, kind)


def file_response(pk, kind):
    if kind not in FILE_KINDS:
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
