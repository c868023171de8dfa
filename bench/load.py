"""An open-loop load generator for loopback benchmarks.

Arrivals are scheduled at a fixed rate whatever the server does (open loop), so
a slow server shows up as latency and errors instead of as a politely slower
client. Latency is measured from each arrival's scheduled time, which counts
the time spent waiting for a connection too. Bounded in arrivals and seconds;
targets 127.0.0.1 only. Every acknowledgement is recorded, so that "nothing
lost" can be checked against what clients saw.
"""

import asyncio
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# A public form's token (no cookie goes with it).
TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')


class HTTPError(Exception):
    pass


class Connection:
    """One keep-alive HTTP/1.1 connection to the server under test."""

    def __init__(self, host, port, tls=None):
        """tls: an ssl.SSLContext, to speak HTTPS (to nginx in front)."""
        self.host, self.port, self.tls = host, port, tls
        self.reader = self.writer = None

    async def request(self, method, path, body=b"", headers=None, timeout=30):
        reused = self.writer is not None
        try:
            return await self._request(method, path, body, headers, timeout)
        except HTTPError:
            if not reused:
                raise
            # The server closed an idle keep-alive connection as we reused it;
            # like a browser, send again once on a new connection.
            return await self._request(method, path, body, headers, timeout)

    async def _request(self, method, path, body, headers, timeout):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port, ssl=self.tls
            )
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            return await asyncio.wait_for(self._response(), timeout)
        except BaseException:
            self.close()
            raise

    async def _response(self):
        status_line = await self.reader.readline()
        if not status_line:
            raise HTTPError("connection closed")
        status = int(status_line.split()[1])
        headers = []
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        values = dict(headers)
        if "content-length" in values:
            body = await self.reader.readexactly(int(values["content-length"]))
        elif values.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self.reader.readline()).strip(), 16):
                body += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
        else:
            body = await self.reader.read()
        if values.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Session:
    """A supporter's browser: a connection and its cookies."""

    def __init__(self, connection, language="en"):
        self.connection = connection
        self.cookies = {}
        self.language = language

    async def call(self, method, path, form=None, headers=None):
        headers = {"Accept-Language": self.language, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            scheme = "https" if self.connection.tls else "http"
            headers["Origin"] = f"{scheme}://{self.connection.host}:{self.connection.port}"
        status, response_headers, content = await self.connection.request(
            method, path, body, headers
        )
        for name, value in response_headers:
            if name == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        return status, content

    async def post_form(self, page_path, action_path, fields):
        """GETs a page for its form token, then POSTs the form: what a browser does."""
        status, content = await self.call("GET", page_path)
        if status != 200:
            raise HTTPError(f"GET {page_path}: {status}")
        match = TOKEN.search(content)
        if not match:
            raise HTTPError(f"no form on {page_path}")
        return await self.call("POST", action_path, {**fields, "form_token": match[1]})


@dataclass
class Result:
    offered_rate: float
    latencies_ms: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    acknowledged: list = field(default_factory=list)
    elapsed: float = 0.0
    dropped: int = 0

    async def attempt(self, operation, connection, index, since):
        """Runs one operation; records its latency from `since` and what it
        acknowledged, or counts its failure by kind."""
        try:
            acknowledged = await operation(Session(connection), index)
        except Exception as error:
            kind = str(error) if isinstance(error, HTTPError) else type(error).__name__
            self.errors[kind[:80]] = self.errors.get(kind[:80], 0) + 1
            connection.close()
        else:
            self.latencies_ms.append((time.perf_counter() - since) * 1000)
            if acknowledged is not None:
                self.acknowledged.append(acknowledged)

    @property
    def completed(self):
        return len(self.latencies_ms)

    @property
    def throughput(self):
        return self.completed / self.elapsed if self.elapsed else 0.0

    def percentile(self, p):
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def error_count(self):
        return sum(self.errors.values())

    def summary(self):
        return {
            "offered_rate": round(self.offered_rate, 1),
            "throughput": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50) or 0, 1),
            "p95_ms": round(self.percentile(95) or 0, 1),
            "p99_ms": round(self.percentile(99) or 0, 1),
            "errors": self.error_count(),
            "error_kinds": dict(self.errors),
            "completed": self.completed,
        }


async def capacity(operation, seconds, clients=32, host="127.0.0.1", port=8000, tls=None):
    """The server's peak: `clients` clients each starting the next operation as
    soon as the last one finished, for `seconds`. (An open loop offered far more
    than the server can take measures the generator's own queueing instead.)
    """
    assert host.startswith("127.") or host in {"localhost", "::1"}, "loopback only"
    result = Result(offered_rate=0.0)
    numbers = iter(range(10**9))
    start = time.perf_counter()

    async def client():
        connection = Connection(host, port, tls)
        while time.perf_counter() - start < seconds:
            await result.attempt(operation, connection, next(numbers), time.perf_counter())
        connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    result.elapsed = time.perf_counter() - start
    return result


async def open_loop(
    operation,
    rate,
    seconds,
    max_in_flight=256,
    host="127.0.0.1",
    port=8000,
    ramp_seconds=0.0,
    saturate=False,
    tls=None,
):
    """Starts operation(session, index) at `rate` a second for `seconds` (after an
    optional linear ramp from zero), with at most max_in_flight at once; arrivals
    that find no free slot wait for one, and that wait counts in their latency.

    With saturate, the rate is meant to exceed capacity: arrivals still waiting
    for a slot when the time is up are dropped, not counted, so the run ends on
    time and its throughput is the server's peak.

    operation returns a value to record as acknowledged, or raises on failure.
    """
    assert host.startswith("127.") or host in {"localhost", "::1"}, "loopback only"
    result = Result(offered_rate=rate)
    slots = asyncio.Semaphore(max_in_flight)
    idle = []
    tasks = []
    start = time.perf_counter()

    waiting = set()

    async def arrival(index, scheduled):
        await slots.acquire()
        waiting.discard(asyncio.current_task())
        try:
            connection = idle.pop() if idle else Connection(host, port, tls)
            await result.attempt(operation, connection, index, scheduled)
            if connection.writer is not None:
                idle.append(connection)
        finally:
            slots.release()

    for index, offset in enumerate(schedule(rate, seconds, ramp_seconds)):
        delay = start + offset - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(arrival(index, start + offset))
        waiting.add(task)
        tasks.append(task)
    if saturate:
        for task in list(waiting):
            task.cancel()
        result.dropped = len(waiting)
    await asyncio.gather(*tasks, return_exceptions=True)
    result.elapsed = time.perf_counter() - start
    for connection in idle:
        connection.close()
    return result


def schedule(rate, seconds, ramp_seconds=0.0):
    """Arrival offsets in seconds: a linear ramp to `rate`, then `rate` held."""
    offsets, t = [], 0.0
    while t < ramp_seconds + seconds:
        current = rate * min(1.0, t / ramp_seconds) if ramp_seconds else rate
        offsets.append(t)
        t += 1.0 / max(current, rate / 50)
    return offsets
