"""The translation review of 2026-11-30 (docs/translation-review.md): none of
the entries it found wrong in meaning (W) or ungrammatical (G) still reads as
it did. The list, with the text each entry had then, is kept with the tests."""

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FOUND = json.loads((ROOT / "tests" / "fixtures" / "translation_review_2026_11_30.json").read_text())


def catalog(language):
    with open(ROOT / "hamsada" / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return {(message.context, message.id): message for message in read_po(po) if message.id}


CATALOGS = {language: catalog(language) for language in ("fa", "ps")}


def english(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def translations(message):
    return [message.string] if isinstance(message.string, str) else list(message.string)


@pytest.mark.parametrize(
    "entry", FOUND, ids=lambda entry: f"{entry['language']}-{entry['entry']}-{entry['severity']}"
)
def test_the_review_found_it_wrong_and_it_reads_otherwise_now(entry):
    messages = CATALOGS[entry["language"]].values()
    old = set(entry["old"] if isinstance(entry["old"], list) else [entry["old"]])
    same_english = [message for message in messages if english(message) == entry["msgid"]]
    if same_english:
        for message in same_english:
            assert not old & set(translations(message)), entry["why"]
    else:
        # The English changed since (a plural added, say): the old text must
        # be gone from the whole catalog.
        everywhere = {text for message in messages for text in translations(message)}
        assert not old & everywhere, entry["why"]


def test_the_list_is_the_reviews_wrong_and_ungrammatical_entries():
    counts = {}
    for entry in FOUND:
        counts[entry["language"], entry["severity"]] = (
            counts.get((entry["language"], entry["severity"]), 0) + 1
        )
    assert counts == {("fa", "W"): 8, ("fa", "G"): 5, ("ps", "W"): 10, ("ps", "G"): 9}
