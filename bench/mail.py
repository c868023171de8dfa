"""Mail throughput through a relay with latency, as production sees one.

Usage: python bench/mail.py [--backend sqlite|postgresql] [--messages 600]
       [--greeting-ms 150] [--message-ms 50] [--connections 1,4] [--workers 1]
       [--tree DIR]

Queues --messages confirmation emails (signatures recorded through the
pipeline), then starts the real worker against a loopback relay stand-in that
waits --greeting-ms before answering EHLO (greeting, TLS and authentication
seen from a small server) and --message-ms before accepting each message, and
times until every message is accepted. Prints and records emails/s, the
connections opened and every Message-ID's count at the relay. --tree runs
another checkout's worker (e.g. an older commit, for comparison).
"""

import argparse
import asyncio
import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import RESULTS, machine, prepare_environment  # noqa: E402
from hamsada.ops.mailsink import Recorder, SMTPServer  # noqa: E402


class SlowRelay(Recorder):
    def __init__(self, greeting, per_message):
        super().__init__()
        self.greeting, self.per_message = greeting, per_message

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        await asyncio.sleep(self.greeting)
        return await super().handle_EHLO(server, session, envelope, hostname, responses)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.per_message)
        return await super().handle_DATA(server, session, envelope)


def queue_confirmations(count, run):
    from django.utils import timezone

    from hamsada.campaigns.models import Campaign
    from hamsada.participation.actions import record_act

    campaign = Campaign.objects.get(slug="bench")
    for number in range(count):
        record_act(
            campaign,
            kind="signature",
            name="Supporter",
            email=f"mail-{run}-{number}@example.org",
            country="AF",
            show_name=False,
            wants_updates=False,
            language="en",
            now=timezone.now(),
        )


def measure(args, connections, workers, run):
    from hamsada.outbox.models import Message

    relay = SMTPServer(SlowRelay(args.greeting_ms / 1000, args.message_ms / 1000))
    relay.__enter__()
    queue_confirmations(args.messages, run)
    env = {
        **os.environ,
        "HAMSADA_SMTP_URL": relay.url,
        "HAMSADA_OUTBOX_CONNECTIONS": str(connections),
    }
    start = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "hamsada.cli", "worker", "--interval", "0.1"],
            env=env,
            cwd=args.tree,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while Message.objects.filter(status__in=["queued", "sending"]).exists():
            if time.monotonic() - start > args.limit:
                break
            time.sleep(0.2)
        seconds = time.monotonic() - start
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        relay.__exit__()
    ids = collections.Counter(message["Message-ID"] for message in relay.messages)
    return {
        "connections_per_worker": connections,
        "workers": workers,
        "messages": args.messages,
        "seconds": round(seconds, 1),
        "emails_per_second": round(len(relay.messages) / seconds, 1),
        "accepted": len(relay.messages),
        "accepted_more_than_once": sum(1 for n in ids.values() if n > 1),
        "connections_opened": relay.recorder.greetings,
        "not_sent": Message.objects.exclude(status="sent").count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--greeting-ms", type=float, default=150)
    parser.add_argument("--message-ms", type=float, default=50)
    parser.add_argument("--connections", default="1,4")
    parser.add_argument("--workers", default="1")
    parser.add_argument("--limit", type=float, default=600, help="seconds to wait at most")
    parser.add_argument("--tree", type=Path, default=ROOT, help="whose worker to run")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.tree.resolve() != ROOT:
        # Another checkout's code from here on; the relay above stays ours.
        sys.path.insert(0, str(args.tree.resolve()))
        for name in [name for name in sys.modules if name.split(".")[0] == "hamsada"]:
            del sys.modules[name]
    prepare_environment(args.backend)
    subprocess.run(
        [sys.executable, "-m", "hamsada.cli", "seed", "--campaign", "bench", "--acts", "0"],
        check=True,
        cwd=args.tree,
        stdout=subprocess.DEVNULL,
    )
    runs = []
    for workers in map(int, args.workers.split(",")):
        for connections in map(int, args.connections.split(",")):
            figures = measure(args, connections, workers, run=len(runs))
            print(json.dumps(figures), flush=True)
            runs.append(figures)
    result = {
        "scenario": "mail",
        "backend": args.backend,
        "machine": machine(),
        "command": "python bench/mail.py " + " ".join(sys.argv[1:]),
        "relay": {"greeting_ms": args.greeting_ms, "message_ms": args.message_ms},
        "runs": runs,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"mail-{args.backend}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
