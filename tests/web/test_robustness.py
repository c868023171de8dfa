"""Hostile input to public endpoints, in the shapes it was found: bodies in
another charset, off-site links from the 404 page, a letter PDF crafted to
be slow, a token in a log line, a truncated logo after WeasyPrint's import,
a font path encoded to climb out of its folder."""

import io
import logging
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageFile

from hamsada.campaigns import pdf
from hamsada.participation.forms import checked_logo
from hamsada.tally.models import ActionTally
from tests.factories import ambassador, open_letter, open_petition, open_urgent_action

pytestmark = pytest.mark.django_db

PUBLIC_POSTS = [
    "/en/c/free-the-teachers/sign/",
    "/en/c/free-the-teachers/check-your-email/",
    "/en/c/free-the-teachers/verify/",
    "/en/my-signatures/",
    "/en/admin/login/",
    "/en/admin/password_reset/",
    "/en/no-such-page/",
]


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_a_body_in_another_charset_is_a_400_never_a_500(charset, caplog):
    open_petition()
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32  # as a browser that once had one sends it
    for url in PUBLIC_POSTS:
        response = client.generic(
            "POST",
            url,
            "name=Ada&email=ada%FF@example.org".encode("latin-1"),
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert 400 <= response.status_code < 500, (url, response.status_code)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_answer_to_an_undecodable_body_is_a_page_in_the_address_language():
    open_petition()
    response = Client().generic(
        "POST",
        "/fa/c/free-the-teachers/sign/",
        b"\xff\xfe",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert 'lang="fa"' in response.content.decode()


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "/en//evil.example/"])
def test_no_error_page_links_off_site(client, path):
    page = client.get(path).content.decode()
    for link in re.findall(r'href="([^"]*)"', page):
        assert not link.startswith(("//", "/\\", "\\")), link
        assert "evil.example" not in link.split("/")[2:3] if link.startswith("http") else True


def test_the_language_switcher_of_a_sign_forms_errors_goes_to_the_campaign_page(client):
    open_petition()
    response = client.post("/fa/c/free-the-teachers/sign/", {"name": ""})
    page = response.content.decode()
    assert 'href="/en/c/free-the-teachers/" lang="en"' in page
    assert 'href="/en/c/free-the-teachers/sign/"' not in page


def letter_post(client, letter, **extra):
    return client.post(
        "/en/c/ua-defender-detained/write/letter.pdf",
        {"target": ambassador().pk, "language": "en", "letter": letter, **extra},
    )


def test_a_letter_of_many_short_lines_is_refused_with_a_message(client):
    open_urgent_action()
    response = letter_post(client, "a\n" * 5000)
    assert response.status_code == 400
    assert "300 lines" in response.content.decode()


def test_letter_pdfs_are_rate_limited_per_connection(client, settings):
    settings.PDFS_PER_HOUR = 2
    open_urgent_action()
    statuses = [letter_post(client, "Dear Ambassador").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_letter_too_slow_to_lay_out_is_stopped(client, monkeypatch):
    open_urgent_action()
    monkeypatch.setattr(pdf, "PDF_SECONDS", 0.01)
    started = time.monotonic()
    response = letter_post(client, "Dear Ambassador")
    assert response.status_code == 503
    assert "took too long" in response.content.decode()
    assert time.monotonic() - started < 5


def test_the_font_fetcher_decodes_a_path_before_checking_it():
    font = next(pdf.FONTS.glob("*.woff2"), None) or next(pdf.FONTS.iterdir())
    assert pdf.own_font(font.as_uri())
    climbing = f"{pdf.FONTS.as_uri()}/%2e%2e/%2e%2e/settings.py"
    assert not pdf.own_font(climbing)
    assert not pdf.own_font("https://fonts.example/a.woff2")


def test_link_tokens_are_cut_from_log_lines():
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    record = logging.LogRecord(
        "django.security.csrf",
        logging.WARNING,
        __file__,
        1,
        "Forbidden (%s): %s",
        ("CSRF cookie not set.", "/en/withdraw/eyJhY3QiOjF9:1vQ5Zk:AbCdEf/"),
        None,
    )
    assert all(f.filter(record) for f in handler.filters)
    line = handler.format(record)
    assert "/en/withdraw/-" in line and "eyJhY3Q" not in line


def truncated_png():
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (10, 90, 70)).save(out, "PNG")
    return out.getvalue()[:-200]


def test_a_truncated_logo_is_refused_even_after_weasyprint_was_imported(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing it does
    upload = SimpleUploadedFile("logo.png", truncated_png(), content_type="image/png")
    with pytest.raises(Exception, match="not a logo we can use"):
        checked_logo(upload)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as the process had it


@pytest.mark.parametrize("image_format", ["BMP", "TIFF"])
def test_logos_are_opened_only_as_the_formats_allowed(image_format):
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, image_format)
    upload = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    with pytest.raises(Exception, match="not a logo we can use"):
        checked_logo(upload)


def test_an_open_letter_still_takes_a_logo():
    open_letter()
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (1, 2, 3)).save(out, "PNG")
    upload = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    assert checked_logo(upload).startswith(b"\x89PNG")


def test_intended_actions_are_counted_a_few_times_per_connection_and_labelled(settings):
    settings.INTENDED_PER_HOUR = 5
    campaign = open_urgent_action()
    client = Client()
    for _ in range(20):  # as measured: 20 GETs made +20
        client.get("/en/c/ua-defender-detained/write/", {"target": ambassador().pk})
    tally = ActionTally.objects.get(campaign=campaign, target=ambassador(), channel="")
    assert tally.intended == 5
    summary = client.get("/en/c/ua-defender-detained/summary/").content.decode()
    assert "Intended (not verified)" in summary
