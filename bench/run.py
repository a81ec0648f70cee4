"""make bench: the warehouse built from generated data at several scales (BENCH_SCALES, default "1 10 100";
"1 100 1400" is the ten-million-invoice run), each on a fresh warehouse file and fresh target and log folders.

Per scale, in this order:
  generate         python -m datagen --scale S into <work>/scale_S/landing
  (split)          the rows of the last day of the append-only, dated tables move out of <table>.csv into
                   the day's <system>/<table>_<YYYY-MM-DD>.csv, kept aside in <work>/scale_S/delivery
  prepare          python -m landing prepare, as make build runs it
  full build       dbt build: every model, data test and unit test
  daily delivery   the day's files put into the landing folder, prepare again, dbt build again as the daily run
                   (no --full-refresh; AR_TEST_SCOPE=recent, unit tests excluded)
  raw pass         bench/raw_pass.sql, one DuckDB query over the same landing files (customer × month AR parts),
                   on a fresh in-memory connection with the dbt profile's thread count, in a child process

It prints a line when each phase starts and ends, a heartbeat at most every 15 s (dbt's nodes done / total;
--verbose streams dbt's own lines instead), a table per scale, the ratios between scales, and writes
bench/results.md. Peak memory is the peak resident set of each child process (the dbt process does the work,
DuckDB's threads included), taken from the kernel when it ends (wait4), so each figure is that build's own.

Figures are ratios within one run (same machine, same moment); a machine shared with other work gives slower
and noisier seconds, which --note records in results.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from datagen.calendar import PERIOD_END  # noqa: E402  (the repository root is on the path only now)

BIN = Path(sys.executable).parent
RAW_PASS_SQL = Path(__file__).resolve().parent / "raw_pass.sql"
RESULTS_PATH = Path(__file__).resolve().parent / "results.md"
README_PATH = REPO_ROOT / "README.md"
README_START = "<!-- bench:results -->"
README_END = "<!-- /bench:results -->"
HEARTBEAT_SECONDS = 15.0
# The daily run as a company schedules it: row-level tests on recent rows (tie-outs stay complete) and no
# unit tests, which test the code and run with every change to it and in the weekly full build.
DAILY_RUN_ENV = {"AR_TEST_SCOPE": "recent"}
DAILY_RUN_ARGS = ["--exclude-resource-type", "unit_test"]
# The generator's last day: AR_RUN_DATE for every build, so the as-of date is the data's own
# (the latest invoice or bank date not after it) and not today's.
RUN_DATE = PERIOD_END.isoformat()
# The append-only tables that arrive day by day, with their business date (macros/staging/landing_tables.sql).
DATED_TABLES: tuple[tuple[str, str, str], ...] = (
    ("billing", "invoices", "invoice_date"),
    ("bank", "transactions", "value_date"),
    ("accounting", "journal_lines", "posting_date"),
    ("accounting", "cash_applications", "applied_date"),
    ("crm", "activities", "activity_at"),
    ("crm", "tasks", "created_at"),
)
ROW_COUNTS = {
    "invoices": "staging.stg_billing__invoices",
    "journal lines": "staging.stg_accounting__journal_lines",
    "cash applications": "staging.stg_accounting__cash_applications",
    "bank transactions": "staging.stg_bank__transactions",
    "ledger events": "marts.fct_receivable_events",
}
DBT_RESULT = re.compile(r"^\S+\s+(\d+) of (\d+) (?!START\b)([A-Z-]+)\b")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Running a child process: its output to a file, a heartbeat, its own peak RSS
# ---------------------------------------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    peak_rss_mib: float
    output_tail: list[str] = field(default_factory=list)


@dataclass
class DbtProgress:
    """Nodes finished so far, read from dbt's console lines (`12 of 964 OK created …`)."""

    done: int = 0
    total: int = 0
    last: str = ""

    def read(self, line: str) -> None:
        match = DBT_RESULT.match(ANSI.sub("", line))
        if match:
            self.done += 1
            self.total = int(match.group(2))
            described = ANSI.sub("", line).split(match.group(3), 1)[1]
            self.last = re.sub(r"\s*(\.{2,}.*|\[.*)$", "", described).strip()

    def describe(self) -> str:
        if not self.total:
            return "parsing"
        return f"{self.done}/{self.total} nodes done (last: {self.last})"


def run_measured(
    label: str,
    command: Sequence[str],
    env: dict[str, str],
    output_path: Path,
    verbose: bool,
    progress: DbtProgress | None = None,
    accepted_exit_codes: tuple[int, ...] = (0,),
) -> Measured:
    """Run command, its stdout and stderr to output_path (and to the console with --verbose); a heartbeat
    every HEARTBEAT_SECONDS otherwise. The peak RSS is the child's own, from wait4 when it ends (Linux
    reports it in KiB): the high-water mark of that process, as /proc/<pid>/status VmHWM shows it."""
    log(f"{label} started")
    started = time.perf_counter()
    tail: deque[str] = deque(maxlen=60)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with output_path.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            list(command),
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert process.stdout is not None
        stream = process.stdout

        def read_output() -> None:
            for line in stream:
                output.write(line)
                tail.append(line)
                if progress is not None:
                    progress.read(line)
                if verbose:
                    print(line, end="", flush=True)

        reader = threading.Thread(target=read_output, daemon=True)
        reader.start()
        while reader.is_alive():
            reader.join(timeout=HEARTBEAT_SECONDS)
            if reader.is_alive() and not verbose:
                state = progress.describe() if progress is not None else "running"
                log(f"  {label}: {state}, {time.perf_counter() - started:.0f} s")
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode not in accepted_exit_codes:
        sys.stderr.write("".join(tail))
        raise SystemExit(f"{label} failed (exit {process.returncode}); its output is in {output_path}")
    log(f"{label} done in {seconds:.1f} s (peak RSS {usage.ru_maxrss / 1024:,.0f} MiB)")
    return Measured(seconds, usage.ru_maxrss / 1024, list(tail))


# ---------------------------------------------------------------------------------------------
# The daily delivery: the last day's rows of the dated tables as <table>_<YYYY-MM-DD>.csv
# ---------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """The codec that writes the file back as it was: its BOM, else UTF-8, else CP932."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason != "unexpected end of data":  # not a character cut at the end of the sample read
            return "cp932"
    return "utf-8"


class RecordLines:
    """The raw text of each CSV record of a file read line by line (newline=""): a record whose quotes do
    not balance yet goes on over the next line (RFC 4180 doubles a quote inside a field, so parity tells),
    up to MAX_RECORD_LINES; past that the quote never closes and each line stands alone, as the landing
    preparation treats a malformed line."""

    MAX_RECORD_LINES = 100

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines

    def __iter__(self) -> Iterator[tuple[list[str] | None, str]]:
        pending: list[str] = []
        quotes = 0
        for line in self.lines:
            if not pending and '"' not in line:
                yield line.rstrip("\r\n").split(","), line
                continue
            pending.append(line)
            quotes += line.count('"')
            if quotes % 2 == 0:
                raw = "".join(pending)
                yield next(csv.reader(io.StringIO(raw, newline="")), []), raw
                pending, quotes = [], 0
            elif len(pending) >= self.MAX_RECORD_LINES:
                for stray in pending:
                    yield None, stray
                pending, quotes = [], 0
        for stray in pending:
            yield None, stray


def row_day(fields: list[str] | None, position: int) -> str | None:
    if fields is None or position >= len(fields):
        return None
    value = fields[position].strip()
    return value[:10] if ISO_DAY.match(value) else None


def delivery_day(landing: Path) -> str:
    """The day the delivery is of: the latest invoice date not after the run date (the last day
    business happened; the warehouse's as-of default anchors on it)."""
    path = landing / "billing" / "invoices.csv"
    with duckdb.connect() as connection:
        (day,) = connection.execute(
            "select max(try_cast(left(invoice_date, 10) as date)) from read_csv(?, header = true, "
            "all_varchar = true, null_padding = true, ignore_errors = true) "
            "where try_cast(left(invoice_date, 10) as date) <= cast(? as date)",
            [str(path), RUN_DATE],
        ).fetchall()[0]
    if day is None:
        raise SystemExit(f"{path} has no invoice dated on or before {RUN_DATE}")
    return day.isoformat()


def split_daily_delivery(landing: Path, delivery: Path, day: str) -> dict[str, int]:
    """Move every row dated from `day` to the run date out of each dated table's <table>.csv into
    <delivery>/<system>/<table>_<its date>.csv (same header, same encoding and BOM, each row's bytes as
    they were); rows with another date, no date or after the run date stay. Returns rows moved per table."""
    moved: dict[str, int] = {}
    for system, table, date_column in DATED_TABLES:
        path = landing / system / f"{table}.csv"
        if not path.is_file():
            continue
        with path.open("rb") as probe:
            encoding = detect_encoding(probe.read(1 << 20))
        partial = path.with_name(f".{path.name}.partial")
        day_files: dict[str, IO[str]] = {}
        count = 0
        with (
            path.open(encoding=encoding, newline="") as source,
            partial.open("w", encoding=encoding, newline="") as kept,
        ):
            header = source.readline()
            kept.write(header)
            columns = [name.strip() for name in next(csv.reader([header]))]
            position = columns.index(date_column)
            last = header
            for fields, raw in RecordLines(source):
                row_date = row_day(fields, position)
                if row_date is not None and day <= row_date <= RUN_DATE:
                    if row_date not in day_files:
                        target = delivery / system / f"{table}_{row_date}.csv"
                        target.parent.mkdir(parents=True, exist_ok=True)
                        day_files[row_date] = target.open("w", encoding=encoding, newline="")
                        day_files[row_date].write(header)
                    day_files[row_date].write(raw if raw.endswith(("\n", "\r")) else raw + "\n")
                    count += 1
                else:
                    kept.write(raw)
                    last = raw
            if not last.endswith(("\n", "\r")):
                kept.write("\n")
        for handle in day_files.values():
            handle.close()
        os.replace(partial, path)
        if count:
            moved[f"{system}/{table}"] = count
    return moved


def hold_back_note_states(landing: Path, delivery: Path, day: str) -> int:
    """accounting/notes_receivable is a state table, exported whole each day, and already knows the
    delivered day: notes received on it, and notes settled on it by a bank transaction that is part of
    the delivery. The landing folder gets the table as it stood the day before (those notes removed, or
    back to `held` with no settlement), and the delivery carries today's file, which replaces it; without
    this the day-before build would quarantine the settlement (its bank transaction has not arrived) and
    fail the GL tie-out. Returns the rows changed."""
    path = landing / "accounting" / "notes_receivable.csv"
    if not path.is_file():
        return 0
    target = delivery / "accounting" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    with path.open("rb") as probe:
        encoding = detect_encoding(probe.read(1 << 20))
    partial = path.with_name(f".{path.name}.partial")
    changed = 0
    with path.open(encoding=encoding, newline="") as source, partial.open("w", encoding=encoding, newline="") as kept:
        header = source.readline()
        kept.write(header)
        columns = [name.strip() for name in next(csv.reader([header]))]
        received, settled = columns.index("received_date"), columns.index("settled_date")
        cleared = [columns.index(name) for name in ("settled_date", "bank_transaction_id", "discount_fee")]
        status = columns.index("status")
        writer = csv.writer(kept, lineterminator="\r\n" if header.endswith("\r\n") else "\n")
        for fields, raw in RecordLines(source):
            received_on, settled_on = row_day(fields, received), row_day(fields, settled)
            if fields is None or not ((received_on and received_on >= day) or (settled_on and settled_on >= day)):
                kept.write(raw)
                continue
            changed += 1
            if received_on and received_on >= day:
                continue
            fields[status] = "held"
            for position in cleared:
                fields[position] = ""
            writer.writerow(fields)
    os.replace(partial, path)
    return changed


def deliver(delivery: Path, landing: Path) -> list[Path]:
    """The day's files into the landing folder, beside their tables (a state table's file replaces it)."""
    delivered = []
    for path in sorted(delivery.rglob("*.csv")):
        target = landing / path.relative_to(delivery)
        shutil.move(path, target)
        delivered.append(target)
    return delivered


# ---------------------------------------------------------------------------------------------
# The raw single pass (run in a child process: python bench/run.py --raw-pass LANDING)
# ---------------------------------------------------------------------------------------------


def profile_threads() -> int:
    """The thread count of the duckdb output in profiles.yml (the raw pass uses the same)."""
    profile = yaml.safe_load((REPO_ROOT / "profiles.yml").read_text(encoding="utf-8"))
    return int(profile["ar_warehouse"]["outputs"]["duckdb"]["threads"])


def raw_pass(landing: Path, threads: int) -> dict[str, object]:
    """bench/raw_pass.sql on a fresh in-memory connection; its result stored as a table, as a build stores
    its models. The seconds are the query's (connection to stored result), without Python's start-up."""
    sql = RAW_PASS_SQL.read_text(encoding="utf-8")
    started = time.perf_counter()
    connection = duckdb.connect(config={"threads": threads})
    connection.execute(
        f"create table raw_ar_monthly as {sql}", {"landing_dir": str(landing.resolve()), "run_date": RUN_DATE}
    )
    seconds = time.perf_counter() - started
    rows, months, as_of_date, ending_ar = connection.execute(
        "select count(*), count(distinct month_start), max(as_of_date), "
        "sum(case when month_start = (select max(month_start) from raw_ar_monthly) then ending_ar end) "
        "from raw_ar_monthly"
    ).fetchall()[0]
    connection.close()
    return {
        "seconds": seconds,
        "rows": rows,
        "months": months,
        "as_of_date": str(as_of_date),
        "ending_ar": float(ending_ar or 0),
    }


# ---------------------------------------------------------------------------------------------
# One scale
# ---------------------------------------------------------------------------------------------


@dataclass
class ScaleResult:
    scale: float
    rows: dict[str, int | None]
    delivery_day: str
    moved: dict[str, int]
    invoices_staged_before: int | None
    invoices_staged_after: int | None
    as_of_before: str
    as_of_after: str
    generate: Measured
    prepare: Measured
    full_build: Measured
    daily_prepare: Measured
    daily_build: Measured
    raw: Measured
    raw_seconds: float
    raw_ending_ar: float
    raw_as_of: str
    raw_rows: int
    warehouse_ending_ar: float
    duckdb_mib_full: float
    duckdb_mib_after: float
    slowest_models: list[tuple[str, float]]
    slowest_tests: list[tuple[str, float]]
    load_average: tuple[float, float, float]
    full_outcome: DbtOutcome
    daily_outcome: DbtOutcome

    @property
    def full_seconds(self) -> float:
        return self.prepare.seconds + self.full_build.seconds

    @property
    def daily_seconds(self) -> float:
        return self.daily_prepare.seconds + self.daily_build.seconds


def duckdb_mib(path: Path) -> float:
    wal = path.with_name(path.name + ".wal")
    return sum(item.stat().st_size for item in (path, wal) if item.is_file()) / 2**20


def query_one(database: Path, sql: str) -> Any:
    """The first value of a query's first row; None when a table it reads was not built."""
    with duckdb.connect(str(database), read_only=True) as connection:
        try:
            return connection.execute(sql).fetchall()[0][0]
        except duckdb.CatalogException:
            return None


def count_rows(database: Path, table: str) -> int | None:
    count = query_one(database, f"select count(*) from {table}")
    return None if count is None else int(count)


def thousands(count: int | None) -> str:
    return "–" if count is None else f"{count:,}"


def slowest(run_results: Path, prefixes: tuple[str, ...], count: int = 10) -> list[tuple[str, float]]:
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    timed = [
        (
            result["unique_id"].split(".", 2)[-1]
            if result["unique_id"].startswith("unit_test.")
            else result["unique_id"].split(".")[2],
            float(result["execution_time"]),
        )
        for result in results
        if result["unique_id"].startswith(prefixes)
    ]
    return sorted(timed, key=lambda item: -item[1])[:count]


@dataclass
class DbtOutcome:
    """What a build ended with: dbt's closing summary, the tests that failed or erred, and the models,
    seeds or snapshots that erred (with dbt's first line of why) or were skipped."""

    summary: str
    failed_tests: list[str]
    erred_nodes: list[str]
    skipped_nodes: int

    @property
    def complete(self) -> bool:
        return not self.erred_nodes and not self.skipped_nodes

    def incompleteness(self) -> str:
        """What the build's time leaves out, for a table cell: empty when every node built."""
        if self.complete:
            return ""
        return f" ({len(self.erred_nodes)} erred, {self.skipped_nodes} skipped)"


def dbt_outcome(measured: Measured, run_results: Path, label: str) -> DbtOutcome:
    """A failing data test does not spoil the timing (every node still ran). A model, seed or snapshot that
    erred or was skipped does: the build is not the whole build. The bench records that, with the error,
    and goes on, so the figures of a scale that does not fit the machine are still measured and marked."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    nodes = [result for result in results if not result["unique_id"].startswith(("test.", "unit_test."))]
    erred = [
        f"{result['unique_id'].split('.')[-1]}: {(result.get('message') or '').strip().splitlines()[0][:160]}"
        for result in nodes
        if result["status"] == "error"
    ]
    skipped = sum(1 for result in nodes if result["status"] == "skipped")
    if erred or skipped:
        log(f"{label}: {len(erred)} node(s) erred and {skipped} were skipped; the bench goes on: " + "; ".join(erred))
    failed = [
        result["unique_id"].split(".", 2)[-1]
        for result in results
        if result["unique_id"].startswith(("test.", "unit_test.")) and result["status"] in ("fail", "error")
    ]
    summary = next(
        (ANSI.sub("", line).split("Done. ", 1)[1].strip() for line in measured.output_tail if "Done. PASS=" in line),
        "",
    )
    if failed:
        log(f"{label}: {len(failed)} test(s) failed, the timing stands: {', '.join(failed)}")
    return DbtOutcome(summary, failed, erred, skipped)


def run_scale(scale: float, work_root: Path, verbose: bool, threads: int) -> ScaleResult:
    work = work_root / f"scale_{scale:g}"
    if work.exists():
        shutil.rmtree(work)  # a fresh warehouse, target and logs: never an incremental run of an older one
    landing, prepared, delivery = work / "landing", work / "prepared", work / "delivery"
    database, target, logs = work / "ar.duckdb", work / "target", work / "logs"
    env = {
        **os.environ,
        "AR_DBT_TARGET": "duckdb",
        "AR_LANDING_DIR": str(landing),
        "AR_PREPARED_DIR": str(prepared),
        "AR_DUCKDB_PATH": str(database),
        "AR_RUN_DATE": RUN_DATE,
    }
    env.pop("AR_AS_OF_DATE", None)
    env.pop("AR_LANDING_ENCODING", None)
    label = f"scale {scale:g}:"

    generate_command = [sys.executable, "-m", "datagen", "--out", str(landing), "--scale", f"{scale:g}"]
    generated = run_measured(
        f"{label} generate", generate_command + ([] if verbose else ["--quiet"]), env, work / "generate.out", verbose
    )
    log(f"{label} daily delivery split started")
    split_started = time.perf_counter()
    day = delivery_day(landing)
    moved = split_daily_delivery(landing, delivery, day)
    held_back = hold_back_note_states(landing, delivery, day)
    if held_back:
        moved["accounting/notes_receivable (state, whole file)"] = held_back
    log(
        f"{label} daily delivery split done in {time.perf_counter() - split_started:.1f} s: the rows of {day} "
        f"to {RUN_DATE}, " + ", ".join(f"{name} {rows:,}" for name, rows in moved.items())
    )

    prepare_command = [sys.executable, "-m", "landing", "prepare", "--from", str(landing), "--to", str(prepared)]
    dbt_command = [
        str(BIN / "dbt"),
        "build",
        "--vars",
        json.dumps({"landing_dir": str(prepared.resolve())}),
        "--target-path",
        str(target),
        "--log-path",
        str(logs),
    ]
    prepared_full = run_measured(f"{label} prepare", prepare_command, env, work / "prepare.out", verbose)
    full = run_measured(
        f"{label} full build", dbt_command, env, work / "full_build.out", verbose, DbtProgress(), (0, 1)
    )
    shutil.copy(target / "run_results.json", work / "run_results_full.json")
    full_outcome = dbt_outcome(full, work / "run_results_full.json", f"{label} full build")
    staged_before = count_rows(database, ROW_COUNTS["invoices"])
    as_of_before = str(query_one(database, "select as_of_date from intermediate.int_reporting_dates"))
    size_full = duckdb_mib(database)

    delivered = deliver(delivery, landing)
    log(f"{label} daily delivery: {len(delivered)} file(s) put into {landing}")
    prepared_daily = run_measured(
        f"{label} daily delivery prepare", prepare_command, env, work / "daily_prepare.out", verbose
    )
    daily = run_measured(
        f"{label} daily delivery rebuild",
        dbt_command + DAILY_RUN_ARGS,
        {**env, **DAILY_RUN_ENV},
        work / "daily_build.out",
        verbose,
        DbtProgress(),
        (0, 1),
    )
    daily_outcome = dbt_outcome(daily, target / "run_results.json", f"{label} daily delivery rebuild")
    staged_after = count_rows(database, ROW_COUNTS["invoices"])
    as_of_after = str(query_one(database, "select as_of_date from intermediate.int_reporting_dates"))
    rows = {name: count_rows(database, table) for name, table in ROW_COUNTS.items()}
    warehouse_ending_ar = float(
        query_one(
            database,
            "select sum(ending_ar) from marts.fct_ar_monthly "
            "where month_start = (select max(month_start) from marts.fct_ar_monthly)",
        )
        or 0
    )

    raw_command = [sys.executable, str(Path(__file__).resolve()), "--raw-pass", str(landing), "--threads", str(threads)]
    raw = run_measured(f"{label} raw pass", raw_command, env, work / "raw_pass.out", verbose)
    raw_result = json.loads(raw.output_tail[-1])
    models = slowest(work / "run_results_full.json", ("model.",))
    tests = slowest(work / "run_results_full.json", ("test.", "unit_test."))
    return ScaleResult(
        scale=scale,
        rows=rows,
        delivery_day=day,
        moved=moved,
        invoices_staged_before=staged_before,
        invoices_staged_after=staged_after,
        as_of_before=as_of_before,
        as_of_after=as_of_after,
        generate=generated,
        prepare=prepared_full,
        full_build=full,
        daily_prepare=prepared_daily,
        daily_build=daily,
        raw=raw,
        raw_seconds=float(raw_result["seconds"]),
        raw_ending_ar=float(raw_result["ending_ar"]),
        raw_as_of=str(raw_result["as_of_date"]),
        raw_rows=int(raw_result["rows"]),
        warehouse_ending_ar=warehouse_ending_ar,
        duckdb_mib_full=size_full,
        duckdb_mib_after=duckdb_mib(database),
        slowest_models=models,
        slowest_tests=tests,
        load_average=os.getloadavg(),
        full_outcome=full_outcome,
        daily_outcome=daily_outcome,
    )


def remove_data(scale: float, work_root: Path) -> None:
    """The landing files, prepared copies and warehouse of a measured scale (--keep keeps them)."""
    work = work_root / f"scale_{scale:g}"
    for name in ("landing", "prepared", "delivery"):
        shutil.rmtree(work / name, ignore_errors=True)
    for name in ("ar.duckdb", "ar.duckdb.wal"):
        (work / name).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def rows_table(results: Sequence[ScaleResult]) -> list[str]:
    header = ["scale", *ROW_COUNTS, "generate"]
    rows = [
        [
            f"{result.scale:g}",
            *(thousands(result.rows[name]) for name in ROW_COUNTS),
            f"{result.generate.seconds:.1f} s",
        ]
        for result in results
    ]
    return markdown_table(header, rows)


def times_table(results: Sequence[ScaleResult]) -> list[str]:
    header = [
        "scale",
        "prepare",
        "dbt build",
        "full build",
        "daily rebuild",
        "daily ÷ full",
        "raw pass",
        "full ÷ raw",
        "peak RSS build",
        "peak RSS raw",
        "DuckDB file",
    ]
    rows = [
        [
            f"{result.scale:g}",
            f"{result.prepare.seconds:.1f} s",
            f"{result.full_build.seconds:.1f} s{result.full_outcome.incompleteness()}",
            f"{result.full_seconds:.1f} s",
            f"{result.daily_seconds:.1f} s{result.daily_outcome.incompleteness()}",
            f"{result.daily_seconds / result.full_seconds:.0%}",
            f"{result.raw_seconds:.2f} s",
            f"{result.full_seconds / result.raw_seconds:,.0f}×",
            f"{max(result.full_build.peak_rss_mib, result.daily_build.peak_rss_mib):,.0f} MiB",
            f"{result.raw.peak_rss_mib:,.0f} MiB",
            f"{result.duckdb_mib_full:,.0f} MiB",
        ]
        for result in results
    ]
    return markdown_table(header, rows)


def ratios_table(results: Sequence[ScaleResult]) -> list[str]:
    """Each scale against the one before, and the largest against the smallest."""
    if len(results) < 2:
        return []
    pairs = list(zip(results, results[1:], strict=False))
    if len(results) > 2:
        pairs.append((results[0], results[-1]))

    def ratio(larger: float | None, smaller: float | None) -> str:
        return f"{larger / smaller:,.1f}×" if larger is not None and smaller else "–"

    rows = [
        [
            f"{small.scale:g} → {large.scale:g}",
            ratio(large.rows["invoices"], small.rows["invoices"]),
            ratio(large.full_seconds, small.full_seconds),
            ratio(large.full_build.seconds, small.full_build.seconds),
            ratio(large.daily_seconds, small.daily_seconds),
            ratio(large.raw_seconds, small.raw_seconds),
            ratio(large.full_build.peak_rss_mib, small.full_build.peak_rss_mib),
        ]
        for small, large in pairs
    ]
    header = ["scales", "invoices", "full build", "dbt build", "daily rebuild", "raw pass", "peak RSS build"]
    return markdown_table(header, rows)


def scale_details(result: ScaleResult) -> list[str]:
    moved = ", ".join(f"{name} {rows:,}" for name, rows in result.moved.items()) or "nothing"
    lines = [
        f"### Scale {result.scale:g}",
        "",
        f"- Daily delivery of {result.delivery_day} (rows moved into `<table>_<date>.csv`): {moved}. "
        f"Invoices staged after the full build {thousands(result.invoices_staged_before)}, after the daily rebuild "
        f"{thousands(result.invoices_staged_after)}; as-of date {result.as_of_before} → {result.as_of_after}.",
        f"- Full build: prepare {result.prepare.seconds:.1f} s + dbt build {result.full_build.seconds:.1f} s; "
        f"daily rebuild: prepare {result.daily_prepare.seconds:.1f} s + dbt build {result.daily_build.seconds:.1f} s. "
        f"Peak RSS: full build {result.full_build.peak_rss_mib:,.0f} MiB, daily rebuild "
        f"{result.daily_build.peak_rss_mib:,.0f} MiB, prepare {result.prepare.peak_rss_mib:,.0f} MiB.",
        f"- dbt: full build {result.full_outcome.summary}; daily rebuild {result.daily_outcome.summary}."
        + "".join(
            f" Failed in the {name}: {', '.join(outcome.failed_tests)}."
            for name, outcome in (("full build", result.full_outcome), ("daily rebuild", result.daily_outcome))
            if outcome.failed_tests
        )
        + "".join(
            f" Not built in the {name}: {len(outcome.erred_nodes)} erred ({'; '.join(outcome.erred_nodes)}) and "
            f"{outcome.skipped_nodes} skipped, so its time is not a whole build's."
            for name, outcome in (("full build", result.full_outcome), ("daily rebuild", result.daily_outcome))
            if not outcome.complete
        ),
        f"- Raw pass: {result.raw_seconds:.2f} s for the query ({result.raw.seconds:.1f} s with the child's start-up), "
        f"{result.raw_rows:,} customer × month rows; ending AR of the last month {result.raw_ending_ar:,.0f} "
        f"(as of {result.raw_as_of}) against fct_ar_monthly's {result.warehouse_ending_ar:,.0f} (as of "
        f"{result.as_of_after}). "
        + (
            "The warehouse did not read the day's files."
            if result.raw_as_of != result.as_of_after
            else "Rows staging quarantines under rules the raw pass does not check, and 名寄せ, make any difference."
        ),
        f"- DuckDB file {result.duckdb_mib_full:,.0f} MiB after the full build, {result.duckdb_mib_after:,.0f} MiB "
        f"after the daily rebuild. Load average after the scale: "
        + ", ".join(f"{value:.1f}" for value in result.load_average)
        + ".",
        "",
    ]
    lines += markdown_table(
        ["slowest models", "s", "slowest tests", "s"],
        [
            [model[0], f"{model[1]:.1f}", test[0], f"{test[1]:.1f}"]
            for model, test in zip(result.slowest_models, result.slowest_tests, strict=False)
        ],
    )
    return lines + [""]


def machine_lines(note: str | None, load_at_start: tuple[float, float, float]) -> list[str]:
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        total_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results.md", ":!README.md"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        f"- Machine: {os.cpu_count()} cores (nproc), {total_kib / 2**20:.1f} GiB RAM, {platform.platform()}; "
        f"DuckDB {duckdb.__version__}, {profile_threads()} threads (profiles.yml).",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; commit {commit}"
        + (" (with local changes)" if dirty else "")
        + ".",
        "- Load average when the run started: " + ", ".join(f"{value:.1f}" for value in load_at_start) + ".",
    ]
    if note:
        lines.append(f"- Note: {note}")
    return lines


def results_markdown(
    results: Sequence[ScaleResult], scales: Sequence[float], note: str | None, load: tuple[float, float, float]
) -> str:
    done = len(results) == len(scales)
    lines = [
        "# `make bench` results",
        "",
        "Written by `bench/run.py` (see bench/README.md for what each figure measures)."
        + ("" if done else f" **Incomplete: {len(results)} of {len(scales)} scales measured so far.**"),
        "",
        *machine_lines(note, load),
        f"- Scales: {' '.join(f'{scale:g}' for scale in scales)}; AR_RUN_DATE {RUN_DATE}.",
        "",
        "## Rows",
        "",
        *rows_table(results),
        "",
        "## Time and memory",
        "",
        *times_table(results),
        "",
    ]
    ratios = ratios_table(results)
    if ratios:
        lines += ["## Between scales", "", *ratios, ""]
    lines += ["## Per scale", ""]
    for result in results:
        lines += scale_details(result)
    return "\n".join(lines).rstrip() + "\n"


def update_readme(results: Sequence[ScaleResult], stamp: str) -> None:
    """The README's benchmark table (between its bench:results markers) from this run."""
    text = README_PATH.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise SystemExit(f"README.md has no {README_START} … {README_END} block to update")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    block = [README_START, stamp, "", *rows_table(results), "", *times_table(results), README_END]
    README_PATH.write_text(head + "\n".join(block) + tail, encoding="utf-8")


def print_scale(result: ScaleResult) -> None:
    print()
    print("\n".join(scale_details(result)))
    print("\n".join(rows_table([result])))
    print()
    print("\n".join(times_table([result])), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scales",
        default=os.environ.get("BENCH_SCALES") or "1 10 100",
        help="space-separated scale factors (BENCH_SCALES; default '1 10 100')",
    )
    parser.add_argument("--work-dir", type=Path, default=REPO_ROOT / "bench" / "out")
    parser.add_argument("--verbose", action="store_true", help="stream dbt's and the generator's own output")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH, help="the markdown written (bench/results.md)")
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE"), help="a line for results.md (BENCH_NOTE)")
    parser.add_argument("--update-readme", action="store_true", help="put this run's tables into README.md")
    parser.add_argument("--keep", action="store_true", help="keep each scale's landing files and warehouse")
    parser.add_argument("--raw-pass", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    threads = args.threads or profile_threads()
    if args.raw_pass is not None:
        print(json.dumps(raw_pass(args.raw_pass, threads)), flush=True)
        return 0

    scales = [float(value) for value in args.scales.split()]
    load = os.getloadavg()
    log(f"make bench: scales {' '.join(f'{scale:g}' for scale in scales)}, work folder {args.work_dir}")
    results: list[ScaleResult] = []
    for scale in scales:
        result = run_scale(scale, args.work_dir, args.verbose, threads)
        results.append(result)
        if not args.keep:
            remove_data(scale, args.work_dir)
        print_scale(result)
        args.results.write_text(results_markdown(results, scales, args.note, load), encoding="utf-8")
    ratios = ratios_table(results)
    if ratios:
        print("\nBetween scales (larger ÷ smaller):")
        print("\n".join(ratios))
    if args.update_readme:
        note = f" {args.note.rstrip('.')}." if args.note else ""
        update_readme(
            results, f"Latest run: {date.today().isoformat()}, scales {args.scales}.{note} See bench/results.md."
        )
    log(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
