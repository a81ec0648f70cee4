"""What orchestration/reports.py imports from here until it moves to orchestration/defs/reports."""

from orchestration.defs.dbt.translator import owner_of_group

__all__ = ["owner_of_group"]
