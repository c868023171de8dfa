"""How many signatures a script gets through each defence against scripts,
and what the proof of work costs a script and a person.

    python bench/bots.py --attempts 200 [--chromium /usr/bin/chromium]

In one process with Django's test client (CSRF checks on, as for a
browser), with the instance's default settings, against the demo petition
left at its default (a proof of work asked for only while signing spikes).
Four scripts, each smarter than the last, sign with random addresses; then
the proof's cost: hashes in Python for a script, and, with --chromium, the
time proof.js takes in Chromium, at full speed and with the CPU slowed six
times (a low-end phone).
"""

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "reopen-girls-schools"
PAGE = f"/fa/c/{SLUG}/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=200, help="per script (at most 250)")
    parser.add_argument("--chromium", help="a Chromium binary, to time proof.js")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="hamsada-bots-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["HAMSADA_VAR_DIR"] = directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsada.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from hamsada.lib import proof
    from hamsada.participation.models import Act

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    print(
        f"defaults: minimum {settings.FORM_MIN_SECONDS} s to fill, honeypot "
        f"{'on' if settings.FORM_HONEYPOT else 'off'}, proof of work {settings.PROOF_OF_WORK} "
        f"(spike from {settings.PROOF_OF_WORK_SPIKE_PER_MINUTE}/min; without it "
        f"{settings.UNPROVEN_PER_HOUR}/h per connection, {settings.UNPROVEN_PER_MINUTE}/min "
        f"per campaign), {settings.SIGN_RATE_LIMIT} forms/min per connection"
    )

    def client(address):
        return Client(enforce_csrf_checks=True, REMOTE_ADDR=address, HTTP_HOST="127.0.0.1")

    def token_in(page):
        return re.search(r'name="form_token" value="([^"]+)"', page.content.decode())[1]

    def form(token, **extra):
        return {
            "name": "Bot",
            "email": f"{secrets.token_hex(5)}@{secrets.token_hex(4)}.example",
            "country": "AF",
            "consent": "on",
            "form_token": token,
            **extra,
        }

    scripts = iter(range(1, 100))

    def run(name, attempt, addresses=1):
        """name's attempts from addresses connections of its own (198.18.<script>.x)."""
        network = next(scripts)
        before = Act.objects.count()
        started = time.perf_counter()
        for number in range(args.attempts):
            attempt(client(f"198.18.{network}.{number % addresses % 250 + 1}"))
        through = Act.objects.count() - before
        seconds = time.perf_counter() - started
        print(f"{name}: {through} of {args.attempts} through ({seconds:.1f} s)")

    def at_once(fill_trap):
        def attempt(browser):
            page = browser.get(PAGE)
            extra = {"homepage": "http://x.example/"} if fill_trap else {}
            browser.post(PAGE + "sign/", form(token_in(page), **extra))

        return attempt

    run("1. fills every field, sends at once", at_once(fill_trap=True))
    run("2. leaves the hidden field, sends at once", at_once(fill_trap=False))
    # A script that learnt to wait: one page, then the same token for every form.
    token = token_in(client("198.18.0.1").get(PAGE))
    time.sleep(settings.FORM_MIN_SECONDS + 0.5)

    def waited(browser):
        browser.post(PAGE + "sign/", form(token))

    run("3. waits, one connection", waited)
    run("4. waits, a new connection for each form", waited, addresses=args.attempts)

    costs = []

    def solving(browser):
        started = time.process_time()
        challenge = browser.get(PAGE + "proof/").json()
        answer = proof.answer(challenge, proof.solve(challenge))
        costs.append(time.process_time() - started)
        browser.post(PAGE + "sign/", form(token, proof=answer))

    run("5. waits and solves every proof, one connection", solving)
    print(
        f"   a proof costs the script {statistics.mean(costs) * 1000:.0f} ms of CPU on average "
        f"(max number {settings.PROOF_OF_WORK_MAX_NUMBER:,}); "
        f"{statistics.mean(costs) * 1000:.0f} s per thousand signatures"
    )
    if args.chromium:
        time_in_chromium(args.chromium, proof)


def time_in_chromium(executable, proof):
    """proof.js's own solver in Chromium, on challenges made here."""
    from playwright.sync_api import sync_playwright

    source = (ROOT / "hamsada/static/hamsada/proof.js").read_text()
    solver = source[source.index("function bytesOf") : source.index("document.querySelectorAll")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        # A page of its own on localhost: Web Crypto is for secure contexts only.
        page.route(
            "http://localhost/", lambda route: route.fulfill(body="", content_type="text/html")
        )
        page.goto("http://localhost/")
        for slowdown in (1, 6):
            session = page.context.new_cdp_session(page)
            session.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
            times = []
            for _ in range(10):
                challenge = proof.make_challenge("1")
                times.append(
                    page.evaluate(
                        "async (c) => { var encoder = new TextEncoder(); var BATCH = 500;"
                        + solver
                        + "var t = performance.now(); var n = await solve(c);"
                        + " return performance.now() - t; }",
                        challenge,
                    )
                )
            print(
                f"   proof.js in Chromium, CPU slowed {slowdown}x: median "
                f"{statistics.median(times) / 1000:.2f} s, slowest {max(times) / 1000:.2f} s "
                "(10 challenges)"
            )
        browser.close()


if __name__ == "__main__":
    main()
