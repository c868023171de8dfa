"""Country names in each language, from the Unicode CLDR (through Babel)."""

from functools import cache

from babel import Locale

# Afghan Dari, not Iranian Persian.
CLDR_LOCALES = {"en": "en", "fa": "fa_AF", "ps": "ps"}
CODES = sorted(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "XA", "XB", "ZZ", "QO"}
)


@cache
def country_choices(language: str) -> list[tuple[str, str]]:
    names = Locale.parse(CLDR_LOCALES.get(language, "en")).territories
    return sorted(((code, names.get(code, code)) for code in CODES), key=lambda pair: pair[1])


def country_name(code: str, language: str) -> str:
    names = Locale.parse(CLDR_LOCALES.get(language, "en")).territories
    return names.get(code, code)
