"""Mapping a company's own exports onto the landing contract: headers, codes, dates and amounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from landing.csv_text import LandingFileError, open_csv
from landing.mapping import (
    TableMapping,
    ValueConverter,
    contract_header,
    load_mappings,
    missing_columns_message,
    missing_required_columns,
    plain_number,
)

INVOICES_MAPPING = """\
invoices:
  file: 請求データ*.csv
  encoding: shift_jis
  delimiter: ","
  columns:
    請求書番号: invoice_id
    得意先コード: billing_customer_id
    請求日: invoice_date
    支払期日: due_date
    請求金額: amount
    発行区分: issue_method
  values:
    issue_method: {自動: auto, 手動: manual}
  date_formats:
    invoice_date: ["%Y/%m/%d", wareki]
    due_date: ["%Y/%m/%d", wareki]
  numbers: [amount]
"""
EXPORT_HEADER = ["請求書番号", "得意先コード", "請求日", "支払期日", "請求金額", "発行区分", "備考"]
CONTRACT_HEADER = ["invoice_id", "billing_customer_id", "invoice_date", "due_date", "amount", "issue_method", "備考"]
REQUIRED = ["invoice_id", "billing_customer_id", "invoice_date", "due_date", "amount", "currency"]


def landing_with(tmp_path: Path, files: dict[str, str]) -> Path:
    landing = tmp_path / "landing"
    for relative, text in files.items():
        (landing / relative).parent.mkdir(parents=True, exist_ok=True)
        (landing / relative).write_text(text, encoding="utf-8")
    landing.mkdir(exist_ok=True)
    return landing


def invoices_mapping(tmp_path: Path) -> TableMapping:
    return load_mappings(landing_with(tmp_path, {"billing/mapping.yml": INVOICES_MAPPING}))["billing/invoices"]


def converted(mapping: TableMapping, header: list[str], row: dict[str, str]) -> dict[str, str]:
    fields = [row.get(column, "") for column in header]
    return dict(zip(header, ValueConverter(mapping, header).convert(fields), strict=True))


# --- loading -----------------------------------------------------------------------------------


def test_a_system_folder_mapping_is_read_in_full(tmp_path: Path) -> None:
    landing = landing_with(tmp_path, {"billing/mapping.yml": INVOICES_MAPPING})
    assert load_mappings(landing) == {
        "billing/invoices": TableMapping(
            table="billing/invoices",
            file_pattern="請求データ*.csv",
            encoding="cp932",
            delimiter=",",
            columns=dict(zip(EXPORT_HEADER[:6], CONTRACT_HEADER[:6], strict=True)),
            values={"issue_method": {"自動": "auto", "手動": "manual"}},
            date_formats={"invoice_date": ["%Y/%m/%d", "wareki"], "due_date": ["%Y/%m/%d", "wareki"]},
            numbers=("amount",),
            defined_in=landing / "billing" / "mapping.yml",
        )
    }


def test_both_mapping_files_are_read(tmp_path: Path) -> None:
    landing = landing_with(
        tmp_path,
        {
            "mapping.yml": "bank/transactions:\n  delimiter: tab\n  columns: {取引番号: bank_transaction_id}\n",
            "billing/mapping.yml": INVOICES_MAPPING,
            "crm/mapping.yml": "",
        },
    )
    mappings = load_mappings(landing)
    assert sorted(mappings) == ["bank/transactions", "billing/invoices"]
    assert mappings["bank/transactions"].delimiter == "\t"
    assert mappings["bank/transactions"].columns == {"取引番号": "bank_transaction_id"}
    assert mappings["bank/transactions"].defined_in == landing / "mapping.yml"
    assert mappings["bank/transactions"].file_pattern is None
    assert mappings["billing/invoices"].defined_in == landing / "billing" / "mapping.yml"


def test_no_mapping_files_means_no_mappings(tmp_path: Path) -> None:
    assert load_mappings(landing_with(tmp_path, {"billing/invoices.csv": "invoice_id\n"})) == {}


def test_a_table_mapped_in_both_files_is_refused_naming_both(tmp_path: Path) -> None:
    landing = landing_with(
        tmp_path,
        {
            "mapping.yml": "billing/invoices:\n  columns: {番号: invoice_id}\n",
            "billing/mapping.yml": INVOICES_MAPPING,
        },
    )
    with pytest.raises(LandingFileError) as raised:
        load_mappings(landing)
    assert str(raised.value) == (
        f"billing/invoices is mapped twice, in {landing / 'mapping.yml'} and in "
        f"{landing / 'billing' / 'mapping.yml'}: keep one of them"
    )


@pytest.mark.parametrize(
    ("file", "text", "complaint"),
    [
        (
            "billing/mapping.yml",
            "invoices:\n  columns: {請求日: invoice_date, 発行日: invoice_date}\n",
            "請求日, 発行日 are all mapped to invoice_date",
        ),
        ("billing/mapping.yml", "invoices:\n  columns: {1: invoice_id}\n", "the key in `columns:` 1 is not text"),
        ("billing/mapping.yml", "invoices:\n  columns: {No: invoice_id}\n", "the key in `columns:` False is not text"),
        (
            "billing/mapping.yml",
            "invoices:\n  values: {issue_method: {1: auto}}\n",
            "1 is not text; write it in quotes",
        ),
        ("billing/mapping.yml", "invoices:\n  colums: {番号: invoice_id}\n", "unknown key(s) colums"),
        (
            "billing/mapping.yml",
            "invoices:\n  columns: {番号: invoice_id, 番号: amount}\n",
            "the key '番号' is written twice",
        ),
        ("billing/mapping.yml", "invoices:\n  encoding: latin-1\n", "unsupported encoding 'latin-1'"),
        ("billing/mapping.yml", "invoices:\n  date_formats: {invoice_date: [YYYY/MM/DD]}\n", "found ['YYYY/MM/DD']"),
        (
            "billing/mapping.yml",
            "invoices:\n  numbers: [amount]\n  date_formats: {amount: wareki}\n",
            "amount cannot be both a date",
        ),
        ("billing/mapping.yml", "billing/invoices:\n  columns: {}\n", "must name a table of billing alone"),
        ("mapping.yml", "invoices:\n  columns: {}\n", "must name `<system>/<table>`"),
        ("mapping.yml", "- billing/invoices\n", "a mapping file holds one entry per table"),
        ("mapping.yml", "billing/invoices: [\n", "not valid YAML"),
    ],
)
def test_a_mapping_of_the_wrong_shape_is_refused_clearly(tmp_path: Path, file: str, text: str, complaint: str) -> None:
    landing = landing_with(tmp_path, {file: text})
    with pytest.raises(LandingFileError) as raised:
        load_mappings(landing)
    assert str(landing / file) in str(raised.value)
    assert complaint in str(raised.value)


# --- headers -----------------------------------------------------------------------------------


def test_japanese_headers_are_renamed_and_unmapped_ones_keep_their_name(tmp_path: Path) -> None:
    assert contract_header(EXPORT_HEADER, invoices_mapping(tmp_path)) == CONTRACT_HEADER
    assert contract_header(EXPORT_HEADER, None) == EXPORT_HEADER


def test_a_rename_onto_a_column_the_file_already_has_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LandingFileError) as raised:
        contract_header(["請求書番号", "invoice_id"], invoices_mapping(tmp_path))
    assert (
        "billing/invoices: after renaming, the file has 2 columns named invoice_id (from 請求書番号, invoice_id)"
        in str(raised.value)
    )


def test_missing_required_columns_are_listed_in_the_contract_order() -> None:
    assert missing_required_columns(CONTRACT_HEADER, REQUIRED) == ["currency"]
    assert missing_required_columns(["amount", "invoice_id"], REQUIRED) == [
        "billing_customer_id",
        "invoice_date",
        "due_date",
        "currency",
    ]


def test_the_missing_columns_message_names_missing_present_and_where_to_map(tmp_path: Path) -> None:
    mapping = invoices_mapping(tmp_path)
    path = mapping.defined_in.parent / "請求データ202603.csv"
    header = ["請求書番号", "得意先コード", "日付", "金額"]
    missing = missing_required_columns(contract_header(header, mapping), REQUIRED)
    assert missing == ["invoice_date", "due_date", "amount", "currency"]
    assert missing_columns_message(path, missing, header, mapping) == (
        f"{path}: required column(s) missing: invoice_date, due_date, amount, currency.\n"
        "The file's columns are: 請求書番号, 得意先コード, 日付, 金額.\n"
        f"After the mapping in {mapping.defined_in} they read: invoice_id, billing_customer_id, 日付, 金額.\n"
        f"Map the export's headers onto them under `columns:` of billing/invoices in {mapping.defined_in}, "
        "for example `<the export's header>: invoice_date`."
    )


def test_without_a_mapping_the_message_says_which_file_to_write(tmp_path: Path) -> None:
    path = tmp_path / "landing" / "billing" / "invoices.csv"
    message = missing_columns_message(path, ["amount"], ["請求書番号", "請求金額"], None)
    assert message == (
        f"{path}: required column(s) missing: amount.\n"
        "The file's columns are: 請求書番号, 請求金額.\n"
        f"To map the export's headers onto them, write {tmp_path / 'landing' / 'billing' / 'mapping.yml'} with\n"
        "invoices:\n  columns:\n    <the export's header>: amount\n"
        f"(or the same under `billing/invoices:` in {tmp_path / 'landing' / 'mapping.yml'})."
    )


# --- values ------------------------------------------------------------------------------------


def test_value_maps_match_the_trimmed_text_and_pass_the_rest_through(tmp_path: Path) -> None:
    mapping = invoices_mapping(tmp_path)
    written = ["自動", " 手動\u3000", "郵送", ""]
    read = [converted(mapping, CONTRACT_HEADER, {"issue_method": value})["issue_method"] for value in written]
    assert read == ["auto", "manual", "郵送", ""]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026/03/01", "2026-03-01"),
        ("2026/3/1", "2026-03-01"),
        ("２０２６／０３／０１", "2026-03-01"),
        ("令和8年3月1日", "2026-03-01"),
        ("R8.3.1", "2026-03-01"),
        (" 令和元年5月1日 ", "2019-05-01"),
        ("2026/02/30", "2026/02/30"),  # no such day: passes through for staging to reject as bad_date
        ("来月末", "来月末"),
        ("", ""),
    ],
)
def test_dates_are_read_in_the_listed_formats(tmp_path: Path, written: str, expected: str) -> None:
    assert converted(invoices_mapping(tmp_path), CONTRACT_HEADER, {"invoice_date": written})["invoice_date"] == expected


def test_a_timestamp_format_gives_date_and_time(tmp_path: Path) -> None:
    balance_formats = "balances:\n  date_formats:\n    balance_at: ['%Y/%m/%d %H:%M', '%Y/%m/%d']\n"
    landing = landing_with(tmp_path, {"bank/mapping.yml": balance_formats})
    mapping = load_mappings(landing)["bank/balances"]
    header = ["bank_account_id", "balance_at", "balance"]
    assert converted(mapping, header, {"balance_at": "2026/03/01 09:30"})["balance_at"] == "2026-03-01 09:30:00"
    assert converted(mapping, header, {"balance_at": "2026/03/01"})["balance_at"] == "2026-03-01"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1,234,567", "1234567"),
        ("¥12,000", "12000"),
        ("￥12,000円", "12000"),
        ("\\12,000", "12000"),  # the yen sign as CP932 decodes it
        ("12,000円", "12000"),
        ("△500", "-500"),
        ("▲1,000", "-1000"),
        ("（3,000）", "-3000"),
        ("-42", "-42"),
        ("１２３", "123"),
        ("－１，２３４", "-1234"),
        ("1234.50", "1234.50"),
        ("652960", "652960"),
        ("12,34", "12,34"),  # not a thousands grouping: passes through for staging to reject
        ("△-5", "△-5"),
        ("未定", "未定"),
        ("", ""),
    ],
)
def test_amounts_are_read_as_japanese_exports_write_them(tmp_path: Path, written: str, expected: str) -> None:
    assert converted(invoices_mapping(tmp_path), CONTRACT_HEADER, {"amount": written})["amount"] == expected


def test_a_whole_record_is_converted_and_unmapped_columns_are_untouched(tmp_path: Path) -> None:
    row = {
        "invoice_id": " INV-1 ",
        "billing_customer_id": "B01",
        "invoice_date": "2026/03/01",
        "due_date": "R8.4.30",
        "amount": "¥1,100",
        "issue_method": "手動",
        "備考": " 1,000 ",
    }
    assert converted(invoices_mapping(tmp_path), CONTRACT_HEADER, row) == {
        "invoice_id": " INV-1 ",
        "billing_customer_id": "B01",
        "invoice_date": "2026-03-01",
        "due_date": "2026-04-30",
        "amount": "1100",
        "issue_method": "manual",
        "備考": " 1,000 ",
    }


def test_without_a_mapping_every_field_passes_through_untouched() -> None:
    fields = ["2026/03/01", "△500", "自動"]
    assert ValueConverter(None, ["invoice_date", "amount", "issue_method"]).convert(fields) is fields


def test_conversions_for_a_column_the_file_lacks_are_refused_naming_it(tmp_path: Path) -> None:
    mapping = invoices_mapping(tmp_path)
    with pytest.raises(LandingFileError) as raised:
        ValueConverter(mapping, ["invoice_id", "invoice_date", "amount"])
    assert str(raised.value) == (
        f"{mapping.defined_in}: billing/invoices: values/date_formats/numbers name due_date, issue_method, "
        "which the file does not have after renaming (its columns: invoice_id, invoice_date, amount)"
    )


def test_a_value_map_may_fill_an_empty_value(tmp_path: Path) -> None:
    landing = landing_with(
        tmp_path, {"billing/mapping.yml": "invoices:\n  values:\n    currency: {'': JPY, 円: JPY}\n"}
    )
    mapping = load_mappings(landing)["billing/invoices"]
    assert ValueConverter(mapping, ["currency"]).convert([""]) == ["JPY"]
    assert ValueConverter(mapping, ["currency"]).convert(["円"]) == ["JPY"]


def test_plain_number_says_none_for_what_is_not_a_number() -> None:
    assert [plain_number(text) for text in ["1,000", "abc", "1,00,0", "--1", "¥"]] == ["1000", None, None, None, None]


def test_a_cp932_export_reads_and_maps_end_to_end(tmp_path: Path) -> None:
    landing = landing_with(tmp_path, {"billing/mapping.yml": INVOICES_MAPPING})
    export = landing / "billing" / "請求データ202603.csv"
    lines = [",".join(EXPORT_HEADER), 'INV-1,B01,令和8年3月1日,2026/03/31,"￥1,234,567",自動,㈱山田']
    export.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    mapping = load_mappings(landing)["billing/invoices"]
    assert mapping.file_pattern is not None
    assert sorted(path.name for path in export.parent.glob(mapping.file_pattern)) == ["請求データ202603.csv"]
    csv_file = open_csv(export, encoding=mapping.encoding, delimiter=mapping.delimiter)
    header = contract_header(csv_file.header, mapping)
    converter = ValueConverter(mapping, header)
    assert [converter.convert(record.fields or []) for record in csv_file.records] == [
        ["INV-1", "B01", "2026-03-01", "2026-03-31", "1234567", "auto", "㈱山田"],
    ]


def test_a_mapping_file_saved_as_shift_jis_is_read(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "billing").mkdir(parents=True)
    (landing / "billing" / "mapping.yml").write_bytes(INVOICES_MAPPING.encode("cp932"))
    assert load_mappings(landing)["billing/invoices"].columns["請求書番号"] == "invoice_id"
