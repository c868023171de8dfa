import pytest

from hamsada.lib.markdown import render_markdown
from hamsada.lib.text import (
    clean_line,
    clean_text,
    direction,
    format_count,
    isolate,
    localize_digits,
    right_to_left_lines,
    western_digits,
)

ZWNJ = "\u200c"


def test_bidi_overrides_and_zero_width_spaces_are_stripped():
    assert clean_text("Ada\u202eecalevoL\u202c") == "AdaecalevoL"
    assert clean_text("A\u200bd\u2066a\u2069\ufeff") == "Ada"
    assert clean_text("nul\x00byte") == "nulbyte"


def test_zwnj_is_kept_because_persian_spelling_needs_it():
    word = f"می{ZWNJ}شود"
    assert clean_text(word) == word


def test_clean_line_collapses_whitespace():
    assert clean_line("  Ada \n\t Lovelace ") == "Ada Lovelace"


def test_counts_use_persian_digits_and_separator_in_dari_and_pashto():
    assert format_count(354847, "fa") == "۳۵۴٬۸۴۷"
    assert format_count(354847, "ps") == "۳۵۴٬۸۴۷"
    assert format_count(354847, "en") == "354,847"


def test_digits_convert_both_ways():
    assert localize_digits("UA 118.20", "fa") == "UA ۱۱۸.۲۰"
    assert localize_digits("118", "en") == "118"
    assert western_digits("۱۱۸ and ١٢") == "118 and 12"


def test_markdown_is_sanitised():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("سفیر محترم، Mariam", "rtl"),
        ("Mariam سفیر", "ltr"),
        ("1 Example Gardens", "ltr"),
        ("۱۲۳ کابل", "rtl"),
        ("123 …", "ltr"),
        ("", "ltr"),
    ],
)
def test_the_direction_of_a_text_is_that_of_its_first_strong_letter(value, expected):
    assert direction(value) == expected


def test_a_text_without_letters_takes_the_direction_it_is_given():
    assert direction("123 - 456", "rtl") == "rtl"


def test_plain_text_lines_open_right_to_left_except_links():
    text = "سلام \u2068Mariam\u2069،\n\nUA 118.20 دربارهٔ\nhttps://example.org/fa/confirm/x/\n"
    assert right_to_left_lines(text).split("\n") == [
        "\u200fسلام \u2068Mariam\u2069،",
        "",
        "\u200fUA 118.20 دربارهٔ",
        "https://example.org/fa/confirm/x/",
        "",
    ]


def test_an_isolated_value_cannot_reorder_its_neighbours():
    assert isolate("UA 118.20") == "\u2068UA 118.20\u2069"
    assert clean_text(isolate("x")) == "x"  # and isolates typed in by people are dropped
