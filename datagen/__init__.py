"""Deterministic sample landing files for the accounts-receivable warehouse.

python -m datagen --out sample/landing --scale 1 --seed 20251101 [--bank-format zengin]
"""

from .contract import OMITTED_COLUMNS, TABLE_COLUMNS, written_columns
from .generator import DEFAULT_SEED, generate
from .planted import PLANTED_VIOLATIONS, planted_violations
from .world import BANK_FORMATS

__all__ = [
    "BANK_FORMATS",
    "DEFAULT_SEED",
    "OMITTED_COLUMNS",
    "PLANTED_VIOLATIONS",
    "TABLE_COLUMNS",
    "generate",
    "planted_violations",
    "written_columns",
]
