"""A supporter leaves no cookie: public pages and forms set none and expire
those earlier versions left; forms are guarded by their origin and a signed,
expiring form token instead of a CSRF cookie."""

import time

import pytest
from django.test import Client
from django.utils import timezone

from hamsada.lib.links import form_token
from hamsada.participation.models import Act
from hamsada.participation.tokens import make_token
from hamsada.snapshots.actions import take_snapshot
from tests.factories import (
    ambassador,
    confirmed_signature,
    open_letter,
    open_petition,
    open_urgent_action,
    pending_signature,
    sign_data,
)
from tests.helpers import token_in

SIGN = "/fa/c/free-the-teachers/sign/"


@pytest.fixture
def supporter(db):
    """A browser as a supporter's: Django's own CSRF shortcut for tests is off,
    so the form token is checked as it is for everyone."""
    return Client(enforce_csrf_checks=True)


def signed(supporter, url=SIGN, **fields):
    page = supporter.get(url.replace("sign/", ""))
    return supporter.post(url, {**sign_data(**fields), "form_token": token_in(page)})


def test_reading_and_signing_set_no_cookie(supporter, settings):
    settings.PUBLIC_PAGE_SECONDS = 60
    open_petition()
    for url in ["/fa/", "/fa/c/free-the-teachers/", "/fa/c/free-the-teachers/verify/"]:
        response = supporter.get(url)
        assert response.status_code == 200 and not response.cookies, url
        assert response["Cache-Control"] == "public, max-age=60", url
    response = signed(supporter)
    assert response.status_code == 302 and not response.cookies
    assert Act.objects.count() == 1
    assert not supporter.cookies


def test_every_form_a_supporter_posts_sets_no_cookie(supporter, db):
    petition = open_petition()
    confirmed = confirmed_signature(petition, email="old@example.org")
    pending = pending_signature(petition, email="new@example.org")
    open_urgent_action()
    letter = open_letter()
    token = form_token()
    posts = [
        ("/fa/c/free-the-teachers/check-your-email/", {"email": "new@example.org"}),
        ("/fa/c/free-the-teachers/verify/", {"receipt": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ23"}),
        (f"/fa/confirm/{make_token(pending, 'confirm')}/", {}),
        (f"/fa/stop-updates/{make_token(confirmed, 'stop_updates')}/", {}),
        (f"/fa/withdraw/{make_token(confirmed, 'withdraw')}/", {}),
        (f"/en/c/{letter.slug}/sign/", sign_data(email="c@example.org", affiliation="")),
        (
            "/en/c/ua-demo-teacher/report/",
            {"actions": [f"{ambassador().pk}:email"], **sign_data(email="r@example.org")},
        ),
        (
            "/en/c/ua-demo-teacher/write/letter.pdf",
            {"target": ambassador().pk, "language": "en", "letter": "Dear Ambassador"},
        ),
    ]
    for url, data in posts:
        response = supporter.post(url, {**data, "form_token": token})
        assert response.status_code not in (403, 500), (url, response.status_code)
        assert not response.cookies, url


def test_cookies_left_by_earlier_versions_are_expired(db):
    open_petition()
    phone = Client()
    phone.cookies["django_language"] = "fa"
    phone.cookies["csrftoken"] = "x" * 32
    response = phone.get("/fa/c/free-the-teachers/")
    for name in ("django_language", "csrftoken"):
        assert response.cookies[name]["max-age"] == 0, name
    assert "public" not in response.get("Cache-Control", "")  # not shared while expiring
    assert not phone.cookies["csrftoken"].value


def test_organisers_keep_their_csrf_cookie_and_see_public_pages_fresh(db):
    open_petition()
    organiser = Client()
    response = organiser.get("/en/admin/login/")
    assert "csrftoken" in response.cookies
    organiser.cookies["sessionid"] = "a-session"
    response = organiser.get("/en/c/free-the-teachers/")
    assert response["Cache-Control"] == "no-cache"
    assert not response.cookies  # the CSRF cookie stays: it is a login's


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://127.0.0.1:8000.evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_a_form_posted_from_another_site_is_refused_and_changes_nothing(supporter, headers):
    open_petition()
    page = supporter.get("/fa/c/free-the-teachers/")
    response = supporter.post(SIGN, {**sign_data(), "form_token": token_in(page)}, headers=headers)
    assert response.status_code == 403
    assert "از وب‌سایت دیگری" in response.content.decode()
    assert not Act.objects.exists()


def test_the_same_site_and_older_browsers_are_accepted(supporter):
    open_petition()
    page = supporter.get("/fa/c/free-the-teachers/")
    token = token_in(page)
    for number, headers in enumerate(
        [
            {"Origin": "http://testserver"},
            {"Sec-Fetch-Site": "same-origin"},
            {},  # neither header: the token alone
        ]
    ):
        data = {**sign_data(email=f"s{number}@example.org"), "form_token": token}
        assert supporter.post(SIGN, data, headers=headers).status_code == 302, headers
    assert Act.objects.count() == 3


def test_an_allowed_foreign_origin_may_post(supporter, settings):
    settings.FORM_ORIGINS = ["https://partner.example"]
    open_petition()
    data = {**sign_data(), "form_token": form_token()}
    response = supporter.post(SIGN, data, headers={"Origin": "https://partner.example"})
    assert response.status_code == 302


def test_an_expired_form_comes_back_filled_in_with_a_message(supporter, settings):
    open_petition()
    old = form_token(time.time() - settings.FORM_TOKEN_MAX_AGE - 120)
    response = supporter.post(SIGN, {**sign_data(name="مریم"), "form_token": old})
    page = response.content.decode()
    assert response.status_code == 403
    assert "این فورم مدت زیادی باز بود" in page
    assert 'value="مریم"' in page and 'value="ada@example.org"' in page
    assert token_in(response) != old  # a fresh token to send it again
    assert not Act.objects.exists() and not response.cookies
    again = supporter.post(SIGN, {**sign_data(name="مریم"), "form_token": token_in(response)})
    assert again.status_code == 302


@pytest.mark.parametrize("token", [None, "", "1700000000:forged", "not a token"])
def test_a_missing_or_forged_token_is_refused_with_a_message(supporter, token):
    open_petition()
    data = sign_data() if token is None else {**sign_data(), "form_token": token}
    response = supporter.post(SIGN, data)
    assert response.status_code == 403
    assert "این فورم بررسی نشد" in response.content.decode()
    assert not Act.objects.exists()


def test_email_links_are_authorised_by_their_own_token_and_their_origin(supporter, db):
    act = pending_signature(open_petition())
    url = f"/fa/confirm/{make_token(act, 'confirm')}/"
    refused = supporter.post(url, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    act.refresh_from_db()
    assert act.status == Act.Status.PENDING
    assert supporter.post(url).status_code == 200  # no form token needed
    act.refresh_from_db()
    assert act.status == Act.Status.CONFIRMED


def test_a_snapshot_and_count_are_public_and_cacheable(supporter, db):
    campaign = open_petition()
    take_snapshot(campaign, "requested", timezone.now())
    for url in [
        "/en/c/free-the-teachers/count.json",
        "/en/c/free-the-teachers/verify/snapshot-1.json",
    ]:
        response = supporter.get(url)
        assert response["Cache-Control"].startswith("public"), url
        assert not response.cookies


def test_the_letter_is_filled_in_by_post_so_the_name_stays_out_of_the_address(supporter):
    open_urgent_action()
    url = "/fa/c/ua-defender-detained/write/"
    page = supporter.get(url, {"target": ambassador().pk})
    assert 'method="post" action="/fa/c/ua-defender-detained/write/"' in page.content.decode()
    filled = supporter.post(
        url,
        {"target": ambassador().pk, "name": "مریم", "city": "هرات", "form_token": token_in(page)},
    )
    assert filled.status_code == 200 and "مریم" in filled.content.decode()
    assert "public" not in filled.get("Cache-Control", "")
