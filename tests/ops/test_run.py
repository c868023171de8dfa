"""`hamsada run` serves the site with the worker beside it, and stops both."""

import os
import signal
import subprocess
import sys
import urllib.request

from hamsada.ops.mailsink import free_port
from tests.helpers import wait_for


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_serves_and_sigterm_stops_web_server_and_worker(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["HAMSADA_VAR_DIR"] = str(tmp_path)
    hamsada = [sys.executable, "-m", "hamsada.cli"]
    subprocess.run([*hamsada, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = free_port()
    run = subprocess.Popen(
        [*hamsada, "run", "--port", str(port), "--web-workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/en/"), timeout=60)
        children = subprocess.run(
            ["pgrep", "-P", str(run.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 2  # the web server and the worker
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0
        assert not any(alive(int(pid)) for pid in children)
        assert not answers(f"http://127.0.0.1:{port}/en/")
    finally:
        if run.poll() is None:
            run.kill()
    assert "Stopped." in run.stdout.read()
