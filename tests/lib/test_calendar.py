"""Solar Hijri dates with Afghan month names, checked against known dates."""

from datetime import UTC, date, datetime

import pytest

from hamsada.lib.calendar import format_day, gregorian, solar_hijri

# Nowruz (1 Hamal) and the last day of the year, across leap and common years.
KNOWN = [
    (date(2017, 3, 20), (1395, 12, 30)),  # 1395 was a leap year: Hut has 30 days
    (date(2017, 3, 21), (1396, 1, 1)),
    (date(2021, 3, 20), (1399, 12, 30)),  # 1399 leap
    (date(2021, 3, 21), (1400, 1, 1)),
    (date(2022, 3, 20), (1400, 12, 29)),  # 1400 common: Hut has 29 days
    (date(2022, 3, 21), (1401, 1, 1)),
    (date(2024, 3, 19), (1402, 12, 29)),
    (date(2024, 3, 20), (1403, 1, 1)),  # the year after a common year can begin on the 20th
    (date(2025, 3, 20), (1403, 12, 30)),  # 1403 leap
    (date(2025, 3, 21), (1404, 1, 1)),
    (date(2021, 8, 15), (1400, 5, 24)),  # 24 Asad 1400
    (date(2025, 12, 31), (1404, 10, 10)),  # across the Gregorian new year
    (date(2026, 1, 1), (1404, 10, 11)),
    (date(2026, 11, 28), (1405, 9, 7)),
]


@pytest.mark.parametrize(("western", "solar"), KNOWN)
def test_solar_hijri_conversion_both_ways(western, solar):
    assert solar_hijri(western) == solar
    assert gregorian(*solar) == western


@pytest.mark.parametrize(
    ("language", "calendar", "expected"),
    [
        ("fa", "both", "۷ قوس ۱۴۰۵ (۲۸ نومبر ۲۰۲۶)"),
        ("ps", "both", "۷ لیندۍ ۱۴۰۵ (۲۸ نومبر ۲۰۲۶)"),
        ("en", "both", "28 November 2026 (7 Qaws 1405)"),
        ("fa", "solar_hijri", "۷ قوس ۱۴۰۵"),
        ("fa", "gregorian", "۲۸ نومبر ۲۰۲۶"),
        ("en", "solar_hijri", "7 Qaws 1405"),
        ("en", "gregorian", "28 November 2026"),
    ],
)
def test_dates_are_written_the_afghan_way(language, calendar, expected):
    assert format_day(date(2026, 11, 28), language, calendar) == expected


def test_every_afghan_month_has_its_dari_and_pashto_name():
    first_days = [gregorian(1405, month, 1) for month in range(1, 13)]
    dari = [format_day(day, "fa", "solar_hijri").split()[1] for day in first_days]
    pashto = [format_day(day, "ps", "solar_hijri").split()[1] for day in first_days]
    assert dari == ["حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله",
                    "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"]  # fmt: skip
    assert pashto[0] == "وری" and pashto[8] == "لیندۍ" and pashto[11] == "کب"


def test_a_moment_is_written_as_its_local_day(settings):
    settings.TIME_ZONE = "Asia/Kabul"
    late = datetime(2026, 3, 20, 20, 0, tzinfo=UTC)  # 00:30 on 21 March in Kabul
    assert format_day(late, "fa", "solar_hijri") == "۱ حمل ۱۴۰۵"
