"""The one pipeline every supporter act goes through.

record_act -> (email) -> confirm_act -> counted; withdraw_act (by the supporter)
or invalidate_act (by an organiser, for abuse) at any point after.
Each verb is one transaction that changes the act, its counters and its outbox
together, so what a supporter was told has happened is what the database holds.
"""

import json
import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from hamsada.campaigns.models import Campaign, Event
from hamsada.keys.digests import act_digest
from hamsada.lib import crypto, sql
from hamsada.organizations.audit import record
from hamsada.outbox.actions import queue, queue_batch
from hamsada.outbox.models import Message, Suppression
from hamsada.participation.models import (
    Act,
    BulkInvalidation,
    OrganisationSignature,
    ReportedAction,
)
from hamsada.tally.actions import add_to_action_tally, add_to_tally, stamp_milestones
from hamsada.tally.receipts import new_receipt

log = logging.getLogger(__name__)

# Emails that answer what someone did on the site with an address: anyone can
# cause them, so no act gets more than MAX_EMAILS_PER_ACT of them. A receipt
# follows a confirmation once, and updates carry their own stop link.
ACKNOWLEDGEMENTS = {
    Message.Kind.CONFIRM,
    Message.Kind.CONFIRM_REPORT,
    Message.Kind.ALREADY_SIGNED,
    Message.Kind.REMINDER,
}


def email_supporter(act, kind, now, secret="", counted=False, onion=False):
    """Queues one email to act's supporter, in act.language. Acknowledgements
    count against MAX_EMAILS_PER_ACT with a conditional UPDATE, so however
    often an address signs, its act gets no more than that many; counted says
    this email's share was taken already (a new act is inserted with its
    confirmation counted, which spares every signature an UPDATE while it
    holds the write lock). onion: asked for over the onion service, so its
    links lead there. Call inside the act's transaction. Returns the Message,
    or None past the limit."""
    if kind in ACKNOWLEDGEMENTS and not counted:
        allowed = Act.objects.filter(pk=act.pk, emails_sent__lt=settings.MAX_EMAILS_PER_ACT).update(
            emails_sent=F("emails_sent") + 1
        )
        if not allowed:
            return None
    return queue(kind, act=act, language=act.language, now=now, secret=secret, onion=onion)


def record_act(
    campaign,
    *,
    kind,
    name,
    email,
    country,
    show_name,
    wants_updates,
    language,
    now,
    note="",
    affiliation="",
    actions=(),
    organisation=None,
    onion=False,
    consent_hash="",
    notice_hash="",
):
    """Stores a pending act and queues its confirmation email, in one transaction.

    An address that already signed this campaign gets an "already signed" email
    instead, and nothing else changes; the caller answers both cases identically
    so that the page never reveals whether an address has signed. Reports (with
    actions, a list of (target_id, channel)) are not deduplicated: a supporter
    reports each time they act, and may give no address at all, in which case
    the report stays unconfirmed. An organisation's co-signature (organisation,
    an unsaved OrganisationSignature) is stored with its contact's act and is
    not counted with individuals; one address may put forward a few
    organisations (MAX_ORGANISATIONS_PER_ADDRESS), each once; beyond that
    nothing is stored or sent and None is returned.

    The transaction is kept short (it is what a spike queues on): encryption
    happens before it, and the campaign's counter row, which every signer of the
    campaign needs, is locked last, just before the commit.
    """
    individual = kind != Act.Kind.ORGANISATION
    digest = None
    if email and kind != Act.Kind.REPORT:
        digest = act_digest(campaign.pk, email)
    if not individual:
        organisation.contact_digest = digest
        # One organisation, whatever the page's language it signs from.
        names = " | ".join(sorted({name.casefold() for name in organisation.names()}))
        digest = act_digest(campaign.pk, f"{email} for {names}")
        if (
            OrganisationSignature.objects.filter(
                act__campaign=campaign, contact_digest=organisation.contact_digest
            ).count()
            >= settings.MAX_ORGANISATIONS_PER_ADDRESS
        ):
            return None
    shown_name, shown_affiliation, note, private = (
        (name, affiliation, note, "") if show_name else Act.sealed(name, affiliation, note)
    )
    act = Act(
        campaign=campaign,
        kind=kind,
        name=shown_name,
        affiliation=shown_affiliation,
        private_encrypted=private,
        country=country,
        email_encrypted=crypto.encrypt(email) if email else "",
        email_digest=digest,
        show_name=show_name,
        wants_updates=wants_updates and bool(email),
        language=language,
        note=note,
        consent_hash=consent_hash,
        notice_hash=notice_hash,
        created_at=now,
        # Its confirmation email, counted against the cap as the act is stored.
        emails_sent=1 if email else 0,
    )
    with transaction.atomic():
        if not sql.insert(act, unless_exists_on=("campaign", "email_digest")):
            existing = Act.objects.get(campaign=campaign, email_digest=digest)
            # Answer in the language the supporter is using now.
            existing.language = language
            email_supporter(existing, Message.Kind.ALREADY_SIGNED, now, onion=onion)
            return existing
        if email:
            confirm = (
                Message.Kind.CONFIRM_REPORT if kind == Act.Kind.REPORT else Message.Kind.CONFIRM
            )
            email_supporter(act, confirm, now, counted=True, onion=onion)
        for target_id, channel in sorted(set(actions)):
            sql.insert(ReportedAction(act=act, target_id=target_id, channel=channel))
            add_to_action_tally(campaign.pk, target_id, channel, reported=1)
        if individual:
            add_to_tally(campaign.pk, country, pending=1)
        else:
            organisation.act = act
            organisation.save()
    return act


def _count_actions(act, **change):
    for target_id, channel in act.actions.values_list("target_id", "channel"):
        add_to_action_tally(act.campaign_id, target_id, channel, **change)


def confirm_act(act_id, now, onion=False):
    """Moves a pending act to confirmed and counts it, exactly once.

    The conditional UPDATE means a double click, two tabs or two servers cannot
    count it twice: only the call that changed the row adds to the counters.
    A counted act gets a receipt: its hash is stored, and the code goes out in
    one email (encrypted until sent) and back to the caller as act.receipt, to
    show once. Milestones are looked for after the commit, when the count
    includes every confirmation committed before it. Returns (act, changed).
    """
    code, hashed = new_receipt()
    with transaction.atomic():
        changed = Act.objects.filter(pk=act_id, status=Act.Status.PENDING).update(
            status=Act.Status.CONFIRMED,
            confirmed_at=now,
            receipt_hash=Case(When(kind__in=Act.INDIVIDUAL_KINDS, then=Value(hashed))),
        )
        act = Act.objects.select_related("campaign").get(pk=act_id)
        counted = changed and act.kind in Act.INDIVIDUAL_KINDS
        if counted:
            add_to_tally(act.campaign_id, act.country, confirmed=1, pending=-1)
            _count_actions(act, confirmed=1)
            email_supporter(
                act, Message.Kind.RECEIPT, now, secret=crypto.encrypt(code), onion=onion
            )
    act.receipt = code if counted else None
    if counted:
        stamp_milestones(act.campaign, now)
    return act, bool(changed)


# What is erased when an act is removed; the campaign, kind, status and times
# remain, which the counts and their later verification need.
ERASED = {
    "name": "",
    "affiliation": "",
    "private_encrypted": "",
    "email_encrypted": "",
    "note": "",
    "show_name": False,
    "wants_updates": False,
}


def withdraw_act(act_id, now):
    """Withdraws an act at its supporter's request: uncounts it and erases its
    personal data, address digest included, exactly once. Returns (act, changed)."""
    return _remove_act(
        act_id, Act.Status.WITHDRAWN, withdrawn_at=now, email_digest=None, country=""
    )


def invalidate_act(act_id, now):
    """Invalidates a pending or confirmed act as abuse: uncounts it and erases
    it like a withdrawal, but keeps the address digest, so that the address
    cannot sign this campaign again. Returns (act, changed)."""
    return _remove_act(act_id, Act.Status.INVALIDATED, invalidated_at=now)


@transaction.atomic
def _remove_act(act_id, status, **stamp_and_erase):
    act = Act.objects.select_related("campaign").get(pk=act_id)
    was = act.status
    if was == Act.Status.WITHDRAWN or (
        status == Act.Status.INVALIDATED and was not in Act.TALLIED_STATUSES
    ):
        return act, False
    changed = Act.objects.filter(pk=act_id, status=was).update(
        status=status, **ERASED, **stamp_and_erase
    )
    if changed and status == Act.Status.WITHDRAWN and act.kind == Act.Kind.ORGANISATION:
        OrganisationSignature.objects.filter(act_id=act_id).update(contact_digest=None)
    if changed and act.kind in Act.INDIVIDUAL_KINDS and was in Act.TALLIED_STATUSES:
        field = "confirmed" if was == Act.Status.CONFIRMED else "pending"
        add_to_tally(act.campaign_id, act.country, **{field: -1})
        _count_actions(act, reported=-1, confirmed=-1 if was == Act.Status.CONFIRMED else 0)
    if changed:
        act.refresh_from_db()
    return act, bool(changed)


# A running bulk invalidation older than this lost its worker: another takes it up.
BULK_LEASE = timedelta(hours=1)


def preview_bulk_invalidation(job, now, requested_by):
    """Counts the acts that job's criteria match now, pending and confirmed
    apart, and stores job as previewed. No act changes; each candidate's
    address is decrypted in memory only. Returns job."""
    matched = Counter(status for _pk, status in job.matching())
    job.matched_pending = matched[Act.Status.PENDING]
    job.matched_confirmed = matched[Act.Status.CONFIRMED]
    job.status = BulkInvalidation.Status.PREVIEWED
    job.requested_by, job.requested_at = requested_by, now
    job.save()
    return job


def queue_bulk_invalidation(job, now, queued_by):
    """Queues a previewed job for the worker, once (a conditional UPDATE from
    previewed to queued): a second click changes nothing. Returns whether it
    was queued."""
    queued = BulkInvalidation.objects.filter(
        pk=job.pk, status=BulkInvalidation.Status.PREVIEWED
    ).update(status=BulkInvalidation.Status.QUEUED, queued_by=queued_by, queued_at=now)
    if queued:
        job.status, job.queued_by, job.queued_at = BulkInvalidation.Status.QUEUED, queued_by, now
    return bool(queued)


def _claimable(now):
    Status = BulkInvalidation.Status
    return Q(status=Status.QUEUED) | Q(status=Status.RUNNING, started_at__lt=now - BULK_LEASE)


def run_bulk_invalidation(job_id, now):
    """Runs a queued job: claims it (a conditional UPDATE from queued to
    running, or from running once BULK_LEASE has passed and its worker is
    taken to be gone), matches its criteria again, now (acts that arrived
    since the preview and match are included), and invalidates each act
    found with invalidate_act, stamped now. Each act and the job's count
    change in one transaction, so the count is what was really invalidated,
    whether the job is run twice, by two workers, or taken up after a worker
    stopped midway. Finished, the job is stamped with the clock's time and
    its organisation's audit trail records the count, in the name of the
    organiser who confirmed it. Returns the job, or None when it was not
    there to claim (not queued, or another worker has it)."""
    jobs = BulkInvalidation.objects.filter(pk=job_id)
    if not jobs.filter(_claimable(now)).update(
        status=BulkInvalidation.Status.RUNNING, started_at=now
    ):
        return None
    job = jobs.select_related("campaign__organization", "requested_by", "queued_by").get()
    if not job.has_criteria():
        # Its address criteria were erased with the campaign's personal data.
        return _finish_bulk_invalidation(job, now, "no criteria left")
    try:
        for act_id, _status in job.matching():
            with transaction.atomic():
                if invalidate_act(act_id, now)[1]:
                    jobs.update(invalidated=F("invalidated") + 1)
    except DatabaseError:
        raise  # the database is away: the lease brings the job back
    except Exception as error:
        log.exception("bulk invalidation %s failed", job_id)
        return _finish_bulk_invalidation(job, now, type(error).__name__)
    return _finish_bulk_invalidation(job, now)


def _finish_bulk_invalidation(job, started_at, error=""):
    Status = BulkInvalidation.Status
    status = Status.FAILED if error else Status.DONE
    finished = BulkInvalidation.objects.filter(
        pk=job.pk, status=Status.RUNNING, started_at=started_at
    ).update(status=status, error=error[:300], finished_at=timezone.now())
    job.refresh_from_db()
    actor = job.queued_by or job.requested_by
    if finished and actor is not None:
        fields = {"status": [Status.RUNNING, status], "invalidated": [None, str(job.invalidated)]}
        if error:
            fields["error"] = [None, job.error]
        record(
            actor,
            "run_bulk_invalidation",
            "participation.bulkinvalidation",
            job.pk,
            job.campaign.organization,
            fields,
        )
    return job


def run_due_bulk_invalidations(now, limit=5):
    """The worker's schedule: runs the queued jobs, oldest first, and any
    whose worker stopped midway. Returns the jobs run."""
    due = BulkInvalidation.objects.filter(_claimable(now)).order_by("queued_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return [job for pk in ids if (job := run_bulk_invalidation(pk, now)) is not None]


def review_organisation(signature, decision, now, reviewed_by, reason=""):
    """Approves or rejects an organisation's co-signature once its contact has
    confirmed; a decision can be changed, and the reason stays internal.
    Returns whether anything changed."""
    if not Act.objects.filter(pk=signature.act_id, status=Act.Status.CONFIRMED).exists():
        return False
    changed = (
        OrganisationSignature.objects.filter(pk=signature.pk)
        .exclude(review=decision, reason=reason)
        .update(review=decision, reason=reason, reviewed_by=reviewed_by, reviewed_at=now)
    )
    if changed:
        signature.review, signature.reason = decision, reason
        signature.reviewed_by, signature.reviewed_at = reviewed_by, now
    return bool(changed)


def mark_undeliverable(message, reason, now):
    """An email about an act bounced for good, or its supporter reported it as
    spam: the act is marked (first reason stays), a complaint also stops
    updates, and the act's address is returned for the outbox to suppress.
    Counts do not change: a confirmed act was confirmed by its supporter."""
    act = Act.objects.filter(pk=message.act_id).only("pk", "email_encrypted").first()
    if act is None:
        return None
    change = {"undeliverable": reason, "undeliverable_at": now}
    if reason == Suppression.Reason.COMPLAINED:
        change["wants_updates"] = False
    Act.objects.filter(pk=act.pk, undeliverable="").update(**change)
    return act.email or None


def stop_updates(act_id):
    """Stops update emails to an act's supporter. Returns whether anything changed."""
    return bool(Act.objects.filter(pk=act_id, wants_updates=True).update(wants_updates=False))


@transaction.atomic
def announce_event(event, now):
    """Queues an email about event to every supporter who confirmed and asked
    for updates, in their language, once: a second call queues nothing.
    Returns how many emails were queued."""
    if not Event.objects.filter(pk=event.pk, announced_at=None).update(announced_at=now):
        return 0
    event.announced_at = now
    subscribers = (
        Act.objects.filter(campaign_id=event.campaign_id)
        .subscribed()
        .values_list("pk", "language")
        .iterator(chunk_size=2000)
    )
    return queue_batch(Message.Kind.UPDATE, subscribers, now=now, event=event)


REMINDER_WINDOW_DAYS = 7


def send_reminders(now, limit=500):
    """Queues one reminder to confirm to each supporter whose signature,
    co-signature or organisation's co-signature is still pending
    REMINDER_HOURS after it was recorded: once per act (any number of workers
    may call this), never once it is confirmed or withdrawn, and within the
    per-act cap. Returns how many were queued."""
    if settings.REMINDER_HOURS <= 0:
        return 0
    due_from = now - timedelta(hours=settings.REMINDER_HOURS)
    due = (
        Act.objects.filter(
            status=Act.Status.PENDING,
            reminded_at=None,
            created_at__lte=due_from,
            # Someone who signed long before is not written to out of the blue
            # (say, after an upgrade that brought reminders).
            created_at__gt=due_from - timedelta(days=REMINDER_WINDOW_DAYS),
        )
        .exclude(kind=Act.Kind.REPORT)
        .exclude(email_encrypted="")
        .filter(undeliverable="")
        .only("pk", "language")[:limit]
    )
    queued = 0
    for act in list(due):
        with transaction.atomic():
            if not Act.objects.filter(
                pk=act.pk, status=Act.Status.PENDING, reminded_at=None
            ).update(reminded_at=now):
                continue  # confirmed, withdrawn or reminded meanwhile
            queued += email_supporter(act, Message.Kind.REMINDER, now) is not None
    return queued


def resend_confirmation(campaign, email, now, onion=False):
    """Queues the confirmation again for the address's signature on campaign
    if it is still pending, within the per-act cap. Returns the Message or
    None; the caller answers the same either way, so that no page tells
    whether an address has signed."""
    act = Act.objects.filter(
        campaign=campaign, email_digest=act_digest(campaign.pk, email), status=Act.Status.PENDING
    ).first()
    if act is None:
        return None
    with transaction.atomic():
        return email_supporter(act, Message.Kind.CONFIRM, now, onion=onion)


@transaction.atomic
def erase_personal_data(campaign, now):
    """Erases what a campaign's supporters gave that it no longer needs, once
    its retention period is over: addresses (and their digests), private
    names and affiliations, report notes, unsent receipt codes,
    organisation contacts' digests, and bulk invalidations' criteria.
    Statuses, countries, times, receipt hashes and public names stay, so
    counts, receipts and snapshots still verify.
    Once only, and never while an organiser holds the campaign. Returns how
    many acts were erased, or None if it did nothing."""
    if not Campaign.objects.filter(pk=campaign.pk, erased_at=None, hold_reason="").update(
        erased_at=now
    ):
        return None
    acts = Act.objects.filter(campaign=campaign)
    erased = acts.exclude(
        email_encrypted="", email_digest=None, private_encrypted="", note=""
    ).update(
        email_encrypted="", email_digest=None, private_encrypted="", note="", wants_updates=False
    )
    OrganisationSignature.objects.filter(act__campaign=campaign).update(contact_digest=None)
    Message.objects.filter(act__campaign=campaign).exclude(secret="").update(secret="")
    # Bulk invalidations' domains and patterns may name addresses too; one
    # not yet run that reads addresses has none left to read.
    jobs = BulkInvalidation.objects.filter(campaign=campaign)
    jobs.filter(
        status__in=[BulkInvalidation.Status.PREVIEWED, BulkInvalidation.Status.QUEUED]
    ).exclude(domain_encrypted="", pattern_encrypted="").update(
        status=BulkInvalidation.Status.FAILED, error="personal data erased before it ran"
    )
    jobs.exclude(domain_encrypted="", pattern_encrypted="").update(
        domain_encrypted="", pattern_encrypted=""
    )
    campaign.erased_at = now
    return erased


def erase_due(now):
    """Erases every campaign whose retention period is over. Returns
    [(campaign, acts erased)]."""
    ending = Campaign.objects.filter(erased_at=None, hold_reason="").exclude(
        closed_at=None, deadline=None, sent_on=None
    )
    return [
        (campaign, erased)
        for campaign in ending
        if (due := campaign.erasure_due()) is not None
        and due <= now
        and (erased := erase_personal_data(campaign, now)) is not None
    ]


def email_acts_list(email, language, now, onion=False):
    """Queues one email to the address listing what it has signed on this
    instance and not withdrawn (in any campaign whose data is not erased),
    each with its withdraw and stop-updates links. An address with no act
    gets nothing; the caller answers the same either way, so that no page
    tells whether an address has taken part. Returns the Message or None."""
    campaigns = Campaign.objects.filter(erased_at=None).values_list("pk", flat=True)
    digests = [act_digest(pk, email) for pk in campaigns]
    acts = set(
        Act.objects.filter(email_digest__in=digests, status__in=Act.TALLIED_STATUSES)
        .exclude(kind=Act.Kind.ORGANISATION)
        .values_list("pk", flat=True)
    ) | set(
        OrganisationSignature.objects.filter(
            contact_digest__in=digests, act__status__in=Act.TALLIED_STATUSES
        ).values_list("act_id", flat=True)
    )
    if not acts:
        return None
    listed = sorted(acts)
    with transaction.atomic():
        return queue(
            Message.Kind.ACTS_LIST,
            act_id=listed[0],
            language=language,
            now=now,
            secret=crypto.encrypt(json.dumps(listed)),
            onion=onion,
        )
