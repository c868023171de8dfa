"""Every catalog is complete: no empty and no fuzzy entries in Dari or Pashto."""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "hamsada" / "locale"


def entries(path):
    for block in path.read_text().split("\n\n")[1:]:
        block = "\n".join(line for line in block.splitlines() if not line.startswith("#~"))
        if "msgid" in block:
            yield block


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_catalog_has_no_empty_or_fuzzy_entries(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    problems = []
    for block in entries(path):
        # An empty msgstr is "" with no continuation line after it.
        if "#, fuzzy" in block or re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, re.M):
            problems.append(block)
    assert problems == []


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_placeholders_survive_translation(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    for block in entries(path):
        source = re.findall(r"%\(\w+\)s", block.split("msgstr")[0])
        for translation in re.split(r"^msgstr(?:\[\d\])? ", block, flags=re.M)[1:]:
            assert sorted(set(re.findall(r"%\(\w+\)s", translation))) <= sorted(set(source)), block
