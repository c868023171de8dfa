"""Every sentence with a count has plural forms (ngettext or {% blocktranslate
count %}): a message with one form prints "۱ رسیدونه" in Pashto or "۱ نفر …
امضا کردند" in Dari. Read from the Dari and Pashto catalogs, so a count
marked anywhere (Python, templates, `hamsada verify`) is caught; Django's own
Pashto catalog (locale_django) follows Django's source and is left out."""

import re

import pytest

from hamsada.snapshots.verify import translator
from tests.test_translations import HAMSADA, entries

CATALOGS = [
    HAMSADA / "locale" / language / "LC_MESSAGES" / "django.po" for language in ("fa", "ps")
]

# %(name)s and %(name)d, a bare %s or %d (not %%s), and {name} fields.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|(?<!%)%[sd]|\{(\w+)\}")

# Placeholders named for what they hold, which is never a number.
WORDS = {
    "address": "an email, web or onion address",
    "allowed": "a list of merge field names",
    "campaign": "a campaign's title or slug",
    "chain": "the name of an audit chain",
    "current": "a campaign status",
    "date": "a date written out",
    "domain": "an email domain",
    "email": "an email address",
    "error": "an error message",
    "fields": "a list of field names",
    "file": "a file name",
    "fingerprint": "a key's fingerprint",
    "handles": "the target's social media accounts (a merge field)",
    "language": "a language's name",
    "moment": "a date and time written out",
    "name": "a person's or organisation's name",
    "new": "a campaign status",
    "organisation": "an organisation's name",
    "pattern": "an address pattern",
    "provider": "the email provider's name",
    "reason": "why addresses were suppressed",
    "role": "a role's name",
    "salutation": "how a letter greets its target (a merge field)",
    "stance": "a target's stance",
    "status": "a campaign status",
    "supporter_city": "a merge field",
    "supporter_name": "a merge field",
    "target": "a target's name",
    "target_name": "a merge field",
    "target_title": "a merge field",
    "title": "a campaign's title",
    "username": "an account's name",
    "zone": "a time zone's name",
}

# Numbers that count nothing, each with why. Anything else not in WORDS is
# taken for a count and needs plural forms. (A percentage, or the place in
# "number 3 of 8", shares its entry with a count, which chooses the form.)
NOT_COUNTS = {
    "Update %(number)s": {"%(number)s": "which update it is (the third), not how many"},
    "update %(number)s": {"%(number)s": "which update it is, as in the heading above"},
    "Page %(number)s": {"%(number)s": "the PDF page's own number"},
    "Snapshot %(number)s": {"%(number)s": "the snapshot's serial number"},
    "Signed snapshot %(number)s of %(date)s": {"%(number)s": "the snapshot's serial number"},
    "The audit trail is broken at entry %(number)s of %(chain)s: it was deleted, changed or "
    "moved. The operator can run hamsada audit --check.": {
        "%(number)s": "the entry's place in its chain (%(chain)s is the chain's name)"
    },
    # hamsada verify (snapshots/verify.py) keeps its bare %s.
    "This is not a Hamsada snapshot file (format %s).": {"%s": "the name of a file format"},
    "The file lacks a part a snapshot must have: %s": {"%s": "the name of the missing part"},
    "Every snapshot is signed by the key %s.": {"%s": "a key's fingerprint"},
    "Every snapshot is signed by the key %s or by one linked to it by a signed change of key.": {
        "%s": "a key's fingerprint"
    },
    "A signature does not match the key %s: the file was changed or forged.": {
        "%s": "a key's fingerprint"
    },
    "Compare the key %s with the one the instance publishes and prints in its deliveries: "
    "this file alone cannot show whose key it is.": {"%s": "a key's fingerprint"},
}


def po_string(block, keyword):
    """The text of `keyword "…"` and its continuation lines, escapes kept."""
    found = re.search(rf'^{keyword} ((?:".*"\n?)+)', block, re.M)
    return None if found is None else "".join(re.findall(r'^"(.*)"$', found.group(1), re.M))


def placeholders(text):
    return {found.group(0) for found in PLACEHOLDER.finditer(text)}


def counts_without_plural(blocks):
    """(msgid, placeholder) for every number in a one-form entry that may count something."""
    found = []
    for block in blocks:
        msgid = po_string(block, "msgid")
        if not msgid or po_string(block, "msgid_plural") is not None:
            continue
        allowed = NOT_COUNTS.get(msgid.replace('\\"', '"'), {})
        for placeholder in sorted(placeholders(msgid)):
            name = re.sub(r"^%\(|\)[sd]$|^\{|\}$", "", placeholder)
            if name not in WORDS and placeholder not in allowed:
                found.append((msgid, placeholder))
    return found


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_every_count_is_in_a_message_with_plural_forms(path):
    assert counts_without_plural(entries(path)) == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_the_allow_list_names_one_form_entries_that_exist(path):
    """An entry the list excuses is still in the catalog, has one form and
    holds the placeholder excused, so the list cannot excuse by accident."""
    one_form = {
        po_string(block, "msgid").replace('\\"', '"'): placeholders(po_string(block, "msgid"))
        for block in entries(path)
        if po_string(block, "msgid_plural") is None
    }
    for msgid, allowed in NOT_COUNTS.items():
        assert msgid in one_form, msgid
        assert set(allowed) <= one_form[msgid], msgid


def test_a_count_is_told_from_a_number_that_counts_nothing():
    paper = 'msgid ""\n"%(number)s more signed on paper, collected by %(name)s."\nmsgstr "x"'
    assert counts_without_plural([paper]) == [
        ("%(number)s more signed on paper, collected by %(name)s.", "%(number)s")
    ]
    assert counts_without_plural(['msgid "Snapshot %(number)s"\nmsgstr "x"']) == []
    assert counts_without_plural(['msgid "snapshots 1 to %s"\nmsgstr "x"']) == [
        ("snapshots 1 to %s", "%s")
    ]
    assert counts_without_plural(['msgid "{count} acts, %(percent)s%%"\nmsgstr "x"']) == [
        ("{count} acts, %(percent)s%%", "%(percent)s"),
        ("{count} acts, %(percent)s%%", "{count}"),
    ]
    plural = 'msgid "%(n)s receipt"\nmsgid_plural "%(n)s receipts"\nmsgstr[0] "x"'
    assert counts_without_plural([plural]) == []


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("ps", "1 رسید شمېري", "2 رسیدونه شمېري"), ("en", "1 receipt.", "2 receipts.")],
)
def test_hamsada_verify_reads_the_plural_forms_without_django(language, one, two):
    """`hamsada verify` reads the compiled catalog with the standard library,
    which takes the plural forms from the catalog's header."""
    ngettext = translator(language).ngettext

    def verified(count):
        return ngettext(
            "VERIFIED: snapshot %(number)s of %(campaign)s counts %(count)s receipt.",
            "VERIFIED: snapshot %(number)s of %(campaign)s counts %(count)s receipts.",
            count,
        ) % {"number": 2, "campaign": "free-the-teachers", "count": count}

    assert one in verified(1)
    assert two in verified(2)
