"""Native speakers review every word: a sheet per language, and their answers applied.

`write_sheet` turns a catalog (`<locale>/<lang>/LC_MESSAGES/django.po`) into
`<locale>/<lang>/review.csv`, one row per entry, for a spreadsheet: the
English, the translation, the glossary's words for what the English names,
where the text appears, whether it changed since a reviewer last approved it,
and empty columns for the reviewer's own translation and comment.
`apply_sheet` reads a sheet back: a new translation that keeps the English's
placeholders and tags replaces the entry's (that entry's lines only, see
`po.py`), and what the reviewer approved is recorded in
`<locale>/<lang>/reviewed.json` (entry id → digest of the English and the
translation approved), so that the next sheet shows what changed since.

An entry's id is a digest of its context and English (what gettext keys it
by), in letters only so that no spreadsheet takes it for a number or a date.
"""

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from gettext import c2py
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings

from hamsada.ops.po import Catalog

LANGUAGE_NAMES = {"fa": "Dari", "ps": "Pashto"}  # as the glossary's columns name them
NEW, CHANGED, REVIEWED = "new", "changed since review", "reviewed"
YES = {"yes", "y", "x", "ok", "✓", "✔", "true", "1", "بله", "بلی", "هو", "هوکې"}
ID_LETTERS = "abcdefghijkmnpqrstuvwxyz"  # no l or o, read as 1 and 0

# What a translation must keep: Python's %-placeholders, {}-placeholders and tags.
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACE = re.compile(r"\{\w*\}")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")


def catalog_path(locale_dir, language):
    return Path(locale_dir) / language / "LC_MESSAGES" / "django.po"


def sheet_path(locale_dir, language):
    return Path(locale_dir) / language / "review.csv"


def reviewed_path(locale_dir, language):
    return Path(locale_dir) / language / "reviewed.json"


def languages(locale_dir):
    """The languages other than the source that have a catalog in `locale_dir`."""
    return [
        code
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE and catalog_path(locale_dir, code).exists()
    ]


def entry_id(entry):
    """Stable while the entry's context and English stay the same."""
    key = f"{entry.msgctxt or ''}\x04{entry.msgid}".encode()
    number = int.from_bytes(hashlib.sha256(key).digest()[:8])
    letters = []
    for _ in range(8):
        number, rest = divmod(number, len(ID_LETTERS))
        letters.append(ID_LETTERS[rest])
    return "".join(letters)


def entry_digest(entry):
    """Changes when the English or the translation does."""
    content = [entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:16]


def load_reviewed(locale_dir, language):
    path = reviewed_path(locale_dir, language)
    return json.loads(path.read_text()) if path.exists() else {}


def status(entry, reviewed):
    if entry.fuzzy or not all(entry.msgstr):
        return NEW
    digest = reviewed.get(entry_id(entry))
    if digest is None:
        return NEW
    return REVIEWED if digest == entry_digest(entry) else CHANGED


def load_catalog(locale_dir, language):
    catalog = Catalog(catalog_path(locale_dir, language).read_text(encoding="utf-8"))
    by_id = {}
    for entry in catalog.entries:
        if entry_id(entry) in by_id:  # one chance in billions; never silently
            raise ValueError(f"two entries share the id {entry_id(entry)}: {entry.msgid!r}")
        by_id[entry_id(entry)] = entry
    return catalog, by_id


# The sheet's columns


def plural_forms(catalog):
    """Each plural form's name and the numbers it is for, e.g. ("one", "n = 0, 1")."""
    count = catalog.nplurals
    rule = c2py(catalog.plural_expression)
    numbers = [[n for n in range(200) if rule(n) == form] for form in range(count)]
    names = ["one", "other"] if count == 2 else [f"form {form + 1}" for form in range(count)]
    described = []
    for name, ns in zip(names, numbers, strict=True):
        shown = ", ".join(str(n) for n in ns[:3]) + (" …" if len(ns) > 3 else "")
        described.append((name, f"n = {shown}"))
    return described


def columns(language, catalog):
    """Column key → header, in the sheet's order. With plurals, the translation
    has a column per form, named for the numbers it is used with."""
    name = LANGUAGE_NAMES.get(language, language)
    forms = plural_forms(catalog)
    notes = [
        f" ({'if plural: ' if number == 0 else 'plural: '}{form}, {numbers})"
        if len(forms) > 1
        else ""
        for number, (form, numbers) in enumerate(forms)
    ]
    return {
        "id": "id",
        "status": "status",
        "english": "English",
        "english_plural": "English plural",
        **{f"current{number}": f"current {name}{note}" for number, note in enumerate(notes)},
        "glossary": "words to use (glossary)",
        "context": "context",
        "where": "where on the site",
        **{f"yours{number}": f"your {name}{note}" for number, note in enumerate(notes)},
        "reviewed": "reviewed (yes)",
        "comment": "comment",
    }


# The glossary (docs/glossary.md)


@dataclass
class Concept:
    name: str
    pattern: re.Pattern
    terms: dict = field(default_factory=dict)  # language → (terms, never)
    # English that, beside this concept's, allows its never-terms (an entry
    # about confirming and approving uses both words).
    unless: re.Pattern | None = None


def english_pattern(cell):
    """ "sign*, signed" → a pattern matching those words, * being any ending; or None."""
    words = [word.strip() for word in cell.split(",") if word.strip()]
    if not words:
        return None
    alternatives = [re.escape(word).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for word in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I)


def read_glossary(path):
    """The concepts of the glossary's table, each with the English that names it."""
    path = Path(path)
    if not path.exists():
        return []
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("|")
    ]
    if not rows:
        return []
    head, concepts = rows[0], []
    for row in rows[1:]:
        if set("".join(row)) <= set("-: "):
            continue  # the line under the header
        cells = dict(zip(head, row, strict=False))
        pattern = english_pattern(cells.get("English", ""))
        if pattern is None:
            continue
        concept = Concept(
            cells.get("concept", ""),
            pattern,
            unless=english_pattern(cells.get("unless the English also has", "")),
        )
        for code, language in LANGUAGE_NAMES.items():
            if cells.get(language):
                concept.terms[code] = (cells[language], cells.get(f"{language}: never", ""))
        concepts.append(concept)
    return concepts


def glossary_words(entry, language, glossary):
    english = _plain(f"{entry.msgid} {entry.msgid_plural or ''}")
    lines = []
    for concept in glossary:
        if language in concept.terms and concept.pattern.search(english):
            terms, never = concept.terms[language]
            lines.append(f"{concept.name}: {terms}" + (f" (not {never})" if never else ""))
    return "\n".join(lines)


def _plain(text):
    """The words of a text, without placeholders and tags (%(signatures)s names no signature)."""
    return TAG.sub(" ", BRACE.sub(" ", PERCENT.sub(" ", text)))


# Where a text appears, for someone who has never seen the code


PAGES = {
    "campaigns/detail.html": "a campaign's page",
    "campaigns/list.html": "the list of campaigns (home page)",
    "campaigns/open_letter.html": "an open letter's page",
    "campaigns/urgent_action.html": "an urgent action's page",
    "campaigns/write.html": "writing a letter to an official (urgent action)",
    "campaigns/target.html": "an official's contact details (urgent action)",
    "campaigns/thanks.html": "the thank-you page after taking part",
    "campaigns/timeline.html": "a campaign's timeline",
    "campaigns/signatories.html": "the list of signatories",
    "campaigns/summary.html": "a campaign's summary and counts",
    "participation/sign_form.html": "the sign form",
    "participation/sign_organisation.html": "the form for an organisation to co-sign",
    "participation/check_email.html": "the “check your email” page after signing",
    "participation/confirm.html": "the page that opens from the confirmation email",
    "participation/privacy_notice.html": "the privacy notice beside the forms",
    "participation/report.html": "reporting what you did (urgent action)",
    "participation/withdraw.html": "withdrawing a signature",
    "participation/stop_updates.html": "stopping the campaign's emails",
    "tally/verify.html": "checking a receipt against a snapshot",
    "pages/privacy.html": "the privacy page",
    "pages/accessibility.html": "the accessibility page",
    "outbox/list.html": "the demo's outbox (not on a real site)",
    "outbox/message.html": "the demo's outbox (not on a real site)",
    "campaigns/channels.py": "an official's contact channels (organisers' admin)",
    "campaigns/timeline.py": "a campaign's timeline",
    "delivery/build.py": "delivery packages (PDF and CSV sent to officials)",
    "snapshots/verify.py": "checking a snapshot file (`hamsada verify`)",
    "organizations/roles.py": "organisers' roles (organisers' admin)",
    "tally/emails.py": "emails to organisers about unusual rises",
    "lib/validators.py": "messages of the forms",
    "lib/templatetags.py": "pages",
    "web/feeds.py": "a campaign's news feed",
    "web/guard.py": "a form refused (pages)",
    "web/login.py": "organisers' login",
}


def where(reference):
    path = reference.rsplit(":", 1)[0] if re.search(r":\d+$", reference) else reference
    path = path.removeprefix("hamsada/")
    parts = path.split("/")
    stem = parts[-1].split(".")[0]
    words = stem.replace("_", " ")
    section = parts[-2].replace("_", " ") if len(parts) > 2 else ""
    described = PAGES.get(path.removeprefix("templates/"))
    if described:
        pass
    elif parts[0] == "templates" and len(parts) > 2 and parts[1] == "emails":
        version = ""
        if parts[-1].endswith(".subject.txt"):
            version = ", subject line"
        elif parts[-1].endswith(".txt"):
            version = ", plain-text version"
        described = f"email “{words}”{version}"
    elif parts[0] == "templates" and len(parts) > 1 and parts[1] == "admin":
        described = f"organisers' admin: page “{words}”"
    elif parts[0] == "templates" and re.fullmatch(r"\d{3}(_\w+)?", stem):
        described = f"error page ({stem[:3]})"
    elif parts[0] == "templates" and stem == "base":
        described = "every page (header, menu and footer)"
    elif parts[0] == "templates":
        described = f"page “{words}”" + (f" ({section})" if section else "")
    elif parts[:2] == ["web", "admin"]:
        described = f"organisers' admin ({words})"
    elif parts[:2] == ["web", "views"]:
        described = f"pages ({words})"
    elif stem == "models":
        described = f"names and choices in forms and the organisers' admin ({parts[0]})"
    elif stem == "forms":
        described = f"messages of the forms ({parts[0]})"
    elif stem == "emails":
        described = f"emails ({parts[0]})"
    elif stem == "actions":
        described = f"messages to organisers ({parts[0]})"
    elif stem == "letters":
        described = "sample letters (urgent actions)"
    elif stem == "apps":
        described = "a section's name in the organisers' admin"
    return f"{described} — {path}" if described else path


def where_cell(entry):
    seen = []
    for reference in entry.references:
        line = where(reference)
        if line not in seen:
            seen.append(line)
    return "\n".join(seen)


# What a translation must keep


def _tokens(text, entry):
    percent = "python-format" in entry.flags
    named, counted = set(), Counter()
    if percent:
        for token in PERCENT.findall(text):
            if token.startswith("%("):
                named.add(token)
            elif token != "%%":
                counted[token] += 1
    if "python-brace-format" in entry.flags:
        named |= set(BRACE.findall(text))
    for closing, tag in TAG.findall(text):
        counted[f"<{closing}{tag.lower()}>"] += 1
    return named, counted


def problems(entry, forms, names=None):
    """Why `forms` cannot be the entry's translation: placeholders dropped or
    added, tags changed, a form left empty; nothing when it can."""
    english = [entry.msgid, entry.msgid_plural] if entry.plural else [entry.msgid]
    sources = [_tokens(text, entry) for text in english]
    required = set.intersection(*(named for named, _ in sources))
    allowed = set.union(*(named for named, _ in sources))
    found = []
    for number, text in enumerate(forms):
        name = names[number] if names else f"form {number + 1}"
        which = f" ({name})" if entry.plural else ""
        if not text.strip():
            found.append(f"empty{which}")
            continue
        named, counted = _tokens(text, entry)
        if missing := sorted(required - named):
            found.append(f"drops {', '.join(missing)}{which}")
        if extra := sorted(named - allowed):
            found.append(f"adds {', '.join(extra)}{which}")
        if counted not in [source for _, source in sources]:
            want = ", ".join(sorted(sources[-1][1].elements())) or "none"
            got = ", ".join(sorted(counted.elements())) or "none"
            found.append(f"placeholders and tags {got} instead of {want}{which}")
        if "python-format" in entry.flags and "%" in PERCENT.sub("", text):
            found.append(f"a lone % (write %% for a percent sign){which}")
    return found


def keep_list(entry):
    named, counted = set(), Counter()
    for text in [entry.msgid, entry.msgid_plural or ""]:
        more_named, more_counted = _tokens(text, entry)
        named |= more_named
        counted |= more_counted
    return sorted(named) + sorted(counted)


# The sheet


def rows(catalog, language, reviewed, glossary):
    """The sheet's rows (dicts by column key): new and changed entries first,
    each group in the catalog's order."""
    out = []
    for entry in catalog.entries:
        context = []
        if entry.msgctxt:
            context.append(f"context: {entry.msgctxt}")
        context.extend(entry.comments)
        if keep := keep_list(entry):
            context.append("keep as written: " + " ".join(keep))
        if entry.fuzzy:
            context.append("the translation was guessed by a program: check it")
        row = {
            "id": entry_id(entry),
            "status": status(entry, reviewed),
            "english": entry.msgid,
            "english_plural": entry.msgid_plural or "",
            "glossary": glossary_words(entry, language, glossary),
            "context": "\n".join(context),
            "where": where_cell(entry),
        }
        for number, text in enumerate(entry.msgstr):
            row[f"current{number}"] = text
        out.append(row)
    return sorted(out, key=lambda row: row["status"] == REVIEWED)


def write_sheet(locale_dir, language, glossary):
    """Writes `<locale>/<lang>/review.csv` (UTF-8 with a byte-order mark, which
    Excel needs to read Dari and Pashto) and returns (path, rows, to review)."""
    catalog, _ = load_catalog(locale_dir, language)
    heads = columns(language, catalog)
    sheet = rows(catalog, language, load_reviewed(locale_dir, language), glossary)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(heads.values())
    for row in sheet:
        writer.writerow([row.get(key, "") for key in heads])
    path = sheet_path(locale_dir, language)
    _replace(path, out.getvalue().encode("utf-8-sig"))
    return path, len(sheet), sum(row["status"] != REVIEWED for row in sheet)


# A reviewed sheet, applied


@dataclass
class Report:
    language: str
    changed: list = field(default_factory=list)  # (id, English, before, after)
    approved: list = field(default_factory=list)  # ids of entries approved as they are
    refused: list = field(default_factory=list)  # (row, id, reason)
    comments: list = field(default_factory=list)  # (row, id, English, comment)
    forms: list = field(default_factory=list)  # the plural forms' names


def read_sheet(path):
    """The header and the rows of a sheet as a spreadsheet saved it (CSV, UTF-8
    with or without a byte-order mark, or Excel's "Unicode text", UTF-16; commas,
    semicolons or tabs)."""
    data = Path(path).read_bytes()
    try:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data.decode("utf-16" if utf16 else "utf-8-sig").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise ValueError(
            f"{path} is not UTF-8: save it as “CSV UTF-8” (Excel) or with the "
            "character set “Unicode (UTF-8)” (LibreOffice)"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in ",;\t" if first.startswith(f"id{d}")), ",")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records or not records[0] or records[0][0] != "id":
        raise ValueError(f"{path} is not a review sheet: its first column must be “id”")
    return records[0], records[1:]


def sheet_language(header, locale_dir, language=None):
    """The language whose columns the sheet has (checked against `language` if given)."""
    for code in languages(locale_dir):
        catalog, _ = load_catalog(locale_dir, code)
        if set(columns(code, catalog).values()) <= set(header):
            if language and language != code:
                raise ValueError(
                    f"this sheet is for {LANGUAGE_NAMES.get(code, code)}, not {language}"
                )
            return code
    raise ValueError(
        "the sheet's columns are not those of a review sheet (a column renamed or "
        "removed?): write a new one with `hamsada review-sheets`"
    )


def _from_sheet(text):
    """A cell as the catalog would hold it: spreadsheets may write \\r\\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _edged_like(text, english):
    """The reviewer's text with the English's leading and trailing spaces and
    newlines, whatever the spreadsheet added or dropped around it."""
    lead = re.match(r"\s*", english).group()
    trail = re.search(r"\s*$", english).group() if english.strip() else ""
    return lead + text.strip() + trail


def apply_sheet(path, locale_dir, language=None, dry_run=False, compile_mo=True):
    """Applies a reviewed sheet to the catalog and the review record.

    A row is refused as a whole (and reported) for an unknown id, an entry
    whose translation changed in the catalog since the sheet was written, or a
    translation that drops or adds a placeholder or a tag (a new one, or the
    current one approved). Otherwise a different translation replaces the
    entry's (its lines only; a fuzzy mark goes), and a new translation, one
    equal to the current, or "yes" under "reviewed" records the entry as
    reviewed. Comments are reported, never stored. The catalog is compiled
    (.mo) as `make translations` does, with Babel.
    """
    header, records = read_sheet(path)
    language = sheet_language(header, locale_dir, language)
    catalog, by_id = load_catalog(locale_dir, language)
    heads = columns(language, catalog)
    index = {key: header.index(head) for key, head in heads.items()}
    nforms = catalog.nplurals
    names = [name for name, _ in plural_forms(catalog)]
    reviewed = load_reviewed(locale_dir, language)
    report, seen = Report(language, forms=names), set()

    for number, record in enumerate(records, start=2):  # row 1 is the header
        cell = {key: _from_sheet(record[i]) if i < len(record) else "" for key, i in index.items()}
        yours = [cell[f"yours{n}"] for n in range(nforms)]
        approve = cell["reviewed"].strip().lower() in YES
        comment = cell["comment"].strip()
        if not (any(text.strip() for text in yours) or approve or comment):
            continue
        row_id = cell["id"].strip()
        entry = by_id.get(row_id)
        if entry is None:
            report.refused.append((number, row_id, "unknown id: not in the catalog (any more)"))
            continue
        if row_id in seen:
            report.refused.append((number, row_id, "the same id is on an earlier row"))
            continue
        seen.add(row_id)
        if comment:
            report.comments.append((number, row_id, entry.msgid, comment))
        if not (any(text.strip() for text in yours) or approve):
            continue
        if not entry.plural and any(text.strip() for text in yours[1:]):
            report.refused.append((number, row_id, "a plural form for an entry without plural"))
            continue
        shown = [cell[f"current{n}"] for n in range(len(entry.msgstr))]
        if [text.strip() for text in shown] != [text.strip() for text in entry.msgstr]:
            report.refused.append(
                (number, row_id, "its translation changed since this sheet was written")
            )
            continue
        english = [entry.msgid, entry.msgid_plural] if entry.plural else [entry.msgid]
        current = entry.msgstr + [""] * ((nforms if entry.plural else 1) - len(entry.msgstr))
        forms = [
            _edged_like(mine, english[min(n, len(english) - 1)]) if mine.strip() else now
            for n, (mine, now) in enumerate(zip(yours, current, strict=False))
        ]
        if found := problems(entry, forms, names):
            report.refused.append((number, row_id, "; ".join(found)))
            continue
        if forms == entry.msgstr:
            report.approved.append(row_id)
        else:
            report.changed.append((row_id, entry.msgid, list(entry.msgstr), forms))
        if forms != entry.msgstr or entry.fuzzy:
            catalog.set_translation(entry, forms)  # approving a guess makes it a translation
        reviewed[row_id] = entry_digest(entry)

    if not dry_run:
        po = catalog_path(locale_dir, language)
        text = catalog.text()
        if po.read_text(encoding="utf-8") != catalog.original:
            raise ValueError(f"{po} changed while the sheet was applied: apply it again")
        if text != catalog.original:
            _replace(po, text.encode("utf-8"))
            if compile_mo:
                compile_catalog(po, language)
        if report.changed or report.approved:
            kept = {key: value for key, value in reviewed.items() if key in by_id}
            record = json.dumps(kept, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            _replace(reviewed_path(locale_dir, language), record.encode())
    return report


def compile_catalog(po, language):
    """django.po → django.mo beside it, as `pybabel compile` does in `make translations`."""
    with open(po, "rb") as file:
        catalog = read_po(file, locale=language)
    if catalog.fuzzy:
        return  # pybabel leaves a catalog whose header is fuzzy uncompiled
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    _replace(Path(po).with_suffix(".mo"), out.getvalue())


def _replace(path, data):
    """Writes a file whole or not at all."""
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
