"""Writing the reports: read the models from the serving copy, render, replace the file atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.reports.data import read_monthly, read_quarterly, read_weekly
from orchestration.lib.reports.render import as_float, month_label, render_monthly, render_quarterly, render_weekly


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    period: str
    figures: Mapping[str, Any] = field(default_factory=dict)


def write_atomically(path: Path, text: str) -> Path:
    """Write beside the target and rename: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def _connect(serving_path: Path) -> duckdb.DuckDBPyConnection:
    # The serving copy is only ever replaced by a rename, never written in place: no lock to wait out.
    return duckdb.connect(os.fspath(serving_path), read_only=True)


def write_weekly_executive(serving_path: Path, out_dir: Path) -> WrittenReport:
    with _connect(serving_path) as connection:
        data = read_weekly(connection)
    path = write_atomically(out_dir / f"weekly_executive_{data.as_of.isoformat()}.html", render_weekly(data))
    return WrittenReport(path, data.as_of.isoformat(), {"open_ar": as_float(data.headline["open_ar_amount"]),
                                                        "dso_days": as_float(data.headline["dso_days"])})


def write_monthly_departments(serving_path: Path, out_dir: Path) -> WrittenReport:
    with _connect(serving_path) as connection:
        data = read_monthly(connection)
    label = month_label(data.month_start)
    path = write_atomically(out_dir / f"monthly_departments_{label}.html", render_monthly(data))
    return WrittenReport(path, label, {"teams": len(data.teams),
                                       "exceptions_opened": data.headline["exceptions_opened_count"]})


def write_quarterly_risk(serving_path: Path, out_dir: Path) -> WrittenReport:
    with _connect(serving_path) as connection:
        data = read_quarterly(connection)
    path = write_atomically(out_dir / f"quarterly_risk_{data.label}.html", render_quarterly(data))
    return WrittenReport(path, data.label, {"write_offs": as_float(data.headline["write_offs"]),
                                            "customers": len(data.risk_map)})
