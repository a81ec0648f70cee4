"""Streaming writers for the landing files (CSV, and parquet for one table)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .contract import BOM_TABLES, PARQUET_TABLES, written_columns


class _CsvRows:
    """Rows in the landing CSV dialect, counted, into an open text stream."""

    def __init__(self, table: str, stream: IO[str]) -> None:
        self.table = table
        self._writer = csv.writer(stream, lineterminator="\n")
        self.rows = 0

    def write(self, row: list[str]) -> None:
        self._writer.writerow(row)
        self.rows += 1

    def write_rows(self, rows: list[list[str]]) -> None:
        self._writer.writerows(rows)
        self.rows += len(rows)


class CsvTable(_CsvRows):
    """One landing CSV, written row by row as the simulation produces it."""

    def __init__(self, out_dir: Path, table: str) -> None:
        self.columns = written_columns(table)
        self.path = out_dir / f"{table}.csv"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        encoding = "utf-8-sig" if table in BOM_TABLES else "utf-8"
        self._file: IO[str] = open(self.path, "w", encoding=encoding, newline="")
        super().__init__(table, self._file)
        self._writer.writerow(self.columns)

    def write_text(self, text: str, rows: int) -> None:
        """Append rows already formatted by a writer of the same dialect (MemoryTable)."""
        self._file.write(text)
        self.rows += rows

    def close(self) -> None:
        self._file.close()


class MemoryTable(_CsvRows):
    """Rows formatted as the landing CSV would hold them, kept in memory (no header, no BOM)."""

    def __init__(self, table: str) -> None:
        self._buffer = io.StringIO()
        super().__init__(table, self._buffer)

    def text(self) -> str:
        return self._buffer.getvalue()

    def close(self) -> None:
        pass


class ParquetTable:
    """A table collected in memory (it is small) and written as parquet at the end."""

    def __init__(self, out_dir: Path, table: str) -> None:
        self.table = table
        self.columns = written_columns(table)
        self.path = out_dir / f"{table}.parquet"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._rows: list[list[str]] = []
        self.rows = 0

    def write(self, row: list[str]) -> None:
        self._rows.append(row)
        self.rows += 1

    def write_rows(self, rows: list[list[str]]) -> None:
        self._rows += rows
        self.rows += len(rows)

    def close(self) -> None:
        write_parquet(self.path, self.columns, self._rows)


def write_parquet(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    """All columns as strings; an empty value becomes a null, as in the CSV files."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pyarrow absent: duckdb (a project dependency) writes the file
        _write_parquet_duckdb(path, columns, rows)
        return
    arrays = [pa.array([r[i] or None for r in rows], type=pa.string()) for i in range(len(columns))]
    table = pa.Table.from_arrays(arrays, names=columns)
    pq.write_table(table, path, compression="snappy")


def _write_parquet_duckdb(path: Path, columns: list[str], rows: Iterable[list[str]]) -> None:
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "rows.csv"
        with open(staging, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            w.writerows(rows)
        con = duckdb.connect()
        try:
            # One thread and insertion order kept, so the same rows give the same bytes.
            con.execute("SET threads = 1")
            con.execute("SET preserve_insertion_order = true")
            types = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
            target = str(path).replace("'", "''")
            source = str(staging).replace("'", "''")
            con.execute(
                f"COPY (SELECT * FROM read_csv('{source}', header = true, columns = {{{types}}})) "
                f"TO '{target}' (FORMAT parquet, COMPRESSION snappy)"
            )
        finally:
            con.close()


Table = CsvTable | ParquetTable


def open_table(out_dir: Path, table: str) -> Table:
    # A stale copy in the other format would be read as well: the generator owns both names.
    other = out_dir / f"{table}.{'csv' if table in PARQUET_TABLES else 'parquet'}"
    if other.is_file():
        other.unlink()
    if table in PARQUET_TABLES:
        return ParquetTable(out_dir, table)
    return CsvTable(out_dir, table)
