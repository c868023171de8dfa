from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from hamsada.delivery.models import Package

TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


@staff_member_required
def package_file(request, pk, kind):
    """A built package's file, for organisers who may see packages."""
    if not request.user.has_perm("delivery.view_package"):
        raise PermissionDenied
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
