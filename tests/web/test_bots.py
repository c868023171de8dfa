"""Defences against scripts signing, none of them a third party's: a field
people never see, a minimum time to fill the form in (from the signed form
token), and a proof of work the browser computes, asked for always or while
signing spikes, with stricter limits for forms sent without it. A script
signing fast with random addresses is caught or slowed; a person is not
(tests/browser/test_bots.py signs as one, in Dari, with and without
JavaScript)."""

import re
import secrets
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from hamsada.campaigns.models import Campaign
from hamsada.lib import proof
from hamsada.lib.links import form_token
from hamsada.participation.models import Act
from hamsada.web.guard import PROBLEMS
from tests.factories import open_letter, open_petition, open_urgent_action, sign_data
from tests.helpers import token_in

PAGE = "/fa/c/free-the-teachers/"
SIGN = PAGE + "sign/"


@pytest.fixture
def defences(settings, db):
    """The defences as an instance has them by default."""
    settings.FORM_MIN_SECONDS = 3
    settings.FORM_HONEYPOT = True
    settings.PROOF_OF_WORK = "on"
    settings.PROOF_OF_WORK_MAX_NUMBER = 2000  # a script's cost is not what is tested here
    settings.UNPROVEN_PER_HOUR = 10
    settings.UNPROVEN_PER_MINUTE = 30
    settings.PROOF_OF_WORK_SPIKE_PER_MINUTE = 60
    return settings


def browser(address="203.0.113.7"):
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def person_data(seconds_ago=20, **fields):
    """What a person's browser sends, having opened the form seconds_ago."""
    return {**sign_data(**fields), "form_token": form_token(time.time() - seconds_ago)}


def random_address():
    return f"{secrets.token_hex(5)}@{secrets.token_hex(4)}.example"


def refused_forms(reason):
    return cache.get(f"metrics:refused-form:{reason}") or 0


def test_a_form_sent_as_soon_as_it_opened_is_given_back_and_nothing_is_kept(defences):
    open_petition()
    supporter = browser()
    page = supporter.get(PAGE)
    response = supporter.post(SIGN, {**sign_data(name="مریم"), "form_token": token_in(page)})
    assert response.status_code == 403
    with translation.override("fa"):
        assert PROBLEMS["too_fast"]() in response.content.decode()
    assert 'value="مریم"' in response.content.decode()
    assert Act.objects.count() == 0
    assert refused_forms("too_fast") == 1


def test_the_form_given_back_keeps_the_time_it_was_first_opened(defences):
    """A quick person sends it again a moment later and it is taken; they are
    not made to wait the whole minimum again."""
    open_petition()
    supporter = browser()
    opened = form_token(time.time() - 2)
    first = supporter.post(SIGN, {**sign_data(), "form_token": opened})
    assert first.status_code == 403
    assert token_in(first) == opened
    time.sleep(1.2)
    again = supporter.post(SIGN, {**sign_data(), "form_token": token_in(first)})
    assert again.status_code == 302
    assert Act.objects.count() == 1


def test_the_field_people_never_see_filled_in_is_refused(defences):
    open_petition()
    response = browser().post(SIGN, {**person_data(), "homepage": "http://spam.example/"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'name="homepage" value=""' in body  # given back empty
    assert Act.objects.count() == 0
    assert refused_forms("trap") == 1


def test_the_field_people_never_see_is_hidden_from_them(defences):
    open_petition()
    body = browser().get(PAGE).content.decode()
    trap = re.search(r'<div class="trap" aria-hidden="true">.*?</div>', body, re.S)[0]
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


@pytest.mark.parametrize(
    "url",
    [SIGN, "/fa/c/ua-defender-detained/report/", "/fa/c/letter-to-the-court/organisations/sign/"],
)
def test_every_way_to_take_part_has_both_defences(defences, url):
    open_petition()
    open_urgent_action()
    open_letter(organisations_may_sign=True)
    page = browser().get(url.replace("sign/", "") if url == SIGN else url)
    assert page.status_code == 200
    assert 'name="homepage"' in page.content.decode()
    response = browser().post(url, {"form_token": token_in(page), "email": "a@example.org"})
    assert response.status_code == 403
    assert refused_forms("too_fast") == 1


def test_pages_with_a_form_are_cached_no_longer_than_the_minimum_time(defences):
    defences.PUBLIC_PAGE_SECONDS = 60
    defences.PAGE_CACHE_SECONDS = 2
    open_petition()
    first, from_the_page_cache = browser().get(PAGE), browser().get(PAGE)
    assert first["Cache-Control"] == "public, max-age=3"
    assert from_the_page_cache["Cache-Control"] == "public, max-age=3"
    assert browser().get("/fa/privacy/")["Cache-Control"] == "public, max-age=60"


def test_each_defence_can_be_switched_off(defences):
    defences.FORM_MIN_SECONDS = 0
    defences.FORM_HONEYPOT = False
    open_petition()
    page = browser().get(PAGE)
    data = {**sign_data(), "form_token": token_in(page), "homepage": "x"}
    assert browser().post(SIGN, data).status_code == 302


# The proof of work.


def challenge_for(client, slug="free-the-teachers"):
    response = client.get(f"/fa/c/{slug}/proof/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert not response.cookies
    return response.json()


def proven(client, slug="free-the-teachers"):
    challenge = challenge_for(client, slug)
    return proof.answer(challenge, proof.solve(challenge))


def test_a_solved_challenge_lets_the_form_through_once(defences):
    open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    defences.UNPROVEN_PER_HOUR = defences.UNPROVEN_PER_MINUTE = 1
    supporter = browser()
    assert challenge_for(supporter)["required"] is True
    answer = proven(supporter)
    assert supporter.post(SIGN, {**person_data(), "proof": answer}).status_code == 302
    # The same answer again counts as none: within the stricter limit once…
    data = {**person_data(email="b@example.org"), "proof": answer}
    assert supporter.post(SIGN, data).status_code == 302
    # …then refused.
    data = {**person_data(email="c@example.org"), "proof": answer}
    response = supporter.post(SIGN, data)
    assert response.status_code == 403
    assert Act.objects.count() == 2
    assert refused_forms("unproven") == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c, n: proof.answer(c, n + 1),  # the wrong number
        lambda c, n: proof.answer({**c, "signature": "0" * 64}, n),  # not signed by us
        lambda c, n: proof.answer(c, n).replace(".", "x", 1),
        lambda c, n: "a:b:c",
        lambda c, n: ":::",
        lambda c, n: "x" * 5000,
        lambda c, n: proof.answer(c, f"0{n}"),  # the same number written otherwise
    ],
)
def test_a_wrong_answer_is_no_proof_and_no_error(defences, mangle):
    open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    defences.UNPROVEN_PER_HOUR = 1
    supporter = browser()
    challenge = challenge_for(supporter)
    number = proof.solve(challenge)
    assert (
        supporter.post(SIGN, {**person_data(), "proof": mangle(challenge, number)}).status_code
        == 302
    )
    data = {**person_data(email="b@example.org"), "proof": mangle(challenge, number)}
    assert supporter.post(SIGN, data).status_code == 403


def test_another_campaigns_or_an_expired_challenge_is_no_proof(defences):
    petition = open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    other = open_petition(slug="other")
    elsewhere = proof.make_challenge(other.pk)
    assert not proof.is_proven(proof.answer(elsewhere, proof.solve(elsewhere)), petition.pk)
    old = proof.make_challenge(petition.pk, now=time.time() - proof.CHALLENGE_SECONDS - 1)
    assert not proof.is_proven(proof.answer(old, proof.solve(old)), petition.pk)
    fresh = proof.make_challenge(petition.pk)
    assert proof.is_proven(proof.answer(fresh, proof.solve(fresh)), petition.pk)


def test_without_a_proof_forms_are_taken_within_stricter_limits_per_connection(defences):
    open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    supporter = browser()
    statuses = [
        supporter.post(SIGN, person_data(email=random_address())).status_code for _ in range(12)
    ]
    assert statuses == [302] * 10 + [403] * 2
    # Another connection still signs, and this one with a proof.
    assert browser("198.51.100.9").post(SIGN, person_data()).status_code == 302
    data = {**person_data(email="proven@example.org"), "proof": proven(supporter)}
    assert supporter.post(SIGN, data).status_code == 302


def test_and_per_campaign_a_minute_whatever_the_connections(defences):
    open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    statuses = [
        browser(f"198.51.100.{number}").post(SIGN, person_data(email=random_address())).status_code
        for number in range(1, 41)
    ]
    assert statuses.count(302) == 30
    body = browser("192.0.2.1").post(SIGN, person_data()).content.decode()
    with translation.override("fa"):
        assert PROBLEMS["unproven"]() in body


def test_a_spike_turns_the_proof_on_by_itself(defences):
    """By default a campaign asks for a proof only while signing spikes."""
    defences.PROOF_OF_WORK_SPIKE_PER_MINUTE = 20
    open_petition()
    assert challenge_for(browser())["required"] is False
    for number in range(21):
        address = f"198.51.100.{number}"
        assert browser(address).post(SIGN, person_data(email=random_address())).status_code == 302
    assert challenge_for(browser())["required"] is True


def test_a_campaign_may_never_ask_for_a_proof(defences):
    defences.PROOF_OF_WORK_SPIKE_PER_MINUTE = 1
    open_petition(proof_of_work=Campaign.ProofOfWork.NEVER)
    page = browser().get(PAGE).content.decode()
    assert "proof.js" not in page and "data-challenge" not in page
    statuses = {
        browser().post(SIGN, person_data(email=random_address())).status_code for _ in range(15)
    }
    assert statuses == {302}


def test_the_proof_of_work_switched_off_for_the_instance(defences):
    defences.PROOF_OF_WORK = "off"
    open_petition(proof_of_work=Campaign.ProofOfWork.ALWAYS)
    assert "proof.js" not in browser().get(PAGE).content.decode()
    statuses = {
        browser().post(SIGN, person_data(email=random_address())).status_code for _ in range(15)
    }
    assert statuses == {302}


# The script.


def test_a_script_signing_fast_with_random_addresses_is_caught_or_slowed(defences):
    """Four scripts, each smarter than the last, 50 signatures each from one
    connection, against a campaign in a spike; then a person."""
    defences.PROOF_OF_WORK_SPIKE_PER_MINUTE = 20
    open_petition()
    script = browser("203.0.113.66")

    def attempt(fill_trap=False, wait=False, solve=False):
        page = script.get(PAGE)
        token = form_token(time.time() - 4) if wait else token_in(page)
        data = {**sign_data(email=random_address(), name="Bot"), "form_token": token}
        for field in re.findall(r'<input type="text" name="([a-z_]+)"', page.content.decode()):
            if fill_trap and field not in data:
                data[field] = "x"
        if solve:
            data["proof"] = proven(script)
        return script.post(SIGN, data).status_code == 302

    # Fills every field it finds and sends at once.
    assert sum(attempt(fill_trap=True) for _ in range(50)) == 0
    # Leaves the hidden field alone; still sends at once.
    assert sum(attempt() for _ in range(50)) == 0
    # Waits as a person would (each attempt a spike, its forms unproven).
    for number in range(21):
        browser(f"198.51.100.{number}").post(SIGN, person_data(email=random_address()))
    assert sum(attempt(wait=True) for _ in range(50)) == 10  # UNPROVEN_PER_HOUR
    # Solves every proof: through, at the cost of the hashes (measured in bench/bots.py).
    assert sum(attempt(wait=True, solve=True) for _ in range(50)) == 50
    # A person on another connection signs normally meanwhile.
    person = browser("192.0.2.44")
    data = {**person_data(name="مریم", email="maryam@example.org"), "proof": proven(person)}
    assert person.post(SIGN, data).status_code == 302
