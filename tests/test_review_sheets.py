"""Native speakers review every entry in a spreadsheet (`hamsada review-sheets`,
`hamsada apply-review`): what they change reaches that entry of the catalog
and nothing else, what breaks a placeholder is refused, and the next sheet
shows what they approved as reviewed until its English or translation changes.
Every test works on a copy of hamsada/locale."""

import copy
import csv
import gettext
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hamsada.ops.po import Catalog

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
YOURS = "your Dari (if plural: one, n = 0, 1)"
YOURS_OTHER = "your Dari (plural: other, n = 2, 3, 4 …)"
CURRENT = "current Dari (if plural: one, n = 0, 1)"
CURRENT_OTHER = "current Dari (plural: other, n = 2, 3, 4 …)"


@pytest.fixture
def locale(tmp_path):
    shutil.copytree(ROOT / "hamsada" / "locale", tmp_path / "locale")
    return tmp_path / "locale"


def write_sheets(locale, *languages):
    options = [arg for code in languages for arg in ("--language", code)]
    call_command(
        "review_sheets",
        "--locale-dir",
        locale,
        "--glossary",
        GLOSSARY,
        *options,
        stdout=io.StringIO(),
    )


def read_sheet(locale, language="fa"):
    with open(locale / language / "review.csv", encoding="utf-8-sig", newline="") as sheet:
        reader = csv.DictReader(sheet)
        return reader.fieldnames, list(reader)


def returned(tmp_path, header, rows, delimiter=","):
    """The sheet as a spreadsheet saves it back (Excel's "CSV UTF-8": a BOM, \\r\\n)."""
    path = tmp_path / "returned.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as sheet:
        writer = csv.DictWriter(sheet, header, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def apply(locale, path, *options):
    out = io.StringIO()
    call_command("apply_review", path, "--locale-dir", locale, *options, stdout=out)
    return out.getvalue()


def catalog(locale, language="fa"):
    return locale / language / "LC_MESSAGES" / "django.po"


def row_for(rows, english, plural=False):
    return next(
        row for row in rows if row["English"] == english and bool(row["English plural"]) == plural
    )


def first_row(rows, test):
    return next(row for row in rows if test(row))


def with_translation(text, english, lines):
    """The catalog's text with the entry of `english` (no context) given the
    msgstr lines `lines`: what a change of that entry alone must give."""
    before = text.splitlines(keepends=True)
    start = before.index(f'msgid "{english}"\n')
    assert not before[start - 1].startswith("msgctxt")
    end = next(n for n in range(start, len(before)) if not before[n].strip())
    first_msgstr = next(n for n in range(start, end) if before[n].startswith("msgstr"))
    return "".join([*before[:first_msgstr], *lines, *before[end:]])


def test_a_sheet_per_language_with_the_columns_a_reviewer_needs(locale):
    write_sheets(locale)
    assert (locale / "fa" / "review.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel
    header, rows = read_sheet(locale, "fa")
    assert header == [
        "id",
        "status",
        "English",
        "English plural",
        CURRENT,
        CURRENT_OTHER,
        "words to use (glossary)",
        "context",
        "where on the site",
        YOURS,
        YOURS_OTHER,
        "reviewed (yes)",
        "comment",
    ]
    assert {row["status"] for row in rows} == {"new"}  # nothing reviewed yet
    assert (
        len({row["id"] for row in rows})
        == len(rows)
        == len(Catalog(catalog(locale).read_text()).entries)
    )
    sign_form = first_row(
        rows, lambda row: "templates/participation/sign_form.html" in row["where on the site"]
    )
    assert (
        "the sign form — templates/participation/sign_form.html" in sign_form["where on the site"]
    )
    placeholders = first_row(rows, lambda row: "%(" in row["English"] and not row["English plural"])
    assert "keep as written: %(" in placeholders["context"]
    header, _ = read_sheet(locale, "ps")  # Pashto's plural rule is not Dari's
    assert "current Pashto (if plural: one, n = 1)" in header
    assert "your Pashto (plural: other, n = 0, 2, 3 …)" in header


def test_the_glossary_terms_an_entry_uses_are_in_its_row(locale):
    write_sheets(locale)
    for language, term in [("fa", "signature: امضا"), ("ps", "signature: لاسلیک")]:
        _, rows = read_sheet(locale, language)
        signature = first_row(rows, lambda row: "signature" in row["English"].lower())
        assert term in signature["words to use (glossary)"].splitlines()
        unrelated = row_for(rows, "Campaigns")
        assert unrelated["words to use (glossary)"] == ""


def test_a_reviewers_translation_changes_that_entry_only_and_shows_it_reviewed(locale, tmp_path):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    before_rows = copy.deepcopy(rows)
    before = catalog(locale).read_text()
    ps_before = catalog(locale, "ps").read_bytes()
    row = row_for(rows, "Campaigns")
    row[YOURS] = " کمپاین‌های هم‌صدا\n"  # a spreadsheet's stray space and newline
    out = apply(locale, returned(tmp_path, header, rows, delimiter=";"))

    assert "changed 1" in out and "کمپاین‌های هم‌صدا" in out
    after = catalog(locale).read_text()
    assert after == with_translation(before, "Campaigns", ['msgstr "کمپاین‌های هم‌صدا"\n'])
    with open(catalog(locale).with_suffix(".mo"), "rb") as mo:  # compiled, as make translations
        assert gettext.GNUTranslations(mo).gettext("Campaigns") == "کمپاین‌های هم‌صدا"
    assert catalog(locale, "ps").read_bytes() == ps_before
    assert not (locale / "ps" / "reviewed.json").exists()

    write_sheets(locale)
    _, again = read_sheet(locale, "fa")
    changed = next(other for other in again if other["id"] == row["id"])
    assert changed["status"] == "reviewed" and changed[CURRENT] == "کمپاین‌های هم‌صدا"
    assert again[-1] is changed  # reviewed rows come after the ones to review
    others = [other for other in before_rows if other["id"] != row["id"]]
    assert [other for other in again if other["id"] != row["id"]] == others


def test_an_approved_entry_is_changed_again_once_its_translation_changes(locale, tmp_path):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    row = row_for(rows, "Campaigns")
    row["reviewed (yes)"] = "✓"
    row["comment"] = "درست است"
    before = catalog(locale).read_bytes()
    out = apply(locale, returned(tmp_path, header, rows))
    assert "approved as they are 1" in out and "درست است" in out  # comments are reported
    assert catalog(locale).read_bytes() == before  # approving changes no translation
    write_sheets(locale)
    _, rows = read_sheet(locale, "fa")
    assert row_for(rows, "Campaigns")["status"] == "reviewed"

    # A developer (or a tool) changes the translation after the review.
    text = catalog(locale).read_text()
    catalog(locale).write_text(with_translation(text, "Campaigns", ['msgstr "کارزارها"\n']))
    write_sheets(locale)
    _, rows = read_sheet(locale, "fa")
    assert row_for(rows, "Campaigns")["status"] == "changed since review"


@pytest.mark.parametrize(
    "breaking",
    [
        pytest.param(lambda text, keep: text.replace(keep, "", 1), id="drops-a-placeholder"),
        pytest.param(lambda text, keep: f"{text} %(name)s", id="adds-a-placeholder"),
        pytest.param(lambda text, keep: f"<strong>{text}</strong>", id="adds-a-tag"),
        pytest.param(lambda text, keep: f"{text} 100%", id="a-lone-percent-sign"),
    ],
)
def test_a_row_that_breaks_a_placeholder_is_refused_and_changes_nothing(locale, tmp_path, breaking):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    row = first_row(
        rows,
        lambda row: (
            "%(" in row["English"] and not row["English plural"] and "<" not in row["English"]
        ),
    )
    keep = row["context"].split("keep as written: ")[1].split()[0]
    row[YOURS] = breaking(row[CURRENT], keep)
    row["reviewed (yes)"] = "yes"
    files = {path: path.read_bytes() for path in locale.rglob("*") if path.is_file()}
    with pytest.raises(CommandError, match="1 row"):
        apply(locale, returned(tmp_path, header, rows))
    assert {path: path.read_bytes() for path in locale.rglob("*") if path.is_file()} == files


def test_placeholders_may_move_within_a_sentence(locale, tmp_path):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    row = first_row(
        rows,
        lambda row: (
            not row["English plural"]
            and len(row["context"].split("keep as written: ")[-1].split()) == 2
            and row["context"].count("%(") == 2
        ),
    )
    first, second = row["context"].split("keep as written: ")[1].split()
    row[YOURS] = f"{second} و {first}"
    assert "changed 1" in apply(locale, returned(tmp_path, header, rows))


def test_an_unknown_id_is_refused(locale, tmp_path):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    unknown = dict.fromkeys(header, "") | {"id": "qqqqqqqq", YOURS: "متن"}
    before = catalog(locale).read_bytes()
    with pytest.raises(CommandError, match="1 row"):
        apply(locale, returned(tmp_path, header, [*rows, unknown]))
    assert catalog(locale).read_bytes() == before


def test_a_translation_changed_since_the_sheet_was_written_is_not_overwritten(locale, tmp_path):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    row_for(rows, "Campaigns")[YOURS] = "کمپاین‌های ما"
    text = with_translation(catalog(locale).read_text(), "Campaigns", ['msgstr "کارزارها"\n'])
    catalog(locale).write_text(text)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "apply_review", returned(tmp_path, header, rows), "--locale-dir", locale, stdout=out
        )
    assert "changed since this sheet was written" in out.getvalue()
    assert catalog(locale).read_text() == text


def test_a_plural_entry_round_trips_both_forms(locale, tmp_path):
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    row = first_row(
        rows,
        lambda row: (
            row["English plural"] and len(row["English"]) < 60 and "%" not in row["English"]
        ),
    )
    row[YOURS], row[YOURS_OTHER] = "یک امضای تازه", "امضاهای تازه"
    before = catalog(locale).read_text()
    apply(locale, returned(tmp_path, header, rows))
    expected = with_translation(
        before, row["English"], ['msgstr[0] "یک امضای تازه"\n', 'msgstr[1] "امضاهای تازه"\n']
    )
    assert catalog(locale).read_text() == expected
    with open(catalog(locale).with_suffix(".mo"), "rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.ngettext(row["English"], row["English plural"], 1) == "یک امضای تازه"
    assert translations.ngettext(row["English"], row["English plural"], 5) == "امضاهای تازه"
    write_sheets(locale)
    _, rows = read_sheet(locale, "fa")
    again = next(other for other in rows if other["id"] == row["id"])
    assert (again["status"], again[CURRENT], again[CURRENT_OTHER]) == (
        "reviewed",
        "یک امضای تازه",
        "امضاهای تازه",
    )


def test_approving_a_guess_checks_it_and_makes_it_a_translation(locale, tmp_path):
    """msgmerge guesses a translation for new English and marks it fuzzy (not
    used on the site); a reviewer's "yes" makes it a translation, unless the
    guess breaks a placeholder."""
    text = catalog(locale).read_text()
    text = text.replace('\nmsgid "Campaigns"\n', '\n#, fuzzy\nmsgid "Campaigns"\n', 1)
    catalog(locale).write_text(text)
    write_sheets(locale)
    header, rows = read_sheet(locale, "fa")
    guess = row_for(rows, "Campaigns")
    assert guess["status"] == "new" and "guessed by a program" in guess["context"]
    guess["reviewed (yes)"] = "yes"
    broken = first_row(
        rows,
        lambda row: (
            "keep as written: %(" in row["context"]
            and not row["English plural"]
            and f'\nmsgstr "{row[CURRENT]}"\n' in text
        ),
    )
    # A translation that lost its placeholders (by hand, say): approving it is refused.
    with_it = text.replace(
        f'\nmsgstr "{broken[CURRENT]}"\n',
        f'\nmsgstr "{broken[CURRENT].replace("%(", "(")}"\n',
    )
    catalog(locale).write_text(with_it)
    broken[CURRENT] = broken[CURRENT].replace("%(", "(")
    broken["reviewed (yes)"] = "yes"

    with pytest.raises(CommandError, match="1 row"):
        apply(locale, returned(tmp_path, header, rows))
    after = catalog(locale).read_text()
    assert after == with_it.replace('\n#, fuzzy\nmsgid "Campaigns"\n', '\nmsgid "Campaigns"\n')
    write_sheets(locale)
    _, rows = read_sheet(locale, "fa")
    assert row_for(rows, "Campaigns")["status"] == "reviewed"
    assert next(row for row in rows if row["id"] == broken["id"])["status"] == "new"


def test_a_sheet_of_one_language_is_not_applied_to_another(locale, tmp_path):
    write_sheets(locale, "fa")
    header, rows = read_sheet(locale, "fa")
    row_for(rows, "Campaigns")["reviewed (yes)"] = "yes"
    with pytest.raises(CommandError, match="for Dari, not ps"):
        apply(locale, returned(tmp_path, header, rows), "--language", "ps")


def test_a_catalog_read_and_written_back_is_the_same_bytes():
    for language in ("fa", "ps"):
        text = catalog(ROOT / "hamsada" / "locale", language).read_text()
        assert Catalog(text).text() == text


def test_an_entry_given_a_translation_is_wrapped_as_gettext_wraps_it():
    """As msgmerge (make messages) would write it: a reviewed entry does not
    change again at the next make messages."""
    text = (ROOT / "tests" / "fixtures" / "gettext_wrapped.po").read_text()
    po = Catalog(text)
    assert len(po.entries) == 8
    for entry in po.entries:
        translation = list(entry.msgstr)
        po.set_translation(entry, ["x"] * len(translation))
        assert po.text() != text
        po.set_translation(entry, translation)
    assert po.text() == text


def test_a_fuzzy_entry_given_a_translation_loses_its_fuzzy_mark_and_nothing_else():
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        "# a translator's note\n#. Translators: for the admin\n#: hamsada/x.py:1\n"
        '#, fuzzy, python-format\n#| msgid "%(count)s supporters"\n'
        'msgid "%(count)s pending"\nmsgid_plural "%(count)s pending"\n'
        'msgstr[0] "%(count)s حامی"\nmsgstr[1] ""\n"%(count)s حامی"\n\n'
        'msgid "next"\nmsgstr "بعدی"\n'
    )
    po = Catalog(text)
    assert Catalog(text).text() == text
    entry = po.entries[0]
    assert (entry.fuzzy, entry.comments, entry.msgstr) == (
        True,
        ["Translators: for the admin"],
        ["%(count)s حامی", "%(count)s حامی"],
    )
    po.set_translation(entry, ["%(count)s در انتظار", "%(count)s در انتظار"])
    assert po.text() == text.replace(
        '#, fuzzy, python-format\n#| msgid "%(count)s supporters"\n', "#, python-format\n"
    ).replace(
        'msgstr[0] "%(count)s حامی"\nmsgstr[1] ""\n"%(count)s حامی"\n',
        'msgstr[0] "%(count)s در انتظار"\nmsgstr[1] "%(count)s در انتظار"\n',
    )


def test_a_sheet_saved_as_excels_unicode_text_is_read(locale, tmp_path):
    """Excel's "Unicode Text" is UTF-16 with tabs."""
    write_sheets(locale, "fa")
    header, rows = read_sheet(locale, "fa")
    row_for(rows, "Campaigns")[YOURS] = "کمپاین‌های ما"
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter="\t")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "returned.txt"
    path.write_bytes(out.getvalue().encode("utf-16"))
    before = catalog(locale).read_bytes()
    assert "would change 1" in apply(locale, path, "--dry-run")
    assert catalog(locale).read_bytes() == before
