"""Dagster code location of the AR collection warehouse: see orchestration/definitions.py."""
