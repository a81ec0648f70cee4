"""How values are written into the landing files."""

from __future__ import annotations


def money(cents: int) -> str:
    """Amount with at most 2 decimals, no thousands separator: 1234, -1234.50."""
    sign = "-" if cents < 0 else ""
    yen, sen = divmod(abs(cents), 100)
    return f"{sign}{yen}" if sen == 0 else f"{sign}{yen}.{sen:02d}"


def flag(value: bool) -> str:
    return "true" if value else "false"


def yen(amount: float) -> int:
    """Whole yen, as cents."""
    return int(round(amount)) * 100


def round_down(cents: float, unit_yen: int) -> int:
    unit = unit_yen * 100
    return int(cents) // unit * unit
