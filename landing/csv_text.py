"""The CSV files Japanese systems really export, read one record at a time without losing a line.

What reaches the landing folder: UTF-8 with or without a BOM, Excel's "Unicode text" (UTF-16 LE
with a BOM, TAB-separated), and Shift_JIS as Windows writes it (CP932). Lines end in CRLF, LF or
a lone CR; some are cut short, some carry a quote that never closes, some hold a byte that no
encoding reads. Each such line becomes a malformed record that keeps its text, so the loader can
quarantine it and count it, and every other line is still read.

Decisions a reader might question:

- Shift_JIS-family names always decode as Python's `cp932`: it is the one codec that reads what
  Windows writes (㈱ ① ～ ｶﾞ 髙 and the NEC/IBM extensions); `shift_jis` fails on them.
- A newline inside a quoted field is kept exactly as written (CRLF, LF or CR): the reader
  changes nothing inside a field.
- An 8-bit file is cut into blocks at line ends and each block is decoded whole; only a block
  that fails is decoded line by line. That is the same as decoding every line on its own (0x0A and
  0x0D never occur inside a UTF-8 or CP932 character) and much faster.
- A UTF-16 file is decoded as a stream: after a damaged byte its lines cannot be found again, so
  it is checked before the first record and rejected whole (LandingFileError) if it is damaged.
- A record spanning lines is accepted only when it parses strictly into exactly as many fields as
  the header has; otherwise its first line alone is malformed and reading resumes on the next line,
  so a stray quote costs one line, never the rest of the file. A malformed record is therefore
  always one physical line.
- Blank lines before the header are skipped like blank lines anywhere else.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import BinaryIO

ENCODINGS_TRIED = ("utf-8", "utf-16", "cp932")

READ_CHUNK_BYTES = 1 << 20
# A quote left open may join at most this many lines (or characters) before its line is given up.
MAX_JOINED_LINES = 1_000
MAX_JOINED_CHARS = 1 << 20

SUPPORTED_DELIMITERS = {",": ",", "comma": ",", "\t": "\t", "tab": "\t", "\\t": "\t"}

_SHIFT_JIS_FAMILY = {"shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"}
_SHIFT_JIS_ALIASES = {"windows_31j", "windows31j", "x_sjis", "sjis_2004", "sjis2004", "shift_jis_win"}
_UTF16 = ("utf-16-le", "utf-16-be")
_SUPPORTED_CODECS = {"utf-8", "utf-8-sig", "utf-16", *_UTF16, "cp932"}
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEAD_BYTES = 4096

_TEXT_NEWLINE = re.compile(r"(\r\n|\r|\n)")
_BYTES_NEWLINE = re.compile(rb"(\r\n|\r|\n)")

# A long memo in a quoted field is a legitimate field: the csv module's 128 KiB default would turn
# it into a malformed line. The limit is process-wide; raising it only lets other readers accept
# longer fields too.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))

# A physical line: (line number, text, line ending as written, decoded). When `decoded` is False
# the text is the line's bytes with the undecodable ones written as \x.. escapes.
_Line = tuple[int, str, str, bool]


class LandingFileError(Exception):
    """A landing file (or its mapping) that cannot be read at all; the message names the file."""


@dataclass(frozen=True, slots=True)
class CsvRecord:
    fields: list[str] | None  # None for a malformed line
    line_number: int  # physical line in the file where the record starts (header = line 1)
    raw_text: str | None  # for a malformed line: its text (undecodable bytes as \x.. escapes); else None

    @property
    def is_malformed(self) -> bool:
        return self.fields is None


@dataclass
class CsvFile:
    path: Path
    encoding: str  # 'utf-8', 'utf-8-sig', 'utf-16-le', 'utf-16-be', 'cp932'
    delimiter: str  # ',' or '\t'
    header: list[str]
    records: Iterator[CsvRecord]  # streamed and single-use; the file stays open until it is exhausted


# --- encodings ---------------------------------------------------------------------------------


def canonical_encoding(name: str) -> str:
    """'sjis', 'Windows-31J', 'utf8', 'UTF-16' … → the codec this reader uses; ValueError if unsupported."""
    spelled = name.strip().lower().replace("-", "_").replace(" ", "_")
    if spelled in _SHIFT_JIS_ALIASES:
        return "cp932"
    try:
        codec = codecs.lookup(spelled).name
    except LookupError:
        codec = None
    if codec in _SHIFT_JIS_FAMILY:
        return "cp932"
    if codec in _SUPPORTED_CODECS:
        return codec
    raise ValueError(f"unsupported encoding {name!r}: use one of utf-8, utf-16, cp932 (Shift_JIS)")


def canonical_delimiter(value: str) -> str:
    """',' 'comma' → ','; a TAB, 'tab' or '\\t' → TAB; ValueError for anything else."""
    delimiter = SUPPORTED_DELIMITERS.get(value) or SUPPORTED_DELIMITERS.get(value.strip().lower())
    if delimiter is None:
        raise ValueError(f"unsupported delimiter {value!r}: use ',' or a TAB ('tab')")
    return delimiter


def detect_encoding(path: Path) -> str:
    """The encoding the file is written in: its BOM, else UTF-16's NUL pattern, else UTF-8 or CP932."""
    head = _file_head(path)
    return _encoding_from_bom(head) or _utf16_from_nul_pattern(head) or _eight_bit_encoding(path)


def _file_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except OSError as error:
        raise LandingFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    if not head:
        raise LandingFileError(f"{path}: the file is empty (a landing file needs at least a header line)")
    return head


def _encoding_from_bom(head: bytes) -> str | None:
    for bom, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(bom):
            return encoding
    return None


def _utf16_from_nul_pattern(head: bytes) -> str | None:
    """UTF-16 without a BOM: the ASCII header puts a NUL beside every character, on one side."""
    pairs = len(head) // 2
    nuls_at_even = head[0 : pairs * 2 : 2].count(0)
    nuls_at_odd = head[1 : pairs * 2 : 2].count(0)
    if pairs == 0 or max(nuls_at_even, nuls_at_odd) < pairs / 10:
        return None
    if nuls_at_odd > 2 * nuls_at_even:
        return "utf-16-le"
    if nuls_at_even > 2 * nuls_at_odd:
        return "utf-16-be"
    return None


def _eight_bit_encoding(path: Path) -> str:
    """UTF-8 if all of the file is UTF-8, else CP932 if all of it is, else the one fewer lines fail."""
    decodes = _decodes_strictly(path, ("utf-8", "cp932"))
    if decodes["utf-8"]:
        return "utf-8"
    if decodes["cp932"]:
        return "cp932"
    failures = _count_undecodable_lines(path, ("utf-8", "cp932"))
    return "utf-8" if failures["utf-8"] < failures["cp932"] else "cp932"


def _decodes_strictly(path: Path, candidates: tuple[str, ...]) -> dict[str, bool]:
    """Feeds the whole file, chunk by chunk, to one incremental decoder per candidate."""
    decoders = {name: codecs.getincrementaldecoder(name)("strict") for name in candidates}
    decodes = dict.fromkeys(candidates, True)
    with path.open("rb") as stream:
        for chunk, final in _chunks_then_final(stream):
            for name in candidates:
                if decodes[name]:
                    decodes[name] = _decodes(decoders[name], chunk, final)
            if not any(decodes.values()):
                break
    return decodes


def _chunks_then_final(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    while chunk := stream.read(READ_CHUNK_BYTES):
        yield chunk, False
    yield b"", True


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _count_undecodable_lines(path: Path, candidates: tuple[str, ...]) -> dict[str, int]:
    failures = dict.fromkeys(candidates, 0)
    with path.open("rb") as stream:
        for block in _line_aligned_blocks(stream):
            for name in candidates:
                failures[name] += _undecodable_lines_in(block, name)
    return failures


def _undecodable_lines_in(block: bytes, codec: str) -> int:
    try:
        block.decode(codec)
    except UnicodeDecodeError:
        return sum(not line_decoded for _, _, _, line_decoded in _lines_decoded_one_by_one(block, codec, 0))
    return 0


def _resolved_encoding(path: Path, encoding: str | None) -> str:
    """The encoding to read with: detected, or the given one fitted to the file's BOM."""
    head = _file_head(path)
    if encoding is None:
        return _encoding_from_bom(head) or _utf16_from_nul_pattern(head) or _eight_bit_encoding(path)
    try:
        forced = canonical_encoding(encoding)
    except ValueError as error:
        raise LandingFileError(f"{path}: {error}") from None
    bom = _encoding_from_bom(head)
    if forced in ("utf-8", "utf-8-sig"):
        return "utf-8-sig" if bom == "utf-8-sig" else "utf-8"
    if forced == "utf-16":
        return bom if bom in _UTF16 else _utf16_from_nul_pattern(head) or "utf-16-le"
    return forced


def _bom_length(path: Path, encoding: str) -> int:
    """How many bytes of BOM to skip: the BOM matching the encoding, if the file starts with one."""
    with path.open("rb") as stream:
        head = stream.read(3)
    return len(next((bom for bom, name in _BYTE_ORDER_MARKS if name == encoding and head.startswith(bom)), b""))


# --- physical lines ----------------------------------------------------------------------------


def _physical_lines(path: Path, encoding: str) -> Iterator[_Line]:
    if encoding in _UTF16:
        return _lines_of_text(_utf16_text(path, encoding))
    return _eight_bit_lines(path, encoding)


def _eight_bit_lines(path: Path, encoding: str) -> Iterator[_Line]:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    number = 0
    with path.open("rb") as stream:
        stream.seek(_bom_length(path, encoding))
        for block in _line_aligned_blocks(stream):
            try:
                text = block.decode(codec)
            except UnicodeDecodeError:
                number = yield from _lines_decoded_one_by_one(block, codec, number)
            else:
                number = yield from _split_text(text, number)


def _line_aligned_blocks(stream: BinaryIO) -> Iterator[bytes]:
    """The stream in blocks of whole lines (the last block may lack its newline)."""
    tail = b""
    while chunk := stream.read(READ_CHUNK_BYTES):
        data = tail + chunk
        cut = _end_of_last_whole_line(data, b"\n", b"\r")
        tail = data[cut:]
        if cut:
            yield data[:cut]
    if tail:
        yield tail


def _end_of_last_whole_line(data: str | bytes, line_feed: str | bytes, carriage_return: str | bytes) -> int:
    # A CR as the very last character may be the first half of a CRLF still unread: not a line end yet.
    return max(data.rfind(line_feed), data.rfind(carriage_return, 0, len(data) - 1)) + 1  # type: ignore[arg-type]


def _split_text(text: str, number: int) -> Generator[_Line, None, int]:
    """Splits decoded text on CRLF, LF and lone CR only (str.splitlines would split on \\x0b, \\u2028 …)."""
    newline = _the_only_newline(text)
    if newline:
        lines = text.split(newline)
        last = lines.pop()
        for line in lines:
            number += 1
            yield number, line, newline, True
    else:
        pieces = _TEXT_NEWLINE.split(text)
        last = pieces.pop()
        for index in range(0, len(pieces), 2):
            number += 1
            yield number, pieces[index], pieces[index + 1], True
    if last:
        number += 1
        yield number, last, "", True
    return number


def _the_only_newline(text: str) -> str | None:
    """LF or CRLF when every line of the text ends in it (the fast common case), else None."""
    carriage_returns = text.count("\r")
    if not carriage_returns:
        return "\n"
    if carriage_returns == text.count("\r\n") == text.count("\n"):
        return "\r\n"
    return None


def _lines_decoded_one_by_one(block: bytes, codec: str, number: int) -> Generator[_Line, None, int]:
    """A block that does not decode: each line on its own, so a bad byte spoils only its line."""
    pieces = _BYTES_NEWLINE.split(block)
    last = pieces.pop()
    for index in range(0, len(pieces), 2):
        number += 1
        yield _decoded_line(number, pieces[index], pieces[index + 1].decode("ascii"), codec)
    if last:
        number += 1
        yield _decoded_line(number, last, "", codec)
    return number


def _decoded_line(number: int, raw: bytes, ending: str, codec: str) -> _Line:
    try:
        return number, raw.decode(codec), ending, True
    except UnicodeDecodeError:
        return number, raw.decode(codec, "backslashreplace"), ending, False


def _utf16_text(path: Path, encoding: str) -> Iterator[str]:
    """The decoded text, chunk by chunk; LandingFileError at the first byte that is not UTF-16."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = _bom_length(path, encoding)
    with path.open("rb") as stream:
        stream.seek(offset)
        for chunk, final in _chunks_then_final(stream):
            buffered = len(decoder.getstate()[0])
            try:
                yield decoder.decode(chunk, final)
            except UnicodeDecodeError as error:
                raise LandingFileError(_utf16_error(path, encoding, offset - buffered + error.start, error)) from None
            offset += len(chunk)


def _utf16_error(path: Path, encoding: str, offset: int, error: UnicodeDecodeError) -> str:
    return (
        f"{path}: not readable as {encoding} at byte offset {offset} ({error.reason}); a UTF-16 file "
        f"cannot be resynchronised after a damaged byte, so none of it is loaded. Encodings tried: "
        f"{', '.join(ENCODINGS_TRIED)} (this file is UTF-16 by its byte-order mark or NUL bytes). "
        f"Export it again, or as UTF-8."
    )


def _lines_of_text(blocks: Iterable[str]) -> Iterator[_Line]:
    number = 0
    tail = ""
    for block in blocks:
        text = tail + block
        cut = _end_of_last_whole_line(text, "\n", "\r")
        tail = text[cut:]
        number = yield from _split_text(text[:cut], number)
    yield from _split_text(tail, number)


class _LineStream:
    """Physical lines, with lines read ahead while joining a quote put back to be read again."""

    def __init__(self, lines: Iterator[_Line]) -> None:
        self.source = lines
        self.put_back: list[_Line] = []  # in reverse order: the next line is the last item

    def next_line(self) -> _Line | None:
        return self.put_back.pop() if self.put_back else next(self.source, None)

    def read_again(self, lines: list[_Line]) -> None:
        self.put_back.extend(reversed(lines))


# --- header ------------------------------------------------------------------------------------


def _header_line(path: Path, lines: _LineStream) -> _Line:
    while (line := lines.next_line()) is not None:
        _, text, _, decoded = line
        if not decoded:
            raise LandingFileError(f"{path}: the header line {line[0]} does not decode: {text}")
        if text and not text.isspace():
            return line
    raise LandingFileError(f"{path}: the file has no header line (it holds only blank lines)")


def _delimiter_of(header_text: str) -> str:
    return "\t" if "\t" in header_text and "," not in header_text else ","


def _header_cells(header_text: str, delimiter: str) -> list[str]:
    if '"' in header_text:
        cells = next(csv.reader([header_text], delimiter=delimiter))
    else:
        cells = header_text.split(delimiter)
    return [_clean_header_cell(cell) for cell in cells]


def _clean_header_cell(cell: str) -> str:
    name = cell.strip().lstrip("\ufeff").strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('""', '"').strip()
    return name


# --- records -----------------------------------------------------------------------------------


class _QuoteState(Enum):
    CLOSED = "closed"  # the line ends outside quotes: the record is complete
    OPEN = "open"  # the line ends inside a quoted field: the record goes on
    BROKEN = "broken"  # a closing quote followed by text: strict RFC 4180 cannot parse it


def _quote_state(text: str, delimiter: str, inside: bool) -> _QuoteState:
    """Follows the csv module's rules: a quote opens a field only at its start; "" inside is a quote."""
    position, length = 0, len(text)
    while True:
        if inside:
            quote = text.find('"', position)
            if quote < 0:
                return _QuoteState.OPEN
            if text.startswith('"', quote + 1):
                position = quote + 2
                continue
            after = quote + 1
            if after == length:
                return _QuoteState.CLOSED
            if text[after] != delimiter:
                return _QuoteState.BROKEN
            position, inside = after + 1, False
        if position < length and text[position] == '"':
            position, inside = position + 1, True
            continue
        next_delimiter = text.find(delimiter, position)
        if next_delimiter < 0:
            return _QuoteState.CLOSED
        position = next_delimiter + 1


class _StrictParser:
    """One csv reader per file, fed one text at a time.

    Building a reader for every quoted line costs more than parsing it. The reader asks its input
    for one text per record, and after a StopIteration (or a csv.Error) it simply asks again next
    time, so one reader serves the whole file.
    """

    def __init__(self, delimiter: str) -> None:
        self._text: str | None = None
        self._reader = csv.reader(self, delimiter=delimiter, strict=True)

    def __iter__(self) -> _StrictParser:
        return self

    def __next__(self) -> str:
        text, self._text = self._text, None
        if text is None:
            raise StopIteration
        return text

    def fields(self, text: str) -> list[str] | None:
        """The fields of one record's text (newlines only inside quotes); None if strict RFC 4180 fails."""
        self._text = text
        try:
            return next(self._reader, None)
        except csv.Error:
            return None
        finally:
            self._text = None


def _quoted_record(first: _Line, lines: _LineStream, parser: _StrictParser, delimiter: str, width: int) -> CsvRecord:
    number, text, _, _ = first
    fields = parser.fields(text)
    if fields is not None:
        # The csv module fails a line that ends inside quotes, so a line it parses is a whole record.
        return CsvRecord(fields, number, None) if len(fields) == width else CsvRecord(None, number, text)
    continuation: list[_Line] = []
    state = _quote_state(text, delimiter, inside=False)
    if state is _QuoteState.OPEN:
        state, continuation = _lines_until_quote_closes(first, lines, delimiter)
    fields = parser.fields(_joined_text(first, continuation)) if state is _QuoteState.CLOSED else None
    if fields is not None and len(fields) == width:
        return CsvRecord(fields, number, None)
    lines.read_again(continuation)
    return CsvRecord(None, number, text)


def _lines_until_quote_closes(first: _Line, lines: _LineStream, delimiter: str) -> tuple[_QuoteState, list[_Line]]:
    """Reads on while the quote stays open, up to the bound; the state reached and the lines read."""
    continuation: list[_Line] = []
    joined_chars = len(first[1])
    while len(continuation) + 1 < MAX_JOINED_LINES and joined_chars < MAX_JOINED_CHARS:
        line = lines.next_line()
        if line is None:
            break
        continuation.append(line)
        _, text, _, decoded = line
        if not decoded:
            return _QuoteState.BROKEN, continuation
        joined_chars += len(text)
        state = _quote_state(text, delimiter, inside=True)
        if state is not _QuoteState.OPEN:
            return state, continuation
    return _QuoteState.OPEN, continuation


def _joined_text(first: _Line, continuation: list[_Line]) -> str:
    parts = [first[1]]
    previous = first
    for line in continuation:
        parts += (previous[2], line[1])
        previous = line
    return "".join(parts)


def _records(lines: _LineStream, delimiter: str, width: int) -> Iterator[CsvRecord]:
    # The common line (no quote) is a plain split; this loop runs once per line, so it stays inline.
    put_back, source = lines.put_back, lines.source
    parser = _StrictParser(delimiter)
    while True:
        line = put_back.pop() if put_back else next(source, None)
        if line is None:
            return
        number, text, _, decoded = line
        if not decoded:
            yield CsvRecord(None, number, text)
        elif not text or text.isspace():
            continue
        elif '"' in text:
            yield _quoted_record(line, lines, parser, delimiter, width)
        else:
            fields = text.split(delimiter)
            yield CsvRecord(fields, number, None) if len(fields) == width else CsvRecord(None, number, text)


def open_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvFile:
    """Opens a landing CSV: its encoding, delimiter and header now, its records as they are read."""
    path = Path(path)
    resolved = _resolved_encoding(path, encoding)
    try:
        forced_delimiter = canonical_delimiter(delimiter) if delimiter is not None else None
    except ValueError as error:
        raise LandingFileError(f"{path}: {error}") from None
    if resolved in _UTF16:
        for _ in _utf16_text(path, resolved):
            pass  # a damaged UTF-16 file fails here, before the loader has taken any of its records
    lines = _LineStream(_physical_lines(path, resolved))
    _, header_text, _, _ = _header_line(path, lines)
    chosen_delimiter = forced_delimiter or _delimiter_of(header_text)
    header = _header_cells(header_text, chosen_delimiter)
    return CsvFile(path, resolved, chosen_delimiter, header, _records(lines, chosen_delimiter, len(header)))
