"""The benchmarks' floor: a Django view that does nothing, served like every page.

Mounted only with HAMSADA_BENCH_FLOOR=1."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")
