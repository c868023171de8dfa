"""Hamsada's benchmarks: sign, confirm, read and spike, each beside the floor.

Usage: python bench/run.py --backend sqlite|postgresql [--quick] [--sizes 1000,1000000]
       [--scenarios sign,confirm,read,spike,durability] [--results DIR]

Starts Hamsada the way production does (`hamsada run`: gunicorn with several
workers and the background worker) on a fresh database, measures a bare Django
view served the same way (the floor), then each scenario at saturation and at
80 % of that peak, with the open-loop generator in bench/load.py. Writes one
JSON file per scenario to bench/results/ and checks, after each scenario, that
every acknowledged act is stored and `hamsada recount --check` passes.
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgres://postgres@127.0.0.1:5432/hamsada_bench"

from bench.load import TOKEN, HTTPError, capacity, open_loop  # noqa: E402


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    return (
        f"{os.cpu_count()} cores, {model}, {memory} GiB, {platform.system()} {platform.release()}"
    )


def prepare_environment(backend):
    var = Path(tempfile.mkdtemp(prefix=f"hamsada-bench-{backend}-"))
    os.environ.update(
        {
            "HAMSADA_VAR_DIR": str(var),
            "HAMSADA_BENCH_FLOOR": "1",
            "HAMSADA_SIGN_RATE_LIMIT": "0",
            # A load test signs as fast as a script: the defences against
            # scripts would (rightly) refuse it.
            "HAMSADA_FORM_MIN_SECONDS": "0",
            "HAMSADA_PROOF_OF_WORK": "off",
            "DJANGO_SETTINGS_MODULE": "hamsada.settings",
        }
    )
    if backend == "postgresql":
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-qc",
                "DROP DATABASE IF EXISTS hamsada_bench",
            ],
            check=True,
        )
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE hamsada_bench"],
            check=True,
        )
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    hamsada("migrate", "-v", "0")
    return var


def hamsada(*args):
    subprocess.run(
        [sys.executable, "-m", "hamsada.cli", *args], check=True, stdout=subprocess.DEVNULL
    )


def wait_for_outbox(limit=300):
    """Waits until the worker has sent what the last scenario queued, so that
    its work does not weigh on the next scenario's figures."""
    from hamsada.outbox.models import Message

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not Message.objects.filter(status__in=["queued", "sending"]).exists():
            return True
        time.sleep(1)
    return False


def check_recount():
    result = subprocess.run(
        [sys.executable, "-m", "hamsada.cli", "recount", "--check"], capture_output=True, text=True
    )
    return result.returncode == 0


class Server:
    """`hamsada run`, as production runs it."""

    def __init__(self, workers, threads, background_workers=1, env=None):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hamsada.cli",
                "run",
                "--port",
                str(self.port),
                "--web-workers",
                str(workers),
                "--threads",
                str(threads),
                "--workers",
                str(background_workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/floor/", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def run(coroutine):
    return asyncio.run(coroutine)


# Operations: each returns what the client saw acknowledged, or raises.


async def floor_post(session, index):
    status, _ = await session.call("POST", "/bench/floor/", {"n": str(index)})
    if status != 200:
        raise HTTPError(f"floor {status}")


async def floor_get(session, index):
    status, _ = await session.call("GET", "/bench/floor/")
    if status != 200:
        raise HTTPError(f"floor {status}")


def sign_operation(slug, run_id, page_each_time=True):
    """A new supporter signing: GET the petition page, POST its form.

    Without page_each_time, each client GETs the page once and then POSTs the
    form for a new address every time: the POST alone, which the sign target
    names, measured apart from the page the supporters' browsers load first.
    """
    numbers = itertools.count()
    page, action = f"/en/c/{slug}/", f"/en/c/{slug}/sign/"

    async def sign(session, index):
        email = f"bench-{run_id}-{next(numbers)}@example.org"
        fields = {"name": f"Supporter {index}", "email": email, "country": "AF", "consent": "on"}
        form = getattr(session.connection, "sign_form", None)
        if page_each_time or form is None:
            status, content = await session.call("GET", page)
            match = TOKEN.search(content)
            if status != 200 or not match:
                raise HTTPError(f"page {status}")
            form = session.connection.sign_form = (dict(session.cookies), match[1])
        session.cookies.update(form[0])
        status, _ = await session.call("POST", action, {**fields, "form_token": form[1]})
        if status != 302:
            raise HTTPError(f"sign {status}")
        return email

    return sign


def confirm_operation(tokens):
    async def confirm(session, index):
        act_id, token = tokens[index % len(tokens)]
        path = f"/en/confirm/{token}/"
        status, content = await session.call("GET", path)
        if status == 302:  # confirmed already, by this or another client
            return act_id
        # The link is its own authority: the page's button posts nothing else.
        if status != 200 or b'method="post"' not in content:
            raise HTTPError(f"confirm page {status}")
        status, _ = await session.call("POST", path, {})
        # 200: confirmed now, the thanks page with its receipt; 302: confirmed already.
        if status in (200, 302):
            return act_id
        raise HTTPError(f"confirm {status}")

    return confirm


def stored_signatures(emails, slug="bench"):
    """How many of these addresses have an act stored in campaign slug."""
    from hamsada.campaigns.models import Campaign
    from hamsada.keys.digests import act_digest
    from hamsada.participation.models import Act

    campaign = Campaign.objects.get(slug=slug).pk
    digests = [act_digest(campaign, email) for email in emails]
    return sum(
        Act.objects.filter(email_digest__in=digests[i : i + 5000]).count()
        for i in range(0, len(digests), 5000)
    )


def read_operation(path, headers=None):
    async def read(session, index):
        status, _ = await session.call("GET", path, headers=headers)
        if status != 200:
            raise HTTPError(f"read {status}")

    return read


class Bench:
    def __init__(self, args):
        self.args = args
        self.seconds = 5 if args.quick else 20
        self.server = None
        self.port = None
        self.floor = {}

    def start_server(self, **environment):
        """(Re)starts `hamsada run`, with environment added to this process's."""
        if self.server:
            self.server.stop()
        saved = dict(os.environ)
        os.environ.update(environment)
        try:
            self.server = Server(self.args.workers, self.args.threads)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.port = self.server.port

    def load(self, operation, rate, seconds=None, ramp=0.0, in_flight=64, saturate=False):
        return run(
            open_loop(
                operation,
                rate,
                seconds or self.seconds,
                in_flight,
                port=self.port,
                ramp_seconds=ramp,
                saturate=saturate,
            )
        )

    def saturate(self, operation):
        return run(capacity(operation, self.seconds, port=self.port))

    def peak_then_80(self, operation, first_operation=None):
        """Throughput at saturation, then latency at 80 % of it."""
        saturated = self.saturate(first_operation or operation)
        peak = saturated.throughput
        # The mail queued at saturation goes out first: the latency at 80 % is
        # that of a steady stream, with the worker keeping up with it.
        wait_for_outbox()
        measured = self.load(operation, rate=max(1.0, 0.8 * peak))
        return peak, saturated, measured

    def measure_floor(self):
        for name, operation in [("POST", floor_post), ("GET", floor_get)]:
            saturated = self.saturate(operation)
            self.floor[name] = saturated.throughput
            print(f"floor {name}: {saturated.throughput:.0f}/s", flush=True)

    def write(self, scenario, peak, measured, method, extra):
        floor = self.floor[method]
        figures = {
            "scenario": scenario,
            "backend": self.args.backend,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "command": "python bench/run.py " + shlex.join(sys.argv[1:]),
            "server": (
                f"hamsada run --web-workers {self.args.workers} --threads {self.args.threads}"
            ),
            "throughput": round(peak, 1),
            "p50_ms": measured.summary()["p50_ms"],
            "p95_ms": measured.summary()["p95_ms"],
            "p99_ms": measured.summary()["p99_ms"],
            "errors": measured.error_count(),
            "floor_throughput": round(floor, 1),
            "ratio_to_floor": round(peak / floor, 3) if floor else None,
            "at_80_percent": measured.summary(),
            **extra,
        }
        self.args.results.mkdir(parents=True, exist_ok=True)
        path = self.args.results / f"{scenario}-{self.args.backend}.json"
        path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(figures, ensure_ascii=False), flush=True)
        return figures

    def sign(self, scenario="sign"):
        run_id = f"{scenario}{int(time.time())}"
        extra = {}
        if scenario == "spike":
            # The peak the server can hold, not its momentary maximum: an open
            # loop offered exactly its capacity for a minute only measures the
            # queue that any slowdown leaves behind.
            peak = self.args.spike_rate or 0.8 * self.last_sign_peak
            hold = 10 if self.args.quick else 60
            operation = sign_operation("bench", run_id)
            measured = self.load(operation, rate=peak, seconds=hold, ramp=5.0, in_flight=256)
            runs = [measured]
        else:
            # The POST alone at saturation and at 80 % of that; then whole
            # supporters (page and POST), whose peak the spike is offered.
            peak, saturated, measured = self.peak_then_80(
                sign_operation("bench", run_id, page_each_time=False)
            )
            whole = self.saturate(sign_operation("bench", run_id + "w"))
            self.last_sign_peak = whole.throughput
            extra["page_and_post_throughput"] = round(whole.throughput, 1)
            extra["page_and_post_ratio_to_floor"] = round(whole.throughput / self.floor["POST"], 3)
            runs = [saturated, measured, whole]
        acknowledged = [email for result in runs for email in result.acknowledged]
        extra |= {
            "acknowledged": len(acknowledged),
            "acknowledged_and_stored": stored_signatures(acknowledged),
            "recount_check": check_recount(),
            "unit": "sign POSTs/s, each for a new address",
        }
        if scenario == "spike":
            extra["unit"] = "signs/s, each a GET of the page then the POST of its form"
            extra["ramp_seconds"] = 5.0
            extra["hold_seconds"] = 10 if self.args.quick else 60
            extra["offered_peak_rate"] = peak
            peak = measured.throughput
        return self.write(scenario, peak, measured, "POST", extra)

    def durability(self):
        """The sign POST's peak with SQLite syncing its log at every commit
        (FULL) and only at checkpoints (NORMAL), alternated, same database."""
        peaks = {"FULL": [], "NORMAL": []}
        acknowledged, latencies = [], None
        for turn, setting in enumerate(["FULL", "NORMAL"] * 2):
            self.start_server(HAMSADA_SQLITE_SYNCHRONOUS=setting)
            operation = sign_operation("bench", f"durability{int(time.time())}{turn}", False)
            result = self.saturate(operation)
            peaks[setting].append(result.throughput)
            acknowledged += result.acknowledged
            latencies = result if setting == "FULL" else latencies
            print(f"sign POST with synchronous={setting}: {result.throughput:.0f}/s", flush=True)
            wait_for_outbox()
        self.start_server()
        full = sum(peaks["FULL"]) / len(peaks["FULL"])
        normal = sum(peaks["NORMAL"]) / len(peaks["NORMAL"])
        extra = {
            "full_throughputs": [round(peak, 1) for peak in peaks["FULL"]],
            "normal_throughputs": [round(peak, 1) for peak in peaks["NORMAL"]],
            "normal_throughput": round(normal, 1),
            "full_cost_ms_per_sign": round(1000 / full - 1000 / normal, 3),
            "acknowledged": len(acknowledged),
            "acknowledged_and_stored": stored_signatures(acknowledged),
            "recount_check": check_recount(),
            "unit": "sign POSTs/s with synchronous=FULL (the default), mean of two runs",
        }
        return self.write("durability", full, latencies, "POST", extra)

    def confirm(self):
        from hamsada.participation.models import Act
        from hamsada.participation.tokens import make_token
        from hamsada.tally.models import totals

        pending = 20000 if not self.args.quick else 5000
        hamsada(
            "seed", "--campaign", "bench-confirm", "--acts", str(pending), "--status", "pending"
        )
        acts = list(Act.objects.filter(campaign__slug="bench-confirm").order_by("pk"))
        tokens = [(act.pk, make_token(act, "confirm")) for act in acts]
        # Every act is confirmed by several clients at once: double clicks and
        # racing tabs on one hot campaign counter.
        peak, saturated, measured = self.peak_then_80(confirm_operation(tokens))
        confirmed_ids = set(saturated.acknowledged) | set(measured.acknowledged)
        campaign = acts[0].campaign
        stored_confirmed = Act.objects.filter(campaign=campaign, status="confirmed").count()
        extra = {
            "acknowledged": len(confirmed_ids),
            "acknowledged_and_stored": Act.objects.filter(
                pk__in=confirmed_ids, status="confirmed"
            ).count(),
            "counted": totals(campaign.pk)["confirmed"],
            "stored_confirmed": stored_confirmed,
            "recount_check": check_recount(),
            "unit": "confirmations/s, each a GET of the confirm page then its POST",
        }
        return self.write("confirm", peak, measured, "POST", extra)

    def read(self):
        sizes = [int(size) for size in self.args.sizes.split(",")]
        per_size = {}
        count_rate = None
        for size in sizes:
            hamsada("seed", "--campaign", "bench-read", "--acts", str(size))
            self.measure_floor()
            page = self.saturate(read_operation("/en/c/bench-read/"))
            count_peak = self.saturate(read_operation("/en/c/bench-read/count.json"))
            # One fixed rate for every size, half the first size's peak, so that
            # the latencies compare: only the number of acts changes.
            count_rate = count_rate or max(1.0, 0.5 * count_peak.throughput)
            count = self.load(read_operation("/en/c/bench-read/count.json"), rate=count_rate)
            per_size[str(size)] = {
                "page_throughput": round(page.throughput, 1),
                "floor_get_throughput": round(self.floor["GET"], 1),
                "page_ratio_to_floor": round(page.throughput / self.floor["GET"], 3),
                "page_errors": page.error_count(),
                "count_throughput": round(count_peak.throughput, 1),
                "count": count.summary(),
            }
            print(f"read at {size} acts: {per_size[str(size)]}", flush=True)
        smallest, largest = per_size[str(sizes[0])], per_size[str(sizes[-1])]
        extra = {
            "sizes": per_size,
            "count_p99_ratio_largest_to_smallest": round(
                largest["count"]["p99_ms"] / max(smallest["count"]["p99_ms"], 0.001), 3
            ),
            "page_ratio_to_floor": largest["page_ratio_to_floor"],
            "recount_check": check_recount(),
            "unit": "petition page GETs/s at the largest size; latencies of count.json at a "
            "fixed rate, half its peak at the smallest size",
        }

        class Largest:  # the write() interface for the headline figures
            summary = staticmethod(lambda: largest["count"])
            error_count = staticmethod(lambda: largest["count"]["errors"] + largest["page_errors"])

        return self.write("read", largest["page_throughput"], Largest, "GET", extra)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--scenarios", default="sign,confirm,read,spike")
    parser.add_argument("--quick", action="store_true", help="short runs, for a first look")
    parser.add_argument("--sizes", default="1000,1000000,10000000")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where to write the figures (default: the published ones, bench/results)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--spike-rate",
        type=float,
        default=0.0,
        help="peak arrivals/s of the spike (default: 80 %% of the measured page-and-sign peak)",
    )
    args = parser.parse_args()
    if "durability" in args.scenarios and args.backend != "sqlite":
        parser.error("the durability scenario compares SQLite's settings")
    var = prepare_environment(args.backend)
    hamsada("seed", "--campaign", "bench", "--acts", "0")
    bench = Bench(args)
    bench.start_server()
    bench.last_sign_peak = args.spike_rate
    failures = []
    try:
        for scenario in args.scenarios.split(","):
            # Beside each scenario, not once for the run: this machine's speed
            # drifts over minutes, and a ratio compares only what ran together.
            bench.measure_floor()
            figures = (
                bench.sign(scenario)
                if scenario in {"sign", "spike"}
                else getattr(bench, scenario)()
            )
            wait_for_outbox()
            if not figures.get("recount_check", True):
                failures.append(f"{scenario}: recount --check failed")
            if figures.get("acknowledged") != figures.get("acknowledged_and_stored"):
                failures.append(f"{scenario}: an acknowledged act is missing")
    finally:
        bench.server.stop()
    print(f"Figures in {args.results}; instance data in {var}")
    if failures:
        sys.exit("; ".join(failures))


if __name__ == "__main__":
    main()
