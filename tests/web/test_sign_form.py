"""The sign form a supporter meets first, after an error (what was measured:
the summary far down, the title unchanged, "…my signature.:" in the
summary, labels ending with colons, no way to the form from the first screen
on a phone) and the phone script without a name ("my name is .",
"Ambassador Ambassador of …")."""

import re

import pytest
from django.test import Client

from hamsada.campaigns.letters import fill_spoken, letter_values
from tests.factories import ambassador, open_letter, open_petition, open_urgent_action

pytestmark = pytest.mark.django_db


def test_an_error_page_says_so_in_its_title_and_opens_at_the_form(client):
    open_petition()
    response = client.post("/en/c/free-the-teachers/sign/", {"name": "Ada"})
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>Error: Free the teachers", page)
    assert 'action="/en/c/free-the-teachers/sign/#sign"' in page
    assert 'id="sign"' in page and 'id="errors"' in page
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)[0]
    assert "Please tick this box to sign." in summary
    assert "I understand" not in summary and ".:" not in summary


@pytest.mark.parametrize("url", ["/en/c/free-the-teachers/", "/en/c/letter-to-the-court/"])
def test_no_label_on_a_sign_form_ends_with_a_colon(client, url):
    open_petition()
    open_letter()
    page = client.get(url).content.decode()
    labels = re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)
    assert labels and not [label for label in labels if label.strip().endswith(":")]


def test_each_field_sits_in_its_own_group(client):
    open_petition()
    page = client.get("/en/c/free-the-teachers/").content.decode()
    for field in ("id_name", "id_email", "id_country"):
        assert re.search(rf'<div class="field">\s*<label for="{field}"', page), field


@pytest.mark.parametrize(
    ("url", "anchor"),
    [
        ("/fa/c/free-the-teachers/", "#sign"),
        ("/fa/c/letter-to-the-court/", "#sign"),
        ("/fa/c/ua-defender-detained/", "#act"),
    ],
)
def test_a_way_to_act_comes_before_the_campaigns_text(client, url, anchor):
    open_petition()
    open_letter()
    open_urgent_action()
    page = Client().get(url).content.decode()
    link = page.index(f'href="{anchor}"')
    assert link < page.index('class="body"') and f'id="{anchor[1:]}"' in page


def test_the_phone_script_reads_naturally_without_a_name():
    script = (
        "Hello, my name is {supporter_name}. I am calling about the defender. "
        "I ask {target_title} {target_name} to release her."
    )
    open_urgent_action()
    values = letter_values(ambassador(), "en")
    spoken = fill_spoken(script, values)
    assert "my name is" not in spoken and " ." not in spoken
    assert "Ambassador Ambassador" not in spoken
    assert spoken.startswith("I am calling about the defender.")
    with_name = fill_spoken(script, {**values, "supporter_name": "Mariam"})
    assert with_name.startswith("Hello, my name is Mariam.")


def test_the_letter_page_speaks_the_script_without_a_name(client):
    open_urgent_action()
    page = client.get("/en/c/ua-defender-detained/write/", {"target": ambassador().pk})
    html = page.content.decode()
    assert "my name is ." not in html and "Ambassador Ambassador" not in html
