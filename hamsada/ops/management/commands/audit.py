from django.core.management.base import BaseCommand, CommandError

from hamsada.organizations.audit import check, heads


class Command(BaseCommand):
    help = (
        "Checks the audit trail: every chain whole, no entry missing, changed or out "
        "of order. Prints each chain's last entry, to note elsewhere and compare later."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="exit 1 if any chain is broken")

    def handle(self, *args, **options):
        problems = check()
        for chain, number, what in problems:
            self.stdout.write(f"BROKEN {chain}: entry {number} {what}")
        for chain, number, digest in heads():
            self.stdout.write(f"{chain}: {number} entries, last {digest}")
        if problems and options["check"]:
            raise CommandError(f"{len(problems)} problems in the audit trail")
        if not problems:
            self.stdout.write("The audit trail is whole.")
