import logging
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from hamsada.delivery.actions import claim_package, fail_package, requeue_package
from hamsada.ops.health import HEARTBEAT_SECONDS, beat
from hamsada.outbox.actions import Senders, claim_due_messages
from hamsada.participation.actions import erase_due, run_due_bulk_invalidations, send_reminders
from hamsada.snapshots.actions import take_due_snapshots

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Runs the background worker until stopped (SIGTERM or Ctrl-C): sends queued "
        "email, takes the scheduled snapshots, runs confirmed bulk invalidations, and "
        "builds delivery packages (each in a process of its own, one at a time)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.5, help="seconds to wait when nothing is due"
        )
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument(
            "--schedule-seconds",
            type=float,
            default=60,
            help="how often to look for campaigns due a scheduled snapshot",
        )

    def handle(self, *args, interval, once, schedule_seconds, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.stdout.write("Worker started.")
        next_schedule = next_build_check = next_beat = 0.0
        self.build = None  # (package id, process)
        senders = Senders(settings.OUTBOX_CONNECTIONS)
        batch = max(20, 10 * senders.count)
        while self.running:
            close_old_connections()
            try:
                messages = claim_due_messages(timezone.now(), limit=batch)
                senders.send(messages, timezone.now())
                if time.monotonic() >= next_schedule:
                    next_schedule = time.monotonic() + schedule_seconds
                    for snapshot in take_due_snapshots(timezone.now()):
                        log.info("worker: snapshot %s taken", snapshot)
                    if reminded := send_reminders(timezone.now()):
                        log.info("worker: %s reminders to confirm queued", reminded)
                    for campaign, erased in erase_due(timezone.now()):
                        log.info("worker: %s: personal data of %s acts erased", campaign, erased)
                    for job in run_due_bulk_invalidations(timezone.now()):
                        log.info(
                            "worker: bulk invalidation %s %s: %s acts invalidated",
                            job,
                            job.status,
                            job.invalidated,
                        )
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + HEARTBEAT_SECONDS
                    beat(timezone.now())
                if time.monotonic() >= next_build_check:
                    # A package build takes minutes; looking once a second is plenty.
                    next_build_check = time.monotonic() + 1
                    self.tend_build()
            except DatabaseError as error:
                # The database restarting or busy is no reason to stop sending:
                # claimed messages come back when their lease ends.
                log.warning(
                    "worker: database unavailable (%s: %s); retrying", type(error).__name__, error
                )
                messages = []
                senders.close()
                time.sleep(min(5, interval * 10))
            if once:
                break
            if not messages:
                time.sleep(interval)
        senders.stop()
        if self.build:
            # Stopped mid-build: the package goes back in the queue, to be built whole.
            package_id, process = self.build
            process.terminate()
            process.wait()
            requeue_package(package_id)
        self.stdout.write("Worker stopped.")

    def tend_build(self):
        """Starts the next package build when none is running; records a build
        whose process died without finishing."""
        if self.build:
            package_id, process = self.build
            if process.poll() is None:
                return
            if process.returncode != 0:
                fail_package(package_id, f"the build stopped (exit status {process.returncode})")
            self.build = None
        package_id = claim_package(timezone.now())
        if package_id:
            command = [sys.executable, "-m", "hamsada.cli", "build_package", str(package_id)]
            self.build = (package_id, subprocess.Popen(command))

    def stop(self, signum, frame):
        self.running = False
