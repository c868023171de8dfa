"""The reference deployment in deploy/, run for real: nginx with the shipped
configuration (paths moved into a temporary folder, ports made free) in front
of gunicorn on a Unix socket, over HTTPS and over the onion service's PROXY
protocol socket; and the systemd units checked by systemd-analyze."""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from hamsada.ops.reference import DEPLOY, Nginx, shipped
from tests.factories import open_petition
from tests.helpers import database_url, wait_for

HOST = "petitions.example.org"
ONION = "hamsadaexamplexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
CIRCUITS = "fc00:dead:beef:4dad::1:{}"
SIGN = "/en/c/free-the-teachers/sign/"


class Site:
    """nginx and gunicorn as the guide installs them, in a temporary folder."""

    def __init__(self, tmp, environment):
        self.tmp = tmp
        environment = {
            **os.environ,
            # Its own var/ (collected static files), the test's database and keys.
            "HAMSADA_VAR_DIR": str(tmp / "var"),
            "HAMSADA_ENCRYPTION_KEY": settings.ENCRYPTION_KEY,
            "DATABASE_URL": database_url(),
            "HAMSADA_TRUSTED_PROXIES": "unix",
            "HAMSADA_ALLOWED_HOSTS": HOST,
            "HAMSADA_SIGN_RATE_LIMIT": "3",
            "HAMSADA_FORM_MIN_SECONDS": "0",
            **environment,
        }
        subprocess.run(
            [sys.executable, "-m", "hamsada.cli", "collectstatic", "--no-input", "-v", "0"],
            env=environment,
            check=True,
        )
        self.web = subprocess.Popen(
            [
                *[sys.executable, "-m", "gunicorn", "hamsada.wsgi:application"],
                *["--bind", f"unix:{tmp}/web.sock", "--workers", "1", "--threads", "4"],
            ],
            env=environment,
            stderr=(tmp / "gunicorn.log").open("w"),
        )
        self.nginx = Nginx(tmp, tmp / "web.sock")
        self.https_port, self.http_port = self.nginx.https_port, self.nginx.http_port
        self.onion_socket = self.nginx.onion_socket
        wait_for(lambda: self.get("/healthz")[0] in (200, 503), timeout=30)

    def stop(self):
        self.nginx.stop()
        self.web.send_signal(signal.SIGTERM)
        self.web.wait(timeout=20)

    def request(self, method, path, body=None, headers=None):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=context, timeout=20
        )
        try:
            connection.request(method, path, body, {"Host": HOST, **(headers or {})})
            response = connection.getresponse()
            headers = {}
            for name, value in response.getheaders():  # Set-Cookie comes more than once
                headers[name] = f"{headers[name]}\n{value}" if name in headers else value
            return response.status, headers, response.read().decode()
        except OSError:
            return 0, {}, ""
        finally:
            connection.close()

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def onion_request(self, circuit, method, path, body=b"", headers=None):
        """One connection from the onion service: the PROXY header Tor writes."""
        address = CIRCUITS.format(circuit)
        head = [f"{method} {path} HTTP/1.1", f"Host: {ONION}", "Connection: close"]
        head += [f"{name}: {value}" for name, value in (headers or {}).items()]
        head.append(f"Content-Length: {len(body)}")
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(self.onion_socket))
            client.sendall(f"PROXY TCP6 {address} ::1 {circuit} 80\r\n".encode())
            client.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
        return int(answer.split(b" ", 2)[1]), answer.decode(errors="replace")


def form_token(page):
    return re.search(r'name="form_token" value="([^"]+)"', page)[1]


def sign_body(number, token):
    fields = {
        "name": "Ada",
        "email": f"s{number}@example.org",
        "country": "AF",
        "consent": "on",
        "form_token": token,
    }
    return urlencode(fields)


@pytest.fixture
def site(transactional_db, tmp_path):
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's)")
    open_petition()
    running = Site(
        tmp_path,
        {
            "HAMSADA_PRODUCTION": "1",
            "HAMSADA_SECRET_KEY": "a-long-random-secret-for-this-test-only-" + "x9Qz" * 10,
            "HAMSADA_SITE_URL": f"https://{HOST}",
            "HAMSADA_ONION_URL": f"http://{ONION}",
        },
    )
    yield running
    running.stop()


def test_pages_and_signatures_go_through_nginx_with_the_applications_headers(site):
    status, headers, page = site.get("/en/c/free-the-teachers/")
    assert status == 200
    # Framing and security headers come from the application, not nginx.
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Set-Cookie" not in headers
    status, headers, _ = site.request(
        "POST",
        SIGN,
        sign_body(1, form_token(page)),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/en/c/free-the-teachers/",
            "Origin": f"https://{HOST}",
        },
    )
    assert status == 302
    assert site.get("/static/does-not-exist.css")[0] == 404
    assert site.request("GET", "/", headers={"Host": HOST})[0] in (200, 302)


def test_plain_http_goes_to_https_except_for_certificates(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=10)
    connection.request("GET", "/en/", headers={"Host": HOST})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/en/"
    (site.tmp / "acme" / ".well-known" / "acme-challenge").mkdir(parents=True)
    (site.tmp / "acme" / ".well-known" / "acme-challenge" / "token").write_text("proof")
    connection = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=10)
    connection.request("GET", "/.well-known/acme-challenge/token", headers={"Host": HOST})
    assert connection.getresponse().read() == b"proof"


def post_sign(site, number, token, **headers):
    return site.request(
        "POST",
        SIGN,
        sign_body(number, token),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/en/c/free-the-teachers/",
            **headers,
        },
    )[0]


def test_a_client_spoofing_x_forwarded_for_through_nginx_is_still_one_client(site):
    _status, _headers, page = site.get("/en/c/free-the-teachers/")
    token = form_token(page)
    statuses = [
        post_sign(site, n, token, **{"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]


def test_each_onion_circuit_is_a_client_of_its_own(site):
    status, page = site.onion_request(1, "GET", "/en/c/free-the-teachers/")
    assert status == 200
    token = form_token(page)

    def sign(circuit, number):
        body = sign_body(number, token).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{ONION}",
            "Referer": f"http://{ONION}/en/c/free-the-teachers/",
        }
        return site.onion_request(circuit, "POST", SIGN, body, headers)[0]

    # One circuit over its limit; every other circuit still signs.
    assert [sign(7, n) for n in range(4)] == [302, 302, 302, 429]
    assert [sign(100 + n, 10 + n) for n in range(5)] == [302] * 5


def test_the_logs_keep_no_client_address_and_no_secret_link(site):
    site.get("/en/confirm/a-secret-token-that-acts-for-the-supporter/")
    site.onion_request(3, "GET", "/en/withdraw/another-secret-token/")
    site.get("/fa/admin/welcome/an-invitation-secret-token/")
    site.get("/en/admin/reset/MQ/a-reset-secret-token/")
    log = (site.tmp / "hamsada-access.log").read_text()
    assert "/en/confirm/-" in log and "/en/withdraw/-" in log
    assert "/fa/admin/welcome/-" in log and "/en/admin/reset/-" in log
    assert "secret-token" not in log
    assert "127.0.0.1" not in log and "fc00:dead:beef" not in log


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_systemd_units_verify(tmp_path):
    venv = Path(sys.executable).parent.parent
    units = []
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/srv/hamsada/.venv", str(venv))
        name = unit.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("tor") is None, reason="no tor (.ci/run installs it)")
def test_the_torrc_verifies(tmp_path):
    service = tmp_path / "hamsada"
    service.mkdir(mode=0o700)
    torrc = shipped(
        "tor/torrc",
        {
            "/var/lib/tor/hamsada/": f"{service}/",
            "unix:/run/hamsada-onion/onion.sock": f"unix:{tmp_path}/onion.sock",
        },
    )
    (tmp_path / "torrc").write_text(f"DataDirectory {tmp_path}/data\n{torrc}")
    result = subprocess.run(
        ["tor", "--verify-config", "-f", str(tmp_path / "torrc")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration was valid" in result.stdout
