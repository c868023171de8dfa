from django.conf import settings
from django.urls import path

from hamsada.ops.floor import floor
from hamsada.ops.health import healthz

urlpatterns = [path("healthz", healthz, name="healthz")]
if settings.BENCH_FLOOR:
    urlpatterns += [path("bench/floor/", floor)]
