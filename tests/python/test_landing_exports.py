"""Real Japanese exports build: CP932 and UTF-16 files, 全銀協 bank files, an unparseable line and a
company's own column names go through the landing preparation (landing/prepare.py) into the same
warehouse as the contract's UTF-8 CSVs."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from landing.prepare import LandingPreparationError, prepare, prepared_rows
from warehouse import REPO_ROOT, query, run_dbt

SAMPLE = REPO_ROOT / "sample" / "landing"
JAPANESE_EXPORTS = REPO_ROOT / "sample" / "japanese_exports"

# The KPI marts a finance team reads; bank ids, account ids and remitter spellings differ between
# a CSV and a 全銀協 delivery by design, so columns naming them are left out of the comparison.
KPI_MARTS = (
    "fct_kpi_monthly",
    "fct_kpi_team_monthly",
    "fct_kpi_segment_monthly",
    "fct_ar_monthly",
    "fct_invoices",
    "fct_aging",
    "fct_roll_rates",
    "fct_cure_by_overdue_age",
    "fct_vintages",
    "fct_collection_stages_monthly",
    "fct_legal_monthly",
    "fct_cash_application_monthly",
    "fct_automation_monthly",
    "fct_gl_ar_reconciliation",
    "fct_cash_forecast_accuracy",
    "dim_customer_risk",
    "fct_team_monthly",
    "fct_unapplied_deposits",
)
DELIVERY_SPECIFIC_COLUMNS = ("bank_transaction_id", "bank_account_id", "remitter_name", "lead_time_hours")

# An activity line whose quote never closes, planted in the middle of crm/activities.csv.
BROKEN_LINE = 'ACT-BROKEN,CRM-0001,"never closed,INV-000001,AS-01,2026-01-05T10:00:00,phone'


def transcode(folder: Path, encoding: str, line_ending: str = "\r\n", delimiter: str = ",") -> None:
    """Rewrite every CSV below `folder` as a Japanese export would: another encoding, CR LF."""
    for path in folder.rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
        with path.open("w", encoding=encoding, newline="") as file:
            csv.writer(file, lineterminator=line_ending, delimiter=delimiter).writerows(rows)


def plant_line(path: Path, line: str, encoding: str) -> int:
    """Insert `line` in the middle of a CSV; returns its physical line number (header = 1)."""
    lines = path.read_bytes().decode(encoding).split("\r\n")
    position = len(lines) // 2
    lines.insert(position, line)
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return position + 1


def mart_difference(left: Path, right: Path, mart: str) -> list[tuple]:
    """Rows of `mart` in one warehouse and not in the other (both ways), delivery-specific columns aside."""
    import duckdb

    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as left_warehouse (read_only)")
        connection.execute(f"attach '{right}' as right_warehouse (read_only)")
        columns = [
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns where table_catalog = 'left_warehouse' "
                f"and table_schema = 'marts' and table_name = '{mart}' order by ordinal_position"
            ).fetchall()
            if not name.startswith(DELIVERY_SPECIFIC_COLUMNS)
        ]
        assert columns, mart
        listed = ", ".join(f'"{name}"' for name in columns)
        return connection.execute(f"""
            (select 'left' as side, * from (select {listed} from left_warehouse.marts.{mart}
                except all select {listed} from right_warehouse.marts.{mart}))
            union all
            (select 'right', * from (select {listed} from right_warehouse.marts.{mart}
                except all select {listed} from left_warehouse.marts.{mart}))
            limit 5""").fetchall()


@pytest.fixture(scope="module")
def japanese_landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The sample as a Japanese company delivers it: deposits only as 全銀協 files, every CSV in
    CP932 with CR LF, and one line no CSV parser can split."""
    landing = tmp_path_factory.mktemp("japanese") / "landing"
    subprocess.run(
        [sys.executable, "-m", "datagen", "--out", str(landing), "--bank-format", "zengin", "--quiet"],
        cwd=REPO_ROOT,
        check=True,
    )
    transcode(landing, "cp932")
    broken_line_number = plant_line(landing / "crm" / "activities.csv", BROKEN_LINE, "cp932")
    return landing, broken_line_number


@pytest.fixture(scope="module")
def japanese_warehouse(japanese_landing: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing, _ = japanese_landing
    work = tmp_path_factory.mktemp("japanese_build")
    prepare(landing, work / "prepared")
    result = run_dbt(["build"], work, work / "ar.duckdb", landing_dir=work / "prepared")
    assert result.returncode == 0, result.stdout[-4000:]
    return work / "ar.duckdb"


def test_the_deposits_come_only_as_zengin_files(japanese_landing: tuple[Path, int]) -> None:
    landing, _ = japanese_landing
    assert list((landing / "bank" / "zengin").iterdir())
    transactions = landing / "bank" / "transactions.csv"
    if transactions.exists():  # only what a 全銀協 record cannot carry (the planted violations)
        assert len(transactions.read_bytes().splitlines()) < 10


def test_a_cp932_zengin_delivery_gives_the_kpis_of_the_utf8_csvs(
    japanese_warehouse: Path, sample_warehouse: Path
) -> None:
    for mart in KPI_MARTS:
        assert mart_difference(japanese_warehouse, sample_warehouse, mart) == [], mart
    staged = "select count(*), sum(transaction_amount) from staging.stg_bank__transactions"
    assert query(japanese_warehouse, staged) == query(sample_warehouse, staged)


def test_the_unparseable_line_is_quarantined_and_its_neighbours_staged(
    japanese_warehouse: Path, japanese_landing: tuple[Path, int]
) -> None:
    landing, line_number = japanese_landing
    quarantined = query(
        japanese_warehouse,
        """
        select source_system, source_table, source_file, source_line_number, row_key, raw_values
        from staging.rejected_rows where reason = 'malformed_line'""",
    )
    assert quarantined == [
        ("crm", "activities", str(landing / "crm" / "activities.csv"), line_number, f"line {line_number}", BROKEN_LINE)
    ]
    lines = (landing / "crm" / "activities.csv").read_bytes().decode("cp932").split("\r\n")
    before, after = (line.split(",")[0] for line in (lines[line_number - 2], lines[line_number]))
    staged = query(
        japanese_warehouse,
        f"select activity_id from staging.stg_crm__activities where activity_id in ('{before}', '{after}') order by 1",
    )
    assert staged == sorted([(before,), (after,)])


def test_every_other_quarantined_row_is_the_utf8_deliverys(japanese_warehouse: Path, sample_warehouse: Path) -> None:
    reasons = (
        "select source_system, source_table, reason, count(*) from staging.rejected_rows group by all order by all"
    )
    japanese = [row for row in query(japanese_warehouse, reasons) if row[2] != "malformed_line"]
    assert japanese == query(sample_warehouse, reasons)


def excel_exports(tmp_path: Path) -> dict[str, Path]:
    """billing/ of the sample as Excel and accounting packages write it."""
    variants = {
        "utf-8": ("utf-8", "\n", ","),
        "utf-8 with BOM": ("utf-8-sig", "\r\n", ","),
        "UTF-16 LE Unicode text": ("utf-16", "\r\n", "\t"),  # Python's utf-16 writes the BOM, little-endian here
        "UTF-16 BE": ("utf-16-be", "\r\n", ","),
        "CP932": ("cp932", "\r\n", ","),
    }
    folders = {}
    for name, (encoding, line_ending, delimiter) in variants.items():
        folder = tmp_path / name.replace(" ", "_") / "landing"
        shutil.copytree(SAMPLE / "billing", folder / "billing")
        transcode(folder, encoding, line_ending, delimiter)
        if encoding == "utf-16-be":  # a BOM, as Excel writes one
            for path in folder.rglob("*.csv"):
                path.write_bytes(b"\xfe\xff" + path.read_bytes())
        folders[name] = folder
    return folders


def test_every_encoding_prepares_to_the_same_rows(tmp_path: Path) -> None:
    """dbt reads only the prepared copies, so equal prepared rows are equal builds."""
    prepared = {}
    for name, folder in excel_exports(tmp_path).items():
        report = prepare(folder, folder.parent / "prepared")
        assert {table.table for table in report.tables if table.inputs} == {"billing/customers", "billing/invoices"}
        prepared[name] = [
            {column: value for column, value in row.items() if column != "_source_file"}
            for table in ("customers", "invoices")
            for row in prepared_rows(folder.parent / "prepared" / "billing" / f"{table}.csv")
        ]
    expected = prepared.pop("utf-8")
    assert len(expected) > 6000
    for name, rows in prepared.items():
        assert rows == expected, name


def test_a_japanese_header_export_builds_through_its_mapping(tmp_path: Path) -> None:
    prepare(JAPANESE_EXPORTS, tmp_path / "prepared")
    result = run_dbt(
        [
            "build",
            "--select",
            "staging",
            "+marts.customers",
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
        tmp_path,
        tmp_path / "ar.duckdb",
        landing_dir=tmp_path / "prepared",
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(
        tmp_path / "ar.duckdb",
        """
        select invoice_id, billing_customer_id, invoice_date, due_date, invoice_amount, document_type,
            original_invoice_id, deal_id, issue_method, delivered_date
        from staging.stg_billing__invoices order by invoice_id""",
    ) == [
        (
            "2026-0301",
            "T001",
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
            Decimal("1100000.00"),
            "invoice",
            None,
            "案件①",
            "auto",
            dt.date(2026, 2, 27),
        ),
        (
            "2026-0302",
            "T002",
            dt.date(2026, 3, 5),
            dt.date(2026, 5, 31),
            Decimal("330000.00"),
            "invoice",
            None,
            None,
            "manual",
            dt.date(2026, 3, 4),
        ),
        (
            "2026-0303",
            "T001",
            dt.date(2026, 3, 10),
            dt.date(2026, 4, 30),
            Decimal("-55000.00"),
            "credit_note",
            "2026-0301",
            "案件①",
            "manual",
            None,
        ),
        (
            "2026-0304",
            "T003",
            dt.date(2026, 3, 15),
            dt.date(2026, 4, 15),
            Decimal("88000.00"),
            "invoice",
            None,
            None,
            "auto",
            dt.date(2026, 3, 15),
        ),
    ]
    assert query(
        tmp_path / "ar.duckdb",
        "select billing_customer_id, customer_name, credit_limit from staging.stg_billing__customers order by 1",
    ) == [
        ("T001", "株式会社山田商事", Decimal("5000000.00")),
        ("T002", "㈱髙橋製作所", Decimal("3000000.00")),
        ("T003", "有限会社ﾜｰﾙﾄﾞ物産", None),
    ]
    assert query(tmp_path / "ar.duckdb", "select count(*) from staging.rejected_rows") == [(0,)]


def test_unmapped_required_columns_are_one_clear_error(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(JAPANESE_EXPORTS / "billing", landing / "billing")
    (landing / "billing" / "得意先マスタ.csv").rename(landing / "billing" / "customers.csv")
    (landing / "billing" / "請求データ.csv").rename(landing / "billing" / "invoices.csv")
    with pytest.raises(LandingPreparationError) as raised:
        prepare(landing, tmp_path / "prepared")
    message = str(raised.value)
    for expected in (
        "billing/invoices.csv",
        "invoice_id",
        "due_date",
        "請求書番号",
        "支払期日",
        "billing/customers.csv",
    ):
        assert expected in message
    command = [sys.executable, "-m", "landing", "prepare", "--from", str(landing), "--to", str(tmp_path / "p2")]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "invoice_id" in result.stderr


def zengin_record(*fields: tuple[str, int]) -> bytes:
    """One 200-byte record from (text, width) pairs: digits zero-padded, text space-padded (CP932 bytes)."""
    encoded = b"".join(
        text.encode("cp932").rjust(width, b"0") if text.isdigit() else text.encode("cp932").ljust(width, b" ")
        for text, width in fields
    )
    assert len(encoded) == 200, len(encoded)
    return encoded


def notice_header(account_number: str) -> bytes:
    return zengin_record(
        ("1", 1),
        ("01", 2),
        ("0", 1),
        ("080131", 6),
        ("080101", 6),
        ("080131", 6),
        ("0001", 4),
        ("ﾃｽﾄｷﾞﾝｺｳ", 15),
        ("001", 3),
        ("ﾎﾝﾃﾝ", 15),
        ("1", 1),
        (account_number, 7),
        ("ｶ)ｻﾝﾌﾟﾙ", 40),
        ("", 93),
    )


def notice_data(inquiry: str, day: str, amount: str, remitter: str, cancelled: bool = False, edi: str = "") -> bytes:
    return zengin_record(
        ("2", 1),
        (inquiry, 6),
        (day, 6),
        (day, 6),
        (amount, 10),
        ("0", 10),
        ("0", 10),
        (remitter, 48),
        ("", 15),
        ("", 15),
        ("1" if cancelled else " ", 1),
        (edi, 20),
        ("", 52),
    )


def notice_trailer(count: int, total: int, cancel_count: int, cancel_total: int) -> bytes:
    return zengin_record(
        ("8", 1), (str(count), 6), (str(total), 12), (str(cancel_count), 6), (str(cancel_total), 12), ("", 163)
    )


def test_zengin_cancellations_edi_evidence_and_trailer_mismatches_reach_the_ledger(tmp_path: Path) -> None:
    """A deposit named by its EDI情報, a deposit and its 取消, and a group whose trailer count is wrong."""
    landing = tmp_path / "landing"
    (landing / "billing").mkdir(parents=True)
    (landing / "billing" / "customers.csv").write_text(
        "billing_customer_id,customer_name\nC1,株式会社山田商事\n", encoding="utf-8"
    )
    (landing / "billing" / "invoices.csv").write_text(
        "invoice_id,billing_customer_id,invoice_date,due_date,amount\nINV-1,C1,2025-12-01,2026-01-31,110000\n",
        encoding="utf-8",
    )
    records = [
        notice_header("0000001"),
        notice_data("000001", "080105", "110000", "ﾀﾞﾚｶ", edi="inv-1"),
        notice_data("000002", "080106", "5000", "ﾀﾞﾚｶ"),
        notice_data("000002", "080107", "5000", "ﾀﾞﾚｶ", cancelled=True),
        notice_trailer(2, 115000, 1, 5000),
        notice_header("0000002"),
        notice_data("000001", "080110", "7000", "ﾀﾞﾚｶ"),
        notice_trailer(2, 7000, 0, 0),
        zengin_record(("9", 1), ("", 199)),
    ]
    (landing / "bank" / "zengin").mkdir(parents=True)
    (landing / "bank" / "zengin" / "furikomi_202601.txt").write_bytes(b"\r\n".join(records) + b"\r\n")
    prepare(landing, tmp_path / "prepared")
    result = run_dbt(
        [
            "build",
            "--select",
            "staging",
            "+int_deposits_resolved",
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
        tmp_path,
        tmp_path / "ar.duckdb",
        landing_dir=tmp_path / "prepared",
    )
    assert result.returncode == 0, result.stdout[-4000:]
    warehouse = tmp_path / "ar.duckdb"
    first, second = "zengin:0001-001-0000001:2026-01-05:000001", "zengin:0001-001-0000001:2026-01-06:000002"
    assert query(
        warehouse,
        """
        select bank_transaction_id, value_date, transaction_amount, reverses_bank_transaction_id, edi_info
        from staging.stg_bank__transactions order by bank_transaction_id""",
    ) == [
        (first, dt.date(2026, 1, 5), Decimal("110000.00"), None, "inv-1"),
        (second, dt.date(2026, 1, 6), Decimal("5000.00"), None, None),
        ("zengin:0001-001-0000001:2026-01-07:000002:cancel", dt.date(2026, 1, 7), Decimal("-5000.00"), second, None),
    ]
    assert query(
        warehouse, "select reason, source_line_number, rejected_amount, row_key from staging.rejected_rows"
    ) == [("zengin_trailer_mismatch", 7, Decimal("7000.00"), "zengin:0001-001-0000002:2026-01-10:000001")]
    customer = query(
        warehouse,
        "select customer_key from intermediate.int_customer_identifiers_resolved "
        "where source_system = 'billing' and source_identifier = 'C1'",
    )
    assert query(
        warehouse,
        "select bank_transaction_id, customer_key, match_method, edi_invoice_id "
        "from intermediate.int_deposits_resolved",
    ) == [(first, customer[0][0], "edi_invoice", "INV-1")]
