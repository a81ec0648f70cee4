"""The sample's bank transactions as 全銀協 fixed-length files (python -m datagen --bank-format zengin).

The same transactions the CSV mode writes to bank/transactions.csv go instead to bank/zengin/:

- deposits to 振込入金通知 (種別コード 01) files, one per account and calendar month
  (furikomi_<account>_<YYYYMM>.txt);
- withdrawals to one 入出金取引明細 (03) file per account (nyushukkin_<account>.txt), its
  取引前残高 and 取引後残高 the account's true balances at the period's edges (the statement
  lists only withdrawals, since deposits arrive as notices, so they do not reconcile with it
  alone).

Records are 200 bytes of JIS X 0201 in CP932, each followed by CR LF. A row the format cannot
carry (a date outside 令和, an amount that is not whole yen or too wide, a remitter name with
characters beyond half-width katakana and ASCII) is written to bank/transactions.csv beside
the folder instead and reported with a warning; the warehouse stages both sources.

Ids. A bank account is <銀行コード>-<支店コード>-<口座番号> (ACCOUNTS below), and a transaction
zengin:<account>:<勘定日>:<照会番号>, as landing/zengin.py reads them. The 照会番号 is the CSV id's
sequence number, six digits for a deposit and eight for a withdrawal (modulo the width; a
repeat raises), so a transaction's id is known the moment it is written and the cash
applications written next can name it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .calendar import PERIOD_END, PERIOD_START
from .kana import half_width
from .writers import CsvTable

ZENGIN_FOLDER = "bank/zengin"
ENCODING = "cp932"
RECORD_BYTES = 200
RECORD_END = b"\r\n"
REIWA_FIRST_DAY = date(2019, 5, 1)
LAST_TWO_DIGIT_REIWA_YEAR = 30  # 令和31 would be read back as 平成31 (landing/wareki.py)
DEPOSIT_INQUIRY_DIGITS = 6  # 照会番号 N6 in 01
WITHDRAWAL_INQUIRY_DIGITS = 8  # 照会番号 N8 in 03
DEPOSIT_AMOUNT_DIGITS = 10  # 金額 N10 in 01
WITHDRAWAL_AMOUNT_DIGITS = 12  # 取引金額 N12 in 03
REMITTER_BYTES = 48  # 振込依頼人名 C48
PAYER_CODE_DIGITS = 10  # 振込依頼人コード N10


@dataclass(frozen=True)
class ZenginAccount:
    bank_code: str  # 銀行コード
    bank_name: str  # 銀行名
    branch_code: str  # 支店コード
    branch_name: str  # 支店名
    account_number: str  # 口座番号 (預金種目 1 普通)
    account_name: str = "ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ"  # 口座名: the company itself

    @property
    def bank_account_id(self) -> str:
        return f"{self.bank_code}-{self.branch_code}-{self.account_number}"


# The generator's two accounts (datagen.world.BANK_ACCOUNTS) as the bank numbers them.
ACCOUNTS: dict[str, ZenginAccount] = {
    "ACC-MAIN": ZenginAccount("0005", "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", "123", "ｼﾝｼﾞﾕｸ", "1234567"),
    "ACC-SUB": ZenginAccount("0009", "ﾐﾂｲｽﾐﾄﾓ", "456", "ｳﾒﾀﾞ", "7654321"),
}
_BY_ID = {a.bank_account_id: a for a in ACCOUNTS.values()}


class NotRepresentable(ValueError):
    """A value a 全銀協 record cannot carry."""


# ----------------------------------------------------------------------------- values


def era_yymmdd(day: date) -> str:
    """A 令和 date as 全銀協 writes it: 2026-03-01 → 080301."""
    era_year = day.year - 2018
    if day < REIWA_FIRST_DAY or era_year > LAST_TWO_DIGIT_REIWA_YEAR:
        raise NotRepresentable(f"{day} is outside the two-digit 令和 years")
    return f"{era_year:02d}{day.month:02d}{day.day:02d}"


def jis_x0201(value: str) -> str:
    """Text in the 全銀 character set: full-width katakana, brackets and ASCII made half-width
    (ナカムラツウショウ（カ → ﾅｶﾑﾗﾂｳｼｮｳ(ｶ); raises for a character that has no half-width form."""
    converted = "".join(_half_width_ascii(ch) for ch in half_width(value))
    for ch in converted:
        if not _is_single_byte(ch):
            raise NotRepresentable(f"{value!r}: {ch!r} is not JIS X 0201")
    return converted


def _is_single_byte(ch: str) -> bool:
    """JIS X 0201 is exactly the characters CP932 writes in one byte."""
    try:
        return len(ch.encode(ENCODING)) == 1
    except UnicodeEncodeError:
        return False


def _half_width_ascii(ch: str) -> str:
    return chr(ord(ch) - 0xFEE0) if "！" <= ch <= "～" else ch


def zero_padded(value: int, width: int) -> str:
    """An N field: zero-padded digits."""
    digits = f"{value:0{width}d}"
    if value < 0 or len(digits) != width:
        raise NotRepresentable(f"{value} does not fit {width} digits")
    return digits


def space_padded(value: str, width: int) -> str:
    """A C field: padded with spaces on the right (JIS X 0201 is one byte a character)."""
    if len(value.encode(ENCODING)) > width:
        raise NotRepresentable(f"{value!r} is longer than {width} bytes")
    return value.ljust(width)


def transaction_id(bank_account_id: str, value_date: date | str, inquiry_number: str) -> str:
    """The id landing/zengin.py gives a record; a value_date that is no date is its raw field."""
    day = value_date.isoformat() if isinstance(value_date, date) else value_date
    return f"zengin:{bank_account_id}:{day}:{inquiry_number}"


def inquiry_number(csv_id: str, is_deposit: bool) -> str:
    """The 照会番号 of a CSV id: its sequence number, cut to the field's width."""
    digits = DEPOSIT_INQUIRY_DIGITS if is_deposit else WITHDRAWAL_INQUIRY_DIGITS
    return f"{int(csv_id.removeprefix('BT-')) % 10**digits:0{digits}d}"


def zengin_transaction_id(csv_id: str, bank_account_id: str, value_date: str, amount: str) -> str:
    """The zengin id of a transaction as the CSV mode writes it (ids, account, ISO date, amount)."""
    is_deposit = not amount.startswith("-")
    return transaction_id(bank_account_id, date.fromisoformat(value_date), inquiry_number(csv_id, is_deposit))


# ----------------------------------------------------------------------------- records


@dataclass
class Entry:
    """One transaction on its way into a file."""

    inquiry_number: str
    booking_date: str  # 勘定日 field, six digits as written
    sort_day: date  # where it sits in its file
    amount: int | str  # unsigned yen, or text written as is (a planted bad amount)
    remitter: str = ""
    payer_code: str = ""  # 振込依頼人コード digits, "" for none
    order: int = 0  # write order, to keep same-day records as they came


def _record(*fields: str) -> bytes:
    encoded = "".join(fields).encode(ENCODING)
    if len(encoded) != RECORD_BYTES:
        raise AssertionError(f"a zengin record of {len(encoded)} bytes")
    return encoded


def _amount_field(amount: int | str, width: int) -> str:
    return zero_padded(amount, width) if isinstance(amount, int) else space_padded(amount, width)


def _payer_code_field(code: str) -> str:
    return zero_padded(int(code), PAYER_CODE_DIGITS) if code else zero_padded(0, PAYER_CODE_DIGITS)


def notice_header(account: ZenginAccount, first: date, last: date) -> bytes:
    """01 header: データ区分 1, 種別 01, コード区分 0 (JIS), 作成日 = 勘定日(至)."""
    return _record(
        "1",
        "01",
        "0",
        era_yymmdd(last),
        era_yymmdd(first),
        era_yymmdd(last),
        account.bank_code,
        space_padded(account.bank_name, 15),
        account.branch_code,
        space_padded(account.branch_name, 15),
        "1",
        account.account_number,
        space_padded(account.account_name, 40),
        space_padded("", 93),
    )


def notice_data(entry: Entry) -> bytes:
    """01 data: 起算日 = 勘定日; no 他店券, 仕向銀行, 取消 or EDI."""
    return _record(
        "2",
        entry.inquiry_number,
        entry.booking_date,
        entry.booking_date,
        _amount_field(entry.amount, DEPOSIT_AMOUNT_DIGITS),
        zero_padded(0, 10),
        _payer_code_field(entry.payer_code),
        space_padded(entry.remitter, REMITTER_BYTES),
        space_padded("", 15),
        space_padded("", 15),
        " ",
        space_padded("", 20),
        space_padded("", 52),
    )


def notice_trailer(entries: list[Entry]) -> bytes:
    """01 trailer: the total is over the amounts that are numbers (the reader checks no more)."""
    total = sum(e.amount for e in entries if isinstance(e.amount, int))
    return _record(
        "8",
        zero_padded(len(entries), 6),
        zero_padded(total, 12),
        zero_padded(0, 6),
        zero_padded(0, 12),
        space_padded("", 163),
    )


def statement_header(account: ZenginAccount, first: date, last: date, opening_yen: int) -> bytes:
    """03 header: 貸越区分 1 (in credit) or 2, 通帳・証書区分 1 (通帳)."""
    return _record(
        "1",
        "03",
        "0",
        era_yymmdd(last),
        era_yymmdd(first),
        era_yymmdd(last),
        account.bank_code,
        space_padded(account.bank_name, 15),
        account.branch_code,
        space_padded(account.branch_name, 15),
        space_padded("", 3),
        "1",
        account.account_number,
        space_padded(account.account_name, 40),
        _overdraft_kind(opening_yen),
        "1",
        zero_padded(abs(opening_yen), 14),
        space_padded("", 74),
    )


def statement_withdrawal(entry: Entry) -> bytes:
    """03 data: 入払区分 2 (出金), 取引区分 11 (振込); no bills, 摘要 or EDI."""
    return _record(
        "2",
        entry.inquiry_number,
        entry.booking_date,
        entry.booking_date,
        "2",
        "11",
        _amount_field(entry.amount, WITHDRAWAL_AMOUNT_DIGITS),
        zero_padded(0, 12),
        zero_padded(0, 6),
        zero_padded(0, 6),
        "0",
        zero_padded(0, 7),
        zero_padded(0, 3),
        _payer_code_field(entry.payer_code),
        space_padded(entry.remitter, REMITTER_BYTES),
        space_padded("", 15),
        space_padded("", 15),
        space_padded("", 20),
        space_padded("", 20),
        " ",
    )


def statement_trailer(entries: list[Entry], closing_yen: int) -> bytes:
    total = sum(e.amount for e in entries if isinstance(e.amount, int))
    return _record(
        "8",
        zero_padded(0, 6),
        zero_padded(0, 13),
        zero_padded(len(entries), 6),
        zero_padded(total, 13),
        _overdraft_kind(closing_yen),
        zero_padded(abs(closing_yen), 14),
        zero_padded(len(entries), 7),
        space_padded("", 139),
    )


def end_record() -> bytes:
    return _record("9", space_padded("", 199))


def _overdraft_kind(balance_yen: int) -> str:
    return "1" if balance_yen >= 0 else "2"


# ----------------------------------------------------------------------------- the writer


class ZenginBankTable:
    """Stands in for bank/transactions.csv: takes the same rows, writes 全銀協 files on close.

    transaction_ids maps each CSV id to its zengin id. A row the format cannot carry goes to a
    bank/transactions.csv opened when the first such row comes (not_representable says why)."""

    table = "bank/transactions"

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.rows = 0
        self.transaction_ids: dict[str, str] = {}
        self.not_representable: list[str] = []
        self.deposits: dict[tuple[str, date], list[Entry]] = {}  # by (account, first of month)
        self.withdrawals: dict[str, list[Entry]] = {}  # by account
        self.balances_yen: dict[str, tuple[int, int]] = {}  # account: (before, after) the period
        self.spill: CsvTable | None = None
        self._used_ids: set[str] = set()
        remove_bank_files(out_dir)
        self.folder.mkdir(parents=True, exist_ok=True)

    @property
    def folder(self) -> Path:
        return self.out_dir / ZENGIN_FOLDER

    def write(self, row: list[str]) -> None:
        """A row in the CSV's written columns: id, account, value date, amount, currency,
        remitter name, virtual account number."""
        self.rows += 1
        try:
            self._add(*row)
        except NotRepresentable as reason:
            self._spill_row(row, str(reason))

    def write_rows(self, rows: list[list[str]]) -> None:
        for row in rows:
            self.write(row)

    def _add(
        self,
        csv_id: str,
        account_id: str,
        value_date: str,
        amount: str,
        currency: str,
        remitter: str,
        virtual_account: str,
    ) -> None:
        if currency != "JPY" or not amount.lstrip("-").isdigit() or int(amount) == 0:
            raise NotRepresentable(f"{amount} {currency} is no whole-yen deposit or withdrawal")
        if virtual_account and not virtual_account.isdigit():
            raise NotRepresentable(f"virtual account {virtual_account!r} is not digits")
        day = _iso_date(value_date)
        yen = int(amount)
        entry = Entry(
            inquiry_number(csv_id, yen > 0),
            era_yymmdd(day),
            day,
            abs(yen),
            jis_x0201(remitter),
            virtual_account,
            order=self.rows,
        )
        self._check_fits(entry, yen > 0)
        self._file(account_id, entry, day, is_deposit=yen > 0)
        self._remember(csv_id, transaction_id(account_id, day, entry.inquiry_number))

    def write_as_written(
        self,
        csv_id: str,
        account_id: str,
        month: date,
        value_date: date | str,
        amount: int | str,
        remitter: str,
        inquiry: str,
    ) -> str:
        """A deposit whose 勘定日 (a date, or six digits naming none) and 金額 (yen, or text) are
        written as given, in its month's notice: how planted violations break a file. Its id."""
        self.rows += 1
        booking = era_yymmdd(value_date) if isinstance(value_date, date) else value_date
        sort_day = value_date if isinstance(value_date, date) else month
        entry = Entry(inquiry, booking, sort_day, amount, jis_x0201(remitter), order=self.rows)
        self._file(account_id, entry, month, is_deposit=True)
        zengin_id = transaction_id(account_id, value_date, inquiry)
        self._remember(csv_id, zengin_id)
        return zengin_id

    def set_balances(self, account_id: str, before_cents: int, after_cents: int) -> None:
        """The account's balance before and after the period, for the 03 header and trailer."""
        self.balances_yen[account_id] = (before_cents // 100, after_cents // 100)

    def _check_fits(self, entry: Entry, is_deposit: bool) -> None:
        """Raise NotRepresentable before the entry is filed, so a row is never half written."""
        _amount_field(entry.amount, DEPOSIT_AMOUNT_DIGITS if is_deposit else WITHDRAWAL_AMOUNT_DIGITS)
        space_padded(entry.remitter, REMITTER_BYTES)
        _payer_code_field(entry.payer_code)

    def _file(self, account_id: str, entry: Entry, day: date, is_deposit: bool) -> None:
        if account_id not in _BY_ID:
            raise NotRepresentable(f"{account_id} is none of the zengin accounts")
        if is_deposit:
            self.deposits.setdefault((account_id, day.replace(day=1)), []).append(entry)
        else:
            self.withdrawals.setdefault(account_id, []).append(entry)

    def _remember(self, csv_id: str, zengin_id: str) -> None:
        if zengin_id in self._used_ids:
            raise RuntimeError(f"{csv_id} would repeat the zengin id {zengin_id}: the 照会番号 ran out of digits")
        self._used_ids.add(zengin_id)
        self.transaction_ids[csv_id] = zengin_id

    def _spill_row(self, row: list[str], reason: str) -> None:
        if self.spill is None:
            self.spill = CsvTable(self.out_dir, self.table)
        self.spill.write(row)
        self.not_representable.append(f"{row[0]} ({reason})")
        self.transaction_ids[row[0]] = row[0]  # it stays in the CSV under its own id

    def close(self) -> None:
        for (account_id, month), entries in sorted(self.deposits.items()):
            self._write_notice(_BY_ID[account_id], month, entries)
        for account_id in sorted(self.withdrawals):
            self._write_statement(_BY_ID[account_id], self.withdrawals[account_id])
        if self.spill is not None:
            self.spill.close()
            warnings.warn(
                f"{len(self.not_representable)} bank transactions cannot be written as 全銀協 records and "
                f"stay in {self.spill.path}: " + "; ".join(self.not_representable),
                stacklevel=2,
            )

    def _write_notice(self, account: ZenginAccount, month: date, entries: list[Entry]) -> None:
        entries = sorted(entries, key=lambda e: (e.sort_day, e.order))
        last = min(_month_end(month), PERIOD_END)
        records = [
            notice_header(account, month, last),
            *map(notice_data, entries),
            notice_trailer(entries),
            end_record(),
        ]
        _write_records(self.folder / f"furikomi_{account.bank_account_id}_{month:%Y%m}.txt", records)

    def _write_statement(self, account: ZenginAccount, entries: list[Entry]) -> None:
        entries = sorted(entries, key=lambda e: (e.sort_day, e.order))
        before, after = self.balances_yen.get(account.bank_account_id, (0, 0))
        records = [
            statement_header(account, PERIOD_START, PERIOD_END, before),
            *map(statement_withdrawal, entries),
            statement_trailer(entries, after),
            end_record(),
        ]
        _write_records(self.folder / f"nyushukkin_{account.bank_account_id}.txt", records)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NotRepresentable(f"{value!r} is no ISO date") from None


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _write_records(path: Path, records: list[bytes]) -> None:
    path.write_bytes(b"".join(r + RECORD_END for r in records))


def remove_bank_files(out_dir: Path) -> None:
    """Clear what an earlier run left of the bank data in either format: both are read if present."""
    for stale in (out_dir / "bank/transactions.csv", out_dir / "bank/transactions.parquet"):
        stale.unlink(missing_ok=True)
    remove_zengin_files(out_dir)


def remove_zengin_files(out_dir: Path) -> None:
    """Delete the generator's own 全銀協 files (and their folder once empty), nothing else."""
    folder = out_dir / ZENGIN_FOLDER
    if not folder.is_dir():
        return
    for pattern in ("furikomi_*.txt", "nyushukkin_*.txt"):
        for path in folder.glob(pattern):
            path.unlink()
    if not any(folder.iterdir()):
        folder.rmdir()
