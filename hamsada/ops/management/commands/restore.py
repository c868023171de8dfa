from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hamsada.ops.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Replaces the database with an encrypted backup's, opened with the operator's "
        "age identity. Run `hamsada recount --check` after it."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--identity", type=Path, required=True, help="age identity file")

    def handle(self, *args, backup, identity, **options):
        try:
            manifest = restore_backup(backup, identity)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the backup made {manifest['made']}.")
