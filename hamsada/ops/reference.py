"""The reference deployment (deploy/) on loopback, for the suite and the
benchmarks: nginx started with the shipped configuration, only its paths
moved into a folder and its ports made free, in front of an upstream socket."""

import os
import signal
import subprocess
from pathlib import Path

from hamsada.ops.mailsink import free_port, loopback_certificate

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def shipped(name, replacements):
    """A file of deploy/, with each old text (which must be there) replaced."""
    text = (DEPLOY / name).read_text()
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{old!r} is no longer in deploy/{name}")
        text = text.replace(old, new)
    return text


class Nginx:
    """nginx as the guide installs it: HTTPS on https_port, the redirect and
    certificates' challenges on http_port, the onion service's PROXY protocol
    socket at onion_socket; every request handed to the socket upstream."""

    def __init__(self, folder, upstream):
        folder = Path(folder)
        self.folder, self.https_port, self.http_port = folder, free_port(), free_port()
        self.onion_socket = folder / "onion.sock"
        certificate, key = loopback_certificate(folder)
        (folder / "acme").mkdir(exist_ok=True)
        (folder / "hamsada-common.conf").write_text(shipped("nginx/hamsada-common.conf", {}))
        paths = {
            "/etc/nginx/hamsada-common.conf": str(folder / "hamsada-common.conf"),
            "/var/log/nginx/": f"{folder}/",
        }
        site = shipped(
            "nginx/hamsada.conf",
            {
                **paths,
                "unix:/run/hamsada/web.sock": f"unix:{upstream}",
                "    listen 80;\n    listen [::]:80;": f"    listen 127.0.0.1:{self.http_port};",
                "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;": (
                    f"    listen 127.0.0.1:{self.https_port} ssl http2;"
                ),
                "/etc/letsencrypt/live/petitions.example.org/fullchain.pem": str(certificate),
                "/etc/letsencrypt/live/petitions.example.org/privkey.pem": str(key),
                "/var/www/acme": str(folder / "acme"),
            },
        )
        onion = shipped(
            "nginx/hamsada-onion.conf",
            {**paths, "unix:/run/hamsada-onion/onion.sock": f"unix:{self.onion_socket}"},
        )
        temp = "\n".join(f"{kind}_temp_path {folder}/{kind};" for kind in TEMP_PATHS)
        (folder / "nginx.conf").write_text(
            f"""
            {"user root;" if os.geteuid() == 0 else ""}
            daemon off;
            worker_processes auto;
            pid {folder}/nginx.pid;
            error_log {folder}/nginx-error.log warn;
            events {{ worker_connections 4096; }}
            http {{
                include /etc/nginx/mime.types;
                {temp}
                {site}
                {onion}
            }}
            """
        )
        self.process = subprocess.Popen(
            ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder)],
            stderr=subprocess.DEVNULL,
        )

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
