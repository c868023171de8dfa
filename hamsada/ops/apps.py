from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The processes (run, worker, package builds), demo data, benchmark
    seeding and the benchmarks' floor view: beside web, above every app."""

    name = "hamsada.ops"
    verbose_name = "Operations"
