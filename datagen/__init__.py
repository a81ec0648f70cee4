"""Deterministic sample landing files for the accounts-receivable warehouse.

    python -m datagen --out sample/landing --scale 1 --seed 20251101
"""

from .contract import OMITTED_COLUMNS, TABLE_COLUMNS, written_columns
from .generator import DEFAULT_SEED, generate
from .planted import PLANTED_VIOLATIONS

__all__ = ["DEFAULT_SEED", "OMITTED_COLUMNS", "PLANTED_VIOLATIONS", "TABLE_COLUMNS", "generate", "written_columns"]
