import os
import secrets
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hamsada.keys.models import Rotation
from hamsada.lib.crypto import public_key
from hamsada.ops.models import Heartbeat
from hamsada.ops.rotation import rotate
from hamsada.snapshots.verify import fingerprint


class Command(BaseCommand):
    help = (
        "Replaces HAMSADA_ENCRYPTION_KEY with a new random key: re-encrypts addresses "
        "and receipt codes, derives new digests from the old ones and records the "
        "rotation. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="rotate although a worker reported in the last minute",
        )

    def handle(self, *args, force, **options):
        now = timezone.now()
        if not force and Heartbeat.objects.filter(beat_at__gte=now - timedelta(minutes=1)):
            raise CommandError(
                "A worker reported in the last minute: stop the web and worker processes "
                "first (systemctl stop hamsada-web 'hamsada-worker@*'), since they would go "
                "on with the old key; then wait a minute, or --force if you know they are "
                "stopped."
            )
        key_file = settings.VAR_DIR / "keys" / "encryption.key"
        draft = key_file.with_name("encryption.key.new")
        latest = Rotation.objects.last()
        if draft.exists() and latest and latest.public_key == public_key(draft.read_text().strip()):
            self.stdout.write(f"The database was already moved to the key in {draft}.")
        else:
            new_key = secrets.token_urlsafe(48)
            draft.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(new_key + "\n")
            try:
                latest = rotate(settings.ENCRYPTION_KEY, new_key, now)
            except InvalidTag:
                draft.unlink()
                raise CommandError(
                    "The key in use does not open what the database holds: it is not this "
                    "database's key. Nothing was changed."
                ) from None
            self.stdout.write(
                f"Re-encrypted {latest.addresses} addresses and derived {latest.digests} "
                f"digests again. Snapshot key {fingerprint(latest.previous_public_key)} "
                f"is now {fingerprint(latest.public_key)}; the old one signed the new."
            )
        if os.environ.get("HAMSADA_ENCRYPTION_KEY"):
            self.stdout.write(
                f"Set HAMSADA_ENCRYPTION_KEY to the new key, which is in {draft} "
                "(in /etc/hamsada/env for the reference deployment), delete that file, "
                "and start the processes again."
            )
        else:
            os.replace(draft, key_file)
            self.stdout.write(f"The new key is in {key_file}: start the processes again.")
        self.stdout.write(
            "Back it up apart from the database, as the old one. Backups made before "
            "now can be restored only with the old key: keep it with them until they "
            "are deleted, then destroy it. Take a new backup now (hamsada backup)."
        )
