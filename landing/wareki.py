"""和暦 (Japanese era) dates as Japanese exports write them.

Two forms reach the landing folder:

- 全銀協 bank files write dates as six digits, YYMMDD, with a two-digit era year and no era name.
  A year of 01–30 is 令和 (2019–2048); 31 and above is 平成, read as the legacy systems that kept
  counting 平成 after 2019 meant it (平成31 = 2019, 平成38 = 2026). See DECISIONS.md.
- Accounting and billing exports write the era by name or initial: 令和8年3月1日, 令和元年5月1日,
  R8.3.1, R08/03/01, H31-04-30, 平成３１年４月３０日 (full-width digits too).

An era fixes only the year: 令和元年3月1日 and 平成32年1月1日 are read as the unambiguous calendar
dates they name, even though those eras did not officially run on them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# The first Gregorian year of each era (year 1 of the era = this year).
ERA_FIRST_YEARS: dict[str, int] = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
ERA_INITIALS: dict[str, str] = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

# Two-digit era years at or below this are 令和; above it, 平成.
LAST_REIWA_TWO_DIGIT_YEAR = 30

_ERA_PATTERN = re.compile(
    r"^\s*(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\.?\s*"
    r"(?P<year>元|\d{1,2})\s*(?:年|[./-])\s*"
    r"(?P<month>\d{1,2})\s*(?:月|[./-])\s*"
    r"(?P<day>\d{1,2})\s*日?\s*$",
    re.IGNORECASE,
)


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def era_year_to_gregorian(era: str, era_year: int) -> int:
    """令和8 → 2026. `era` is a name (令和) or an initial (R, r)."""
    name = ERA_INITIALS.get(era.upper(), era)
    return ERA_FIRST_YEARS[name] + era_year - 1


def two_digit_era_date(text: str) -> dt.date | None:
    """A 全銀協 YYMMDD date (080301 → 2026-03-01); None if it is not six digits or no real date."""
    if len(text) != 6 or not text.isdigit():
        return None
    era_year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    if era_year == 0:
        return None
    era = "令和" if era_year <= LAST_REIWA_TWO_DIGIT_YEAR else "平成"
    return _date_or_none(era_year_to_gregorian(era, era_year), month, day)


def parse_era_date(text: str) -> dt.date | None:
    """令和8年3月1日, 令和元年5月1日, R8.3.1, H31/04/30 … → a date; None if the text is not one."""
    match = _ERA_PATTERN.match(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    era_year = 1 if match["year"] == "元" else int(match["year"])
    if era_year == 0:
        return None
    year = era_year_to_gregorian(match["era"], era_year)
    return _date_or_none(year, int(match["month"]), int(match["day"]))
