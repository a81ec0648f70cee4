"""Running the real dbt project from tests: a DuckDB file, a landing folder, the as-of date."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "ar.duckdb"


def run_dbt(
    args: list[str],
    work_dir: Path,
    duckdb_path: Path,
    landing_dir: Path | None = None,
    as_of_date: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run dbt from the repository root into its own DuckDB file and target folder, so tests never
    touch the warehouse a developer built."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AR_")}
    env["AR_DUCKDB_PATH"] = str(duckdb_path)
    if landing_dir is not None:
        env["AR_LANDING_DIR"] = str(landing_dir)
    if as_of_date is not None:
        env["AR_AS_OF_DATE"] = as_of_date
    env.update(extra_env or {})
    command = [str(DBT), *args, "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800)


def query(duckdb_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    """A landing CSV as the contract's exports write it (UTF-8, LF; optionally with a BOM)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
