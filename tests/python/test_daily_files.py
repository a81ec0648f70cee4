"""A table delivered as daily files (`bank/transactions_2026-12-01.csv` …) beside or instead of one
`bank/transactions.csv`: the same set of files is read, in file-name order, by the landing
preparation, by dbt's own read of an unprepared folder and by orchestration's landing reader, and
each row keeps its own file and line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from landing.prepare import LandingPreparationError, contract_tables, prepare, prepared_rows, table_files
from orchestration.lib.landing import LandingFile, count_rows, file_version, landing_reader, scan_landing, stem_of_path
from warehouse import query, run_dbt, write_csv

CONTRACT = {table.name: table.columns for table in contract_tables()}
INVOICE_COLUMNS = list(CONTRACT["billing/invoices"])
CUSTOMERS = (["billing_customer_id", "customer_name"], [["C1", "株式会社山田商事"]])


def invoice(invoice_id: str, amount: str, invoice_date: str = "2026-12-01") -> dict[str, str]:
    return {
        "invoice_id": invoice_id,
        "billing_customer_id": "C1",
        "invoice_date": invoice_date,
        "due_date": "2026-12-31",
        "amount": amount,
        "currency": "JPY",
        "document_type": "invoice",
    }


def rows_of(header: list[str], records: list[dict[str, str]]) -> list[list[str]]:
    return [[record.get(column, "") for column in header] for record in records]


# The invoices as three files deliver them. The first daily file has its columns in another order
# and lacks the optional delivered_date: read by name, its rows are whole, not cut short.
BASE = [invoice("I1", "110000"), invoice("I2", "20000")]
DAY_1_HEADER = ["billing_customer_id", "invoice_id", "amount", "invoice_date", "due_date", "currency", "document_type"]
DAY_1 = [invoice("I3", "33000"), invoice("I4", "44000")]
DAY_2 = [
    invoice("I5", "55000", "2026-12-02"),
    invoice("I3", "33000"),  # line 3: an exact copy of day 1's I3: duplicate_key, the copy rejected
    invoice("I2", "25000"),  # line 4: I2 again with another amount: conflicting_duplicate, both rejected
    invoice("I6", "12x", "2026-12-02"),  # line 5: bad_amount
]
DAY_2_CUT_SHORT = "I7,C1,2026-12-02\n"  # line 6: a line cut short, malformed_line
DAY_1_FILE, DAY_2_FILE = "invoices_2026-12-01.csv", "invoices_2026-12-02.csv"


def write_daily_landing(landing: Path) -> None:
    """billing/invoices as a base file and two daily files, and files that are no table's."""
    write_csv(landing / "billing" / "customers.csv", *CUSTOMERS)
    write_csv(landing / "billing" / "invoices.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, BASE))
    write_csv(landing / "billing" / DAY_1_FILE, DAY_1_HEADER, rows_of(DAY_1_HEADER, DAY_1))
    write_csv(landing / "billing" / DAY_2_FILE, INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, DAY_2))
    with (landing / "billing" / DAY_2_FILE).open("a", encoding="utf-8") as file:
        file.write(DAY_2_CUT_SHORT)
    # Not the table's: a backup, an impossible date, a date without dashes.
    for name in ("invoices_backup.csv", "invoices_2026-13-01.csv", "invoices_20261203.csv"):
        write_csv(landing / "billing" / name, INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, [invoice("I9", "99000")]))
    write_legal_and_bank(landing, split=True)


def write_single_landing(landing: Path) -> None:
    """The same rows, in the same order, each table in one file."""
    write_csv(landing / "billing" / "customers.csv", *CUSTOMERS)
    write_csv(landing / "billing" / "invoices.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, BASE + DAY_1 + DAY_2))
    with (landing / "billing" / "invoices.csv").open("a", encoding="utf-8") as file:
        file.write(DAY_2_CUT_SHORT)
    write_legal_and_bank(landing, split=False)


CASES_HEADER = ["legal_case_id", "debtor_name", "opened_date", "current_stage"]
CASE_ROWS = [["L1", "株式会社山田商事", "2026-01-01", "demand_letter"]]
CASE_INVOICES_HEADER = ["legal_case_id", "invoice_id", "transferred_amount"]
CASE_INVOICE_ROWS = [["L1", "I1", "110000"], ["L1", "I4", "44000"]]


def write_legal_and_bank(landing: Path, split: bool) -> None:
    """legal/cases only as a daily file, legal/case_invoices as a base file and a daily file: the
    one table's daily files are never the other's. bank/transactions_backup.csv is no file of
    bank/transactions."""
    legal = landing / "legal"
    write_csv(legal / ("cases_2026-01-01.csv" if split else "cases.csv"), CASES_HEADER, CASE_ROWS)
    if split:
        write_csv(legal / "case_invoices.csv", CASE_INVOICES_HEADER, CASE_INVOICE_ROWS[:1])
        write_csv(legal / "case_invoices_2026-01-02.csv", CASE_INVOICES_HEADER, CASE_INVOICE_ROWS[1:])
    else:
        write_csv(legal / "case_invoices.csv", CASE_INVOICES_HEADER, CASE_INVOICE_ROWS)
    transactions = list(CONTRACT["bank/transactions"])
    backup = {"bank_transaction_id": "T9", "bank_account_id": "A1", "value_date": "2026-12-01", "amount": "1000"}
    write_csv(landing / "bank" / "transactions_backup.csv", transactions, rows_of(transactions, [backup]))


STAGING = ["build", "--select", "staging", "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"]


def build_staging(tmp_path: Path, name: str, landing: Path, prepared: bool) -> Path:
    """dbt's staging (with its tests, reconciles_with_landing among them) over a landing folder,
    prepared first or read as it landed, into `<name>.duckdb` (the name is its catalog)."""
    read_from = landing
    if prepared:
        read_from = tmp_path / f"{name}_prepared"
        prepare(landing, read_from)
    work_dir = tmp_path / name
    work_dir.mkdir()
    duckdb_path = tmp_path / f"{name}.duckdb"
    result = run_dbt(STAGING, work_dir, duckdb_path, landing_dir=read_from)
    assert result.returncode == 0, result.stdout[-4000:]
    return duckdb_path


@pytest.fixture(scope="module", params=[True, False], ids=["prepared", "read_as_landed"])
def builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, bool]:
    """(daily landing folder, its warehouse, the one-file warehouse, prepared?)."""
    prepared: bool = request.param
    tmp_path = tmp_path_factory.mktemp("daily_prepared" if prepared else "daily_as_landed")
    daily, single = tmp_path / "daily_landing", tmp_path / "single_landing"
    write_daily_landing(daily)
    write_single_landing(single)
    return (
        daily,
        build_staging(tmp_path, "daily", daily, prepared),
        build_staging(tmp_path, "single", single, prepared),
        prepared,
    )


STAGED_COLUMNS = ", ".join(
    [
        "invoice_id",
        "billing_customer_id",
        "invoice_date",
        "due_date",
        "invoice_amount",
        "currency",
        "document_type",
        "original_invoice_id",
        "deal_id",
        "sales_rep_id",
        "issue_method",
        "delivered_date",
    ]
)


def test_daily_files_stage_the_same_rows_as_one_file(builds: tuple[Path, Path, Path, bool]) -> None:
    _, daily_db, single_db, _ = builds
    with duckdb.connect(str(daily_db), read_only=True) as connection:
        connection.execute(f"attach '{single_db}' as single (read_only)")
        for table in ("stg_billing__invoices", "stg_legal__cases", "stg_legal__case_invoices"):
            columns = STAGED_COLUMNS if table == "stg_billing__invoices" else "*"
            for left, right in (("daily", "single"), ("single", "daily")):
                sql = f"select {columns} from {{}}.staging.{table}"
                difference = connection.execute(f"{sql.format(left)} except all {sql.format(right)}").fetchall()
                assert difference == [], f"{table}: rows of {left} missing in {right}"
        staged = connection.execute("select invoice_id, invoice_amount from daily.staging.stg_billing__invoices")
        assert sorted((invoice_id, int(amount)) for invoice_id, amount in staged.fetchall()) == [
            ("I1", 110000),
            ("I3", 33000),
            ("I4", 44000),
            ("I5", 55000),
        ]


def test_a_bad_row_of_a_daily_file_names_that_file_and_its_own_line(builds: tuple[Path, Path, Path, bool]) -> None:
    landing, daily_db, _, prepared = builds
    base, day_2 = str(landing / "billing" / "invoices.csv"), str(landing / "billing" / DAY_2_FILE)
    # Rows number on through the table's files in file-name order (base 1–2, day 1 3–4, day 2 5–9);
    # lines count within each file. A file read as it landed names the line of a malformed row only.
    line = (lambda number: number) if prepared else (lambda number: None)
    assert query(
        daily_db,
        """select source_file, source_row_number, source_line_number, row_key, reason from staging.rejected_rows
        where source_table = 'invoices' order by source_row_number""",
    ) == [
        (base, 2, line(3), "I2", "conflicting_duplicate"),
        (day_2, 6, line(3), "I3", "duplicate_key"),
        (day_2, 7, line(4), "I2", "conflicting_duplicate"),
        (day_2, 8, line(5), "I6", "bad_amount"),
        (day_2, 9, 6, "line 6", "malformed_line"),
    ]
    # read = staged + rejected: nine data lines in the three files of the table, none of the others.
    counts = query(
        daily_db,
        """select (select count(*) from staging.base_billing__invoices),
            (select count(*) from staging.stg_billing__invoices),
            (select count(*) from staging.rejected_rows where source_table = 'invoices')""",
    )
    assert counts == [(9, 4, 5)]
    files = query(daily_db, "select distinct source_file from staging.base_billing__invoices order by 1")
    assert files == [(base,), (str(landing / "billing" / DAY_1_FILE),), (day_2,)]


def test_a_table_reads_its_own_daily_files_only(builds: tuple[Path, Path, Path, bool]) -> None:
    landing, daily_db, _, _ = builds
    legal = landing / "legal"
    sql = "select source_file, count(*) from staging.{} group by 1 order by 1"
    assert query(daily_db, sql.format("base_legal__cases")) == [(str(legal / "cases_2026-01-01.csv"), 1)]
    assert query(daily_db, sql.format("base_legal__case_invoices")) == [
        (str(legal / "case_invoices.csv"), 1),
        (str(legal / "case_invoices_2026-01-02.csv"), 1),
    ]
    assert query(daily_db, sql.format("base_bank__transactions")) == []  # transactions_backup.csv is ignored


# --- the set of files, without dbt ----------------------------------------------------------------


def test_a_table_s_files_are_its_base_file_and_its_daily_files_in_name_order(tmp_path: Path) -> None:
    names = [
        "transactions_2026-12-02.csv",
        "transactions.csv",
        "transactions_2026-12-01.csv",
        "transactions_backup.csv",  # not a date
        "transactions_2026-02-30.csv",  # no such day
        "transactions_20261201.csv",  # not YYYY-MM-DD
        "transactions_2026-12-01.csv.bak",
        "transactions_2026-12-01_2.csv",
        "transactions_fees_2026-12-01.csv",  # another table's daily file
        "bank_transactions_2026-12-01.csv",
    ]
    for name in names:
        (tmp_path / name).write_text("bank_transaction_id\n", encoding="utf-8")
    expected = [
        tmp_path / name for name in ("transactions.csv", "transactions_2026-12-01.csv", "transactions_2026-12-02.csv")
    ]
    assert table_files(tmp_path, "transactions") == expected
    assert table_files(tmp_path, "transactions_fees") == [tmp_path / "transactions_fees_2026-12-01.csv"]


def test_the_preparation_reads_every_daily_file_and_says_how_many(tmp_path: Path) -> None:
    landing, prepared = tmp_path / "landing", tmp_path / "prepared"
    write_daily_landing(landing)
    report = {table.table: table for table in prepare(landing, prepared).tables}
    invoices = report["billing/invoices"]
    assert [Path(item.path).name for item in invoices.inputs] == ["invoices.csv", DAY_1_FILE, DAY_2_FILE]
    assert (invoices.files_read, invoices.rows_written, invoices.reused) == (3, 9, False)
    rows = list(prepared_rows(prepared / "billing" / "invoices.csv"))
    assert [(Path(row["_source_file"]).name, row["_source_row"], row["_source_line"]) for row in rows] == [
        ("invoices.csv", "1", "2"),
        ("invoices.csv", "2", "3"),
        (DAY_1_FILE, "3", "2"),
        (DAY_1_FILE, "4", "3"),
        (DAY_2_FILE, "5", "2"),
        (DAY_2_FILE, "6", "3"),
        (DAY_2_FILE, "7", "4"),
        (DAY_2_FILE, "8", "5"),
        (DAY_2_FILE, "9", "6"),
    ]
    assert rows[2]["invoice_id"] == "I3" and rows[2]["amount"] == "33000"  # read by column name
    assert rows[8]["_landing_rejection"] == "malformed_line"
    summary = {line.split()[0]: line for line in prepare(landing, prepared).summary_lines()}
    assert "unchanged, 3 file(s) not read again" in summary["billing/invoices"]
    # A new day is a new input after the others: its rows are appended, numbered on from the kept ones.
    write_csv(
        landing / "billing" / "invoices_2026-12-03.csv",
        INVOICE_COLUMNS,
        rows_of(INVOICE_COLUMNS, [invoice("I8", "8800")]),
    )
    again = prepare(landing, prepared)
    table = {table.table: table for table in again.tables}["billing/invoices"]
    assert (table.reused, table.files_read, table.rows_written, table.rows_kept) == (False, 1, 10, 9)
    assert len(table.inputs) == 4
    appended_line = {line.split()[0]: line for line in again.summary_lines()}["billing/invoices"]
    assert "1 rows from 1 new file(s) appended to 9 kept" in appended_line
    appended = list(prepared_rows(prepared / "billing" / "invoices.csv"))
    assert appended[:9] == rows
    assert (Path(appended[9]["_source_file"]).name, appended[9]["_source_row"]) == ("invoices_2026-12-03.csv", "10")


def test_an_appended_preparation_equals_one_made_whole_and_a_change_before_the_end_rewrites_it(
    tmp_path: Path,
) -> None:
    landing, prepared, whole = tmp_path / "landing", tmp_path / "prepared", tmp_path / "whole"
    write_daily_landing(landing)
    prepare(landing, prepared)
    day_3 = landing / "billing" / "invoices_2026-12-03.csv"
    write_csv(day_3, INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, [invoice("I8", "8800")]))
    appended = {table.table: table for table in prepare(landing, prepared).tables}["billing/invoices"]
    prepare(landing, whole)
    invoices = Path("billing") / "invoices.csv"
    assert appended.rows_kept == 9 and (prepared / invoices).read_bytes() == (whole / invoices).read_bytes()

    def prepared_again() -> tuple[int, int, list[str]]:
        table = {table.table: table for table in prepare(landing, prepared).tables}["billing/invoices"]
        return table.rows_kept, table.files_read, [row["invoice_id"] for row in prepared_rows(prepared / invoices)]

    # Each of these writes the table whole again: a late file that sorts before the last one, …
    write_csv(
        landing / "billing" / "invoices_2026-11-30.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, [invoice("I0", "1")])
    )
    assert prepared_again() == (0, 5, ["I1", "I2", "I0", "I3", "I4", "I5", "I3", "I2", "I6", "", "I8"])
    # … a changed earlier file, …
    write_csv(landing / "billing" / "invoices.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, BASE[:1]))
    assert prepared_again() == (0, 5, ["I1", "I0", "I3", "I4", "I5", "I3", "I2", "I6", "", "I8"])
    # … and a prepared file that is not as the manifest recorded it (an append cut off midway).
    write_csv(
        landing / "billing" / "invoices_2026-12-04.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, [invoice("I9", "9")])
    )
    with (prepared / invoices).open("a", encoding="utf-8") as file:
        file.write("I10,C1,2026-12-04\n")
    assert prepared_again() == (0, 6, ["I1", "I0", "I3", "I4", "I5", "I3", "I2", "I6", "", "I8", "I9"])
    # The next day is appended again.
    write_csv(
        landing / "billing" / "invoices_2026-12-05.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, [invoice("J1", "9")])
    )
    assert prepared_again()[:2] == (11, 1)


def test_a_mapping_s_file_pattern_wins_over_daily_files(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_daily_landing(landing)
    write_csv(
        landing / "billing" / "請求データ_12月.csv", INVOICE_COLUMNS, rows_of(INVOICE_COLUMNS, [invoice("M1", "1000")])
    )
    (landing / "billing" / "mapping.yml").write_text("invoices:\n  file: 請求データ*.csv\n", encoding="utf-8")
    report = {table.table: table for table in prepare(landing, tmp_path / "prepared").tables}
    assert [Path(item.path).name for item in report["billing/invoices"].inputs] == ["請求データ_12月.csv"]


def test_csv_and_parquet_files_of_one_table_stop_the_preparation(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_daily_landing(landing)
    with duckdb.connect() as connection:
        target = str(landing / "billing" / "invoices_2026-12-03.parquet").replace("'", "''")
        connection.execute(f"copy (select 'I8' as invoice_id) to '{target}' (format parquet)")
    with pytest.raises(LandingPreparationError, match="keep one format"):
        prepare(landing, tmp_path / "prepared")


def test_orchestration_reads_the_same_files_as_dbt(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_daily_landing(landing)
    invoices = LandingFile("billing", "invoices", "", True, ("invoice_id",))
    files = invoices.files(landing)
    assert files == table_files(landing / "billing", "invoices")
    assert [path.name for path in files] == ["invoices.csv", DAY_1_FILE, DAY_2_FILE]
    assert count_rows(files) == 9
    with duckdb.connect() as connection:
        rows = connection.execute(f"select invoice_id, amount from {landing_reader(files)}").fetchall()
    assert rows[:4] == [("I1", "110000"), ("I2", "20000"), ("I3", "33000"), ("I4", "44000")]  # by column name
    assert file_version(files).count(",") == 2 and file_version([]) == "absent"
    # The sensor watches each daily file and maps it back to its table.
    scanned = scan_landing(landing, [invoices, LandingFile("bank", "transactions", "", False, ())])
    assert sorted(scanned) == [f"billing/{path.name}" for path in files]
    assert {stem_of_path(path) for path in scanned} == {"billing/invoices"}
    assert stem_of_path("billing/invoices_backup.csv") == "billing/invoices_backup"
    assert stem_of_path("legal/case_invoices_2026-01-02.csv") == "legal/case_invoices"
    assert stem_of_path("bank/zengin/20261201.txt") == "bank/transactions"
