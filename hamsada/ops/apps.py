from django.apps import AppConfig
from django.core import checks


class OpsConfig(AppConfig):
    """The processes (run, worker, package builds), demo data, benchmark
    seeding and the benchmarks' floor view: beside web, above every app."""

    name = "hamsada.ops"
    verbose_name = "Operations"

    def ready(self):
        from hamsada.ops.checks import (  # noqa: PLC0415
            key_opens_history,
            no_demo_data,
            production_settings,
        )

        checks.register(production_settings, checks.Tags.security, deploy=True)
        checks.register(no_demo_data, checks.Tags.security, deploy=True)
        checks.register(key_opens_history, checks.Tags.security, deploy=True)
