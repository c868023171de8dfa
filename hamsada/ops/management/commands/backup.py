from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hamsada.ops.backup import write_backup


class Command(BaseCommand):
    help = (
        "Writes an encrypted backup of the database (age, to HAMSADA_BACKUP_RECIPIENT) "
        "and keeps the newest --keep of them. The keys are not in it: keep them apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, default=None, help="folder (default var/backups)")
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="backups kept (default HAMSADA_BACKUP_KEEP, 14)",
        )

    def handle(self, *args, to, keep, **options):
        try:
            path = write_backup(to or settings.VAR_DIR / "backups", timezone.now(), keep)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
