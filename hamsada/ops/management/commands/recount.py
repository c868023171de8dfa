from django.core.management.base import BaseCommand, CommandError

from hamsada.participation.recount import recount


class Command(BaseCommand):
    help = "Recomputes every counter from the acts; --check only reports differences."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="change nothing; exit 1 on any difference"
        )

    def handle(self, *args, check, **options):
        drifts = recount(repair=not check)
        for drift in drifts:
            self.stdout.write(
                f"{drift.counter} {drift.field}: stored {drift.stored}, counted {drift.actual}"
            )
        if not drifts:
            self.stdout.write("All counters match the acts.")
        elif check:
            raise CommandError(f"{len(drifts)} counter(s) differ from the acts")
        else:
            self.stdout.write(f"{len(drifts)} counter(s) repaired.")
