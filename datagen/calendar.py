"""Dates of the simulated period, Japanese bank business days and value formatting.

Dates are handled as proleptic ordinals (int) internally: cheap to compare, add and use as
list indexes, which matters at scale 100.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date

PERIOD_START = date(2025, 5, 1)
PERIOD_END = date(2026, 10, 31)
OPENING_DATE = date(2025, 4, 30)  # opening balances are posted the day before the period

START = PERIOD_START.toordinal()
END = PERIOD_END.toordinal()
OPENING = OPENING_DATE.toordinal()

MONTH_COUNT = 18  # May 2025 … October 2026; month index 0 is May 2025

# Japanese public holidays plus the banks' year-end closure (12/31–1/3): no value dates then.
_HOLIDAYS = {
    "2025-01-01",
    "2025-01-02",
    "2025-01-03",
    "2025-01-13",
    "2025-02-11",
    "2025-02-24",
    "2025-03-20",
    "2025-04-29",
    "2025-05-05",
    "2025-05-06",
    "2025-07-21",
    "2025-08-11",
    "2025-09-15",
    "2025-09-23",
    "2025-10-13",
    "2025-11-03",
    "2025-11-24",
    "2025-12-31",
    "2026-01-01",
    "2026-01-02",
    "2026-01-12",
    "2026-02-11",
    "2026-02-23",
    "2026-03-20",
    "2026-04-29",
    "2026-05-04",
    "2026-05-05",
    "2026-05-06",
    "2026-07-20",
    "2026-08-11",
    "2026-09-21",
    "2026-09-22",
    "2026-09-23",
    "2026-10-12",
    "2026-11-03",
    "2026-11-23",
    "2026-12-31",
    "2027-01-01",
    "2027-01-11",
    "2027-02-11",
    "2027-02-23",
}
HOLIDAYS: frozenset[int] = frozenset(date.fromisoformat(d).toordinal() for d in _HOLIDAYS)

# Lookup tables cover a margin around the period (due dates run past its end).
_LO = date(2025, 1, 1).toordinal()
_HI = date(2029, 12, 31).toordinal()
_ISO: list[str] = [date.fromordinal(o).isoformat() for o in range(_LO, _HI + 1)]
_BUSINESS: list[bool] = [date.fromordinal(o).weekday() < 5 and o not in HOLIDAYS for o in range(_LO, _HI + 1)]


def iso(day: int) -> str:
    """YYYY-MM-DD of an ordinal (cached: formatting dates is the hottest path)."""
    return _ISO[day - _LO]


def ts(day: int, seconds: int) -> str:
    """Local timestamp without offset, e.g. 2026-03-04T10:15:00."""
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{_ISO[day - _LO]}T{h:02d}:{m:02d}:{s:02d}"


def is_business_day(day: int) -> bool:
    return _BUSINESS[day - _LO]


def next_business_day(day: int) -> int:
    """The day itself if banks are open, else the next day they are (翌営業日)."""
    while not _BUSINESS[day - _LO]:
        day += 1
    return day


def previous_business_day(day: int) -> int:
    """The day itself if banks are open, else the previous day they are (前営業日)."""
    while not _BUSINESS[day - _LO]:
        day -= 1
    return day


def add_business_days(day: int, n: int) -> int:
    """n bank business days after day (day itself not counted)."""
    day = next_business_day(day)
    for _ in range(n):
        day = next_business_day(day + 1)
    return day


def month_index(day: int) -> int:
    """Month index (0 = May 2025) of the month holding day; negative or ≥ 18 outside the period."""
    d = date.fromordinal(day)
    return (d.year - PERIOD_START.year) * 12 + d.month - PERIOD_START.month


def month_start(mi: int) -> int:
    y, m = _ym(mi)
    return date(y, m, 1).toordinal()


def month_end(mi: int) -> int:
    y, m = _ym(mi)
    return date(y, m, _cal.monthrange(y, m)[1]).toordinal()


def days_in_month(mi: int) -> int:
    y, m = _ym(mi)
    return _cal.monthrange(y, m)[1]


def month_end_of(day: int) -> int:
    return month_end(month_index(day))


def _ym(mi: int) -> tuple[int, int]:
    total = PERIOD_START.year * 12 + PERIOD_START.month - 1 + mi
    return total // 12, total % 12 + 1


def quarter_ends() -> list[int]:
    """Calendar quarter-ends inside the period (allowance reviews, write-off batches)."""
    return [month_end(mi) for mi in range(MONTH_COUNT) if _ym(mi)[1] in (3, 6, 9, 12)]


def mondays() -> list[int]:
    first = START + (7 - date.fromordinal(START).weekday()) % 7
    return list(range(first, END + 1, 7))


def from_iso(text: str) -> int:
    return date.fromisoformat(text).toordinal()
