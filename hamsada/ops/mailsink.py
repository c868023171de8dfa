"""A real SMTP server on loopback that keeps what it receives, for tests,
benchmarks and fault tests; it can refuse mail on request."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


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
