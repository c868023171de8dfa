"""Text helpers for three languages in two directions."""

import re
import unicodedata

from django.utils.translation import get_language_bidi

# Bidi embeddings, overrides and isolates, directional marks, zero-width spaces and
# joiners other than ZWNJ/ZWJ, the BOM, and all C0/C1 controls except tab and newline.
# ZWNJ (U+200C) is part of Persian and Pashto spelling and is kept.
UNSAFE_CHARACTERS = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
WESTERN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
ARABIC_SCRIPT_LANGUAGES = {"fa", "ps"}


def clean_text(value: str) -> str:
    """Input as people meant it: NFC, no direction tricks or invisible spaces."""
    value = unicodedata.normalize("NFC", value)
    return UNSAFE_CHARACTERS.sub("", value)


def clean_line(value: str) -> str:
    """clean_text, on one line, with runs of whitespace collapsed."""
    return " ".join(clean_text(value).split())


def localize_digits(value: object, language: str | None) -> str:
    text = str(value)
    if language in ARABIC_SCRIPT_LANGUAGES:
        return text.translate(PERSIAN_DIGITS)
    return text


def western_digits(value: str) -> str:
    return value.translate(WESTERN_DIGITS)


def format_count(number: int, language: str | None) -> str:
    """An exact count with thousands separators, in the language's digits."""
    if language in ARABIC_SCRIPT_LANGUAGES:
        return f"{number:,}".replace(",", "\u066c").translate(PERSIAN_DIGITS)
    return f"{number:,}"


def join_list(items) -> str:
    """Items separated with the page language's comma: "a, b" or "a، b"."""
    return ("، " if get_language_bidi() else ", ").join(str(item) for item in items)


def isolate(value: str) -> str:
    """Wraps text for plain-text contexts (emails) so it cannot reorder its neighbours."""
    return f"\u2068{value}\u2069"


RIGHT_TO_LEFT_MARK = "\u200f"
LINK_LINE = re.compile(r"\s*https?://\S*\s*$")


def right_to_left_lines(text: str) -> str:
    """Plain-text mail has no dir attribute: mail programs take each paragraph's
    direction from its first letter. A right-to-left mark opens every line but
    links, so a line that starts with a Latin name or "UA 118.20" still reads
    right to left, and a link on its own line stays left to right."""
    return "\n".join(
        line if not line.strip() or LINK_LINE.match(line) else RIGHT_TO_LEFT_MARK + line
        for line in text.split("\n")
    )


def direction(value: str, default: str = "ltr") -> str:
    """The direction ("rtl" or "ltr") of the first strongly directional letter,
    or default when there is none; for renderers without dir="auto" (PDFs)."""
    for character in value:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in {"R", "AL"}:
            return "rtl"
    return default


def safe_cell(value: str) -> str:
    """A text cell no spreadsheet will run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
