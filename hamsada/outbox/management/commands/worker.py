import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from hamsada.outbox.actions import claim_due_messages, send_claimed

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Runs the background worker: sends queued email until stopped (SIGTERM or Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.5, help="seconds to wait when nothing is due"
        )
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")

    def handle(self, *args, interval, once, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write("Worker started.")
        while self.running:
            close_old_connections()
            try:
                messages = claim_due_messages(timezone.now())
                send_claimed(messages, timezone.now())
            except DatabaseError as error:
                # The database restarting or busy is no reason to stop sending:
                # claimed messages come back when their lease ends.
                log.warning(
                    "worker: database unavailable (%s: %s); retrying", type(error).__name__, error
                )
                messages = []
                time.sleep(min(5, interval * 10))
            if once:
                break
            if not messages:
                time.sleep(interval)
        self.stdout.write("Worker stopped.")

    def stop(self, signum, frame):
        self.running = False
