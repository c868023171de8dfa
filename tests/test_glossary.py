"""One word for each thing the site names (docs/glossary.md): no Dari or
Pashto entry translates a glossary concept with a term the glossary rules out."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from hamsada.ops.review import read_glossary

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
LANGUAGES = {"fa": "Dari", "ps": "Pashto"}


def glossary():
    return read_glossary(GLOSSARY)


def terms(cell):
    return [term.strip() for term in cell.split(",") if term.strip()]


def contains_word(text, term):
    """Whether a word of text starts with term: Dari and Pashto write compounds
    (تأییدشده) and endings on the word, so only its start is bounded."""
    return re.search(rf"(?<!\w){re.escape(term)}", text) is not None


def catalog(language):
    with open(ROOT / "hamsada" / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return [message for message in read_po(po) if message.id]


def texts(value):
    return [value] if isinstance(value, str) else [text for text in value if text]


def violations(language, concepts, messages):
    found = []
    for concept in concepts:
        never = terms(concept.terms.get(language, ("", ""))[1])
        if not never:
            continue
        for message in messages:
            source = " ".join(texts(message.id))
            if not concept.pattern.search(source) or (
                concept.unless and concept.unless.search(source)
            ):
                continue
            for translation in texts(message.string):
                for term in never:
                    if contains_word(translation, term):
                        found.append(f"{concept.name}: {term!r} in {source!r} → {translation!r}")
    return found


def test_the_glossary_names_every_concept_the_issue_lists():
    concepts = {concept.name for concept in glossary()}
    assert {
        "signature",
        "supporter",
        "organisation",
        "official",
        "confirm",
        "approve",
        "verify",
        "receipt",
        "snapshot",
        "withdraw",
        "timeline",
        "response",
        "report",
        "export",
        "personal data",
        "email address",
        "link",
        "file",
        "archive",
        "instance",
    } <= concepts
    for concept in glossary():
        assert set(concept.terms) == set(LANGUAGES), concept.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_entry_uses_a_term_the_glossary_rules_out(language):
    assert violations(language, glossary(), catalog(language)) == []


def test_the_check_finds_a_ruled_out_term():
    """The shape the review found: confirm, approve and verify all تأیید."""

    class Message:
        def __init__(self, english, dari):
            self.id, self.string = english, dari

    messages = [
        Message("Approved", "تأییدشده"),
        Message("VERIFIED", "تأیید شد"),
        Message("Confirm my signature", "امضای من را تأیید کنید"),
        Message("Only contacts who confirmed can be approved", "فقط تأییدکنندگان منظور می‌شوند"),
        Message("%(title)s: timeline", "%(title)s: گاه‌شمار"),
    ]
    found = violations("fa", glossary(), messages)
    assert len(found) == 3, found
    assert any("Approved" in line for line in found)
    assert any("VERIFIED" in line for line in found)
    assert any("timeline" in line for line in found)
