from django.conf import settings
from django.urls import path

from hamsada.ops.floor import floor
from hamsada.ops.health import healthz
from hamsada.ops.metrics import metrics

urlpatterns = [path("healthz", healthz, name="healthz"), path("metrics", metrics, name="metrics")]
if settings.BENCH_FLOOR:
    urlpatterns += [path("bench/floor/", floor)]
