"""How values are written into the landing files."""

from __future__ import annotations


def money(cents: int) -> str:
    """Amount with at most 2 decimals, no thousands separator: 1234, -1234.50."""
    if cents >= 0:
        yen, sen = divmod(cents, 100)
        return str(yen) if sen == 0 else f"{yen}.{sen:02d}"
    yen, sen = divmod(-cents, 100)
    return f"-{yen}" if sen == 0 else f"-{yen}.{sen:02d}"


def flag(value: bool) -> str:
    return "true" if value else "false"


def yen(amount: float) -> int:
    """Whole yen, as cents."""
    return int(round(amount)) * 100


def round_down(cents: float, unit_yen: int) -> int:
    unit = unit_yen * 100
    return int(cents) // unit * unit
