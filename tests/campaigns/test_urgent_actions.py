"""Urgent actions for organisers and supporters: officials, channels, the
sample letter and its merge fields, and the links that hand a letter over."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from hamsada.campaigns.actions import open_campaign
from hamsada.campaigns.channels import channel_link, check_channel
from hamsada.campaigns.letters import MAILTO_LIMIT, SOCIAL_LIMIT, fill, letter_values, mailto
from hamsada.campaigns.letters import social_post as make_post
from hamsada.campaigns.models import Campaign, CampaignText, Channel, PersonConcerned
from hamsada.tally.models import ActionTally
from tests.factories import ambassador, draft_petition, open_urgent_action, president
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

URL = "/{language}/c/ua-defender-detained/"


@pytest.mark.parametrize(
    ("kind", "value", "cleaned"),
    [
        ("email", " ambassador@example.org ", "ambassador@example.org"),
        ("phone", "+44 20 7946 0000", "+44 20 7946 0000"),
        ("fax", "+93 (20) 210-0000", "+93 (20) 210-0000"),
        ("x", "EmbassyExample", "@EmbassyExample"),
        ("mastodon", "embassy@social.example.org", "@embassy@social.example.org"),
        (
            "contact_form",
            "https://embassy.example.org/contact",
            "https://embassy.example.org/contact",
        ),
        ("postal", "Embassy\nLondon", "Embassy\nLondon"),
    ],
)
def test_a_channel_is_cleaned_for_its_kind(kind, value, cleaned):
    assert check_channel(kind, value) == cleaned


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "not an address"),
        ("phone", "call the embassy"),
        ("x", "@this-is-not-a-handle"),
        ("mastodon", "@nobody"),
        ("contact_form", "javascript:alert(1)"),
        ("facebook", "facebook/embassy"),
        ("postal", "   "),
    ],
)
def test_a_bad_channel_is_refused_with_a_message(kind, value):
    with pytest.raises(ValidationError) as refused:
        check_channel(kind, value)
    assert refused.value.messages[0]


def test_channels_become_links_that_open_the_supporters_own_programs():
    assert channel_link("email", "a@example.org") == "mailto:a@example.org"
    assert channel_link("phone", "+44 20 7946 0000") == "tel:+442079460000"
    assert channel_link("x", "@EmbassyExample") == "https://x.com/EmbassyExample"
    assert channel_link("mastodon", "@e@social.example.org") == "https://social.example.org/@e"
    assert channel_link("postal", "Embassy\nLondon") is None
    assert channel_link("fax", "+44 20 7946 0001") is None


def test_a_channel_saved_through_the_admin_is_checked():
    open_urgent_action()
    channel = Channel(target=ambassador(), kind="email", value="ambassador at example")
    with pytest.raises(ValidationError):
        channel.full_clean()


def test_the_sample_letter_is_filled_for_the_official_and_the_supporter():
    campaign = open_urgent_action()
    text = campaign.text_in("fa")
    letter = fill(text.letter, letter_values(ambassador(), "fa", "مریم", "هرات"))
    assert letter.startswith("محترم سفیر،")
    assert letter.endswith("مریم\nهرات")
    english = fill(campaign.text_in("en").letter, letter_values(president(), "en"))
    assert english.startswith("Dear President,")


def test_an_official_without_a_salutation_in_a_language_gets_a_plain_one():
    campaign = open_urgent_action()
    target = ambassador()
    target.salutations.filter(language="ps").delete()
    values = letter_values(target, "ps")
    assert target.name in values["salutation"]
    assert fill(campaign.text_in("ps").letter, values).startswith(values["salutation"])


def test_an_unknown_merge_field_is_refused():
    campaign = open_urgent_action()
    text = campaign.text_in("en")
    text.letter = "Dear {salutation}, from {supporter_nmae}"
    with pytest.raises(ValidationError) as refused:
        text.full_clean()
    assert "{supporter_nmae}" in refused.value.message_dict["letter"][0]


def test_a_mail_link_carries_the_letter_within_the_safe_length():
    link, whole = mailto("a@example.org", "Release her", "Dear Ambassador,\n\nRelease her.")
    assert whole
    query = parse_qs(urlsplit(link).query)
    assert query["subject"] == ["Release her"]
    assert query["body"] == ["Dear Ambassador,\n\nRelease her."]
    assert len(link) <= MAILTO_LIMIT


def test_a_letter_too_long_for_a_mail_link_leaves_it_out_and_says_so():
    link, whole = mailto("a@example.org", "آزادی", "سفیر محترم، " * 200)
    assert not whole
    assert len(link) <= MAILTO_LIMIT
    assert "body=" not in link and "subject=" in link


def test_the_social_post_has_the_handles_and_stays_within_the_limit():
    open_urgent_action()
    post = make_post("{handles} " + "Release her now. " * 30, ambassador())
    assert len(post) <= SOCIAL_LIMIT
    assert "@EmbassyExample" in post and "@AmbassadorExample" in post


def test_the_action_page_shows_the_case_and_every_channel(client):
    campaign = open_urgent_action()
    PersonConcerned.objects.create(campaign=campaign, name="Named Person", safe_to_show=True)
    html = client.get(URL.format(language="en")).content.decode()
    assert "UA 118.26" in html
    assert "Please act before" in html
    assert "Named Person" in html
    assert "name withheld" not in html  # the demo's person is not marked safe to name
    for value in [
        "ambassador@example.org",
        "+44 20 7946 0000",
        "+44 20 7946 0001",
        "@EmbassyExample",
        "@AmbassadorExample",
        "1 Example Gardens",
        "president@example.org",
    ]:
        assert value in html, value
    assert "Dear Ambassador" in html


def test_a_web_channel_link_counts_an_intended_action_then_opens_the_page(client):
    campaign = open_urgent_action()
    form = ambassador().channels.get(kind="contact_form")
    response = client.get(f"{URL.format(language='en')}go/{form.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "https://embassy.example.org/contact"
    tally = ActionTally.objects.get(campaign=campaign, target=ambassador(), channel="contact_form")
    assert (tally.intended, tally.reported, tally.confirmed) == (1, 0, 0)


def test_a_channel_of_another_campaign_or_without_a_web_page_is_not_found(client):
    open_urgent_action()
    postal = ambassador().channels.get(kind="postal")
    assert client.get(f"{URL.format(language='en')}go/{postal.pk}/").status_code == 404
    assert client.get(f"{URL.format(language='en')}go/999999/").status_code == 404


def test_the_letter_page_fills_the_letter_in_the_chosen_language(client):
    campaign = open_urgent_action()
    client.get(f"{URL.format(language='fa')}write/", {"target": ambassador().pk})
    response = client.get(
        f"{URL.format(language='fa')}write/",
        {"target": ambassador().pk, "language": "en", "name": "Mariam", "city": "Herat"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dear Ambassador,\n" in html and "Mariam\nHerat</textarea>" in html
    assert 'dir="rtl"' in html  # the page stays in Dari
    assert "mailto:ambassador@example.org?subject=Release" in html
    # Opened from a link, then filled in: one intention.
    tally = ActionTally.objects.get(campaign=campaign, target=ambassador(), channel="")
    assert tally.intended == 1


@pytest.mark.parametrize(
    "query",
    [{"target": "999"}, {"target": "x"}, {"target": "1", "language": "de"}, {"name": "x" * 500}],
)
def test_a_bad_letter_request_is_answered_with_a_message(client, query):
    open_urgent_action()
    response = client.get(f"{URL.format(language='en')}write/", query)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not ActionTally.objects.exists()


def test_the_summary_file_has_counts_and_nothing_personal(client):
    campaign = open_urgent_action()
    target = ambassador()
    target.name = "=HYPERLINK(evil)"
    target.save()
    client.get(f"{URL.format(language='en')}write/", {"target": target.pk})
    response = client.get(f"{URL.format(language='en')}summary/", {"format": "csv"})
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0] == ["target", "channel", "intended", "reported", "confirmed by email"]
    assert all(not row or not row[0].startswith("=") for row in rows)
    assert ["'=HYPERLINK(evil)", "letter page opened", "1", "", ""] in rows
    assert campaign.slug in response["Content-Disposition"]


def test_urgent_action_texts_keep_their_merge_fields_in_every_language():
    campaign = open_urgent_action()
    for text in CampaignText.objects.filter(campaign=campaign):
        text.full_clean()
        assert "{salutation}" in text.letter


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fa", ["محترم سفیر", "برای شما دربارهٔ یک مدافع حقوق زنان", "با احترام"]),
        ("ps", ["محترم سفیر صاحب", "د ښځو د حقونو د یوې مدافعې", "په درنښت"]),
        ("en", ["Dear Ambassador,", "I am writing to you about", "Yours sincerely,"]),
    ],
)
def test_the_letter_downloads_as_a_pdf_with_the_address_and_shaped_text(client, language, words):
    campaign = open_urgent_action()
    text = campaign.text_in(language)
    letter = fill(text.letter, letter_values(ambassador(), language, "Mariam", "Herat"))
    response = client.post(
        f"{URL.format(language=language)}write/letter.pdf",
        {"target": ambassador().pk, "language": language, "subject": "S", "letter": letter},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    extracted = pdf_text(response.content)
    for line in ["1 Example Gardens", "London W1A 0AX", "Mariam", "Herat"]:
        assert line in extracted
    positions = [extracted.find(word) for word in words]
    assert -1 not in positions and positions == sorted(positions), (positions, extracted)


def test_a_letter_is_laid_out_as_text_never_as_markup(client):
    open_urgent_action()
    response = client.post(
        f"{URL.format(language='en')}write/letter.pdf",
        {"target": ambassador().pk, "language": "en", "letter": '<img src="http://x.example/a">'},
    )
    assert response.status_code == 200
    assert '<img src="http://x.example/a">' in pdf_text(response.content)


@pytest.mark.parametrize(
    "fields",
    [
        {"target": "999", "language": "en", "letter": "Hello"},
        {"target": "", "language": "en", "letter": "Hello"},
        {"language": "de", "letter": "Hello"},
        {"letter": ""},
        {"letter": "x" * 10001},
    ],
)
def test_a_bad_letter_is_refused_with_a_message(client, fields):
    open_urgent_action()
    data = {"target": ambassador().pk, "language": "en", **fields}
    response = client.post(f"{URL.format(language='fa')}write/letter.pdf", data)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_a_language_lacking_a_text_the_others_have_is_not_public(client):
    campaign = open_urgent_action()
    dari = campaign.texts.get(language="fa")
    dari.letter = ""
    dari.save()
    assert campaign.languages() == ["en", "ps"]
    page = client.get("/fa/c/ua-defender-detained/")
    assert page.status_code == 404
    assert "/ps/c/ua-defender-detained/" in page.content.decode()  # where it can be read
    assert client.get("/fa/c/ua-defender-detained/report/").status_code == 404
    assert Campaign.public_in("ua-defender-detained", "fa") is None
    with translation.override("en"):
        missing = [
            (language, [str(f) for f in fields]) for language, fields in campaign.incomplete()
        ]
    assert missing == [("fa", ["sample letter"])]
    dari.letter = "{salutation}\n\nنامه"
    dari.save()
    assert client.get("/fa/c/ua-defender-detained/").status_code == 200
    assert Campaign.public_in("ua-defender-detained", "fa") is not None


def test_a_campaign_complete_in_no_language_cannot_open(db):
    campaign = draft_petition(languages=("en", "fa"))
    english = campaign.texts.get(language="en")
    english.demands = ""
    english.letter = "Dear {target_name}"
    english.save()
    with pytest.raises(ValidationError):
        open_campaign(campaign, timezone.now())


def test_a_number_typed_in_persian_digits_is_kept_in_western_ones():
    assert check_channel("phone", "+۹۳ ۲۰ ۲۱۰ ۰۰۰۰") == "+93 20 210 0000"
