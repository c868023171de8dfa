from django.core.management.base import BaseCommand
from django.utils import timezone

from hamsada.delivery.actions import build_package, fail_package


class Command(BaseCommand):
    help = "Builds one claimed delivery package (the worker runs this in its own process)."

    def add_arguments(self, parser):
        parser.add_argument("package_id", type=int)

    def handle(self, *args, package_id, **options):
        try:
            package = build_package(package_id, timezone.now())
        except Exception as error:
            fail_package(package_id, f"{type(error).__name__}: {error}")
            raise
        self.stdout.write(f"Package {package.pk} built: {package.names_total} names.")
