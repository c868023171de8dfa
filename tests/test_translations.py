"""Every catalog is complete: no empty and no fuzzy entries in Dari or Pashto."""

import re
from pathlib import Path

import pytest

HAMSADA = Path(__file__).resolve().parent.parent / "hamsada"
CATALOGS = sorted(
    [*HAMSADA.glob("locale/*/LC_MESSAGES/*.po"), *HAMSADA.glob("locale_django/*/LC_MESSAGES/*.po")]
)


def entries(path):
    for block in path.read_text().split("\n\n")[1:]:
        block = "\n".join(line for line in block.splitlines() if not line.startswith("#~"))
        if "msgid" in block:
            yield block


def test_every_language_has_its_catalogs():
    names = {str(path.relative_to(HAMSADA)) for path in CATALOGS}
    assert {
        "locale/fa/LC_MESSAGES/django.po",
        "locale/ps/LC_MESSAGES/django.po",
        "locale_django/ps/LC_MESSAGES/django.po",
    } <= names


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: str(path.relative_to(HAMSADA)))
def test_catalog_has_no_empty_or_fuzzy_entries(path):
    problems = []
    for block in entries(path):
        # An empty msgstr is "" with no continuation line after it.
        if "#, fuzzy" in block or re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, re.M):
            problems.append(block)
    assert problems == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: str(path.relative_to(HAMSADA)))
def test_placeholders_survive_translation(path):
    for block in entries(path):
        source = re.findall(r"%\(\w+\)s", block.split("msgstr")[0])
        for translation in re.split(r"^msgstr(?:\[\d\])? ", block, flags=re.M)[1:]:
            assert sorted(set(re.findall(r"%\(\w+\)s", translation))) <= sorted(set(source)), block
