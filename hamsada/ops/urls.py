from django.urls import path

from hamsada.ops.floor import floor

urlpatterns = [path("floor/", floor)]
