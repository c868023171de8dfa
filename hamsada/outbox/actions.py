"""The outbox: one queue for everything the instance sends, claimed by
workers and handed to the handler that the owning app registered for each
kind. It knows no other app: a message is about an act, a delivery or an
event only through its foreign keys."""

import contextlib
import logging
import re
import smtplib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import mailers
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q

from hamsada.keys.digests import suppression_digest
from hamsada.lib import sql
from hamsada.lib.ratelimit import allow
from hamsada.outbox.models import Message, Suppression

log = logging.getLogger(__name__)
ADDRESS = re.compile(r"[^\s<>'\"]+@[^\s<>'\"]+")
MAX_ATTEMPTS = 10
# Connections are closed once the queue has been empty this long: between the
# bursts of a quiet hour, a new greeting for every message would be what
# relays see (and limit) most.
IDLE_SECONDS = 10
# A message held back by pacing is tried again this much later.
PACING_DELAY = timedelta(seconds=15)
# Enhanced status codes (RFC 3463) that say the address itself is wrong or
# gone: 5.1.x bad mailbox or domain, 5.2.1 mailbox disabled, 5.4.4 no route.
# Other permanent failures (5.7.x: our sender refused as spam, a relay that is
# not configured) say nothing about the address and must not suppress it, or
# one bad afternoon would suppress every supporter of one provider; nor does a
# bare 550, which servers also give for "relaying denied" and blocklists.
ADDRESS_FAILURE = re.compile(r"5\.(1\.\d{1,3}|2\.1|4\.4)")
# The status at the start of an answer: "5.1.1 …", "550 5.1.1 …", "smtp; 550 5.1.1 …".
LEADING_STATUS = re.compile(r"\s*(?:smtp;\s*)?(?:\d{3}[ -])?([245]\.\d{1,3}\.\d{1,3})\b", re.I)
# The server answered no to one message; smtplib has reset the session, and the
# connection serves the next.
ANSWERED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# The server is not there at all, as opposed to refusing one message.
UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)


class Skip(Exception):
    """Raised by a renderer when a message must not go out after all (its
    address was erased, its supporter stopped updates); the reason is recorded."""


class Suppressed(Skip):
    """Raised by a renderer for an address that is suppressed (it bounced for
    good, or its owner reported our mail as spam)."""

    def __init__(self, reason):
        super().__init__(f"suppressed: the address {reason}")
        self.reason = reason


class EmailTransport:
    """Django's default mailer, opened once and kept open for all the messages
    one sender hands it: through a relay, greeting, TLS and authentication cost
    more than a message."""

    def __init__(self):
        self.mailer = None

    def send(self, emails):
        if self.mailer is None:
            self.mailer = mailers.default
            self.mailer.open()
        self.mailer.send_messages(emails)

    def close(self):
        if self.mailer is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # the server went away first
                self.mailer.close()
            self.mailer = None


@dataclass(frozen=True)
class Handler:
    """How one kind of message goes out: render makes what to send from the
    message (or raises Skip); transport is a class whose instances send lists
    of those (send) until closed (close), raising OSError or
    smtplib.SMTPException when they cannot. Email for now; another kind of
    outgoing work (a webhook) registers its own transport."""

    render: Callable
    transport: type = EmailTransport
    # Called as undeliverable(message, reason, now) when the message's address
    # bounced for good or complained: marks what the message was about and
    # returns the address, to be suppressed.
    undeliverable: Callable | None = None


HANDLERS: dict[str, Handler] = {}


def register(kind, render, transport=EmailTransport, undeliverable=None):
    """Called by the app that owns a kind of message, from its AppConfig.ready()."""
    HANDLERS[kind] = Handler(render, transport, undeliverable)


def suppress(address, reason, now):
    """No email goes to address any more, from any campaign. The first reason stays."""
    Suppression.objects.bulk_create(
        [Suppression(digest=suppression_digest(address), reason=reason, created_at=now)],
        ignore_conflicts=True,
    )


def suppression_of(address):
    """Why address is suppressed (a Suppression.Reason), or None."""
    return (
        Suppression.objects.filter(digest=suppression_digest(address))
        .values_list("reason", flat=True)
        .first()
    )


def undeliverable(message, reason, now, address=None):
    """The message's address bounced for good or complained: the app that owns
    its kind marks what the message was about and names the address (else the
    address reported is taken), which is then suppressed instance-wide."""
    handler = HANDLERS.get(message.kind)
    with transaction.atomic():
        if handler is not None and handler.undeliverable is not None:
            address = handler.undeliverable(message, reason, now) or address
        if address:
            suppress(address, reason, now)
    log.info("message %s: %s", message.pk, reason)


def new_message(kind, *, language, now, **about):
    """An unsaved message of kind, due now; about: act, delivery, event, secret."""
    return Message(
        kind=kind,
        priority=Message.PRIORITY[kind],
        language=language,
        next_attempt_at=now,
        created_at=now,
        **about,
    )


def queue(kind, *, language, now, **about):
    """Queues one message. Call inside the transaction of the change it is
    about: the message commits with it or not at all. Returns the Message."""
    message = new_message(kind, language=language, now=now, **about)
    sql.insert(message)
    return message


def queue_batch(kind, recipients, *, now, event=None, batch_size=1000):
    """Queues one message of kind for each (act_id, language) in recipients, in
    batches. Returns how many were queued."""
    queued = 0
    batch = []
    for act_id, language in recipients:
        batch.append(new_message(kind, language=language, now=now, act_id=act_id, event=event))
        if len(batch) == batch_size:
            queued += len(Message.objects.bulk_create(batch))
            batch = []
    return queued + len(Message.objects.bulk_create(batch))


def claim_due_messages(now, limit=20):
    """Claims up to limit messages that are due, most urgent kinds first, each
    for exactly one worker, with a lease.

    On PostgreSQL, rows another worker is claiming are skipped (SKIP LOCKED),
    so any number of workers take disjoint batches at once; on SQLite, which
    has one writer at a time, a conditional UPDATE per message decides. Also
    reclaims messages whose lease ran out (a worker died while sending), and
    fails a message claimed more than MAX_ATTEMPTS times.
    """
    due = Message.objects.filter(
        Q(status=Message.Status.QUEUED) | Q(status=Message.Status.SENDING),
        next_attempt_at__lte=now,
    ).order_by("priority", "next_attempt_at")
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = []
    # One short write transaction for the batch: on SQLite, writes outside a
    # transaction would contend with signers in SQLite's busy loop.
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            won = list(due.select_for_update(skip_locked=True)[:limit])
            Message.objects.filter(pk__in=[message.pk for message in won]).update(
                status=Message.Status.SENDING, next_attempt_at=lease, attempts=F("attempts") + 1
            )
        else:
            won = [
                message
                for message in due[:limit]
                if Message.objects.filter(
                    pk=message.pk, status=message.status, next_attempt_at=message.next_attempt_at
                ).update(
                    status=Message.Status.SENDING,
                    next_attempt_at=lease,
                    attempts=F("attempts") + 1,
                )
            ]
        for message in won:
            message.attempts += 1
            if message.attempts > MAX_ATTEMPTS:
                # Claimed that often, it stopped every worker that tried it.
                Message.objects.filter(pk=message.pk).update(
                    status=Message.Status.FAILED,
                    last_error=f"gave up after {MAX_ATTEMPTS} attempts",
                    secret="",
                )
                continue
            claimed.append(message)
    return claimed


def about_the_address(answer):
    """Whether a server's answer says, by the enhanced status code it starts
    with, that the address itself is wrong or gone for good."""
    status = LEADING_STATUS.match(answer or "")
    return bool(status and ADDRESS_FAILURE.fullmatch(status[1]))


def refuses_address(error):
    """Whether the server refused the recipient's address itself for good."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    answers = [
        (code, text.decode(errors="replace") if isinstance(text, bytes) else str(text))
        for code, text in error.recipients.values()
    ]
    return all(code >= 500 and about_the_address(text) for code, text in answers)


def is_permanent(error):
    if isinstance(error, AnymailRecipientsRefused):  # the provider will not send to it
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


class Senders:
    """A worker's senders: count of them send shares of each batch at once (in
    threads), and each keeps its connections open from batch to batch until
    the queue has been empty for IDLE_SECONDS, so a busy worker greets its
    relay count times, not once a message or once a batch."""

    def __init__(self, count=1):
        self.count = max(1, count)
        self.busy_at = 0.0
        self.transports = [{} for _ in range(self.count)]
        self.pool = ThreadPoolExecutor(self.count) if self.count > 1 else None

    def send(self, messages, now):
        if not messages:
            if time.monotonic() - self.busy_at > IDLE_SECONDS:
                self.close()  # idle: no connection is held open for nothing
            return
        self.busy_at = time.monotonic()
        if self.pool is None:
            send_in_turn(messages, now, self.transports[0])
            return
        shares = [messages[start :: self.count] for start in range(self.count)]
        running = [
            self.pool.submit(send_share, share, now, transports)
            for share, transports in zip(shares, self.transports, strict=True)
            if share
        ]
        for share in running:
            share.result()

    def close(self):
        for transports in self.transports:
            close_transports(transports)

    def stop(self):
        self.close()
        if self.pool:
            self.pool.shutdown()


def send_claimed(messages, now, senders=1):
    """Sends claimed messages once, through senders connections at once."""
    sending = Senders(senders)
    try:
        sending.send(messages, now)
    finally:
        sending.stop()


def send_share(messages, now, transports):
    close_old_connections()  # this thread's own database connection
    send_in_turn(messages, now, transports)


def send_in_turn(messages, now, transports):
    """Sends messages one after another over transports ({class: open
    instance}, kept open for the caller). When a server cannot be reached, the
    rest go back to the queue untried, instead of each failing in turn."""
    for index, message in enumerate(messages):
        if not send_message(message, now, transports):
            rest = [later.pk for later in messages[index + 1 :]]
            defer(rest, now + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS))
            return


def close_transports(transports):
    for transport in transports.values():
        transport.close()
    transports.clear()


def redacted(error):
    """An error as it may be stored: servers and codecs quote the address back
    ("550 <ada@…>: no such user"); it must not end up in the database unencrypted."""
    return ADDRESS.sub("<address>", f"{type(error).__name__}: {error}")[:300]


def send_message(message, now, transports):
    """Renders and sends one claimed message through its kind's handler;
    records success, a retry with back-off, or failure. Whatever goes wrong
    with one message is recorded on that message alone: no message can stop
    the worker or hold back the others.

    transports ({transport class: open instance}) are the sender's, kept
    open across its messages. Returns False when a new connection to the
    server could not be made.
    """
    handler = HANDLERS.get(message.kind)
    if handler is None:
        finish(message, Message.Status.FAILED, now, error=f"nothing sends {message.kind}")
        return True
    try:
        rendered = handler.render(message)
    except Suppressed as refused:
        undeliverable(message, refused.reason, now)
        finish(message, Message.Status.FAILED, now, error=str(refused))
        return True
    except Skip as reason:
        finish(message, Message.Status.FAILED, now, error=str(reason))
        return True
    except DatabaseError:
        raise  # the worker waits for the database; the lease brings the message back
    except Exception as error:
        text = redacted(error)
        log.warning("message %s could not be rendered: %s", message.pk, text)
        finish(message, Message.Status.FAILED, now, error=text)
        return True
    if not paced(rendered):
        defer([message.pk], now + PACING_DELAY)
        return True
    failed = send_over(transports, handler.transport, rendered)
    if failed is None:
        finish(message, Message.Status.SENT, now)
        return True
    error, fresh = failed
    if refuses_address(error):
        undeliverable(message, Suppression.Reason.BOUNCED, now, address=rendered.to[0])
    retry_or_fail(message, error, now)
    # A new connection that could not be made means the server is down.
    return not (fresh and isinstance(error, UNREACHABLE))


def retry_or_fail(message, error, now):
    """Records a failed send: retried later with back-off, or failed for good
    when the server said no for good, when it can never be written for the
    server (an address no codec can encode), or after MAX_ATTEMPTS."""
    text = redacted(error)
    permanent = is_permanent(error) or isinstance(error, (UnicodeError, ValueError))
    if permanent or message.attempts >= MAX_ATTEMPTS:
        log.warning("message %s failed for good: %s", message.pk, type(error).__name__)
        finish(message, Message.Status.FAILED, now, error=text)
        return
    first = settings.OUTBOX_RETRY_SECONDS
    delay = timedelta(seconds=min(first * 2 ** (message.attempts - 1), 6 * 3600))
    log.warning("message %s: %s; retrying in %s", message.pk, type(error).__name__, delay)
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.QUEUED, next_attempt_at=now + delay, last_error=text
        )


def send_over(transports, transport_class, rendered):
    """Sends rendered over the sender's open connection, or a new one. A
    connection on which the server answered no (to this recipient, this
    message) goes on to the next message; one that failed otherwise is not
    trusted with it; one that went away (the relay closed it while idle, or in
    the middle of this message) is replaced at once and the message tried once
    more on the new one. Returns None, or (the error, whether it came from a
    new connection)."""
    while True:
        fresh = transport_class not in transports
        if fresh:
            transports[transport_class] = transport_class()
        try:
            transports[transport_class].send([rendered])
            return None
        except DatabaseError:
            raise  # the worker waits for the database; the lease brings the message back
        except Exception as error:
            if not isinstance(error, ANSWERED):
                transports.pop(transport_class).close()
            if fresh or not isinstance(error, UNREACHABLE):
                return error, fresh


def paced(rendered):
    """Whether settings.MAIL_DOMAIN_LIMITS lets an email to this domain go now."""
    limits = settings.MAIL_DOMAIN_LIMITS
    recipients = getattr(rendered, "to", None)
    if not limits or not recipients:
        return True
    domain = recipients[0].rpartition("@")[2].lower()
    limit = limits.get(domain, limits.get("*", 0))
    return allow(domain, "mail-domain", limit, 60)


def defer(message_ids, until):
    """Back to the queue untried, for later: claimed, but no attempt spent."""
    with transaction.atomic():
        Message.objects.filter(pk__in=message_ids).update(
            status=Message.Status.QUEUED, next_attempt_at=until, attempts=F("attempts") - 1
        )


def finish(message, status, now, error=""):
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=status,
            sent_at=now if status == Message.Status.SENT else None,
            last_error=error,
            secret="",  # a receipt code is kept no longer than its one email needs
            onion=False,  # nor that the supporter came over Tor
        )
