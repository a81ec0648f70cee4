"""The landing contract as the dbt manifest declares it, and the one reader of landing files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from landing.prepare import LANDING_FORMATS, ZENGIN_FOLDER, ZENGIN_TABLE, is_daily_file_of, table_files, zengin_files

# Every column as text, so a bad value is one row's problem, not the file's: the options of
# duckdb__landing_reader (macros/staging/read_landing.sql); a test compares them with the manifest.
CSV_OPTIONS = "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', null_padding = true"
EXTENSIONS = LANDING_FORMATS
Fingerprint = tuple[int, int]  # (modification time in ns, size in bytes)


@dataclass(frozen=True)
class LandingFile:
    """One landing file of the contract."""

    system: str
    table: str
    description: str
    is_required: bool
    required_columns: tuple[str, ...]

    @property
    def relative_stem(self) -> str:
        return f"{self.system}/{self.table}"

    def candidates(self, landing_dir: Path) -> list[Path]:
        return [landing_dir / f"{self.relative_stem}.{extension}" for extension in EXTENSIONS]

    def files(self, landing_dir: Path) -> list[Path]:
        """The files that landed, in file-name order: `<table>.csv` (or .parquet) and its daily files
        `<table>_YYYY-MM-DD.csv`, as dbt's read_landing and the preparation take them (dbt refuses
        .csv and .parquet files together)."""
        return table_files(landing_dir / self.system, self.table)


def _meta(node: Mapping[str, Any]) -> Mapping[str, Any]:
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


def landing_files(manifest: Mapping[str, Any]) -> list[LandingFile]:
    """Every landing file the dbt sources declare, in a stable order."""
    files = [
        LandingFile(
            system=source["source_name"],
            table=source["name"],
            description=source.get("description") or "",
            is_required=bool(_meta(source).get("required_file")),
            required_columns=tuple(name for name, column in source["columns"].items() if _meta(column).get("required")),
        )
        for source in manifest["sources"].values()
    ]
    return sorted(files, key=lambda landing_file: landing_file.relative_stem)


def landing_reader(paths: Sequence[Path]) -> str:
    """The DuckDB table function reading a table's landing files together as dbt does (by column name)."""
    files = ", ".join("'" + str(path).replace("'", "''") + "'" for path in paths)
    if all(path.suffix == ".parquet" for path in paths):
        return f"read_parquet([{files}], union_by_name = true)"
    return f"read_csv([{files}], {CSV_OPTIONS}, union_by_name = true)"


def count_rows(paths: Sequence[Path]) -> int:
    with duckdb.connect() as connection:
        row = connection.execute(f"select count(*) from {landing_reader(paths)}").fetchone()
    return int(row[0]) if row else 0


def file_version(paths: Sequence[Path]) -> str:
    """The version of a table's files: format, size and modification time of each, or `absent`."""
    if not paths:
        return "absent"
    versions = []
    for path in paths:
        stat = path.stat()
        versions.append(f"{path.suffix.lstrip('.')}-{stat.st_size}-{stat.st_mtime_ns}")
    return ",".join(versions)


def scan_landing(landing_dir: Path, files: Sequence[LandingFile]) -> dict[str, Fingerprint]:
    """The fingerprint of every landing file present, by path relative to the landing folder:
    each table's file and daily files, and the 全銀協 bank files (`bank/zengin/…`, deposits of
    bank/transactions)."""
    paths = [path for landing_file in files for path in landing_file.files(landing_dir)]
    paths += zengin_files(landing_dir)
    found = {}
    for path in paths:
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(landing_dir).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def settled(
    current: Mapping[str, Fingerprint], previous: Mapping[str, Fingerprint], settle_seconds: float, now_ns: int
) -> dict[str, Fingerprint]:
    """The state to act on: a file modified less than settle_seconds ago keeps its previous
    fingerprint (or stays unknown) until it has been left alone that long."""
    state = {}
    for path, fingerprint in current.items():
        if now_ns - fingerprint[0] >= settle_seconds * 1e9:
            state[path] = fingerprint
        elif path in previous:
            state[path] = previous[path]
    return state


def changed_paths(previous: Mapping[str, Fingerprint], current: Mapping[str, Fingerprint]) -> list[str]:
    return sorted(path for path in previous.keys() | current.keys() if previous.get(path) != current.get(path))


def stem_of_path(path: str) -> str:
    """`<system>/<table>` of a landing path: a daily file `<table>_YYYY-MM-DD.csv` belongs to its
    table, a 全銀協 file to bank/transactions."""
    if path.startswith(f"{ZENGIN_FOLDER}/"):
        return ZENGIN_TABLE
    stem = path.rsplit(".", 1)[0]
    daily = stem.rsplit("_", 1)[0]
    return daily if is_daily_file_of(Path(path), Path(daily).name) else stem
