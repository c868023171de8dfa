"""Bulk invalidation by criteria: an owner previews how many acts a domain, a
pattern of addresses or a time window matches (never which addresses), then
confirms; the worker matches again and invalidates exactly those, once, and
the counts, the trail and the next snapshot say so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hamsada.organizations.models import AuditEntry
from hamsada.organizations.roles import Role
from hamsada.participation.actions import (
    erase_personal_data,
    preview_bulk_invalidation,
    queue_bulk_invalidation,
    run_bulk_invalidation,
    run_due_bulk_invalidations,
)
from hamsada.participation.models import Act, AddressMatch, BulkInvalidation
from hamsada.participation.recount import recount
from hamsada.snapshots.actions import take_snapshot
from hamsada.tally.models import Snapshot, totals
from hamsada.web.views.accounts import VERIFIED_AT
from tests.factories import (
    confirmed_signature,
    open_petition,
    organiser,
    organization,
    pending_signature,
)
from tests.helpers import log_in, wait_for

pytestmark = pytest.mark.django_db

ADD = "/en/admin/participation/bulkinvalidation/add/"
LIST = "/en/admin/participation/bulkinvalidation/"
HOUR = timedelta(hours=1)


def page_of(job):
    return f"{LIST}{job.pk}/change/"


def signed(campaign, email, at=None, confirmed=True, **fields):
    """An act by email, recorded at (default: now)."""
    make = confirmed_signature if confirmed else pending_signature
    act = make(campaign, email=email, **fields)
    if at is not None:
        Act.objects.filter(pk=act.pk).update(created_at=at)
    return act


def job_for(campaign, *, domain="", pattern="", now=None, **criteria):
    """A previewed job, as the admin's form makes it."""
    job = BulkInvalidation(campaign=campaign, reason="A flood of fake signatures", **criteria)
    job.domain, job.pattern = domain, pattern
    return preview_bulk_invalidation(job, now or timezone.now(), None)


def queued(campaign, **criteria):
    job = job_for(campaign, **criteria)
    assert queue_bulk_invalidation(job, timezone.now(), None)
    return job


def statuses(*acts):
    return [Act.objects.get(pk=act.pk).status for act in acts]


@pytest.fixture
def flood(petition):
    """Yesterday's real supporters, and last night's flood from one domain."""
    now = timezone.now()
    night = now - 6 * HOUR
    real = [
        signed(petition, "ada@example.org", now - 30 * HOUR),
        signed(petition, "bo@riseup.net", night + HOUR, confirmed=False),
        signed(petition, "Mina@Fake-Mail.example", now - 30 * HOUR),  # before the window
    ]
    fake = [
        signed(petition, "a123456789@fake-mail.example", night + HOUR),
        signed(petition, "b987654321@FAKE-MAIL.example", night + 2 * HOUR, confirmed=False),
        signed(petition, "x+1@mx.fake-mail.example", night + 3 * HOUR),
    ]
    return real, fake, night


# Matching.


def test_a_domain_matches_exactly_in_any_case_and_either_spelling():
    exact = AddressMatch("xn--strae-oqa.de", False, "")
    assert exact("Ada@STRASSE-ok.de") is False
    assert exact("ada@straße.de") and exact("ADA@XN--STRAE-OQA.DE")
    assert not exact("ada@mail.straße.de") and not exact("ada@notstraße.de")
    with_subdomains = AddressMatch("example.org", True, "")
    assert with_subdomains("a@example.org") and with_subdomains("a@mx.EXAMPLE.org")
    assert not with_subdomains("a@badexample.org")


def test_a_pattern_is_a_glob_over_the_whole_address_not_a_regular_expression():
    tagged = AddressMatch("", False, "*+*@example.org")
    assert tagged("Ada+1@Example.org") and not tagged("ada@example.org")
    ten = AddressMatch("", False, "a?????????@*")
    assert ten("a123456789@x.example") and not ten("a12345678@x.example")
    assert not AddressMatch("", False, "a.c@x.example")("abc@x.example")  # . is a dot
    # What would take a regular expression ages is answered at once.
    assert not AddressMatch("", False, "*a*a*a*a*a*a*a*a*a*b")("a" * 200)


# The job, as the worker runs it.


def test_a_preview_counts_pending_and_confirmed_apart_and_changes_nothing(petition, flood):
    real, fake, night = flood
    before = totals(petition.pk)
    job = job_for(petition, domain="fake-mail.example", signed_from=night)
    assert (job.status, job.matched_pending, job.matched_confirmed) == ("previewed", 1, 1)
    assert set(statuses(*real, *fake)) == {"pending", "confirmed"}
    assert totals(petition.pk) == before
    assert run_due_bulk_invalidations(timezone.now()) == []  # not confirmed: not run


@pytest.mark.parametrize(
    ("criteria", "invalidated"),
    [
        ({"domain": "fake-mail.example"}, ["Mina", "a12", "b98"]),
        ({"domain": "fake-mail.example", "include_subdomains": True},
         ["Mina", "a12", "b98", "x+1"]),
        ({"pattern": "*+*@*"}, ["x+1"]),
        ({"pattern": "a?????????@*"}, ["a12"]),
        ({"window": True}, ["bo", "a12", "b98", "x+1"]),
        ({"window": True, "domain": "fake-mail.example", "include_subdomains": True},
         ["a12", "b98", "x+1"]),
        ({"window": True, "acts": "confirmed", "pattern": "*@*fake-mail.example"}, ["a12", "x+1"]),
        ({"window": True, "acts": "pending"}, ["bo", "b98"]),
    ],
)  # fmt: skip
def test_running_invalidates_exactly_the_acts_that_match(petition, flood, criteria, invalidated):
    real, fake, night = flood
    addresses = {act.pk: act.email for act in [*real, *fake]}
    if criteria.pop("window", False):
        criteria["signed_from"], criteria["signed_until"] = night, night + 4 * HOUR
    job = run_bulk_invalidation(queued(petition, **criteria).pk, timezone.now())
    gone = Act.objects.filter(campaign=petition, status="invalidated").order_by("pk")
    found = [addresses[pk] for pk in gone.values_list("pk", flat=True)]
    assert len(found) == len(invalidated)
    assert all(address.startswith(start) for address, start in zip(found, invalidated, strict=True))
    assert job.status == "done" and job.invalidated == len(found) and job.finished_at


def test_only_the_matching_acts_go_and_the_counts_drop_with_them(petition, flood):
    real, fake, night = flood
    theirs = open_petition("theirs", organization=organization("theirs", "Theirs"))
    elsewhere = signed(theirs, "a123456789@fake-mail.example", night + HOUR)
    before = totals(petition.pk)
    job = queued(petition, domain="fake-mail.example", include_subdomains=True, signed_from=night)
    job = run_bulk_invalidation(job.pk, timezone.now())
    assert statuses(*fake) == ["invalidated"] * 3
    assert statuses(*real) == ["confirmed", "pending", "confirmed"]
    assert statuses(elsewhere) == ["confirmed"]
    assert totals(petition.pk) == {
        "confirmed": before["confirmed"] - 2,
        "pending": before["pending"] - 1,
    }
    assert totals(theirs.pk) == {"confirmed": 1, "pending": 0}
    assert recount(repair=False) == []
    gone = Act.objects.get(pk=fake[0].pk)
    assert gone.email == "" and gone.email_digest and gone.invalidated_at == job.started_at


def test_an_invalidated_address_cannot_sign_again(petition, flood):
    _real, fake, _night = flood
    job = queued(petition, pattern="a?????????@*")
    run_bulk_invalidation(job.pk, timezone.now())
    before = totals(petition.pk)
    again = pending_signature(petition, email="a123456789@fake-mail.example")
    assert again.pk == fake[0].pk and again.status == "invalidated"
    assert totals(petition.pk) == before
    assert Act.objects.filter(campaign=petition).count() == 6


def test_acts_that_arrive_after_the_preview_and_match_are_invalidated_too(petition, flood):
    job = job_for(petition, domain="fake-mail.example")
    assert (job.matched_pending, job.matched_confirmed) == (1, 2)
    late = signed(petition, "late@fake-mail.example")
    queue_bulk_invalidation(job, timezone.now(), None)
    job = run_bulk_invalidation(job.pk, timezone.now())
    assert statuses(late) == ["invalidated"] and job.invalidated == 4


def test_a_job_runs_once_however_many_workers_try(petition, flood):
    job = queued(petition, domain="fake-mail.example")
    now = timezone.now()
    assert run_bulk_invalidation(job.pk, now).invalidated == 3
    assert run_bulk_invalidation(job.pk, now) is None
    assert run_due_bulk_invalidations(now) == []
    previewed = job_for(petition, domain="riseup.net")
    assert run_bulk_invalidation(previewed.pk, now) is None  # never confirmed
    assert queue_bulk_invalidation(job, now, None) is False  # done: not queued again
    assert BulkInvalidation.objects.get(pk=job.pk).invalidated == 3


def test_a_job_whose_worker_stopped_midway_is_taken_up_and_counted_whole(petition, flood):
    _real, fake, _night = flood
    job = queued(petition, domain="fake-mail.example")
    started = timezone.now() - 2 * HOUR
    # A worker claimed it, invalidated one act and its count, and died.
    BulkInvalidation.objects.filter(pk=job.pk).update(
        status="running", started_at=started, invalidated=1
    )
    from hamsada.participation.actions import invalidate_act

    invalidate_act(fake[0].pk, started)
    assert run_bulk_invalidation(job.pk, started + HOUR / 2) is None  # still leased
    (done,) = run_due_bulk_invalidations(timezone.now())
    assert (done.pk, done.status, done.invalidated) == (job.pk, "done", 3)  # 1 + 2
    assert statuses(*fake) == ["invalidated", "invalidated", "confirmed"]


def test_the_next_snapshot_lists_the_invalidated_receipts_as_removed(petition, flood):
    first = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    assert first.statement["receipts"]["count"] == 4
    job = queued(petition, domain="fake-mail.example", include_subdomains=True)
    run_bulk_invalidation(job.pk, timezone.now())
    second = take_snapshot(petition, Snapshot.Reason.REQUESTED, timezone.now())
    assert second.statement["receipts"]["count"] == 1
    assert second.statement["receipts"]["removed"] == {"withdrawn": 0, "invalidated": 3}
    assert second.statement["counts"]["confirmed"] == 1


def test_the_domain_and_pattern_are_stored_encrypted_and_erased_with_the_campaign(petition):
    done = queued(petition, domain="fake-mail.example", pattern="*+*@*")
    run_bulk_invalidation(done.pk, timezone.now())
    waiting = queued(petition, domain="fake-mail.example")
    stored = BulkInvalidation.objects.filter(campaign=petition).values()
    assert "fake-mail" not in str(list(stored)) and "*+*@*" not in str(list(stored))
    assert BulkInvalidation.objects.get(pk=done.pk).domain == "fake-mail.example"
    petition.hold_reason = ""
    erase_personal_data(petition, timezone.now())
    assert {(j.domain, j.pattern) for j in BulkInvalidation.objects.all()} == {("", "")}
    # With its domain gone it would match far more: it is not run.
    assert BulkInvalidation.objects.get(pk=waiting.pk).status == "failed"
    assert run_due_bulk_invalidations(timezone.now()) == []


def test_criteria_are_carried_over_a_key_rotation(petition, settings):
    from hamsada.ops.rotation import rotate

    job = job_for(petition, domain="fake-mail.example", pattern="*+*@*")
    rotate(settings.ENCRYPTION_KEY, "a new and much stronger key", timezone.now())
    settings.ENCRYPTION_KEY = "a new and much stronger key"
    job.refresh_from_db()
    assert (job.domain, job.pattern) == ("fake-mail.example", "*+*@*")


# The organisers' screens.


@pytest.fixture
def owner(client, petition):
    return log_in(client, organiser("owner", petition.organization, Role.OWNER))


def form(campaign, **fields):
    data = {
        "campaign": campaign.pk,
        "domain": "",
        "pattern": "",
        "signed_from": "",
        "signed_until": "",
        "acts": "all",
        "reason": "Flood from one provider overnight",
    }
    return {**data, **fields}


def test_an_owner_previews_then_confirms_and_the_worker_runs_it(client, owner, petition, flood):
    _real, fake, night = flood
    moment = timezone.localtime(night).strftime("%Y-%m-%d %H:%M")
    response = client.post(ADD, form(petition, domain="@Fake-Mail.Example.", signed_from=moment))
    job = BulkInvalidation.objects.get()
    assert response.status_code == 302 and response["Location"] == page_of(job)
    assert (job.status, job.domain, job.requested_by) == ("previewed", "fake-mail.example", owner)
    assert job.signed_from == night.replace(second=0, microsecond=0)
    page = client.get(page_of(job)).content.decode()
    assert (
        "2 acts that match now will be invalidated: 1 waiting for email confirmation, "
        "1 confirmed" in page
    )
    assert 'name="_queue"' in page and "a123456789" not in page  # no address shown
    assert set(statuses(*fake)) == {"pending", "confirmed"}  # nothing changed yet

    response = client.post(page_of(job), {"_queue": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.queued_by) == ("queued", owner)
    assert client.post(page_of(job), {"_queue": "1"}).status_code == 302  # twice: once
    assert 'name="_queue"' not in client.get(page_of(job)).content.decode()

    (ran,) = run_due_bulk_invalidations(timezone.now())
    assert (ran.status, ran.invalidated) == ("done", 2)
    entries = list(AuditEntry.objects.filter(organization=petition.organization))
    actions = {entry.action: entry.fields for entry in entries}
    assert set(actions) >= {"add", "queue_bulk_invalidation", "run_bulk_invalidation"}
    assert actions["add"]["domain"] is None
    assert actions["queue_bulk_invalidation"]["domain"] is None
    assert actions["queue_bulk_invalidation"]["reason"] == [
        None,
        "Flood from one provider overnight",
    ]
    assert actions["run_bulk_invalidation"]["invalidated"] == [None, "2"]
    assert all(e.actor == owner for e in entries if "bulk" in e.action or e.action == "add")
    assert "fake-mail" not in str([entry.fields for entry in entries])
    listed = client.get(LIST).content.decode()
    assert "\u2068fake-mail.example\u2069" in listed and "a123456789" not in listed


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "Give at least one criterion"),
        ({"signed_from": "last tuesday"}, "Enter a valid date/time."),
        (
            {"signed_from": "2026-11-28 14:30", "signed_until": "2026-11-28 14:00"},
            "must come after",
        ),
        ({"domain": "ada@example.org"}, "a whole domain alone"),
        ({"domain": "*.example.org"}, "a whole domain alone"),
        ({"domain": "example"}, "a whole domain alone"),
        ({"domain": "ex--ample.org"}, "No address can be at this domain"),
        ({"pattern": "ada"}, "matches the whole address"),
        ({"include_subdomains": "on", "signed_from": "2026-11-28"}, "whose subdomains"),
        ({"domain": "example.org", "reason": ""}, "Please say why"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client, owner, petition, fields, error):
    act = confirmed_signature(petition, email="ada@example.org")
    response = client.post(ADD, form(petition, **fields))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not BulkInvalidation.objects.exists()
    assert statuses(act) == ["confirmed"]


def test_persian_digits_are_read_in_the_window(client, owner, petition):
    response = client.post(ADD, form(petition, signed_from="۲۰۲۶-۱۱-۲۸ ۱۴:۳۰"))
    assert response.status_code == 302
    assert BulkInvalidation.objects.get().signed_from.hour == 14


def test_a_campaigner_may_not(client, petition):
    job = job_for(petition, domain="fake-mail.example")
    log_in(client, organiser("campaigner", petition.organization, Role.CAMPAIGNER))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form(petition, domain="fake-mail.example")).status_code == 403
    assert client.get(LIST).status_code == 403
    assert client.post(page_of(job), {"_queue": "1"}).status_code in {403, 404}
    assert BulkInvalidation.objects.get().status == "previewed"
    assert "bulkinvalidation" not in client.get("/en/admin/").content.decode()


def test_an_owner_of_another_organisation_can_neither_add_nor_confirm(client, petition):
    ours = job_for(petition, domain="fake-mail.example")
    theirs = open_petition("theirs", organization=organization("theirs", "Theirs"))
    log_in(client, organiser("other-owner", theirs.organization, Role.OWNER))
    response = client.post(ADD, form(petition, domain="fake-mail.example"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert client.get(page_of(ours)).status_code == 404
    assert client.post(page_of(ours), {"_queue": "1"}).status_code == 404
    assert BulkInvalidation.objects.get().status == "previewed"
    assert "fake-mail" not in client.get(LIST).content.decode()


def test_a_stale_second_factor_is_asked_for_again(client, owner, petition):
    job = job_for(petition, domain="fake-mail.example")
    session = client.session
    session[VERIFIED_AT] = timezone.now().timestamp() - 11 * 60
    session.save()
    response = client.get(ADD)
    assert response.status_code == 302 and "/admin/account/verify/" in response["Location"]
    response = client.post(ADD, form(petition, domain="fake-mail.example"))
    assert response.status_code == 302 and "/admin/account/verify/" in response["Location"]
    response = client.post(page_of(job), {"_queue": "1"})
    assert response.status_code == 302 and "/admin/account/verify/" in response["Location"]
    assert BulkInvalidation.objects.get().status == "previewed"


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_a_confirmed_job(worker, petition):
    fake = signed(petition, "a123456789@fake-mail.example")
    kept = signed(petition, "ada@example.org")
    job = queued(petition, domain="fake-mail.example")
    wait_for(lambda: BulkInvalidation.objects.get(pk=job.pk).status == "done", timeout=30)
    assert BulkInvalidation.objects.get(pk=job.pk).invalidated == 1
    assert statuses(fake, kept) == ["invalidated", "confirmed"]
