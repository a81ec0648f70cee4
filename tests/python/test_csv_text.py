"""Reading landing CSVs as Japanese systems export them: every encoding, every kind of damaged line."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from landing import csv_text
from landing.csv_text import CsvFile, CsvRecord, LandingFileError, detect_encoding, open_csv

HEADER = ["請求書番号", "得意先名", "金額"]
ROWS = [
    ["INV-001", "株式会社山田商事", "1200"],
    ["INV-002", "ヤマダ ショウジ", "-300"],
    ["INV-003", "㈱鈴木①～ｶﾞ髙", "0"],
]


def csv_text_of(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    return "".join(delimiter.join(row) + newline for row in rows)


def write(tmp_path: Path, data: bytes, name: str = "invoices.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(path: Path, **options: str) -> tuple[CsvFile, list[CsvRecord]]:
    csv_file = open_csv(path, **options)
    return csv_file, list(csv_file.records)


def good(fields: list[str], line_number: int) -> CsvRecord:
    return CsvRecord(fields, line_number, None)


def malformed(raw_text: str, line_number: int) -> CsvRecord:
    return CsvRecord(None, line_number, raw_text)


def lines_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    return write(tmp_path, text.encode(encoding))


# --- encodings ---------------------------------------------------------------------------------

SAME_CONTENT = [
    ("utf-8", b"", "utf-8", ","),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig", ","),
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le", ","),
    ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be", ","),
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le", "\t"),  # Excel's "Unicode text"
    ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be", "\t"),
    ("cp932", b"", "cp932", ","),
    ("cp932", b"", "cp932", "\t"),
]


@pytest.mark.parametrize(("codec", "bom", "expected_encoding", "delimiter"), SAME_CONTENT)
def test_the_same_content_reads_back_the_same_in_every_encoding(
    tmp_path: Path, codec: str, bom: bytes, expected_encoding: str, delimiter: str
) -> None:
    path = write(tmp_path, bom + csv_text_of([HEADER, *ROWS], delimiter).encode(codec))
    csv_file, records = read(path)
    assert (csv_file.encoding, csv_file.delimiter) == (expected_encoding, delimiter)
    assert detect_encoding(path) == expected_encoding
    assert csv_file.header == HEADER
    assert records == [good(ROWS[0], 2), good(ROWS[1], 3), good(ROWS[2], 4)]


@pytest.mark.parametrize(("codec", "expected"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_utf16_without_a_bom_is_told_by_its_nul_bytes(tmp_path: Path, codec: str, expected: str) -> None:
    header = ["invoice_id", "customer_name", "amount"]
    path = write(tmp_path, csv_text_of([header, *ROWS]).encode(codec))
    csv_file, records = read(path)
    assert csv_file.encoding == expected
    assert csv_file.header == header
    assert [record.fields for record in records] == ROWS


CP932_EXTENSIONS = [
    (b"\x87\x8a", "㈱"),  # NEC special characters (row 13)
    (b"\x87\x40", "①"),
    (b"\x87\x90", "≒"),
    (b"\x81\x60", "\uff5e"),  # FULLWIDTH TILDE, as Windows decodes it (shift_jis gives U+301C)
    (b"\xb6\xde", "ｶﾞ"),  # half-width katakana with a voiced mark
    (b"\xfb\xfc", "髙"),  # IBM extension
    (b"\xee\xe0", "髙"),  # NEC-selected IBM extension
    (b"\xed\x40", "纊"),
    (b"\xfa\x40", "ⅰ"),
]


def test_cp932_decodes_exactly_as_windows_does(tmp_path: Path) -> None:
    rows = b"".join(b"%d,%s\r\n" % (number, raw) for number, (raw, _) in enumerate(CP932_EXTENSIONS))
    path = write(tmp_path, b"code,char\r\n" + rows)
    csv_file, records = read(path)
    assert csv_file.encoding == "cp932"
    assert [(record.fields or [])[1:2] for record in records] == [[char] for _, char in CP932_EXTENSIONS]
    assert "～".encode("cp932").decode("cp932") == "\uff5e"


@pytest.mark.parametrize("alias", ["shift_jis", "sjis", "Shift-JIS", "windows-31j", "cp932", "MS932", "shift_jis_2004"])
def test_every_shift_jis_name_decodes_as_cp932(tmp_path: Path, alias: str) -> None:
    path = write(tmp_path, "名前\r\n㈱①～ｶﾞ髙\r\n".encode("cp932"))
    csv_file, records = read(path, encoding=alias)
    assert csv_file.encoding == "cp932"
    assert records == [good(["㈱①～ｶﾞ髙"], 2)]


def test_a_forced_encoding_is_used_even_where_detection_would_choose_another(tmp_path: Path) -> None:
    # Two bytes that are one kanji in CP932 and also valid UTF-8 (Ã£): detection says UTF-8.
    path = write(tmp_path, b"name\n\xc3\xa3\n")
    assert read(path)[1] == [good(["ã"], 2)]
    csv_file, records = read(path, encoding="sjis")
    assert csv_file.encoding == "cp932"
    assert records == [good(["ﾃ｣"], 2)]


def test_forcing_utf8_on_a_file_with_a_bom_skips_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + "金額\n100\n".encode())
    csv_file, records = read(path, encoding="utf8")
    assert (csv_file.encoding, csv_file.header, records) == ("utf-8-sig", ["金額"], [good(["100"], 2)])


def test_forcing_utf16_takes_the_byte_order_from_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF16_BE + "金額\r\n100\r\n".encode("utf-16-be"))
    csv_file, records = read(path, encoding="UTF-16")
    assert (csv_file.encoding, csv_file.header, records) == ("utf-16-be", ["金額"], [good(["100"], 2)])


def test_an_unsupported_encoding_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"a\n1\n")
    with pytest.raises(LandingFileError, match=r"invoices\.csv.*unsupported encoding 'latin-1'"):
        open_csv(path, encoding="latin-1")


def test_a_cp932_byte_deep_in_the_file_is_found(tmp_path: Path) -> None:
    ascii_lines = "".join(f"INV-{n:06d},{n}\r\n" for n in range(60_000))  # ~1.1 MB: past the first chunk
    path = write(tmp_path, ("id,amount\r\n" + ascii_lines + "INV-X,㈱\r\n").encode("cp932"))
    assert path.stat().st_size > csv_text.READ_CHUNK_BYTES
    csv_file, records = read(path)
    assert csv_file.encoding == "cp932"
    assert len(records) == 60_001
    assert records[-1] == good(["INV-X", "㈱"], 60_002)


def test_a_line_with_bytes_no_encoding_reads_is_malformed_and_the_rest_is_read(tmp_path: Path) -> None:
    text = csv_text_of([HEADER, *ROWS]).encode()
    broken = b"INV-BAD,\xff\xfe\xe6\x9d,9\r\n"
    path = write(tmp_path, text + broken + "INV-004,佐藤,5\r\n".encode())
    csv_file, records = read(path)
    assert csv_file.encoding == "utf-8"
    assert records == [
        good(ROWS[0], 2),
        good(ROWS[1], 3),
        good(ROWS[2], 4),
        malformed("INV-BAD,\\xff\\xfe\\xe6\\x9d,9", 5),
        good(["INV-004", "佐藤", "5"], 6),
    ]


def test_a_cp932_file_with_one_damaged_line_is_read_as_cp932(tmp_path: Path) -> None:
    lines = [HEADER, *ROWS]
    path = write(
        tmp_path, csv_text_of(lines).encode("cp932") + b"INV-BAD,\x81,1\r\n" + "INV-9,髙橋,2\r\n".encode("cp932")
    )
    csv_file, records = read(path)
    assert csv_file.encoding == "cp932"
    assert records[3] == malformed("INV-BAD,\\x81,1", 5)
    assert records[4] == good(["INV-9", "髙橋", "2"], 6)


def test_when_each_encoding_fails_as_many_lines_cp932_wins(tmp_path: Path) -> None:
    # One line is UTF-8 only (Á, C3 81: 81 opens a CP932 pair that the newline ends), one is CP932
    # only (ｱ, B1), and one neither reads (81 alone).
    path = write(tmp_path, b"name\n" + "Á".encode() + b"\n\xb1\n\x81\n")
    assert detect_encoding(path) == "cp932"
    assert read(path)[1] == [malformed("ﾃ\\x81", 2), good(["ｱ"], 3), malformed("\\x81", 4)]


def test_a_damaged_utf16_file_is_refused_naming_the_byte_offset(tmp_path: Path) -> None:
    intact = "a,b\r\n1,2\r\n".encode("utf-16-le")
    path = write(tmp_path, codecs.BOM_UTF16_LE + intact + b"\x00\xdc" + "3,4\r\n".encode("utf-16-le"))
    with pytest.raises(LandingFileError) as raised:
        open_csv(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"byte offset {2 + len(intact)}" in message
    assert "utf-8, utf-16, cp932" in message


def test_a_utf16_file_cut_in_the_middle_of_a_character_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF16_LE + "a\r\n1\r\n".encode("utf-16-le") + b"\x31")
    with pytest.raises(LandingFileError, match="byte offset 14"):
        open_csv(path)


@pytest.mark.parametrize("data", [b"", b"\r\n  \r\n\t\n"])
def test_a_file_without_a_header_is_refused(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    with pytest.raises(LandingFileError, match=r"invoices\.csv: the file (is empty|has no header line)"):
        open_csv(path)


def test_a_header_that_does_not_decode_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "得意先\n1\n".encode("cp932"))
    with pytest.raises(LandingFileError, match=r"invoices\.csv: the header line 1 does not decode: \\x93\\xbe"):
        open_csv(path, encoding="utf-8")


# --- header and delimiter ----------------------------------------------------------------------


def test_header_names_are_trimmed_and_unquoted(tmp_path: Path) -> None:
    path = lines_file(tmp_path, '\ufeff "請求書番号" ,"得意先 名", 金額 \n1,2,3\n')
    assert open_csv(path).header == ["請求書番号", "得意先 名", "金額"]
    twice_marked = write(tmp_path, codecs.BOM_UTF8 + "\ufeff金額,税\n".encode(), "twice.csv")
    assert open_csv(twice_marked).header == ["金額", "税"]


def test_a_header_with_a_tab_and_a_comma_is_comma_separated(tmp_path: Path) -> None:
    path = lines_file(tmp_path, "a\tb,c\n1\t2,3\n")
    csv_file, records = read(path)
    assert (csv_file.delimiter, csv_file.header, records) == (",", ["a\tb", "c"], [good(["1\t2", "3"], 2)])


def test_a_given_delimiter_overrides_detection(tmp_path: Path) -> None:
    path = lines_file(tmp_path, "a,b\tc\n1,2\t3\n")
    csv_file, records = read(path, delimiter="tab")
    assert (csv_file.delimiter, csv_file.header, records) == ("\t", ["a,b", "c"], [good(["1,2", "3"], 2)])


def test_an_unsupported_delimiter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LandingFileError, match="unsupported delimiter ';'"):
        open_csv(lines_file(tmp_path, "a;b\n"), delimiter=";")


# --- records -----------------------------------------------------------------------------------

THREE = "id,name,amount\n"


def records_of(tmp_path: Path, body: str, header: str = THREE) -> list[CsvRecord]:
    return read(lines_file(tmp_path, header + body))[1]


def test_a_malformed_first_data_line(tmp_path: Path) -> None:
    assert records_of(tmp_path, "1,2\n3,b,4\n") == [malformed("1,2", 2), good(["3", "b", "4"], 3)]


def test_a_malformed_middle_line(tmp_path: Path) -> None:
    assert records_of(tmp_path, "1,a,2\n3,b,4,5\n6,c,7\n") == [
        good(["1", "a", "2"], 2),
        malformed("3,b,4,5", 3),
        good(["6", "c", "7"], 4),
    ]


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_truncated_last_line_with_or_without_its_newline(tmp_path: Path, ending: str) -> None:
    assert records_of(tmp_path, f"1,a,2\n3,b{ending}") == [good(["1", "a", "2"], 2), malformed("3,b", 3)]


def test_a_last_line_without_a_newline_is_a_record(tmp_path: Path) -> None:
    assert records_of(tmp_path, "1,a,2\n3,b,4") == [good(["1", "a", "2"], 2), good(["3", "b", "4"], 3)]


def test_a_quote_that_never_closes_costs_only_its_own_line(tmp_path: Path) -> None:
    assert records_of(tmp_path, '1,"a,2\n3,b,4\n5,c,6\n') == [
        malformed('1,"a,2', 2),
        good(["3", "b", "4"], 3),
        good(["5", "c", "6"], 4),
    ]


def test_an_open_quote_on_the_last_line_without_newline_is_malformed(tmp_path: Path) -> None:
    assert records_of(tmp_path, '1,a,2\n3,"b,4') == [good(["1", "a", "2"], 2), malformed('3,"b,4', 3)]


def test_an_unbalanced_quote_followed_later_by_a_quoted_line(tmp_path: Path) -> None:
    body = '1,"a,2\n3,b,4\n5,"c, d",6\n7,e,8\n'
    assert records_of(tmp_path, body) == [
        malformed('1,"a,2', 2),
        good(["3", "b", "4"], 3),
        good(["5", "c, d", "6"], 4),
        good(["7", "e", "8"], 5),
    ]


def test_a_quote_closed_lines_later_into_the_wrong_field_count_is_given_up(tmp_path: Path) -> None:
    # The joined text parses, but into two fields ('1' and 'a,2\n3,b,4\n5,c'), not three.
    assert records_of(tmp_path, '1,"a,2\n3,b,4\n5,c"\n7,e,8\n') == [
        malformed('1,"a,2', 2),
        good(["3", "b", "4"], 3),
        malformed('5,c"', 4),
        good(["7", "e", "8"], 5),
    ]


def test_a_stray_quote_closed_into_the_right_field_count_is_one_record(tmp_path: Path) -> None:
    # The price of reading legal multi-line fields: strict RFC 4180 cannot tell this from one.
    assert records_of(tmp_path, '1,"a,2\n3,b,4\n5,c",6\n7,e,8\n') == [
        good(["1", "a,2\n3,b,4\n5,c", "6"], 2),
        good(["7", "e", "8"], 5),
    ]


def test_a_multi_line_quoted_field_is_one_record_and_the_next_record_keeps_its_line_number(tmp_path: Path) -> None:
    body = '1,"first line\r\nsecond line\r\n\r\nfourth ""line""",2\r\n3,b,4\r\n'
    path = lines_file(tmp_path, THREE.replace("\n", "\r\n") + body)
    assert read(path)[1] == [
        good(["1", 'first line\r\nsecond line\r\n\r\nfourth "line"', "2"], 2),
        good(["3", "b", "4"], 6),
    ]


def test_a_newline_inside_a_field_is_kept_as_written(tmp_path: Path) -> None:
    # Excel writes LF inside a cell and CRLF between rows.
    path = lines_file(tmp_path, 'id,memo\r\n1,"a\nb\rc"\r\n2,d\r\n')
    assert read(path)[1] == [good(["1", "a\nb\rc"], 2), good(["2", "d"], 5)]


def test_a_quote_open_past_the_bound_is_not_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_text, "MAX_JOINED_LINES", 3)
    joined_within_bound = records_of(tmp_path, '1,"a\nb\nc",2\n')
    assert joined_within_bound == [good(["1", "a\nb\nc", "2"], 2)]
    past_bound = records_of(tmp_path, '1,"a\nb\nc\nd",2\n5,e,6\n')
    assert past_bound == [
        malformed('1,"a', 2),
        malformed("b", 3),
        malformed("c", 4),
        malformed('d",2', 5),
        good(["5", "e", "6"], 6),
    ]


def test_an_undecodable_line_inside_an_open_quote_ends_the_join(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,name,amount\n1,"a,2\n\xff\n3,b,4\n')
    assert read(path, encoding="utf-8")[1] == [malformed('1,"a,2', 2), malformed("\\xff", 3), good(["3", "b", "4"], 4)]


def test_too_many_and_too_few_fields_are_malformed(tmp_path: Path) -> None:
    assert records_of(tmp_path, '1,a,2,3\n1,"a,b",2,3\n1\n,,\n') == [
        malformed("1,a,2,3", 2),
        malformed('1,"a,b",2,3', 3),
        malformed("1", 4),
        good(["", "", ""], 5),
    ]


def test_a_closing_quote_followed_by_text_is_malformed(tmp_path: Path) -> None:
    assert records_of(tmp_path, '"1"x,a,2\n3,b,4\n') == [malformed('"1"x,a,2', 2), good(["3", "b", "4"], 3)]


def test_a_quote_inside_an_unquoted_field_is_text(tmp_path: Path) -> None:
    assert records_of(tmp_path, '1,27" monitor,2\n') == [good(["1", '27" monitor', "2"], 2)]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_every_line_ending_counts_as_one_line(tmp_path: Path, newline: str) -> None:
    text = newline.join(["id,name,amount", "1,a,2", "", '3,"b', 'c",4', "5,d,6"]) + newline
    assert read(lines_file(tmp_path, text))[1] == [
        good(["1", "a", "2"], 2),
        good(["3", f"b{newline}c", "4"], 4),
        good(["5", "d", "6"], 6),
    ]


def test_mixed_line_endings_in_one_file(tmp_path: Path) -> None:
    assert records_of(tmp_path, "1,a,2\r\n3,b,4\r5,c,6\n7,d,8") == [
        good(["1", "a", "2"], 2),
        good(["3", "b", "4"], 3),
        good(["5", "c", "6"], 4),
        good(["7", "d", "8"], 5),
    ]


def test_blank_lines_are_skipped_and_still_counted(tmp_path: Path) -> None:
    text = "\n\nid,name,amount\n\n1,a,2\n   \n\u3000\n\t\n3,b,4\n\n"
    csv_file, records = read(lines_file(tmp_path, text))
    assert csv_file.header == ["id", "name", "amount"]
    assert records == [good(["1", "a", "2"], 5), good(["3", "b", "4"], 9)]


def test_fields_are_not_trimmed_and_odd_separators_do_not_split_lines(tmp_path: Path) -> None:
    records = records_of(tmp_path, " 1 ,a\x0bb\x0cc\u2028d\x85e,\u3000２\n")
    assert records == [good([" 1 ", "a\x0bb\x0cc\u2028d\x85e", "\u3000２"], 2)]


def test_quoted_fields_come_back_as_the_csv_module_gives_them(tmp_path: Path) -> None:
    assert records_of(tmp_path, '"1","He said ""hi""",""\n') == [good(["1", 'He said "hi"', ""], 2)]


@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 5, 64])
def test_chunk_boundaries_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int) -> None:
    text = 'id,name,amount\r\n1,株式会社,2\r\n3,"改\r\n行",4\r5,ｶﾞ,6\n\n7,\u2028,8'
    expected = [
        good(["1", "株式会社", "2"], 2),
        good(["3", "改\r\n行", "4"], 3),
        good(["5", "ｶﾞ", "6"], 5),
        good(["7", "\u2028", "8"], 7),
    ]
    monkeypatch.setattr(csv_text, "READ_CHUNK_BYTES", chunk_bytes)
    for name, data in [
        ("u8.csv", text.encode()),
        ("sjis.csv", text.replace("\u2028", "・").encode("cp932")),
        ("u16.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
    ]:
        records = read(write(tmp_path, data, name))[1]
        assert records == (expected if name != "sjis.csv" else [*expected[:3], good(["7", "・", "8"], 7)]), name


def test_records_are_streamed_not_listed(tmp_path: Path) -> None:
    csv_file = open_csv(lines_file(tmp_path, THREE + "1,a,2\n3,b,4\n"))
    assert iter(csv_file.records) is csv_file.records
    assert next(csv_file.records) == good(["1", "a", "2"], 2)
    assert list(csv_file.records) == [good(["3", "b", "4"], 3)]
