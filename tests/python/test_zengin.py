"""Tests of the 全銀協 fixed-length reader (landing/zengin.py).

Files are built byte by byte here, field by field with the widths written out again, so a wrong
width in the reader's layout tables shows up as a wrong value rather than agreeing with itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from landing.zengin import (
    BANK_TRANSACTION_COLUMNS,
    END_LAYOUT,
    LAYOUTS,
    ZenginFormatError,
    ZenginRow,
    read_zengin_files,
)

ACCOUNT_A = ("0005", "123", "1234567")
ACCOUNT_B = ("0009", "456", "7654321")
ID_A = "0005-123-1234567"
ID_B = "0009-456-7654321"

# ----------------------------------------------------------------------------- the builder


def num(value: int | str, width: int) -> bytes:
    """An N field: an int zero-padded, or a str written exactly as given (to plant bad digits)."""
    text = f"{value:0{width}d}" if isinstance(value, int) else value
    assert len(text) == width, (value, width)
    return text.encode("ascii")


def txt(value: str, width: int) -> bytes:
    """A C field: CP932 bytes padded with spaces on the right."""
    encoded = value.encode("cp932")
    assert len(encoded) <= width, (value, width)
    return encoded + b" " * (width - len(encoded))


def record(*fields: bytes) -> bytes:
    joined = b"".join(fields)
    assert len(joined) == 200, len(joined)
    return joined


def notice_header(account: tuple[str, str, str], start: str = "080301", end: str = "080331") -> bytes:
    bank, branch, number = account
    return record(
        b"1",
        num("01", 2),
        b"0",
        num(end, 6),
        num(start, 6),
        num(end, 6),
        num(bank, 4),
        txt("ﾃｽﾄｷﾞﾝｺｳ", 15),
        num(branch, 3),
        txt("ﾎﾝﾃﾝ", 15),
        b"1",
        num(number, 7),
        txt("ｶ)ｻﾝﾌﾟﾙ", 40),
        txt("", 93),
    )


def notice_data(
    inquiry: int,
    booked: str,
    amount: int | str,
    remitter: str,
    payer_code: int | str = 0,
    cancel: str = " ",
    edi: str = "",
) -> bytes:
    return record(
        b"2",
        num(inquiry, 6),
        num(booked, 6),
        num(booked, 6),
        num(amount, 10),
        num(0, 10),
        num(payer_code, 10),
        txt(remitter, 48),
        txt("ﾐｽﾞﾎ", 15),
        txt("ｼﾌﾞﾔ", 15),
        cancel.encode("ascii"),
        txt(edi, 20),
        txt("", 52),
    )


def notice_trailer(count: int, total: int, cancel_count: int = 0, cancel_total: int = 0) -> bytes:
    return record(b"8", num(count, 6), num(total, 12), num(cancel_count, 6), num(cancel_total, 12), txt("", 163))


def end_record() -> bytes:
    return record(b"9", txt("", 199))


def statement_header(account: tuple[str, str, str], opening: int = 1_000_000) -> bytes:
    bank, branch, number = account
    return record(
        b"1",
        num("03", 2),
        b"0",
        num("080331", 6),
        num("080301", 6),
        num("080331", 6),
        num(bank, 4),
        txt("ﾃｽﾄｷﾞﾝｺｳ", 15),
        num(branch, 3),
        txt("ﾎﾝﾃﾝ", 15),
        txt("", 3),
        b"1",
        num(number, 7),
        txt("ｶ)ｻﾝﾌﾟﾙ", 40),
        b"1",
        b"1",
        num(opening, 14),
        txt("", 74),
    )


def statement_data(
    inquiry: int,
    booked: str,
    direction: str,
    kind: str,
    amount: int,
    remitter: str = "",
    payer_code: int = 0,
    summary: str = "",
    edi: str = "",
) -> bytes:
    return record(
        b"2",
        num(inquiry, 8),
        num(booked, 6),
        num(booked, 6),
        direction.encode("ascii"),
        num(kind, 2),
        num(amount, 12),
        num(0, 12),
        num(0, 6),
        num(0, 6),
        b"0",
        num(0, 7),
        num(0, 3),
        num(payer_code, 10),
        txt(remitter, 48),
        txt("", 15),
        txt("", 15),
        txt(summary, 20),
        txt(edi, 20),
        b" ",
    )


def statement_trailer(
    deposits: int, deposit_total: int, withdrawals: int, withdrawal_total: int, closing: int, records: int
) -> bytes:
    return record(
        b"8",
        num(deposits, 6),
        num(deposit_total, 13),
        num(withdrawals, 6),
        num(withdrawal_total, 13),
        b"1",
        num(closing, 14),
        num(records, 7),
        txt("", 139),
    )


def write(path: Path, records: list[bytes], separator: bytes = b"\r\n", tail: bytes = b"") -> Path:
    path.write_bytes(b"".join(r + separator for r in records) + tail)
    return path


def values(row: ZenginRow) -> dict[str, str | None]:
    return dict(row.values)


def expected(**given: str | None) -> dict[str, str | None]:
    """A row's values: the given ones, JPY, and None for the rest."""
    out: dict[str, str | None] = dict.fromkeys(BANK_TRANSACTION_COLUMNS)
    out["currency"] = "JPY"
    out.update(given)
    return out


def two_account_notice() -> list[bytes]:
    return [
        notice_header(ACCOUNT_A),
        notice_data(1, "080302", 652_300, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
        notice_data(2, "080305", 1_111_660, "ﾄｳﾜｺｳｷﾞﾖｳ(ｶ", payer_code=9_996_290, edi="INV-000123"),
        notice_trailer(2, 1_763_960),
        notice_header(ACCOUNT_B),
        notice_data(7, "080310", 50_000, "ﾀﾅｶ ﾀﾛｳ"),
        notice_trailer(1, 50_000),
        end_record(),
    ]


# ----------------------------------------------------------------------------- layouts


def test_every_layout_is_one_record_long() -> None:
    for layout in [*LAYOUTS.values(), END_LAYOUT]:
        assert sum(f.width for f in layout) == 200


# ----------------------------------------------------------------------------- 01 振込入金通知


@pytest.mark.parametrize("separator", [b"\r\n", b"\n", b""], ids=["crlf", "lf", "none"])
def test_a_transfer_notice_with_two_accounts(tmp_path: Path, separator: bytes) -> None:
    path = write(tmp_path / "furikomi.txt", two_account_notice(), separator)
    rows = read_zengin_files([path])
    assert [(r.record_number, r.rejection, r.source_file) for r in rows] == [
        (2, None, str(path)),
        (3, None, str(path)),
        (6, None, str(path)),
    ]
    assert values(rows[0]) == expected(
        bank_transaction_id=f"zengin:{ID_A}:2026-03-02:000001",
        bank_account_id=ID_A,
        value_date="2026-03-02",
        amount="652300",
        remitter_name="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
    )
    assert values(rows[1]) == expected(
        bank_transaction_id=f"zengin:{ID_A}:2026-03-05:000002",
        bank_account_id=ID_A,
        value_date="2026-03-05",
        amount="1111660",
        remitter_name="ﾄｳﾜｺｳｷﾞﾖｳ(ｶ",
        virtual_account_number="9996290",
        edi_info="INV-000123",
    )
    assert values(rows[2]) == expected(
        bank_transaction_id=f"zengin:{ID_B}:2026-03-10:000007",
        bank_account_id=ID_B,
        value_date="2026-03-10",
        amount="50000",
        remitter_name="ﾀﾅｶ ﾀﾛｳ",
    )
    assert rows[0].raw_text.startswith("2000001080302080302") and len(rows[0].raw_text) == 200


def test_eof_byte_and_trailing_newlines_are_ignored(tmp_path: Path) -> None:
    crlf = write(tmp_path / "a.txt", two_account_notice(), b"\r\n", tail=b"\x1a")
    bare = write(tmp_path / "b.txt", two_account_notice(), b"", tail=b"\x1a\r\n")
    assert [r.rejection for r in read_zengin_files([crlf, bare])] == [None] * 6


def test_half_width_kana_is_decoded_exactly(tmp_path: Path) -> None:
    path = write(
        tmp_path / "kana.txt",
        [
            notice_header(ACCOUNT_A),
            notice_data(1, "080302", 1_000, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
            notice_data(2, "080302", 2_000, "ﾆﾎﾝｼﾞﾕｳﾀｸｻ-ﾋﾞｽ(ｶ"),
            notice_trailer(2, 3_000),
            end_record(),
        ],
    )
    first, second = read_zengin_files([path])
    assert first.values["remitter_name"] == "\uff76)\uff94\uff8f\uff80\uff9e\uff7c\uff96\uff73\uff7c\uff9e"
    assert second.values["remitter_name"] == "ﾆﾎﾝｼﾞﾕｳﾀｸｻ-ﾋﾞｽ(ｶ"
    assert "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ" in first.raw_text


def test_fields_are_sliced_by_bytes_not_characters(tmp_path: Path) -> None:
    # ヤマダ is 6 bytes in CP932: a reader slicing decoded characters would shift the fields after it.
    path = write(
        tmp_path / "wide.txt",
        [
            notice_header(ACCOUNT_A),
            notice_data(1, "080302", 1_000, "ヤマダ", edi="EDI-1"),
            notice_trailer(1, 1_000),
            end_record(),
        ],
    )
    (row,) = read_zengin_files([path])
    assert (row.values["remitter_name"], row.values["edi_info"], row.rejection) == ("ヤマダ", "EDI-1", None)
    assert len(row.raw_text) == 197  # 200 bytes, three of the characters two bytes each


def test_era_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dates.txt",
        [
            notice_header(ACCOUNT_A, start="310401", end="080331"),
            notice_data(1, "080301", 1_000, "ｱ"),
            notice_data(2, "310430", 2_000, "ｲ"),
            notice_data(3, "081332", 3_000, "ｳ"),
            notice_trailer(3, 6_000),
            end_record(),
        ],
    )
    reiwa, heisei, invalid = read_zengin_files([path])
    assert reiwa.values["value_date"] == "2026-03-01"
    assert heisei.values["value_date"] == "2019-04-30"
    assert heisei.values["bank_transaction_id"] == f"zengin:{ID_A}:2019-04-30:000002"
    # No date: passed through for staging to quarantine as bad_date, not rejected here.
    assert (invalid.values["value_date"], invalid.rejection) == ("081332", None)
    assert invalid.values["bank_transaction_id"] == f"zengin:{ID_A}:081332:000003"


def test_a_bad_number_is_passed_through_raw(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad_amount.txt",
        [
            notice_header(ACCOUNT_A),
            notice_data(1, "080302", "00012,000 ", "ｱ"),
            notice_data(2, "080302", 4_000, "ｲ"),
            notice_trailer(2, 999_999),  # the total cannot be recomputed; the count still agrees
            end_record(),
        ],
    )
    bad, good = read_zengin_files([path])
    assert (bad.values["amount"], bad.rejection) == ("00012,000", None)
    assert (good.values["amount"], good.rejection) == ("4000", None)


# ----------------------------------------------------------------------------- cancellations


def test_a_cancellation_reverses_the_deposit_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cancel.txt",
        [
            notice_header(ACCOUNT_A),
            notice_data(11, "080302", 5_000, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
            notice_data(12, "080303", 5_000, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
            notice_data(11, "080304", 5_000, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", cancel="1"),
            notice_trailer(2, 10_000, 1, 5_000),
            end_record(),
        ],
    )
    rows = read_zengin_files([path])
    assert [r.rejection for r in rows] == [None, None, None]
    assert values(rows[2]) == expected(
        bank_transaction_id=f"zengin:{ID_A}:2026-03-04:000011:cancel",
        bank_account_id=ID_A,
        value_date="2026-03-04",
        amount="-5000",
        remitter_name="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
        description="取消",
        reverses_bank_transaction_id=f"zengin:{ID_A}:2026-03-02:000011",
    )
    assert rows[0].values["reverses_bank_transaction_id"] is None


def test_a_cancellation_found_by_amount_and_remitter_across_files(tmp_path: Path) -> None:
    first = write(
        tmp_path / "march.txt",
        [
            notice_header(ACCOUNT_A),
            notice_data(21, "080302", 7_700, "ﾀﾅｶ ﾀﾛｳ"),
            notice_data(22, "080302", 7_700, "ｽｽﾞｷ ﾊﾅｺ"),
            notice_trailer(2, 15_400),
            notice_header(ACCOUNT_B),
            notice_data(23, "080302", 7_700, "ﾀﾅｶ ﾀﾛｳ"),
            notice_trailer(1, 7_700),
            end_record(),
        ],
    )
    second = write(
        tmp_path / "april.txt",
        [
            notice_header(ACCOUNT_A, start="080401", end="080430"),
            notice_data(99, "080401", 7_700, "ﾀﾅｶ ﾀﾛｳ", cancel="1"),
            notice_data(98, "080401", 8_800, "ﾀﾅｶ ﾀﾛｳ", cancel="1"),  # nothing to reverse
            notice_trailer(0, 0, 2, 16_500),
            end_record(),
        ],
    )
    rows = read_zengin_files([first, second])
    found, orphan = rows[3], rows[4]
    assert found.source_file == str(second)
    assert found.values["amount"] == "-7700"
    assert found.values["reverses_bank_transaction_id"] == f"zengin:{ID_A}:2026-03-02:000021"
    assert (orphan.values["amount"], orphan.values["reverses_bank_transaction_id"]) == ("-8800", None)
    assert [r.rejection for r in rows] == [None] * 5


# ----------------------------------------------------------------------------- 03 入出金取引明細


def test_a_statement_with_deposits_and_withdrawals(tmp_path: Path) -> None:
    path = write(
        tmp_path / "statement.txt",
        [
            statement_header(ACCOUNT_B),
            statement_data(1, "080302", "1", "11", 330_000, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", payer_code=42, summary="ﾌﾘｺﾐ", edi="REF42"),
            statement_data(2, "080325", "2", "14", 120_000, summary="ﾔﾁﾝ"),
            statement_data(3, "080326", "2", "19", 1_000),
            statement_trailer(1, 330_000, 2, 121_000, 1_209_000, 3),
            end_record(),
        ],
    )
    deposit, rent, correction = read_zengin_files([path])
    assert values(deposit) == expected(
        bank_transaction_id=f"zengin:{ID_B}:2026-03-02:00000001",
        bank_account_id=ID_B,
        value_date="2026-03-02",
        amount="330000",
        remitter_name="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
        virtual_account_number="42",
        description="ﾌﾘｺﾐ",
        edi_info="REF42",
    )
    assert values(rent) == expected(
        bank_transaction_id=f"zengin:{ID_B}:2026-03-25:00000002",
        bank_account_id=ID_B,
        value_date="2026-03-25",
        amount="-120000",
        description="ﾔﾁﾝ",
    )
    assert (correction.values["amount"], correction.values["description"]) == ("-1000", "訂正")
    assert [r.rejection for r in (deposit, rent, correction)] == [None, None, None]


def test_a_statement_entry_neither_deposit_nor_withdrawal_is_a_bad_value(tmp_path: Path) -> None:
    path = write(
        tmp_path / "statement.txt",
        [
            statement_header(ACCOUNT_B),
            statement_data(1, "080302", "1", "11", 5_000),
            statement_data(2, "080302", "3", "11", 6_000),
            statement_trailer(9, 9, 9, 9, 0, 2),  # only the record count can be recomputed: it agrees
            end_record(),
        ],
    )
    good, bad = read_zengin_files([path])
    assert (good.rejection, bad.rejection, bad.values["amount"]) == (None, "bad_value", "6000")


def test_a_statement_trailer_with_the_wrong_record_count(tmp_path: Path) -> None:
    path = write(
        tmp_path / "statement.txt",
        [
            statement_header(ACCOUNT_B),
            statement_data(1, "080302", "1", "11", 5_000),
            statement_trailer(1, 5_000, 0, 0, 1_005_000, 2),
            end_record(),
        ],
    )
    (row,) = read_zengin_files([path])
    assert (row.rejection, row.values["amount"]) == ("zengin_trailer_mismatch", "5000")


# ----------------------------------------------------------------------------- trailer checks


@pytest.mark.parametrize(
    "trailer",
    [notice_trailer(3, 1_763_960), notice_trailer(2, 1_763_961), notice_trailer(2, 1_763_960, 1, 0)],
    ids=["count", "total", "cancellation count"],
)
def test_a_trailer_mismatch_rejects_only_its_group(tmp_path: Path, trailer: bytes) -> None:
    records = two_account_notice()
    records[3] = trailer
    rows = read_zengin_files([write(tmp_path / "mismatch.txt", records)])
    assert [(r.record_number, r.rejection) for r in rows] == [
        (2, "zengin_trailer_mismatch"),
        (3, "zengin_trailer_mismatch"),
        (6, None),
    ]
    assert rows[0].values["amount"] == "652300"  # the values are kept for the quarantine


# ----------------------------------------------------------------------------- malformed files


def test_a_truncated_last_record(tmp_path: Path) -> None:
    records = two_account_notice()[:6]  # the second account's deposit, then no trailer …
    truncated = notice_data(8, "080311", 60_000, "ｽｽﾞｷ ﾊﾅｺ")[:120]  # … and a record cut short
    path = tmp_path / "cut.txt"
    path.write_bytes(b"".join(records) + truncated)
    rows = read_zengin_files([path])
    assert [(r.record_number, r.rejection) for r in rows] == [
        (2, None),
        (3, None),
        (6, "malformed_line"),
        (7, "malformed_line"),
    ]
    assert rows[2].values["amount"] == "50000"  # the unterminated group's row keeps its values
    assert rows[3].values == dict.fromkeys(BANK_TRANSACTION_COLUMNS)
    assert rows[3].raw_text.startswith("2000008080311") and len(rows[3].raw_text) == 120


def test_a_truncated_end_record_leaves_the_groups_alone(tmp_path: Path) -> None:
    path = tmp_path / "cut_end.txt"
    path.write_bytes(b"\r\n".join([*two_account_notice()[:7], end_record()[:50]]) + b"\r\n")
    rows = read_zengin_files([path])
    assert [(r.record_number, r.rejection) for r in rows] == [(2, None), (3, None), (6, None), (8, "malformed_line")]


def test_records_outside_a_group_and_unknown_kinds_are_malformed(tmp_path: Path) -> None:
    stray = notice_data(5, "080301", 100, "ｱ")
    unknown_kind = b"5" + stray[1:]
    path = write(tmp_path / "stray.txt", [stray, *two_account_notice()[:4], unknown_kind, notice_trailer(0, 0)])
    rows = read_zengin_files([path])
    assert [(r.record_number, r.rejection) for r in rows] == [
        (1, "malformed_line"),
        (3, None),
        (4, None),
        (6, "malformed_line"),
        (7, "malformed_line"),
    ]
    assert rows[0].values == dict.fromkeys(BANK_TRANSACTION_COLUMNS)


def test_a_header_before_the_trailer_leaves_the_open_group_malformed(tmp_path: Path) -> None:
    records = two_account_notice()
    del records[3]  # the first account's trailer
    rows = read_zengin_files([write(tmp_path / "no_trailer.txt", records)])
    assert [(r.record_number, r.rejection) for r in rows] == [
        (2, "malformed_line"),
        (3, "malformed_line"),
        (5, None),
    ]


def test_an_unknown_type_code_raises(tmp_path: Path) -> None:
    header = bytearray(notice_header(ACCOUNT_A))
    header[1:3] = b"02"  # 種別コード 02 is no file this reader knows
    path = write(tmp_path / "other.txt", [bytes(header), notice_trailer(0, 0), end_record()])
    with pytest.raises(ZenginFormatError, match=r"other\.txt: record 1 .*'02'"):
        read_zengin_files([path])
