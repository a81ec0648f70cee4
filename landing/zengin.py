"""全銀協 (Zengin) fixed-length bank files, read into bank-transaction rows.

Two kinds of file are read, told apart by the 種別コード of each header:

- 01 振込入金通知 (incoming transfer notice): one data record per transfer received; a record
  with 取消区分 1 cancels an earlier one.
- 03 入出金取引明細 (account transaction statement): deposits (入払区分 1) and withdrawals (2).

A file is a run of 200-byte records of JIS X 0201 text read as CP932 bytes, sliced by bytes:
one or more groups of header (データ区分 1), data (2) … and trailer (8), then an end record (9).
Records may be separated by CR LF or LF, or not at all; a trailing EOF byte (0x1A) and a
trailing newline are ignored, and so are blank lines.

Each data record becomes one ZenginRow whose values are the bank-transaction columns as text:

- bank_account_id is <銀行コード>-<支店コード>-<口座番号> of the group's header.
- bank_transaction_id is zengin:<bank_account_id>:<勘定日>:<照会番号>, the 照会番号 as written
  (six digits in 01, eight in 03, so the two kinds never share an id); a 01 取消 record adds
  ":cancel". A bank that sends both kinds for one account sends its deposits twice, under
  different ids: read one kind per account.
- value_date is 勘定日 as YYYY-MM-DD (和暦 YYMMDD, see landing.wareki).
- amount is integer yen: 01 金額, negative for a 取消 record; 03 取引金額, negative for 入払区分 2.
- currency is JPY; remitter_name is 振込依頼人名 without its padding; virtual_account_number is
  振込依頼人コード without leading zeros (the payer code a company gives each customer plays
  the part of a virtual account), None when blank or all zeros; edi_info is EDI情報.
- description: 03 → 摘要内容, followed by the word 訂正 when 取引区分 is 19 (a correction
  entry, so a reader of the statement sees it was one); 01 → None, or 取消 for a cancellation.
- reverses_bank_transaction_id (01 取消 only) names the deposit cancelled: the latest earlier
  non-cancel data record, across all files read in the order given, of the same account with
  the same 照会番号; failing that, of the same account, amount and remitter name. A deposit is
  reversed at most once. None when no deposit is found.

Values the dbt staging layer judges are passed through as written instead of rejected here:
a 勘定日 that is no date stays its six raw digits (staging: bad_date; the id carries them too),
and an amount field that is not all digits stays its raw text (staging: bad_amount).

Rejections set on a row (its values are kept where they could be read; raw_text is the record):

- bad_value: a 03 入払区分 other than 1 or 2, or a 01 取消区分 other than 1, 0 or blank.
- zengin_trailer_mismatch: the group's trailer disagrees with its data records. 01 compares
  振込 count and total over non-cancel records and 取消 count and total over cancel records;
  03 compares 入金 and 出金 counts and totals and データレコード件数. When a record's amount
  (or, in 03, its 入払区分) cannot be read, the totals (and, in 03, the 入金/出金 counts)
  cannot be recomputed, so only the counts that can be are compared. Every data row of the
  group gets the rejection; the file's other groups load normally.
- malformed_line, with every value None (the record cannot be sliced or placed):
  a record that is not 200 bytes (a truncated last record, or a file with no line breaks whose
  length is not a multiple of 200); an unknown データ区分; a data record or trailer outside a
  group (before any header, or after a trailer). A malformed record inside a group is not
  counted as one of its data records, so the group's trailer then disagrees with it.
- malformed_line on the data rows of a group that is never closed by a trailer: another header,
  an end record or the end of the file comes first.

A row's own defect wins over its group's: a bad_value row stays bad_value in a group whose
trailer disagrees. A missing end record is not an error: every group has already been checked
against its trailer. Records after an end record are read as further groups (banks concatenate
files). A header whose 種別コード is neither 01 nor 03 raises ZenginFormatError: the file is some
other bank file, and reading it with a guessed layout would mislead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from landing.wareki import two_digit_era_date

BANK_TRANSACTION_COLUMNS = (
    "bank_transaction_id",
    "bank_account_id",
    "value_date",
    "amount",
    "currency",
    "remitter_name",
    "virtual_account_number",
    "description",
    "edi_info",
    "reverses_bank_transaction_id",
)

RECORD_BYTES = 200
ENCODING = "cp932"
EOF_BYTE = b"\x1a"

TRANSFER_NOTICE = "01"  # 振込入金通知
STATEMENT = "03"  # 入出金取引明細

HEADER, DATA, TRAILER, END = "1", "2", "8", "9"  # データ区分

MALFORMED_LINE = "malformed_line"
TRAILER_MISMATCH = "zengin_trailer_mismatch"
BAD_VALUE = "bad_value"

CANCELLED = "1"  # 取消区分
NOT_CANCELLED = {"", "0"}
DEPOSIT, WITHDRAWAL = "1", "2"  # 入払区分
CORRECTION = "19"  # 取引区分 訂正


class ZenginFormatError(ValueError):
    """The file is not a 全銀協 file this reader knows (an unknown 種別コード)."""


@dataclass(frozen=True)
class Field:
    name: str
    width: int  # bytes
    kind: str  # N: zero-padded digits, C: text padded with spaces on the right


Layout = tuple[Field, ...]


def _layout(*fields: tuple[str, int, str]) -> Layout:
    return tuple(Field(name, width, kind) for name, width, kind in fields)


# Both kinds of file open their header with the same fields, and name the account the same way;
# the layouts below are built from these runs and the fields of their own.
_HEADER_OPENING: tuple[tuple[str, int, str], ...] = (
    ("data_kind", 1, "N"),  # データ区分
    ("type_code", 2, "N"),  # 種別コード
    ("code_kind", 1, "N"),  # コード区分
    ("created_on", 6, "N"),  # 作成日
    ("period_from", 6, "N"),  # 勘定日(自)
    ("period_to", 6, "N"),  # 勘定日(至)
    ("bank_code", 4, "N"),  # 銀行コード
    ("bank_name", 15, "C"),  # 銀行名
    ("branch_code", 3, "N"),  # 支店コード
    ("branch_name", 15, "C"),  # 支店名
)
_HEADER_ACCOUNT: tuple[tuple[str, int, str], ...] = (
    ("deposit_type", 1, "N"),  # 預金種目
    ("account_number", 7, "N"),  # 口座番号
    ("account_name", 40, "C"),  # 口座名
)
# Who sent the money, as both kinds of data record write it (03: 振込依頼人名又は契約者番号).
_REMITTER: tuple[tuple[str, int, str], ...] = (
    ("remitter_code", 10, "N"),  # 振込依頼人コード
    ("remitter_name", 48, "C"),  # 振込依頼人名
    ("sending_bank_name", 15, "C"),  # 仕向銀行名
    ("sending_branch_name", 15, "C"),  # 仕向店名
)

# One table per record type: the only place a width is written down.
LAYOUTS: dict[tuple[str, str], Layout] = {
    (TRANSFER_NOTICE, HEADER): _layout(*_HEADER_OPENING, *_HEADER_ACCOUNT, ("filler", 93, "C")),  # ダミー
    (TRANSFER_NOTICE, DATA): _layout(
        ("data_kind", 1, "N"),  # データ区分
        ("inquiry_number", 6, "N"),  # 照会番号
        ("booking_date", 6, "N"),  # 勘定日
        ("value_start_date", 6, "N"),  # 起算日
        ("amount", 10, "N"),  # 金額
        ("other_bank_cheques", 10, "N"),  # うち他店券金額
        *_REMITTER,
        ("cancellation", 1, "C"),  # 取消区分
        ("edi_info", 20, "C"),  # EDI情報
        ("filler", 52, "C"),  # ダミー
    ),
    (TRANSFER_NOTICE, TRAILER): _layout(
        ("data_kind", 1, "N"),  # データ区分
        ("transfer_count", 6, "N"),  # 振込合計件数
        ("transfer_total", 12, "N"),  # 振込合計金額
        ("cancellation_count", 6, "N"),  # 取消合計件数
        ("cancellation_total", 12, "N"),  # 取消合計金額
        ("filler", 163, "C"),  # ダミー
    ),
    (STATEMENT, HEADER): _layout(
        *_HEADER_OPENING,
        ("filler_1", 3, "C"),  # ダミー
        *_HEADER_ACCOUNT,
        ("overdraft_kind", 1, "N"),  # 貸越区分
        ("passbook_kind", 1, "N"),  # 通帳・証書区分
        ("opening_balance", 14, "N"),  # 取引前残高
        ("filler_2", 74, "C"),  # ダミー
    ),
    (STATEMENT, DATA): _layout(
        ("data_kind", 1, "N"),  # データ区分
        ("inquiry_number", 8, "N"),  # 照会番号
        ("booking_date", 6, "N"),  # 勘定日
        ("transaction_date", 6, "N"),  # 預入・払出日
        ("direction", 1, "N"),  # 入払区分
        ("transaction_kind", 2, "N"),  # 取引区分
        ("amount", 12, "N"),  # 取引金額
        ("other_bank_cheques", 12, "N"),  # うち他店券金額
        ("clearing_date", 6, "N"),  # 交換呈示日
        ("dishonour_date", 6, "N"),  # 不渡返還日
        ("bill_kind", 1, "N"),  # 手形・小切手区分
        ("bill_number", 7, "N"),  # 手形・小切手番号
        ("partner_branch", 3, "N"),  # 僚店番号
        *_REMITTER,
        ("summary", 20, "C"),  # 摘要内容
        ("edi_info", 20, "C"),  # EDI情報
        ("filler", 1, "C"),  # ダミー
    ),
    (STATEMENT, TRAILER): _layout(
        ("data_kind", 1, "N"),  # データ区分
        ("deposit_count", 6, "N"),  # 入金件数
        ("deposit_total", 13, "N"),  # 入金額合計
        ("withdrawal_count", 6, "N"),  # 出金件数
        ("withdrawal_total", 13, "N"),  # 出金額合計
        ("overdraft_kind", 1, "N"),  # 貸越区分
        ("closing_balance", 14, "N"),  # 取引後残高
        ("record_count", 7, "N"),  # データレコード件数
        ("filler", 139, "C"),  # ダミー
    ),
}
END_LAYOUT: Layout = _layout(("data_kind", 1, "N"), ("filler", 199, "C"))  # エンドレコード


def _check_layouts() -> None:
    """Every layout must cover exactly one record; a wrong width would shift every field after it."""
    for key, layout in [*LAYOUTS.items(), (("*", END), END_LAYOUT)]:
        total = sum(f.width for f in layout)
        if total != RECORD_BYTES:
            raise AssertionError(f"zengin layout {key} is {total} bytes, not {RECORD_BYTES}")


_check_layouts()


@dataclass(frozen=True)
class ZenginRow:
    values: dict[str, str | None]  # every column of BANK_TRANSACTION_COLUMNS, as text
    source_file: str  # the file's path as given
    record_number: int  # 1-based position of the 200-byte record in the file
    rejection: str | None  # None = valid; else a reason code
    raw_text: str  # the record decoded (cp932, errors='backslashreplace'), for the quarantine


# ----------------------------------------------------------------------------- records


def split_records(content: bytes) -> list[tuple[int, bytes]]:
    """(record number, record bytes) for each record; blank lines skipped but counted."""
    content = _without_trailer_bytes(content)
    if not content:
        return []
    if b"\n" in content:
        lines = [line.removesuffix(b"\r") for line in content.split(b"\n")]
        return [(number, line) for number, line in enumerate(lines, start=1) if line]
    # No line breaks: records follow each other; a short last chunk is a truncated record.
    chunks = range(0, len(content), RECORD_BYTES)
    return [(number, content[start : start + RECORD_BYTES]) for number, start in enumerate(chunks, start=1)]


def _without_trailer_bytes(content: bytes) -> bytes:
    """Drop the EOF byte and final line breaks some systems append, in whatever order they come."""
    return content.rstrip(EOF_BYTE + b"\r\n")


def decode(raw: bytes) -> str:
    return raw.decode(ENCODING, errors="backslashreplace")


def slice_fields(record: bytes, layout: Layout) -> dict[str, str]:
    """Each field's text, by byte offsets; C fields lose their right padding."""
    fields: dict[str, str] = {}
    offset = 0
    for f in layout:
        text = decode(record[offset : offset + f.width])
        fields[f.name] = text.rstrip(" ") if f.kind == "C" else text
        offset += f.width
    return fields


def as_number(text: str) -> int | None:
    """A numeric (N) field's value; None when it is not all digits."""
    return int(text) if text.isdigit() and text.isascii() else None


def as_iso_date(text: str) -> str:
    """和暦 YYMMDD as YYYY-MM-DD, or the raw digits when they name no date (staging says bad_date)."""
    day = two_digit_era_date(text)
    return day.isoformat() if day else text.strip()


def amount_text(text: str, negative: bool) -> str:
    """Integer yen without leading zeros, signed; the raw text when it is not a number."""
    value = as_number(text)
    if value is None:
        return text.strip()
    return str(-value if negative and value else value)


def blank_to_none(text: str) -> str | None:
    return text or None


def payer_code(text: str) -> str | None:
    """振込依頼人コード as a virtual account number: leading zeros dropped, None if blank or zero."""
    text = text.strip().lstrip("0")
    return text or None


# ----------------------------------------------------------------------------- groups


@dataclass
class DataRecord:
    """A data record read within a group, with what the trailer check and cancellations need."""

    type_code: str
    record_number: int
    raw_text: str
    values: dict[str, str | None]
    amount: int | None  # unsigned yen; None when unreadable
    inquiry_number: str
    is_cancellation: bool = False
    direction: str | None = None  # 03: DEPOSIT / WITHDRAWAL; None when unknown or 01
    rejection: str | None = None


@dataclass
class Group:
    type_code: str
    bank_account_id: str
    records: list[DataRecord] = field(default_factory=list)

    def close(self, rejection: str | None) -> None:
        """Give every data record the group's verdict, unless the record has a defect of its own."""
        for record in self.records:
            record.rejection = record.rejection or rejection


def type_code_of(record: bytes, path: str, record_number: int) -> str:
    code = decode(record[1:3])
    if code not in (TRANSFER_NOTICE, STATEMENT):
        raise ZenginFormatError(
            f"{path}: record {record_number} is a header of 種別コード {code!r}; only 01 (振込入金通知) "
            f"and 03 (入出金取引明細) files are read"
        )
    return code


def open_group(record: bytes, path: str, record_number: int) -> Group:
    type_code = type_code_of(record, path, record_number)
    header = slice_fields(record, LAYOUTS[(type_code, HEADER)])
    account = "-".join(header[k].strip() for k in ("bank_code", "branch_code", "account_number"))
    return Group(type_code, account)


def read_data_record(group: Group, record: bytes, record_number: int) -> DataRecord:
    fields = slice_fields(record, LAYOUTS[(group.type_code, DATA)])
    if group.type_code == TRANSFER_NOTICE:
        return _transfer(group, fields, record_number, decode(record))
    return _statement_entry(group, fields, record_number, decode(record))


def _transaction_id(account: str, booking_date: str, inquiry_number: str) -> str:
    return f"zengin:{account}:{as_iso_date(booking_date)}:{inquiry_number}"


def _common_values(group: Group, fields: dict[str, str]) -> dict[str, str | None]:
    return {
        "bank_account_id": group.bank_account_id,
        "value_date": as_iso_date(fields["booking_date"]),
        "currency": "JPY",
        "remitter_name": blank_to_none(fields["remitter_name"]),  # C fields are already right-trimmed
        "virtual_account_number": payer_code(fields["remitter_code"]),
        "edi_info": blank_to_none(fields["edi_info"].strip()),
        "reverses_bank_transaction_id": None,
    }


def _transfer(group: Group, fields: dict[str, str], record_number: int, raw_text: str) -> DataRecord:
    """01 振込入金通知 data record."""
    flag = fields["cancellation"].strip()
    is_cancellation = flag == CANCELLED
    inquiry = fields["inquiry_number"].strip()
    transaction_id = _transaction_id(group.bank_account_id, fields["booking_date"], inquiry)
    values = {
        **_common_values(group, fields),
        "bank_transaction_id": transaction_id + (":cancel" if is_cancellation else ""),
        "amount": amount_text(fields["amount"], negative=is_cancellation),
        "description": "取消" if is_cancellation else None,
    }
    rejection = None if is_cancellation or flag in NOT_CANCELLED else BAD_VALUE
    return DataRecord(
        TRANSFER_NOTICE,
        record_number,
        raw_text,
        values,
        as_number(fields["amount"]),
        inquiry,
        is_cancellation=is_cancellation,
        rejection=rejection,
    )


def _statement_entry(group: Group, fields: dict[str, str], record_number: int, raw_text: str) -> DataRecord:
    """03 入出金取引明細 data record."""
    direction = fields["direction"] if fields["direction"] in (DEPOSIT, WITHDRAWAL) else None
    inquiry = fields["inquiry_number"].strip()
    values = {
        **_common_values(group, fields),
        "bank_transaction_id": _transaction_id(group.bank_account_id, fields["booking_date"], inquiry),
        "amount": amount_text(fields["amount"], negative=direction == WITHDRAWAL),
        "description": _statement_description(fields),
    }
    return DataRecord(
        STATEMENT,
        record_number,
        raw_text,
        values,
        as_number(fields["amount"]),
        inquiry,
        direction=direction,
        rejection=None if direction else BAD_VALUE,
    )


def _statement_description(fields: dict[str, str]) -> str | None:
    parts = [fields["summary"].strip(), "訂正" if fields["transaction_kind"] == CORRECTION else ""]
    return " ".join(p for p in parts if p) or None


# ----------------------------------------------------------------------------- trailer check


def trailer_agrees(group: Group, record: bytes) -> bool:
    trailer = {k: as_number(v) for k, v in slice_fields(record, LAYOUTS[(group.type_code, TRAILER)]).items()}
    expected = _transfer_totals(group) if group.type_code == TRANSFER_NOTICE else _statement_totals(group)
    return all(trailer[name] == value for name, value in expected.items())


def _count_and_total(records: list[DataRecord], amounts_known: bool) -> tuple[int, int | None]:
    total = sum(r.amount or 0 for r in records) if amounts_known else None
    return len(records), total


def _transfer_totals(group: Group) -> dict[str, int]:
    """What an 01 trailer must say, for the figures that can be recomputed."""
    amounts_known = all(r.amount is not None for r in group.records)
    transfers = [r for r in group.records if not r.is_cancellation]
    cancellations = [r for r in group.records if r.is_cancellation]
    expected: dict[str, int] = {}
    for prefix, records in (("transfer", transfers), ("cancellation", cancellations)):
        count, total = _count_and_total(records, amounts_known)
        expected[f"{prefix}_count"] = count
        if total is not None:
            expected[f"{prefix}_total"] = total
    return expected


def _statement_totals(group: Group) -> dict[str, int]:
    """What an 03 trailer must say, for the figures that can be recomputed."""
    expected = {"record_count": len(group.records)}
    if any(r.direction is None for r in group.records):
        return expected
    amounts_known = all(r.amount is not None for r in group.records)
    for prefix, direction in (("deposit", DEPOSIT), ("withdrawal", WITHDRAWAL)):
        count, total = _count_and_total([r for r in group.records if r.direction == direction], amounts_known)
        expected[f"{prefix}_count"] = count
        if total is not None:
            expected[f"{prefix}_total"] = total
    return expected


# ----------------------------------------------------------------------------- files


@dataclass
class FileReading:
    """What one file yields: its data records (in groups) and the records that fit nowhere."""

    path: str
    data_records: list[DataRecord] = field(default_factory=list)
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (record number, raw text)


def read_file(path: Path | str) -> FileReading:
    reading = FileReading(os.fspath(path))  # the path as given, for the quarantine to name
    group: Group | None = None
    for number, record in split_records(Path(path).read_bytes()):
        kind = decode(record[:1])
        if len(record) != RECORD_BYTES or kind not in (HEADER, DATA, TRAILER, END):
            reading.malformed.append((number, decode(record)))
        elif kind == HEADER:
            _close_unterminated(group)
            group = open_group(record, reading.path, number)
        elif group is None:  # a data record or trailer outside any group
            if kind != END:
                reading.malformed.append((number, decode(record)))
        elif kind == DATA:
            data = read_data_record(group, record, number)
            group.records.append(data)
            reading.data_records.append(data)
        elif kind == TRAILER:
            group.close(None if trailer_agrees(group, record) else TRAILER_MISMATCH)
            group = None
        else:  # END inside a group: its trailer never came
            _close_unterminated(group)
            group = None
    _close_unterminated(group)
    return reading


def _close_unterminated(group: Group | None) -> None:
    if group is not None:
        group.close(MALFORMED_LINE)


def _cancelled_by(cancellation: DataRecord, deposits: list[DataRecord]) -> DataRecord | None:
    """The deposit a 取消 record cancels: the latest with its 照会番号, else the latest same payment."""
    return _latest(deposits, lambda d: d.inquiry_number == cancellation.inquiry_number) or _latest(
        deposits, lambda d: _same_payment(d, cancellation)
    )


def resolve_cancellations(records: Sequence[DataRecord]) -> None:
    """Point each 01 取消 record at the deposit it cancels (see the module docstring)."""
    uncancelled: dict[str, list[DataRecord]] = {}  # 01 deposits by account, in reading order
    for record in records:
        if record.type_code != TRANSFER_NOTICE:
            continue
        deposits = uncancelled.setdefault(record.values["bank_account_id"] or "", [])
        if not record.is_cancellation:
            deposits.append(record)
            continue
        cancelled = _cancelled_by(record, deposits)
        if cancelled is not None:
            deposits.remove(cancelled)  # a deposit is reversed once
            record.values["reverses_bank_transaction_id"] = cancelled.values["bank_transaction_id"]


def _latest(deposits: list[DataRecord], matches: Callable[[DataRecord], bool]) -> DataRecord | None:
    return next((d for d in reversed(deposits) if matches(d)), None)


def _same_payment(deposit: DataRecord, cancellation: DataRecord) -> bool:
    return (
        cancellation.amount is not None
        and deposit.amount == cancellation.amount
        and deposit.values["remitter_name"] == cancellation.values["remitter_name"]
    )


# ----------------------------------------------------------------------------- the entry point


def read_zengin_files(paths: Sequence[Path]) -> list[ZenginRow]:
    """One row per data record (and per malformed record), files in the given order, each file's
    rows in record order; cancellations are resolved across all the files."""
    readings = [read_file(p) for p in paths]
    resolve_cancellations([record for reading in readings for record in reading.data_records])
    return [row for reading in readings for row in _rows_of(reading)]


def _rows_of(reading: FileReading) -> list[ZenginRow]:
    rows = [
        ZenginRow(
            {c: r.values[c] for c in BANK_TRANSACTION_COLUMNS}, reading.path, r.record_number, r.rejection, r.raw_text
        )
        for r in reading.data_records
    ]
    rows += [
        ZenginRow(dict.fromkeys(BANK_TRANSACTION_COLUMNS), reading.path, number, MALFORMED_LINE, raw_text)
        for number, raw_text in reading.malformed
    ]
    return sorted(rows, key=lambda row: row.record_number)
