"""Fault tests: kill -9, mail server outage, database restart, two servers,
slow clients; and the reference proxy against none.

Usage: python bench/faults.py kill|smtp|postgres|two-servers|slow-clients|proxy [--backend ...]

Each starts Hamsada as production does, drives it with the open-loop generator
(which records every acknowledgement a client received), injects the fault,
and then checks against what clients saw: every acknowledged signature is
stored, every acknowledged confirmation is counted, nothing is counted twice
(`hamsada recount --check`), and every stored act got its email. Writes
bench/results/faults-<test>-<backend>.json and exits 1 on any failure.
"""

import argparse
import asyncio
import collections
import itertools
import json
import logging
import os
import random
import signal
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import HTTPError, capacity, open_loop  # noqa: E402
from bench.run import (  # noqa: E402
    RESULTS,
    Server,
    check_recount,
    free_port,
    hamsada,
    machine,
    prepare_environment,
    read_operation,
    sign_operation,
)
from hamsada.ops.mailsink import SMTPServer  # noqa: E402
from hamsada.ops.reference import Nginx  # noqa: E402


class Traffic:
    """Signs and confirms: half the arrivals sign with a new address, half confirm
    an address that was acknowledged earlier, through the link it was emailed."""

    def __init__(self, smtp, slug="bench"):
        self.smtp = smtp
        self.slug = slug
        self.numbers = itertools.count()
        self.signed = []  # addresses whose "check your email" page was returned
        self.confirmed = []  # addresses whose confirmation was acknowledged
        self.statuses = collections.Counter()
        self.to_confirm = collections.deque()

    def links(self):
        """Confirmation links mailed so far, by address."""
        found = {}
        for message in list(self.smtp.messages):
            text = message.get_body(preferencelist=("plain",)).get_content()
            for line in text.split():
                if "/confirm/" in line:
                    found.setdefault(message["To"], line.split("://", 1)[1].split("/", 1)[1])
        return found

    async def operation(self, session, index):
        if index % 2 and self.to_confirm:
            return await self.confirm(session, self.to_confirm.popleft())
        email = f"fault-{os.getpid()}-{next(self.numbers)}@example.org"
        status, _ = await session.post_form(
            f"/en/c/{self.slug}/",
            f"/en/c/{self.slug}/sign/",
            {"name": "Supporter", "email": email, "country": "AF", "consent": "on"},
        )
        self.statuses[status] += 1
        if status != 302:
            raise HTTPError(f"sign {status}")
        self.signed.append(email)
        return email

    async def confirm(self, session, item):
        email, path = item
        path = "/" + path
        status, content = await session.call("GET", path)
        self.statuses[status] += 1
        if status == 200 and b'method="post"' in content:
            status, _ = await session.call("POST", path, {})
            self.statuses[status] += 1
            # 200: confirmed now, the thanks page with its receipt; 302: confirmed already.
            status = 302 if status == 200 else status
        if status != 302:
            self.to_confirm.append(item)  # try again later, as a person would
            raise HTTPError(f"confirm {status}")
        self.confirmed.append(email)
        return email

    async def feed_confirmations(self, stop):
        seen = set()
        while not stop.is_set():
            for email, path in self.links().items():
                if email not in seen:
                    seen.add(email)
                    self.to_confirm.append((email, path))
            await asyncio.sleep(0.5)


def confirmations_by_address(smtp):
    """How many confirmation emails each address got (a confirmed act also gets
    its receipt, which is no second confirmation)."""
    return collections.Counter(
        message["To"]
        for message in list(smtp.messages)
        if "/confirm/" in message.get_body(preferencelist=("plain",)).get_content()
    )


def verify(traffic, smtp, name, extra, results, drain_seconds=120):
    """Checks what clients saw against the database and the mailbox."""
    from hamsada.campaigns.models import Campaign
    from hamsada.keys.digests import act_digest
    from hamsada.outbox.models import Message
    from hamsada.participation.models import Act

    campaign = Campaign.objects.get(slug=traffic.slug).pk

    def email_digest(address):
        return act_digest(campaign, address)

    deadline = time.monotonic() + drain_seconds
    while (
        time.monotonic() < deadline
        and Message.objects.filter(status__in=["queued", "sending"]).exists()
    ):
        time.sleep(1)
    signed = set(traffic.signed)
    stored = {
        digest
        for digest in Act.objects.filter(
            email_digest__in=[email_digest(e) for e in signed]
        ).values_list("email_digest", flat=True)
    }
    lost = [email for email in signed if email_digest(email) not in stored]
    confirmed_digests = set(
        Act.objects.filter(
            email_digest__in=[email_digest(e) for e in traffic.confirmed], status="confirmed"
        ).values_list("email_digest", flat=True)
    )
    unconfirmed = [e for e in traffic.confirmed if email_digest(e) not in confirmed_digests]
    received = collections.Counter(message["To"] for message in smtp.messages)
    stored_acts = Act.objects.count()
    never_mailed = stored_acts - len([r for r in received if r])
    figures = {
        "test": name,
        "backend": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": "python bench/faults.py " + " ".join(sys.argv[1:]),
        "signs_acknowledged": len(signed),
        "signs_acknowledged_but_missing": len(lost),
        "confirmations_acknowledged": len(traffic.confirmed),
        "confirmations_acknowledged_but_not_counted": len(unconfirmed),
        "acts_stored": stored_acts,
        "acts_never_emailed": never_mailed,
        "addresses_sent_two_confirmations": sum(
            1 for n in confirmations_by_address(smtp).values() if n > 1
        ),
        "statuses_seen": dict(traffic.statuses),
        "recount_check": check_recount(),
        **extra,
    }
    failures = []
    if lost:
        failures.append(f"{len(lost)} acknowledged signatures missing")
    if unconfirmed:
        failures.append(f"{len(unconfirmed)} acknowledged confirmations not counted")
    if not figures["recount_check"]:
        failures.append("recount --check failed")
    if never_mailed > 0:
        failures.append(f"{never_mailed} stored acts never got their email")
    if 500 in traffic.statuses:
        failures.append(f"{traffic.statuses[500]} responses were 500")
    figures["verdict"] = "; ".join(failures) or "pass"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"faults-{name}-{figures['backend']}.json").write_text(
        json.dumps(figures, indent=2) + "\n"
    )
    print(json.dumps(figures, indent=2))
    return failures


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def command_line(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


async def drive(traffic, port, rate, seconds, injector=None):
    stop = asyncio.Event()
    feeder = asyncio.create_task(traffic.feed_confirmations(stop))
    tasks = [open_loop(traffic.operation, rate, seconds, 64, port=port)]
    if injector:
        tasks.append(injector())
    results = await asyncio.gather(*tasks)
    stop.set()
    await feeder
    return results


def under_fault(args, smtp, name, fault, seconds, figures):
    """Drives sign and confirm traffic at one server for `seconds` while
    fault(server) runs, then verifies; figures() adds what the fault recorded.
    Returns (traffic, failures)."""
    server = Server(workers=3, threads=2)
    traffic = Traffic(smtp)
    try:
        load, _done = asyncio.run(
            drive(traffic, server.port, args.rate, seconds, lambda: fault(server))
        )
        from django.db import connection

        connection.close()  # it may date from before a database restart
        extra = {**figures(), "load": load.summary(), "rate": args.rate}
        return traffic, verify(traffic, smtp, name, extra, args.results)
    finally:
        server.stop()


def kill_test(args, smtp):
    kills = collections.Counter()

    async def killer(server):
        await asyncio.sleep(2)
        for round_ in range(args.kills):
            processes = children(server.process.pid)
            web_master = next((p for p in processes if "gunicorn" in command_line(p)), None)
            worker = next((p for p in processes if " worker" in command_line(p)), None)
            targets = (children(web_master) if web_master else []) if round_ % 3 else []
            victim = random.choice(targets) if targets else worker
            if victim:
                os.kill(victim, signal.SIGKILL)
                kills["web worker" if targets else "background worker"] += 1
            await asyncio.sleep(args.interval)

    seconds = args.kills * args.interval + 4
    _traffic, failures = under_fault(
        args, smtp, "kill", killer, seconds, lambda: {"kills": dict(kills)}
    )
    return failures


def smtp_test(args, smtp):
    queued = []

    async def outage(server):
        from hamsada.outbox.models import Message

        await asyncio.sleep(3)
        smtp.controller.stop()
        for _ in range(args.outage):
            queued.append(await asyncio.to_thread(Message.objects.filter(status="queued").count))
            await asyncio.sleep(1)
        smtp.restart()

    _traffic, failures = under_fault(
        args,
        smtp,
        "smtp",
        outage,
        args.outage + 8,
        lambda: {"outage_seconds": args.outage, "queued_during_outage_max": max(queued or [0])},
    )
    return failures


def postgres_test(args, smtp):
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]

    def pg_ctl(*action):
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", *action]
        return asyncio.to_thread(subprocess.run, command, check=True)

    async def restart(server):
        await asyncio.sleep(3)
        await pg_ctl("stop", "-m", "fast")
        await asyncio.sleep(args.outage)
        await pg_ctl("start")

    traffic, failures = under_fault(
        args,
        smtp,
        "postgres",
        restart,
        args.outage + 12,
        lambda: {"down_seconds": args.outage},
    )
    if not traffic.statuses.get(503):
        failures.append("no 503 was seen while the database was down")
    return failures


def two_servers_test(args, smtp):
    servers = [Server(workers=2, threads=2), Server(workers=2, threads=2)]
    traffic = Traffic(smtp)

    async def both():
        stop = asyncio.Event()
        feeder = asyncio.create_task(traffic.feed_confirmations(stop))
        loads = await asyncio.gather(
            *[
                open_loop(traffic.operation, args.rate / 2, args.seconds, 32, port=server.port)
                for server in servers
            ]
        )
        stop.set()
        await feeder
        return loads

    loads = asyncio.run(both())
    try:
        failures = verify(
            traffic,
            smtp,
            "two-servers",
            {
                "loads": [load.summary() for load in loads],
                "rate": args.rate,
            },
            args.results,
        )
        twice = [address for address, n in confirmations_by_address(smtp).items() if n > 1]
        if twice:
            failures.append(f"{len(twice)} addresses got their confirmation more than once")
        return failures
    finally:
        for server in servers:
            server.stop()


async def hold(host, port, tls, until, dribble):
    """One slow client until `until`: with dribble, a request whose headers
    come a line every 5 s and never end; otherwise a page read and the
    connection then kept open, never closed by the client (again whenever
    the server closes it)."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection(host, port, ssl=tls)
            if dribble:
                writer.write(b"POST /en/c/bench/sign/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                while time.monotonic() < until:
                    writer.write(b"X-Slow: 1\r\n")
                    await writer.drain()
                    await asyncio.sleep(5)
            else:
                writer.write(b"GET /en/c/bench/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                await writer.drain()
                while await asyncio.wait_for(reader.read(65536), until - time.monotonic()):
                    pass  # read what comes; stay until the server hangs up
            writer.close()
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.5)


async def signing_beside_slow_clients(port, tls, rate, seconds, slow):
    until = time.monotonic() + seconds + 5
    holders = [
        asyncio.create_task(hold("127.0.0.1", port, tls, until, dribble=n % 2 == 0))
        for n in range(slow)
    ]
    await asyncio.sleep(3 if slow else 0)  # they are all connected first
    operation = sign_operation("bench", f"slow{port}{slow}", page_each_time=False)
    result = await open_loop(operation, rate, seconds, port=port, tls=tls)
    for holder in holders:
        holder.cancel()
    await asyncio.gather(*holders, return_exceptions=True)
    return result


class BehindNginx:
    """One gunicorn (3 processes of 4 threads, as `hamsada run` starts it) bound
    both to a unix socket, with the reference nginx in front, and to a loopback
    port, reached directly: the two paths measured in the same run, on the
    same processes."""

    def __init__(self, folder):
        hamsada("collectstatic", "--no-input", "-v", "0")
        self.tls = ssl.create_default_context()
        self.tls.check_hostname, self.tls.verify_mode = False, ssl.CERT_NONE
        socket_path = folder / "web.sock"
        self.direct_port = free_port()
        self.web = subprocess.Popen(
            [
                *[sys.executable, "-m", "gunicorn", "hamsada.wsgi:application"],
                *["--bind", f"unix:{socket_path}", "--bind", f"127.0.0.1:{self.direct_port}"],
                *["--workers", "3", "--threads", "4"],
                *["--graceful-timeout", "10", "--log-level", "warning"],
            ],
            env={**os.environ, "HAMSADA_TRUSTED_PROXIES": "unix"},
        )
        self.nginx = Nginx(folder, socket_path)
        time.sleep(3)

    def paths(self):
        return [("nginx", self.nginx.https_port, self.tls), ("direct", self.direct_port, None)]

    def stop(self):
        self.nginx.stop()
        self.web.send_signal(signal.SIGTERM)
        self.web.wait(timeout=30)


def slow_clients_test(args, smtp):
    """Signing at args.rate for args.seconds, with and without args.slow slow
    clients, through the reference nginx and straight to gunicorn; through
    nginx, throughput beside them must stay at 80 % or more of without."""
    folder = Path(os.environ["HAMSADA_VAR_DIR"]) / "slow-clients"
    folder.mkdir()
    servers = BehindNginx(folder)
    figures = {}
    try:
        for path, port, tls in servers.paths():
            for slow in (0, args.slow):
                result = asyncio.run(
                    signing_beside_slow_clients(port, tls, args.rate, args.seconds, slow)
                )
                figures[f"{path}, {slow} slow clients"] = result.summary()
    finally:
        servers.stop()
    for name, summary in figures.items():
        print(f"{name}: {json.dumps(summary)}")
    kept = figures[f"nginx, {args.slow} slow clients"]["throughput"] / max(
        figures["nginx, 0 slow clients"]["throughput"], 0.001
    )
    direct = figures[f"direct, {args.slow} slow clients"]["throughput"] / max(
        figures["direct, 0 slow clients"]["throughput"], 0.001
    )
    write_record(
        args,
        "slow-clients",
        slow_clients=args.slow,
        through_nginx_kept=round(kept, 2),
        direct_kept=round(direct, 2),
        runs=figures,
    )
    print(
        f"Through nginx, signing kept {kept:.0%} beside {args.slow} slow clients; "
        f"straight to gunicorn, {direct:.0%}."
    )
    return [] if kept >= 0.8 else [f"through nginx only {kept:.0%} of the throughput kept"]


def proxy_test(args, smtp):
    """Peak signing and page reads (32 clients, each starting again as soon as
    answered) through the reference nginx (TLS, keep-alive, gzip) against the
    same gunicorn reached directly, in one run.
    A comparison, not a pass/fail: it fails only if a path answers nothing."""
    folder = Path(os.environ["HAMSADA_VAR_DIR"]) / "proxy"
    folder.mkdir()
    servers = BehindNginx(folder)
    figures = {}
    page = "/fa/c/bench/"
    try:
        for path, port, tls in servers.paths():
            signing = sign_operation("bench", f"proxy{port}", page_each_time=False)
            reading = read_operation(page, headers={"Accept-Encoding": "gzip"})
            for name, operation in (("sign", signing), ("read", reading)):
                result = asyncio.run(capacity(operation, args.seconds, port=port, tls=tls))
                figures[f"{name}, {path}"] = result.summary()
    finally:
        servers.stop()
    for name, summary in figures.items():
        print(f"{name}: {json.dumps(summary)}")
    write_record(args, "proxy", page=page, runs=figures)
    return [name for name, summary in figures.items() if not summary["throughput"]]


def write_record(args, test, **figures):
    record = {
        "test": test,
        "backend": args.backend,
        "machine": machine(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/faults.py " + " ".join(sys.argv[1:]),
        "rate": args.rate,
        "seconds": args.seconds,
        **figures,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"faults-{test}-{args.backend}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "test", choices=["kill", "smtp", "postgres", "two-servers", "slow-clients", "proxy"]
    )
    parser.add_argument("--slow", type=int, default=200, help="slow clients (slow-clients)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.5)
    parser.add_argument("--outage", type=int, default=60, help="seconds the service is down")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rate", type=float, default=40.0, help="arrivals per second")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where to write the figures (CI's short runs keep them out of git)",
    )
    args = parser.parse_args()
    if args.test in {"postgres", "two-servers"}:
        args.backend = "postgresql"
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = SMTPServer().__enter__()
    os.environ.update(
        {
            "HAMSADA_SMTP_URL": smtp.url,
            "HAMSADA_OUTBOX_LEASE_SECONDS": "5",
            "HAMSADA_OUTBOX_RETRY_SECONDS": "2",
        }
    )
    prepare_environment(args.backend)
    hamsada("seed", "--campaign", "bench", "--acts", "0")
    test = {
        "kill": kill_test,
        "smtp": smtp_test,
        "postgres": postgres_test,
        "two-servers": two_servers_test,
        "slow-clients": slow_clients_test,
        "proxy": proxy_test,
    }[args.test]
    failures = test(args, smtp)
    smtp.__exit__(None, None, None)
    if failures:
        sys.exit(f"FAIL: {'; '.join(failures)}")
    print(f"PASS: {args.test} on {args.backend}")


if __name__ == "__main__":
    main()
