"""The self-hosted font, subset to keep pages small, still has every letter
the Dari and Pashto pages use."""

import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

HAMSADA = Path(__file__).resolve().parent.parent / "hamsada"
FONTS = sorted((HAMSADA / "static" / "hamsada" / "fonts").glob("*.woff2"))
PASHTO_LETTERS = "ټډړږښګڼۍې"


def characters_used():
    sources = [
        *HAMSADA.glob("locale/*/LC_MESSAGES/django.po"),
        *(HAMSADA / "ops" / "demo").glob("*.py"),
        HAMSADA / "ops" / "management" / "commands" / "demo.py",
        HAMSADA / "lib" / "calendar.py",
    ]
    text = "".join(path.read_text() for path in sources) + PASHTO_LETTERS
    # Characters drawn by the font; controls and spaces are not.
    return {ch for ch in text if unicodedata.category(ch)[0] in "LNPS"}


@pytest.mark.parametrize("font", FONTS, ids=lambda path: path.name)
def test_the_font_has_every_character_the_pages_use(font):
    covered = set(map(chr, TTFont(font).getBestCmap()))
    missing = sorted(characters_used() - covered)
    assert missing == [], "".join(missing)


@pytest.mark.parametrize("font", FONTS, ids=lambda path: path.name)
def test_the_font_is_subset(font):
    assert font.stat().st_size < 40_000
