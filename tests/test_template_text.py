"""No template shows a reader text that is not marked for translation: every
word on a page, in an email or a PDF goes through {% translate %} or
{% blocktranslate %}, or comes from the database."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parent.parent / "hamsada" / "templates"
# Attributes a reader sees or hears.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "value"}
# Names that are the same in every language.
PROPER_NOUNS = {"WhatsApp", "Telegram", "Facebook", "X", "Vazirmatn", "Tahoma", "Arial"}
LETTERS = re.compile(r"[^\W\d_]{2,}|\b[^\W\d_]\b")
STAND_IN = "§"
# Not prose: styles, scripts, and code such as a path or a header name.
LITERAL_ELEMENTS = {"style", "script", "code"}  # for whatever a template tag or variable puts there


def with_tags_stood_in(source):
    """The template's text with every tag and variable, and everything inside
    translation blocks and comments, replaced by a stand-in without letters."""
    parts, skipping = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if skipping:
                if name == skipping:
                    skipping = None
                continue
            if name in {"blocktranslate", "blocktrans"}:
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            parts.append(STAND_IN)
        elif token.token_type == TokenType.TEXT and not skipping:
            parts.append(token.contents)
        elif not skipping:
            parts.append(STAND_IN)
    return "".join(parts)


class UntranslatedText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.raw = 0

    def handle_starttag(self, tag, attrs):
        if tag in LITERAL_ELEMENTS:
            self.raw += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.check(value)

    def handle_endtag(self, tag):
        if tag in LITERAL_ELEMENTS:
            self.raw -= 1

    def handle_data(self, data):
        if not self.raw:
            self.check(data)

    def check(self, text):
        for word in LETTERS.findall(text):
            if word not in PROPER_NOUNS:
                self.found.append(word)


def untranslated(path):
    text = with_tags_stood_in(path.read_text())
    if path.suffix == ".txt":
        parser = UntranslatedText()
        parser.check(text)
        return parser.found
    parser = UntranslatedText()
    parser.feed(text)
    parser.close()
    return parser.found


@pytest.mark.parametrize(
    "path",
    sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]),
    ids=lambda path: str(path.relative_to(TEMPLATES)),
)
def test_template_has_no_text_outside_translation(path):
    assert untranslated(path) == []


def test_the_check_finds_untranslated_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p title="Hover me">'
        "{% blocktranslate %}Also fine {{ x }}{% endblocktranslate %} Oops</p>"
        '<img alt="{% translate "ok" %}"><style>body { color: red; }</style>'
    )
    assert untranslated(page) == ["Hover", "me", "Oops"]
