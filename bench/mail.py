"""Mail through a relay with latency, as production sees one.

Usage:
  python bench/mail.py spike [--backend postgresql] [--rates 240,120,60]
        [--seconds 120] [--workers 1,2,4] [--connections 8] [--fault none]
  python bench/mail.py drain [--backend sqlite] [--messages 600]
        [--connections 1,4] [--workers 1] [--tree DIR]

The relay stand-in on loopback waits --greeting-ms before answering the first
EHLO (greeting, TLS and authentication seen from a small server) and
--message-ms before accepting each message; it requires STARTTLS (a
certificate made for the run, trusted by the workers through SSL_CERT_FILE)
and AUTH. --fault makes it misbehave: "refuse" answers 10 % of recipients
with 451, "drop" closes 10 % of connections in the middle of DATA (half of
them after keeping the message: the at-least-once case, counted as
duplicates), "slow" takes 2 s a message.

spike: serves the instance as production does (`hamsada run`, with --workers
background workers) and offers signatures over HTTP at each fixed rate for
--seconds, while sampling the queue. Records mail throughput, queue length
over time, connections opened, the workers' CPU share, p50/p99 from an act's
commit to the relay's acceptance of its confirmation, and every Message-ID's
count at the relay against the acts acknowledged to supporters; the highest
rate at which the queue stayed flat is reported per worker count.

drain: queues --messages confirmations, starts the worker and times until all
are accepted. --tree runs another checkout's worker (an older commit).
"""

import argparse
import asyncio
import collections
import json
import logging
import os
import random
import re
import ssl
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.smtp import AuthResult  # noqa: E402

from bench.load import open_loop  # noqa: E402
from bench.run import RESULTS, Server, machine, prepare_environment, sign_operation  # noqa: E402
from hamsada.ops.mailsink import Recorder, SMTPServer, loopback_certificate  # noqa: E402

RELAY_LOGIN = (b"hamsada", b"relay-password")
logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's per-connection chatter


class SlowRelay(Recorder):
    """A hosted relay seen from a small server: slow to greet, slow per
    message, and (with fault) unreliable in one way."""

    def __init__(self, greeting, per_message, fault="none"):
        super().__init__()
        self.greeting, self.per_message, self.fault = greeting, per_message, fault
        self.accepted_at = {}  # Message-ID -> first acceptance (time.time())
        self.refused = self.dropped = self.kept_then_dropped = 0
        self.random = random.Random(7)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if session.ssl is None:  # once a connection; the EHLO after STARTTLS is free
            await asyncio.sleep(self.greeting)
            return await super().handle_EHLO(server, session, envelope, hostname, responses)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fault == "refuse" and self.random.random() < 0.1:
            self.refused += 1
            return "451 4.3.0 Try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(2.0 if self.fault == "slow" else self.per_message)
        if self.fault == "drop" and self.random.random() < 0.1:
            if self.random.random() < 0.5:
                await super().handle_DATA(server, session, envelope)
                self.note_acceptance()
                self.kept_then_dropped += 1
            else:
                self.dropped += 1
            server.transport.close()  # no reply: the client cannot know
            return "421 closing"
        reply = await super().handle_DATA(server, session, envelope)
        self.note_acceptance()
        return reply

    def note_acceptance(self):
        self.accepted_at.setdefault(self.messages[-1]["Message-ID"], time.time())


def authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=(auth_data.login, auth_data.password) == RELAY_LOGIN)


def start_relay(args, fault="none"):
    cert, key = loopback_certificate(os.environ["HAMSADA_VAR_DIR"])
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    relay = SMTPServer(
        SlowRelay(args.greeting_ms / 1000, args.message_ms / 1000, fault),
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    relay.__enter__()
    login = ":".join(part.decode() for part in RELAY_LOGIN)
    environment = {
        "HAMSADA_SMTP_URL": f"smtp://{login}@127.0.0.1:{relay.port}?tls=1",
        "SSL_CERT_FILE": str(cert),
    }
    return relay, environment


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


def drain(args, connections, workers, run):
    from hamsada.outbox.models import Message

    relay, relay_environment = start_relay(args)
    queue_confirmations(args.messages, run)
    env = {**os.environ, **relay_environment, "HAMSADA_OUTBOX_CONNECTIONS": str(connections)}
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


def worker_pids(server):
    """The background workers `hamsada run` started."""
    pids = []
    for task in Path(f"/proc/{server.process.pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"worker" in command:
                pids.append(int(pid))
    return pids


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # a worker that died (and was replaced) is not counted
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def waiting():
    from hamsada.outbox.models import Message

    return Message.objects.filter(status__in=["queued", "sending"]).count()


MESSAGE_NUMBER = re.compile(r"<message-(\d+)-")


def spike(args, workers, rate, fault, run):
    """Signatures offered at rate for args.seconds to a production-like
    instance with workers background workers; what the mail did meanwhile."""
    from django.db import connection

    from hamsada.outbox.models import Message

    # What an earlier run left unsent is not this run's mail.
    left_before = Message.objects.filter(status__in=["queued", "sending"]).update(status="failed")
    relay, relay_environment = start_relay(args, fault)
    environment = {
        **os.environ,
        **relay_environment,
        "HAMSADA_OUTBOX_CONNECTIONS": str(args.connections),
    }
    server = Server(args.web_workers, args.threads, background_workers=workers, env=environment)
    time.sleep(2)  # the workers start
    pids = worker_pids(server)
    cpu_before = cpu_seconds(pids)
    samples, stop = [], threading.Event()
    started = time.monotonic()

    def sample():
        while not stop.is_set():
            samples.append(
                {
                    "second": round(time.monotonic() - started, 1),
                    "queue": waiting(),
                    "accepted": len(relay.messages),
                }
            )
            stop.wait(args.sample_seconds)
        connection.close()

    sampler = threading.Thread(target=sample)
    sampler.start()
    operation = sign_operation("bench", f"spike{run}", page_each_time=False)
    offered = asyncio.run(open_loop(operation, rate, args.seconds, port=server.port))
    offered_for = time.monotonic() - started
    accepted_while_offered = len(relay.messages)
    queue_at_end = waiting()
    while waiting() and time.monotonic() - started < offered_for + args.drain_limit:
        time.sleep(1)
    elapsed = time.monotonic() - started
    left = waiting()
    cpu = cpu_seconds(pids) - cpu_before
    stop.set()
    sampler.join()
    server.stop()
    relay.__exit__()

    numbers = {
        MESSAGE_NUMBER.match(message["Message-ID"])[1]: message["Message-ID"]
        for message in relay.messages
    }
    created = dict(
        Message.objects.filter(pk__in=[int(n) for n in numbers], kind="confirm").values_list(
            "pk", "created_at"
        )
    )
    delays = sorted(
        relay.recorder.accepted_at[numbers[str(pk)]] - created_at.timestamp()
        for pk, created_at in created.items()
    )
    ids = collections.Counter(message["Message-ID"] for message in relay.messages)
    mailed = {to for recipients, _raw in relay.received for to in recipients}
    acknowledged = set(offered.acknowledged)
    flat = queue_at_end <= rate * args.flat_seconds
    figures = {
        "workers": workers,
        "connections_per_worker": args.connections,
        "fault": fault,
        "offered_per_second": rate,
        "earlier_runs_left_unsent": left_before,
        "offered_seconds": args.seconds,
        "signatures_acknowledged": len(acknowledged),
        "signatures_per_second": round(offered.throughput, 1),
        "sign_errors": offered.errors,
        "emails_per_second_while_offered": round(accepted_while_offered / offered_for, 1),
        "emails_per_second_overall": round(len(relay.messages) / elapsed, 1),
        "queue_at_end_of_offer": queue_at_end,
        "queue_max": max((s["queue"] for s in samples), default=0),
        "queue_flat": flat,
        "left_after_drain_limit": left,
        "commit_to_relay_p50_s": round(statistics.median(delays), 1) if delays else None,
        "commit_to_relay_p99_s": round(delays[int(0.99 * (len(delays) - 1))], 1)
        if delays
        else None,
        "connections_opened": relay.recorder.greetings,
        "worker_cpu_share": round(cpu / elapsed, 2),
        "acknowledged_without_email": len(acknowledged - mailed) if not left else None,
        "accepted_more_than_once": sum(n - 1 for n in ids.values() if n > 1),
        "relay_refused": relay.recorder.refused,
        "relay_dropped": relay.recorder.dropped,
        "relay_kept_then_dropped": relay.recorder.kept_then_dropped,
        "samples": samples,
    }
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", nargs="?", choices=["spike", "drain"], default="spike")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--greeting-ms", type=float, default=150)
    parser.add_argument("--message-ms", type=float, default=50)
    parser.add_argument("--workers", default=None, help="spike: 1,2,4; drain: 1")
    parser.add_argument("--connections", default=None, help="spike: 8; drain: 1,4")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--label", default="", help="added to the results file's name")
    # spike
    parser.add_argument("--rates", default="240", help="signatures a second, highest first")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--fault", default="none", help="none, refuse, drop, slow (comma list)")
    parser.add_argument("--drain-limit", type=float, default=90, help="seconds to drain at most")
    parser.add_argument("--flat-seconds", type=float, default=10, help="backlog still flat")
    parser.add_argument("--sample-seconds", type=float, default=5)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    # drain
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--limit", type=float, default=600, help="seconds to wait at most")
    parser.add_argument("--tree", type=Path, default=ROOT, help="whose worker to run")
    args = parser.parse_args()
    spiking = args.scenario == "spike"
    args.workers = args.workers or ("1,2,4" if spiking else "1")
    args.connections = args.connections or ("8" if spiking else "1,4")
    if spiking and "," in args.connections:
        parser.error("spike takes one --connections figure (run it again for another)")
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
        if spiking:
            args.connections = int(args.connections)
            for fault in args.fault.split(","):
                for rate in map(float, args.rates.split(",")):
                    figures = spike(args, workers, rate, fault, run=len(runs))
                    print(json.dumps({k: v for k, v in figures.items() if k != "samples"}))
                    runs.append(figures)
        else:
            for connections in map(int, args.connections.split(",")):
                figures = drain(args, connections, workers, run=len(runs))
                print(json.dumps(figures), flush=True)
                runs.append(figures)
    result = {
        "scenario": f"mail-{args.scenario}",
        "backend": args.backend,
        "machine": machine(),
        "command": "python bench/mail.py " + " ".join(sys.argv[1:]),
        "relay": {
            "greeting_ms": args.greeting_ms,
            "message_ms": args.message_ms,
            "starttls": True,
            "auth": True,
        },
        "runs": runs,
    }
    if spiking:
        flat = collections.defaultdict(list)
        for figures in runs:
            if figures["queue_flat"] and figures["fault"] == "none":
                flat[figures["workers"]].append(figures["offered_per_second"])
        result["highest_flat_rate_by_workers"] = {w: max(r) for w, r in flat.items()}
        print(json.dumps({"highest_flat_rate_by_workers": result["highest_flat_rate_by_workers"]}))
    faults = "-" + args.fault.replace(",", "-") if args.fault != "none" else ""
    label = f"-{args.label}" if args.label else ""
    name = f"mail-{args.scenario}{faults}{label}-{args.backend}.json"
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
