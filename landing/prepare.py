"""The landing preparation: the files Japanese systems really export, made into the contract's shape.

`python -m landing prepare` reads the landing folder as the systems delivered it (AR_LANDING_DIR)
and writes one UTF-8 CSV per contract table into the prepared folder (AR_PREPARED_DIR), which is
what `make build` and Dagster point dbt at. A table's files are `<system>/<table>.csv` (or
.parquet) and its daily files `<system>/<table>_YYYY-MM-DD.csv`, read in file-name order (or the
files a mapping's `file:` pattern names). The originals are never changed. On the way:

- each CSV's encoding is detected (UTF-8 with or without BOM, UTF-16 with BOM, else CP932 as
  Windows decodes it) or forced (AR_LANDING_ENCODING, or `encoding:` in a mapping file);
- a company's own headers, codes, date and number formats are mapped onto the contract
  (landing/mapping.py);
- a line no CSV parser can split is kept as a row marked `malformed_line`, with its raw text and
  line number, and the lines around it are read as usual (landing/csv_text.py);
- 全銀協 bank files under `bank/zengin/` become rows of `bank/transactions` (landing/zengin.py).

Every prepared row names its original file and line (`_source_file`, `_source_line`), so the
quarantine points at the file as it landed; staging quarantines the marked rows like any other
(macros/staging/stage_landing.sql), and read = staged + rejected still holds. A Parquet file's
columns are written as text, as dbt reads them. A table whose inputs (and mapping) are unchanged since
the last preparation is not read again; one whose only change is new files after the last one (the next
daily file) gets their rows appended; one that did not land (or no longer lands) is written as its header alone.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import yaml

from landing.csv_text import LandingFileError, open_csv
from landing.mapping import (
    TableMapping,
    ValueConverter,
    contract_header,
    load_mappings,
    missing_columns_message,
    missing_required_columns,
)
from landing.zengin import read_zengin_files

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCES_GLOB = "models/staging/*/_*__sources.yml"
PROVENANCE_COLUMNS = ("_source_file", "_source_row", "_source_line", "_landing_rejection", "_raw_line")
MANIFEST_NAME = "preparation.json"
# Part of every table's fingerprint: a new version of the preparation rewrites every table.
PREPARATION_VERSION = 1
LANDING_FORMATS = ("csv", "parquet")
# A daily file: `<table>_YYYY-MM-DD.csv` (or .parquet), the date a real one; read after `<table>.csv`.
DAILY_DATE_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
ZENGIN_FOLDER = "bank/zengin"
ZENGIN_TABLE = "bank/transactions"
# Control characters other than tab and newlines are written as visible escapes: a NUL byte in a
# broken export must not reach a CSV reader downstream.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class LandingPreparationError(Exception):
    """What stops the preparation: every problem found, one per line."""


@dataclass(frozen=True)
class ContractTable:
    """One landing table of the contract (the source YAML of models/staging/<system>/)."""

    system: str
    table: str
    columns: tuple[str, ...]
    required_columns: tuple[str, ...]
    is_required_file: bool

    @property
    def name(self) -> str:
        return f"{self.system}/{self.table}"


@dataclass
class InputReport:
    """What was read from one landed file."""

    path: str
    size_bytes: int
    modified_ns: int
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    records_read: int = 0
    malformed_lines: int = 0
    rejected_records: int = 0


@dataclass
class TableReport:
    table: str
    output: str | None
    rows_written: int = 0
    reused: bool = False
    files_read: int = 0  # of inputs: every one when the table is prepared, none when it is reused
    inputs: list[InputReport] = field(default_factory=list)
    rows_kept: int = 0  # rows of the earlier preparation kept when only new files were appended
    output_bytes: int | None = None  # the prepared file's size when written, for the next append


@dataclass
class PreparationReport:
    landing_dir: str
    prepared_dir: str
    tables: list[TableReport]

    def summary_lines(self) -> list[str]:
        lines = []
        for table in self.tables:
            if not table.inputs:
                lines.append(f"{table.table:<28} did not land (header only)")
                continue
            malformed = sum(item.malformed_lines for item in table.inputs)
            encodings = ", ".join(sorted({item.encoding or item.format for item in table.inputs}))
            if table.reused:
                lines.append(f"{table.table:<28} unchanged, {len(table.inputs)} file(s) not read again [{encodings}]")
                continue
            extra = f", {malformed} malformed line(s)" if malformed else ""
            read = f"{table.rows_written:,} rows from {table.files_read} file(s) read"
            if table.rows_kept:
                read = (
                    f"{table.rows_written - table.rows_kept:,} rows from {table.files_read} new file(s) appended"
                    f" to {table.rows_kept:,} kept"
                )
            lines.append(f"{table.table:<28} {read} [{encodings}]{extra}")
        return lines


def contract_tables(repo_root: Path = REPO_ROOT) -> list[ContractTable]:
    """Every landing table the dbt sources declare, with its columns and required columns."""
    tables = []
    for path in sorted(repo_root.glob(SOURCES_GLOB)):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources", []):
            for table in source.get("tables", []):
                columns = table.get("columns", [])
                tables.append(
                    ContractTable(
                        system=source["name"],
                        table=table["name"],
                        columns=tuple(column["name"] for column in columns),
                        required_columns=tuple(column["name"] for column in columns if _meta(column).get("required")),
                        is_required_file=bool(_meta(table).get("required_file")),
                    )
                )
    return tables


def _meta(node: dict) -> dict:
    return (node.get("config") or {}).get("meta") or node.get("meta") or {}


def _clean(text: str) -> str:
    return _CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def is_daily_file_of(path: Path, table: str) -> bool:
    """`<table>_YYYY-MM-DD.csv` or `.parquet`, exactly, with a date that exists."""
    stem, _, extension = path.name.rpartition(".")
    if extension not in LANDING_FORMATS or not stem.startswith(f"{table}_"):
        return False
    day = stem.removeprefix(f"{table}_")
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
        return False
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def table_files(folder: Path, table: str) -> list[Path]:
    """A table's files in its system folder, in file-name order: `<table>.csv` (or .parquet) and
    every daily file `<table>_YYYY-MM-DD.csv` (or .parquet). Anything else (`<table>_backup.csv`,
    `<table>_20261201.csv`, an impossible date) is not the table's. The same set as
    duckdb__read_landing (macros/staging/read_landing.sql) and orchestration's reader."""
    found = [folder / f"{table}.{extension}" for extension in LANDING_FORMATS]
    for extension in LANDING_FORMATS:
        found.extend(
            path for path in folder.glob(f"{table}_{DAILY_DATE_GLOB}.{extension}") if is_daily_file_of(path, table)
        )
    return sorted(path for path in found if path.is_file())


def landed_files(landing_dir: Path, table: ContractTable, mapping: TableMapping | None) -> list[Path]:
    """The CSV or Parquet files that landed for a table, in file-name order: the mapping's file
    pattern, or `<system>/<table>.csv` / `.parquet` and its daily files (table_files). A table
    landing as both CSV and Parquet is an error."""
    folder = landing_dir / table.system
    if mapping is not None and mapping.file_pattern:
        return sorted(path for path in folder.glob(mapping.file_pattern) if path.is_file())
    found = table_files(folder, table.table)
    if len({path.suffix for path in found}) > 1:
        raise LandingPreparationError(
            f"Both .csv and .parquet files land for {folder / table.table}; keep one format: "
            + ", ".join(path.name for path in found)
        )
    return found


def zengin_files(landing_dir: Path) -> list[Path]:
    folder = landing_dir / ZENGIN_FOLDER
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.name.startswith("."))


def describe_input(path: Path, file_format: str) -> InputReport:
    stat = path.stat()
    return InputReport(path=str(path), size_bytes=stat.st_size, modified_ns=stat.st_mtime_ns, format=file_format)


class PreparedTableWriter:
    """The prepared CSV of one table: contract columns, then provenance; written to a temporary
    file and moved into place when complete, so dbt never reads half a file."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path = path
        self.columns = tuple(columns)
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._partial: Path | None = path.with_name(f".{path.name}.partial")
        self._file = self._partial.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow([*self.columns, *PROVENANCE_COLUMNS])

    @classmethod
    def appending(cls, path: Path, columns: Sequence[str], rows: int) -> PreparedTableWriter:
        """More rows at the end of a prepared file of `rows` rows, numbered on from them. An append that
        was interrupted leaves the file longer than the manifest records, so the next preparation
        writes the table whole (Preparation._kept_inputs) and never repeats a row."""
        writer = cls.__new__(cls)
        writer.path, writer.columns, writer.rows, writer._partial = path, tuple(columns), rows, None
        writer._file = path.open("a", encoding="utf-8", newline="")
        writer._writer = csv.writer(writer._file, lineterminator="\n")
        return writer

    def write(
        self,
        values: Sequence[str | None],
        source_file: str,
        source_line: int | None,
        rejection: str | None = None,
        raw_text: str | None = None,
    ) -> None:
        self.rows += 1
        self._writer.writerow(
            [
                *(_clean(value) if value else "" for value in values),
                source_file,
                self.rows,
                "" if source_line is None else source_line,
                rejection or "",
                _clean(raw_text) if raw_text else "",
            ]
        )

    def commit(self) -> None:
        self._file.close()
        if self._partial is not None:
            os.replace(self._partial, self.path)

    def abandon(self) -> None:
        self._file.close()
        if self._partial is not None:
            self._partial.unlink(missing_ok=True)


def copy_csv_records(
    writer: PreparedTableWriter,
    path: Path,
    table: ContractTable,
    mapping: TableMapping | None,
    forced_encoding: str | None,
) -> InputReport:
    """One landed CSV into the prepared table: decoded, mapped, malformed lines marked."""
    report = describe_input(path, "csv")
    csv_file = open_csv(
        path,
        encoding=forced_encoding or (mapping.encoding if mapping else None),
        delimiter=mapping.delimiter if mapping else None,
    )
    header = contract_header(csv_file.header, mapping)
    missing = missing_required_columns(header, table.required_columns)
    if missing:
        raise LandingPreparationError(missing_columns_message(path, missing, csv_file.header, mapping))
    report.encoding, report.delimiter = csv_file.encoding, csv_file.delimiter
    converter = ValueConverter(mapping, header)
    positions = [header.index(column) if column in header else None for column in table.columns]
    empty: list[str | None] = [None] * len(table.columns)
    for record in csv_file.records:
        report.records_read += 1
        if record.fields is None:
            report.malformed_lines += 1
            writer.write(empty, str(path), record.line_number, "malformed_line", record.raw_text)
            continue
        fields = converter.convert(record.fields)
        writer.write(
            [fields[position] if position is not None else None for position in positions],
            str(path),
            record.line_number,
        )
    return report


def copy_parquet_records(writer: PreparedTableWriter, path: Path, table: ContractTable) -> InputReport:
    """A landed Parquet file into the prepared table: every contract column it has, as text, the
    way dbt reads a Parquet file that did not go through the preparation."""
    report = describe_input(path, "parquet")
    with duckdb.connect() as connection:
        reader = "read_parquet(?)"
        present = {
            name.strip().lower(): name
            for (name, *_) in connection.execute(f"describe select * from {reader}", [str(path)]).fetchall()
        }
        projections = [
            f'cast("{present[column]}" as varchar)' if column in present else "null" for column in table.columns
        ]
        result = connection.execute(f"select {', '.join(projections)} from {reader}", [str(path)])
        while batch := result.fetchmany(10_000):
            for values in batch:
                report.records_read += 1
                writer.write(values, str(path), None)  # a Parquet row has no line
    return report


def copy_zengin_records(writer: PreparedTableWriter, paths: Sequence[Path], table: ContractTable) -> list[InputReport]:
    """全銀協 data records as rows of bank/transactions; a broken group arrives marked with its reason."""
    reports = {str(path): describe_input(path, "zengin") for path in paths}
    for row in read_zengin_files(paths):
        report = reports[row.source_file]
        report.records_read += 1
        report.malformed_lines += row.rejection == "malformed_line"
        report.rejected_records += row.rejection is not None
        writer.write(
            [row.values.get(column) for column in table.columns],
            row.source_file,
            row.record_number,
            row.rejection,
            row.raw_text if row.rejection else None,
        )
    return list(reports.values())


def input_fingerprint(inputs: Iterable[InputReport]) -> list[tuple[str, int, int]]:
    return [(item.path, item.size_bytes, item.modified_ns) for item in inputs]


def mapping_fingerprint(mapping: TableMapping | None) -> list[tuple[str, int, int]]:
    if mapping is None:
        return []
    stat = mapping.defined_in.stat()
    return [(str(mapping.defined_in), stat.st_size, stat.st_mtime_ns)]


class Preparation:
    """One preparation run from a landing folder into a prepared folder."""

    def __init__(
        self, landing_dir: Path, prepared_dir: Path, forced_encoding: str | None = None, repo_root: Path = REPO_ROOT
    ) -> None:
        if landing_dir.resolve() == prepared_dir.resolve():
            raise LandingPreparationError(f"The prepared folder must not be the landing folder ({landing_dir}).")
        self.landing_dir = landing_dir
        self.prepared_dir = prepared_dir
        self.forced_encoding = forced_encoding
        self.tables = contract_tables(repo_root)
        self.mappings = load_mappings(landing_dir)
        self.previous = self._previous_tables()

    def _previous_tables(self) -> dict[str, dict]:
        """The last preparation's manifest entry of each table."""
        path = self.prepared_dir / MANIFEST_NAME
        if not path.is_file():
            return {}
        recorded = json.loads(path.read_text(encoding="utf-8"))
        return {table["table"]: table for table in recorded.get("tables", [])}

    def run(self, only: Iterable[str] | None = None, workers: int = 1) -> PreparationReport:
        """Prepare every table (or the `only` ones), `workers` tables at a time; raise one
        LandingPreparationError listing every problem."""
        wanted = set(only) if only is not None else None
        unknown = set(self.mappings) - {table.name for table in self.tables}
        problems = [f"A mapping names {name}, which is no landing table of the contract." for name in sorted(unknown)]
        selected = [table for table in self.tables if wanted is None or table.name in wanted]
        reports = []
        for outcome in self._prepare_tables(selected, workers):
            if isinstance(outcome, str):
                problems.append(outcome)
            else:
                reports.append(outcome)
        if problems:
            raise LandingPreparationError("\n".join(problems))
        report = PreparationReport(str(self.landing_dir), str(self.prepared_dir), reports)
        self._write_manifest(report, replace_all=wanted is None)
        return report

    def _prepare_tables(self, tables: list[ContractTable], workers: int) -> list[TableReport | str]:
        """Each table's report, or its problem, in the contract's order. With several workers the tables
        are prepared in separate processes, the largest landed files first, so the longest table does
        not start last; each table is one output file written by one process."""
        workers = max(1, min(workers, len(tables)))
        if workers == 1:
            return [self._prepare_or_problem(table) for table in tables]
        by_size = sorted(tables, key=self._landed_bytes, reverse=True)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {table.name: pool.submit(self._prepare_or_problem, table) for table in by_size}
            return [futures[table.name].result() for table in tables]

    def _prepare_or_problem(self, table: ContractTable) -> TableReport | str:
        try:
            return self.prepare_table(table)
        except (LandingPreparationError, LandingFileError) as error:
            return str(error)

    def _landed_bytes(self, table: ContractTable) -> int:
        try:
            paths = landed_files(self.landing_dir, table, self.mappings.get(table.name))
        except LandingPreparationError:
            return 0  # reported when the table is prepared
        if table.name == ZENGIN_TABLE:
            paths += zengin_files(self.landing_dir)
        return sum(path.stat().st_size for path in paths)

    def prepare_table(self, table: ContractTable) -> TableReport:
        mapping = self.mappings.get(table.name)
        sources = landed_files(self.landing_dir, table, mapping)
        zengin = zengin_files(self.landing_dir) if table.name == ZENGIN_TABLE else []
        if not sources and not zengin:
            if table.is_required_file:
                raise LandingPreparationError(
                    f"Required landing file missing: {self.landing_dir / table.system / table.table}.csv (or .parquet)."
                )
            return self._write_empty(table)
        return self._write_csv(table, mapping, sources, zengin)

    def _write_empty(self, table: ContractTable) -> TableReport:
        """An optional table that did not land: its header alone, so every engine finds a file
        (DuckDB reads no file and a header-only file alike; Spark needs one to read)."""
        output = self.prepared_dir / table.system / f"{table.table}.csv"
        writer = PreparedTableWriter(output, table.columns)
        writer.commit()
        return TableReport(table=table.name, output=str(output))

    def _write_csv(
        self, table: ContractTable, mapping: TableMapping | None, sources: list[Path], zengin: list[Path]
    ) -> TableReport:
        output = self.prepared_dir / table.system / f"{table.table}.csv"
        fingerprint = self._fingerprint(table, sources + zengin, mapping)
        previous = self.previous.get(table.name) or {}
        if output.is_file() and previous.get("fingerprint") == fingerprint:
            return TableReport(
                table=table.name,
                output=str(output),
                reused=True,
                inputs=[InputReport(**item) for item in previous.get("inputs", [])],
                rows_written=previous.get("rows_written", 0),
                output_bytes=previous.get("output_bytes"),
            )
        kept = [] if zengin else self._kept_inputs(output, previous, fingerprint)
        new_sources = sources[len(kept) :]
        if kept:
            writer = PreparedTableWriter.appending(output, table.columns, previous["rows_written"])
        else:
            output.with_suffix(".parquet").unlink(missing_ok=True)  # left by an older preparation
            writer = PreparedTableWriter(output, table.columns)
        try:
            inputs = [
                copy_parquet_records(writer, path, table)
                if path.suffix == ".parquet"
                else copy_csv_records(writer, path, table, mapping, self.forced_encoding)
                for path in new_sources
            ]
            if zengin:
                inputs.extend(copy_zengin_records(writer, zengin, table))
        except BaseException:
            writer.abandon()
            raise
        writer.commit()
        return TableReport(
            table=table.name,
            output=str(output),
            rows_written=writer.rows,
            files_read=len(inputs),
            inputs=kept + inputs,
            rows_kept=previous["rows_written"] if kept else 0,
            output_bytes=output.stat().st_size,
        )

    def _kept_inputs(self, output: Path, previous: dict, fingerprint: list) -> list[InputReport]:
        """The inputs of the last preparation when this one only adds files after them (a new daily
        file): the same code, contract, mapping and encoding, the earlier files unchanged and the
        prepared file as it was written. Otherwise none, and the table is prepared whole."""
        before = previous.get("fingerprint")
        if not (before and output.is_file() and previous.get("output_bytes") == output.stat().st_size):
            return []
        inputs_before, inputs_now = before[2], fingerprint[2]  # _fingerprint: [version, columns, inputs, …]
        if before[:2] + before[3:] != fingerprint[:2] + fingerprint[3:] or len(inputs_now) <= len(inputs_before):
            return []
        if inputs_now[: len(inputs_before)] != inputs_before:
            return []
        return [InputReport(**item) for item in previous.get("inputs", [])]

    def _fingerprint(self, table: ContractTable, paths: Sequence[Path], mapping: TableMapping | None) -> list:
        """What a prepared table was made from: its inputs' paths, sizes and modification times,
        the mapping file's, the forced encoding, the contract's columns and this code's version."""
        inputs = input_fingerprint(describe_input(path, "") for path in paths)
        made_from = [
            PREPARATION_VERSION,
            list(table.columns),
            inputs,
            mapping_fingerprint(mapping),
            self.forced_encoding,
        ]
        return json.loads(json.dumps(made_from))

    def _write_manifest(self, report: PreparationReport, replace_all: bool) -> None:
        path = self.prepared_dir / MANIFEST_NAME
        tables = (
            {}
            if replace_all or not path.is_file()
            else {table["table"]: table for table in json.loads(path.read_text(encoding="utf-8")).get("tables", [])}
        )
        contract = {table.name: table for table in self.tables}
        for table in report.tables:
            entry = asdict(table)
            entry["fingerprint"] = self._fingerprint(
                contract[table.table], [Path(item.path) for item in table.inputs], self.mappings.get(table.table)
            )
            tables[table.table] = entry
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "landing_dir": report.landing_dir,
            "prepared_dir": report.prepared_dir,
            "tables": [tables[name] for name in sorted(tables)],
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def prepare(
    landing_dir: Path,
    prepared_dir: Path,
    forced_encoding: str | None = None,
    only: Iterable[str] | None = None,
    workers: int = 1,
) -> PreparationReport:
    """Prepare a landing folder for dbt (see the module docstring), `workers` tables at a time."""
    return Preparation(landing_dir, prepared_dir, forced_encoding).run(only, workers)


def prepared_rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a prepared CSV, for tests and tools."""
    with path.open(encoding="utf-8", newline="") as file:
        yield from csv.DictReader(file)
