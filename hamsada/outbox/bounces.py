"""Bounces that come back by mail, for installations that send through SMTP.

Each email goes out with a signed return path of its own (emails.return_path),
so a report that reaches it names the message it is about, and nobody can
suppress someone else's address by forging one. Reports are delivery status
notifications (RFC 3464) and spam complaints in the Abuse Reporting Format
(RFC 5965), which some mailbox providers send to the return path.
"""

import email
import email.policy
from dataclasses import dataclass

from django.db import transaction

from hamsada.outbox.actions import ADDRESS, about_the_address, undeliverable
from hamsada.outbox.emails import message_of_return_path
from hamsada.outbox.models import Message, Suppression

# Where an MTA leaves the address a message was delivered to.
RECIPIENT_HEADERS = ("X-Original-To", "Delivered-To", "Envelope-To", "To")


@dataclass(frozen=True)
class Verdict:
    """What one report says: the message it is about (None: not ours), the
    reason to suppress its address (None: nothing to do) and why."""

    message: int | None
    reason: str | None
    detail: str

    def __str__(self):
        about = f"message {self.message}" if self.message else "no message of ours"
        return f"{about}: {self.reason or 'nothing to do'} ({self.detail})"


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def message_number(report, recipients=()):
    """Our message's number, from the return path the report was sent to: the
    address the MTA gives (recipients) or the one it left in the headers."""
    candidates = list(recipients)
    for header in RECIPIENT_HEADERS:
        for value in report.get_all(header, []):
            candidates.extend(address for _name, address in email.utils.getaddresses([str(value)]))
    for candidate in candidates:
        if candidate and (number := message_of_return_path(candidate)):
            return number
    return None


def status_fields(report):
    """(action, status, diagnostic) for each recipient of a delivery status report."""
    for part in report.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The first block is about the message, the others each about a recipient.
        for block in part.get_payload()[1:]:
            yield (
                str(block.get("Action", "")).strip().lower(),
                str(block.get("Status", "")).strip(),
                ADDRESS.sub("<address>", " ".join(str(block.get("Diagnostic-Code", "")).split()))[
                    :200
                ],
            )


def is_complaint(report):
    for part in report.walk():
        if part.get_content_type() == "message/feedback-report":
            fields = part.get_payload()[0] if part.is_multipart() else part
            return str(fields.get("Feedback-Type", "abuse")).strip().lower() == "abuse"
    return False


def judge(report, recipients=()):
    """The verdict on one report, changing nothing."""
    number = message_number(report, recipients)
    if number is None:
        return Verdict(None, None, "not sent to a signed return path of ours")
    if is_complaint(report):
        return Verdict(number, Suppression.Reason.COMPLAINED, "reported as spam")
    fields = list(status_fields(report))
    if not fields:
        return Verdict(number, None, "no delivery status in it")
    for action, status, diagnostic in fields:
        if action == "failed" and about_the_address(status):
            return Verdict(number, Suppression.Reason.BOUNCED, f"{status} {diagnostic}".strip())
    action, status, diagnostic = fields[0]
    # 4.x.x, delayed, or a permanent failure that is not about the address
    # (5.7.x: refused as spam): the address stays.
    return Verdict(number, None, f"{action} {status}".strip())


def handle(raw, now, recipients=()):
    """Reads one report (bytes) and acts on it. Returns its Verdict."""
    verdict = judge(parse(raw), recipients)
    if verdict.reason is None:
        return verdict
    with transaction.atomic():
        message = Message.objects.filter(pk=verdict.message).first()
        if message is None:
            return Verdict(verdict.message, None, "the message is no longer kept")
        undeliverable(message, verdict.reason, now)
    return verdict
