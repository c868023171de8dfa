"""Development mail backend: each message becomes one .eml file in a folder."""

import secrets
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class OutboxDirectoryBackend(BaseEmailBackend):
    def __init__(self, directory, **options):
        super().__init__(**options)
        self.directory = Path(directory)

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(4)}.eml"
            draft = self.directory / f".{name}"
            draft.write_bytes(message.message().as_bytes())
            draft.rename(self.directory / name)
        return len(email_messages)
