import re

import pytest
from django.test import Client
from django.utils import timezone

from hamsada.campaigns.actions import close_campaign
from tests.factories import confirmed_signature, draft_petition, open_petition, pending_signature
from tests.helpers import token_in, without_csrf_token

pytestmark = pytest.mark.django_db


def test_the_list_shows_open_petitions_in_the_page_language(client):
    open_petition()
    page = client.get("/fa/").content.decode()
    assert "معلمان را آزاد کنید" in page
    assert "Free the teachers" not in page


def test_the_list_points_to_campaigns_only_in_other_languages(client):
    open_petition(languages=("en",))
    page = client.get("/ps/").content.decode()
    assert 'href="/en/c/free-the-teachers/"' in page


def test_drafts_are_not_public(client):
    draft_petition()
    assert client.get("/en/c/free-the-teachers/").status_code == 404
    assert "Free the teachers" not in client.get("/en/").content.decode()


def test_unknown_campaign_is_a_translated_404(client):
    response = client.get("/fa/c/no-such-thing/")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()


def test_petition_page_shows_text_demands_targets_total_and_form(client):
    campaign = open_petition(goal=200)
    confirmed_signature(campaign)
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert "Free the teachers" in page
    assert "<li>Drop the charges.</li>" in page
    assert "Minister of Justice" in page
    assert re.search(r'data-testid="confirmed-total">1<', page)
    assert '<progress id="progress" max="100" value="0"' in page
    assert 'action="/en/c/free-the-teachers/sign/#sign"' in page
    assert "<strong>now</strong>" in page


def test_dari_page_is_right_to_left_with_persian_digits(client):
    campaign = open_petition(goal=1000)
    for n in range(12):
        confirmed_signature(campaign, email=f"s{n}@example.org")
    page = client.get("/fa/c/free-the-teachers/").content.decode()
    assert '<html lang="fa" dir="rtl">' in page
    assert 'data-testid="confirmed-total">۱۲<' in page


def test_pashto_page_is_right_to_left(client):
    open_petition()
    page = client.get("/ps/c/free-the-teachers/").content.decode()
    assert '<html lang="ps" dir="rtl">' in page
    assert "ښوونکي خوشې کړئ" in page


def test_a_language_the_campaign_lacks_says_so_and_links_the_others(client):
    open_petition(languages=("en", "fa"))
    response = client.get("/ps/c/free-the-teachers/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'href="/en/c/free-the-teachers/"' in page
    assert 'href="/fa/c/free-the-teachers/"' in page


def test_a_closed_petition_shows_no_form(client):
    campaign = open_petition()
    close_campaign(campaign, timezone.now())
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert "form_token" not in page
    assert "closed" in page


def test_pages_load_nothing_from_other_hosts(client):
    open_petition()
    for url in ["/en/", "/fa/c/free-the-teachers/", "/ps/c/free-the-teachers/"]:
        response = client.get(url)
        page = response.content.decode()
        assert not re.search(r'<(script|img|iframe|source)[^>]+src="(https?:)?//', page), url
        assert not re.search(r'<link rel="(stylesheet|icon|preload)"[^>]+href="(https?:)?//', page)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "unsafe-inline" not in policy


def test_every_page_links_its_other_language_versions(client):
    open_petition()
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert '<link rel="alternate" hreflang="fa"' in page
    assert 'href="/ps/c/free-the-teachers/"' in page


def test_root_redirects_to_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "ps,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/ps/"


def test_only_confirmed_signers_who_chose_it_are_named(client):
    campaign = open_petition()
    confirmed_signature(campaign, name="Named Person", email="a@example.org", show_name=True)
    confirmed_signature(campaign, name="Quiet Person", email="b@example.org", show_name=False)
    pending_signature(campaign, name="Pending Person", email="c@example.org", show_name=True)
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert "<bdi>Named Person</bdi>" in page
    assert "Quiet Person" not in page
    assert "Pending Person" not in page


def test_the_bare_address_goes_by_the_browser_alone_whatever_was_read_before(client, db):
    client.get("/fa/", headers={"accept-language": "en"})
    response = client.get("/", headers={"accept-language": "en"})
    assert response["Location"] == "/en/"
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies


def test_a_shared_page_is_the_same_for_every_reader(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    open_petition()
    first = client.get("/en/c/free-the-teachers/")
    other = Client().get("/en/c/free-the-teachers/")
    # The form token differs only by the second the page was drawn.
    assert without_csrf_token(first.content.decode()) == without_csrf_token(other.content.decode())
    assert token_in(first).split(":")[0].isdigit()
    assert not first.cookies and not other.cookies
    assert other["Cache-Control"] == "public, max-age=0"


def test_a_shared_page_can_be_signed_from(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    open_petition()
    Client().get("/en/c/free-the-teachers/")  # fills the shared copy
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/en/c/free-the-teachers/")
    response = browser.post(
        "/en/c/free-the-teachers/sign/",
        {
            "form_token": token_in(page),
            "name": "Ada",
            "email": "a@example.org",
            "country": "AF",
            "consent": "on",
        },
    )
    assert response.status_code == 302


def test_shared_page_counts_are_at_most_a_few_seconds_old(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    campaign = open_petition()
    client.get("/en/c/free-the-teachers/")
    confirmed_signature(campaign)
    page = client.get("/en/c/free-the-teachers/").content.decode()
    assert 'data-testid="confirmed-total">0<' in page  # the shared copy
    assert client.get("/en/c/free-the-teachers/count.json").json() == {
        "campaign": "free-the-teachers",
        "confirmed": 1,
    }


def test_the_count_of_an_unknown_campaign_is_404(client, db):
    assert client.get("/en/c/nope/count.json").status_code == 404


def test_the_language_comes_from_the_address_then_the_browser_never_a_cookie(client, db):
    client.cookies["django_language"] = "fa"  # left by an earlier version
    page = client.get("/ps/", headers={"accept-language": "en"})
    assert 'lang="ps"' in page.content.decode()
    assert page.cookies["django_language"]["max-age"] == 0  # expired
    client.cookies["django_language"] = "fa"
    assert client.get("/", headers={"accept-language": "en"})["Location"] == "/en/"
    assert client.get("/", headers={"accept-language": "fa-AF,en;q=0.8"})["Location"] == "/fa/"
    assert client.get("/", headers={"accept-language": "de"})["Location"] == "/en/"


def test_a_missing_page_links_the_same_address_in_the_other_languages(client, db):
    page = client.get("/en/c/no-such-campaign/")
    assert page.status_code == 404
    content = page.content.decode()
    assert 'hreflang="fa" href="http://127.0.0.1:8000/fa/c/no-such-campaign/"' in content
    assert 'href="/ps/c/no-such-campaign/" lang="ps"' in content
