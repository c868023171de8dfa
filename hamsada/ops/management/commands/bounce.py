import mailbox
import os
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from hamsada.outbox.bounces import handle

# sysexits.h: the MTA keeps the report and tries again later.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    stealth_options = ("stdin",)  # a binary stream to read instead of standard input
    help = (
        "Reads bounce reports (RFC 3464) and spam complaints (RFC 5965) sent to the "
        "return path (HAMSADA_BOUNCE_ADDRESS): one message on standard input, as an "
        "MTA pipes it, or every message of an mbox file or a Maildir."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--mbox", help="an mbox file to read every message of")
        where.add_argument("--maildir", help="a Maildir to read every message of")
        parser.add_argument(
            "--recipient",
            help="the address the report was delivered to (else $ORIGINAL_RECIPIENT, "
            "$RECIPIENT, or the report's own headers)",
        )

    def handle(self, *args, mbox, maildir, recipient, **options):
        recipients = [
            value
            for value in (
                recipient,
                os.environ.get("ORIGINAL_RECIPIENT"),
                os.environ.get("RECIPIENT"),
            )
            if value
        ]
        if mbox or maildir:
            box = (
                mailbox.mbox(mbox, create=False) if mbox else mailbox.Maildir(maildir, create=False)
            )
            reports = (box.get_bytes(key) for key in box.iterkeys())
        else:
            reports = [options.get("stdin", sys.stdin.buffer).read()]
        for raw in reports:
            try:
                self.stdout.write(str(handle(raw, timezone.now(), recipients)))
            except DatabaseError as error:
                self.stderr.write(f"database unavailable, try again later: {type(error).__name__}")
                sys.exit(EX_TEMPFAIL)
            except Exception as error:  # one unreadable report must not stop the others
                self.stderr.write(f"a report could not be read: {type(error).__name__}")
