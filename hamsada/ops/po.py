"""A gettext catalog read entry by entry, and one entry's translation changed
without touching a byte of the rest.

Babel reads and compiles catalogs well, but writing one back (`write_po`)
wraps and orders the whole file its own way; a reviewer's correction must
change its entry only, so that the catalog's history shows what was reviewed.
Here a catalog is its lines, each entry knows which lines are its own, and
`Catalog.set_translation` replaces only the `msgstr` lines (and the fuzzy mark)
of one entry, wrapped the way GNU gettext wraps them, so that the next
`make messages` leaves them as they are.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from babel.messages.pofile import escape, unescape

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+(".*")[ \t]*$')
WIDTH = 79  # GNU gettext's page width, which makemessages (msgmerge) keeps


@dataclass
class Entry:
    """One message of the catalog: the lines `start` to `end` (excluded) are its own."""

    start: int
    end: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # `#.`, for translators, from the source
    references: list[str] = field(default_factory=list)  # `#:`, where it is used

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    @property
    def plural(self):
        return self.msgid_plural is not None


class Catalog:
    """A .po file's text as lines, and its entries (the header and obsolete `#~` ones aside)."""

    def __init__(self, text):
        self.original = text
        self.lines = text.splitlines(keepends=True)
        self.header = None
        self.entries = []
        self._edits = {}  # an entry's start → its new lines
        start = None
        for number, line in enumerate([*self.lines, "\n"]):
            if line.strip() and start is None:
                start = number
            elif not line.strip() and start is not None:
                entry = _parse(self.lines, start, number)
                if entry is not None and entry.msgid == "" and entry.msgctxt is None:
                    self.header = entry
                elif entry is not None:
                    self.entries.append(entry)
                start = None

    @property
    def nplurals(self):
        match = re.search(r"nplurals\s*=\s*(\d+)", self.header.msgstr[0] if self.header else "")
        return int(match.group(1)) if match else 2

    @property
    def plural_expression(self):
        match = re.search(r"plural\s*=\s*([^;\n]+)", self.header.msgstr[0] if self.header else "")
        return match.group(1).strip() if match else "(n != 1)"

    def set_translation(self, entry, forms):
        """Gives `entry` the translation `forms` (one per plural form) and drops
        its fuzzy mark and the previous English gettext kept beside a fuzzy entry
        (`#|`); every other line of the entry and of the file stays as it is."""
        if len(forms) != (self.nplurals if entry.plural else 1):
            raise ValueError(f"{len(forms)} forms for {entry.msgid!r}")
        newline = _newline(self.lines[entry.start])
        lines, current, written = [], None, False
        for line in self.lines[entry.start : entry.end]:
            kind = _kind(line)
            if not kind.startswith("#") and kind != '"':
                current = kind
            if kind == "#|":
                continue
            if kind == "#," and "fuzzy" in _flags(line):
                if flags := [flag for flag in _flags(line) if flag != "fuzzy"]:
                    lines.append("#, " + ", ".join(flags) + newline)
                continue
            if current is not None and current.startswith("msgstr") and not kind.startswith("#"):
                if not written:
                    for number, text in enumerate(forms):
                        keyword = f"msgstr[{number}]" if entry.plural else "msgstr"
                        lines.extend(wrapped + newline for wrapped in wrap(keyword, text))
                    written = True
                continue
            lines.append(line)
        self._edits[entry.start] = lines
        entry.msgstr = list(forms)
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]

    def text(self):
        ends = {entry.start: entry.end for entry in self.entries}
        out, number = [], 0
        for start in sorted(self._edits):
            out.extend(self.lines[number:start])
            out.extend(self._edits[start])
            number = ends[start]
        out.extend(self.lines[number:])
        return "".join(out)


def _newline(line):
    return "\r\n" if line.endswith("\r\n") else "\n"


def _kind(line):
    if line.startswith("#"):
        return line[:2] if line[1:2] in (".", ":", ",", "|", "~") else "#"
    if line.startswith('"'):
        return '"'
    match = KEYWORD.match(line.rstrip("\r\n"))
    return match.group(1) if match else "?"


def _flags(line):
    return [flag.strip() for flag in line[2:].split(",") if flag.strip()]


def _parse(lines, start, end):
    entry = Entry(start=start, end=end)
    current = None
    strings = {}
    for line in lines[start:end]:
        text = line.rstrip("\r\n")
        kind = _kind(line)
        if kind == "#~":
            return None  # obsolete: not part of the catalog
        if kind == "#.":
            entry.comments.append(text[2:].strip())
        elif kind == "#:":
            entry.references.extend(text[2:].split())
        elif kind == "#,":
            entry.flags.extend(_flags(text))
        elif kind == '"' and current is not None:
            strings[current].append(unescape(text.strip()))
        elif kind not in ("#", "#|"):
            match = KEYWORD.match(text)
            if match is None:
                raise ValueError(f"line {start + 1}: not a PO entry: {text[:60]!r}")
            current = match.group(1)
            strings[current] = [unescape(match.group(3))]
    if "msgid" not in strings:
        return None
    joined = {key: "".join(parts) for key, parts in strings.items()}
    entry.msgctxt = joined.get("msgctxt")
    entry.msgid = joined["msgid"]
    entry.msgid_plural = joined.get("msgid_plural")
    if entry.plural:
        count = 1 + max(int(k[7:-1]) for k in joined if k.startswith("msgstr["))
        entry.msgstr = [joined.get(f"msgstr[{n}]", "") for n in range(count)]
    else:
        entry.msgstr = [joined.get("msgstr", "")]
    return entry


def _width(text):
    """Columns on a terminal, as gettext counts them: joiners and marks take none."""
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def wrap(keyword, text, width=WIDTH):
    """The lines gettext writes for `keyword "text"`: on one line when it fits
    (or cannot be broken), else `keyword ""` and the text in lines of at most
    `width` columns broken after spaces, and after every newline in the text.
    (gettext also breaks long web addresses after a slash; this does not.)"""
    portions = re.findall(r"[^\n]*\n|[^\n]+$", text) or [""]
    one_line = f"{keyword} {escape(text)}"
    if len(portions) == 1 and _width(one_line) <= width:
        return [one_line]
    lines = [f'{keyword} ""']
    for portion in portions:
        line = ""
        for word in re.findall(r"[^ ]+ *| +", escape(portion)[1:-1]):
            if line and _width(line + word) > width - 2:
                lines.append(f'"{line}"')
                line = ""
            line += word
        lines.append(f'"{line}"')
    if len(portions) == 1 and len(lines) == 2 and _width(lines[1]) > width:
        return [one_line]  # too long, but with no space to break at
    return lines
