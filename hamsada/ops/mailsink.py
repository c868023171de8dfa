"""A real SMTP server on loopback that keeps what it receives, for tests,
benchmarks and fault tests; it can refuse mail on request. And a certificate
for such loopback servers."""

import datetime
import email
import email.policy
import ipaddress
import socket
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    def __init__(self):
        self.messages = []
        # (envelope recipients, the bytes as received), for what parsing hides.
        self.received = []
        self.refuse_with = None  # e.g. "451 4.3.0 Try again later"
        # Replies for some recipients only: {address: "550 5.1.1 No such user"}.
        self.refuse_recipients = {}
        self.senders = []  # the envelope sender (MAIL FROM) of each message received
        self.greetings = 0  # one per connection a client opened and greeted

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        if address.lower() in self.refuse_recipients:
            return self.refuse_recipients[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        self.senders.append(envelope.mail_from)
        self.messages.append(message)
        return "250 Message accepted"


class SMTPServer:
    def __init__(self, recorder=None, **options):
        """recorder: a Recorder, or one of its kind that misbehaves on purpose;
        options: aiosmtpd's (tls_context, require_starttls, authenticator...)."""
        self.recorder = recorder or Recorder()
        self.options = options
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=free_port(), **options
        )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self):
        return self.controller.port

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.recorder.messages

    @property
    def received(self):
        return self.recorder.received

    @property
    def greetings(self):
        return self.recorder.greetings

    def restart(self):
        """Starts again on the same port after controller.stop(): a server back up."""
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    @property
    def senders(self):
        return self.recorder.senders

    def refuse(self, reply):
        self.recorder.refuse_with = reply

    def refuse_recipient(self, address, reply):
        self.recorder.refuse_recipients[address.lower()] = reply


def loopback_certificate(directory):
    """A self-signed certificate for 127.0.0.1, for servers on loopback that
    tests and benchmarks reach over TLS; returns (certificate, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "loopback")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = Path(directory) / "loopback.pem", Path(directory) / "loopback.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
