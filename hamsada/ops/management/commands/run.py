import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serves Hamsada (gunicorn) with the background worker beside it; stops both on Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HAMSADA_HOST", "127.0.0.1"))
        parser.add_argument("--web-workers", type=int, default=3)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--workers", type=int, default=1, help="background workers (sending mail)"
        )

    def handle(self, *args, port, host, web_workers, threads, workers, **options):
        # Links in emails point at this server unless the deployment says otherwise.
        os.environ.setdefault("HAMSADA_SITE_URL", f"http://{host}:{port}")
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "hamsada.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                "--threads",
                str(threads),
                "--graceful-timeout",
                "10",
                "--log-level",
                "warning",
            ]
        )
        background = [start_worker() for _ in range(max(1, workers))]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Hamsada is serving http://{host}:{port}/ (Ctrl-C stops it).")
        if settings.DEV_OUTBOX:
            self.stdout.write(f"Emails go to http://{host}:{port}/dev/outbox/")
        # gunicorn replaces its own dead workers; a dead background worker is
        # replaced here, and its claimed mail is picked up when the lease ends.
        while not stopping and web.poll() is None:
            for index, worker in enumerate(background):
                if worker.poll() is not None:
                    self.stderr.write(
                        f"A worker stopped (exit {worker.returncode}); restarting it."
                    )
                    time.sleep(1)
                    background[index] = start_worker()
            time.sleep(0.2)
        for child in [web, *background]:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in [web, *background]:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if not stopping:
            sys.exit("The web server stopped unexpectedly; see the messages above.")
        self.stdout.write("Stopped.")


def start_worker():
    # Below the web server in CPU priority: under a spike, taking signatures
    # comes first and the queued mail goes out as soon as there is room.
    return subprocess.Popen(
        [sys.executable, "-m", "hamsada.cli", "worker"], preexec_fn=lambda: os.nice(10)
    )
