"""Dates as Afghans write them: the Solar Hijri calendar with its Afghan month
names (Hamal, Sawr, Jawza, …; in Pashto Wray, Ghwayay, …), beside or instead
of the Gregorian date, in the language's own digits.

The conversion is jdatetime's; the names and the layout are ours, because the
Iranian month names libraries ship (Farvardin, …) are not the ones used in
Afghanistan, nor are Iranian Gregorian names (ژانویه for January).
"""

import jdatetime
from django.utils import timezone

from hamsada.lib.text import localize_digits

SOLAR_HIJRI = "solar_hijri"
GREGORIAN = "gregorian"
BOTH = "both"

SOLAR_MONTHS = {
    "en": [
        "Hamal", "Sawr", "Jawza", "Saratan", "Asad", "Sunbula",
        "Mizan", "Aqrab", "Qaws", "Jadi", "Dalw", "Hut",
    ],
    "fa": [
        "حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله",
        "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت",
    ],
    "ps": [
        "وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی",
        "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب",
    ],
}  # fmt: skip
GREGORIAN_MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "fa": [
        "جنوری", "فبروری", "مارچ", "اپریل", "می", "جون",
        "جولای", "اگست", "سپتمبر", "اکتوبر", "نومبر", "دسمبر",
    ],
    "ps": [
        "جنوري", "فبروري", "مارچ", "اپرېل", "مۍ", "جون",
        "جولای", "اګست", "سپتمبر", "اکتوبر", "نومبر", "ډسمبر",
    ],
}  # fmt: skip
# In the calendar a reader of the language reads first.
HOME_CALENDAR = {"en": GREGORIAN, "fa": SOLAR_HIJRI, "ps": SOLAR_HIJRI}


def solar_hijri(day):
    """(year, month, day) of a Gregorian date in the Solar Hijri calendar."""
    converted = jdatetime.date.fromgregorian(date=day)
    return converted.year, converted.month, converted.day


def gregorian(year, month, day):
    """The Gregorian date of a Solar Hijri one."""
    return jdatetime.date(year, month, day).togregorian()


def format_day(day, language, calendar=BOTH):
    """A date in words, e.g. "۷ قوس ۱۴۰۵ (۲۸ نومبر ۲۰۲۶)" or "28 November 2026"."""
    language = language if language in SOLAR_MONTHS else "en"
    if hasattr(day, "date"):  # a datetime: its local day
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    year, month, number = solar_hijri(day)
    solar = f"{number} {SOLAR_MONTHS[language][month - 1]} {year}"
    western = f"{day.day} {GREGORIAN_MONTHS[language][day.month - 1]} {day.year}"
    if calendar == SOLAR_HIJRI:
        text = solar
    elif calendar == GREGORIAN:
        text = western
    elif HOME_CALENDAR[language] == SOLAR_HIJRI:
        text = f"{solar} ({western})"
    else:
        text = f"{western} ({solar})"
    return localize_digits(text, language)
