from django.apps import AppConfig
from django.core import checks


class OpsConfig(AppConfig):
    """The processes (run, worker, package builds), demo data, benchmark
    seeding and the benchmarks' floor view: beside web, above every app."""

    name = "hamsada.ops"
    verbose_name = "Operations"

    def ready(self):
        from hamsada.ops.checks import no_demo_data, production_settings  # noqa: PLC0415

        checks.register(production_settings, checks.Tags.security, deploy=True)
        checks.register(no_demo_data, checks.Tags.security, deploy=True)
