"""A company's own exports, mapped onto the landing contract.

Real exports carry their own headers (often Japanese), their own codes (自動/手動), dates written
as 2026/03/01 or 令和8年3月1日 and amounts written as ¥12,000 or △500. A mapping file says how one
company's exports read, so the files themselves never need editing:

    <landing>/mapping.yml           keys `<system>/<table>`   (billing/invoices: …)
    <landing>/<system>/mapping.yml  keys `<table>`            (invoices: …)

Both may exist; a table mapped in both is an error, so no one has to guess which one wins.

Conversions never reject anything: a value that does not convert passes through unchanged, so
staging quarantines it with the reason it already knows (bad_value, bad_date, bad_amount), and the
rejected row shows what the export really said.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from landing.csv_text import LandingFileError, canonical_delimiter, canonical_encoding
from landing.wareki import parse_era_date

MAPPING_FILE_NAME = "mapping.yml"
WAREKI = "wareki"  # the date format name for 和暦: 令和8年3月1日, R8.3.1 …
TABLE_KEYS = ("file", "encoding", "delimiter", "columns", "values", "date_formats", "numbers")

# Distinct dates in a file are few (a few thousand days); parsing each once makes dates cheap.
_DATE_CACHE_SIZE = 65_536
_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%X", "%T", "%c")
_MINUS_SIGNS = "-−△▲"  # ASCII hyphen-minus, U+2212, and the accounting triangles
_CURRENCY_MARKS = re.compile(r"[¥\\円]")  # a CP932 file writes its yen sign as a backslash (0x5C)
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)


@dataclass(frozen=True)
class TableMapping:
    table: str  # 'billing/invoices'
    file_pattern: str | None  # a glob relative to the system folder; None: <table>.csv
    encoding: str | None  # canonical (see csv_text.canonical_encoding); None: detect
    delimiter: str | None  # ',' or TAB; None: detect
    columns: dict[str, str]  # export header → contract column
    values: dict[str, dict[str, str]]  # contract column → {export value: contract value}
    date_formats: dict[str, list[str]]  # contract column → strptime formats or 'wareki', tried in order
    numbers: tuple[str, ...]  # contract columns written as Japanese amounts
    defined_in: Path


# --- loading -----------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice: PyYAML would silently keep the last one."""


def _mapping_with_unique_keys(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:
            continue  # an unhashable key: construct_mapping reports it
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_unique_keys)


def load_mappings(landing_dir: Path) -> dict[str, TableMapping]:
    """Every mapping under the landing folder, by '<system>/<table>'; LandingFileError if one is wrong."""
    mappings: dict[str, TableMapping] = {}
    for path, system in _mapping_files(Path(landing_dir)):
        for table, mapping in _mappings_in(path, system).items():
            if table in mappings:
                raise LandingFileError(
                    f"{table} is mapped twice, in {mappings[table].defined_in} and in {path}: keep one of them"
                )
            mappings[table] = mapping
    return mappings


def _mapping_files(landing_dir: Path) -> list[tuple[Path, str | None]]:
    """The landing folder's own mapping file (system None), then each system folder's."""
    files: list[tuple[Path, str | None]] = []
    if (landing_dir / MAPPING_FILE_NAME).is_file():
        files.append((landing_dir / MAPPING_FILE_NAME, None))
    if landing_dir.is_dir():
        for folder in sorted(child for child in landing_dir.iterdir() if child.is_dir()):
            if (folder / MAPPING_FILE_NAME).is_file():
                files.append((folder / MAPPING_FILE_NAME, folder.name))
    return files


def _mappings_in(path: Path, system: str | None) -> dict[str, TableMapping]:
    document = _yaml_document(path)
    if not isinstance(document, dict):
        raise LandingFileError(
            f"{path}: a mapping file holds one entry per table (`{_key_form(system)}:`), not {_kind(document)}"
        )
    mappings: dict[str, TableMapping] = {}
    for key, entry in document.items():
        table = _table_name(path, system, key)
        mappings[table] = _table_mapping(path, table, entry)
    return mappings


def _yaml_document(path: Path) -> Any:
    try:
        text = _mapping_text(path.read_bytes())
    except OSError as error:
        raise LandingFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError:
        raise LandingFileError(f"{path}: is neither UTF-8 nor Shift_JIS text; save it as UTF-8") from None
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no objects built
    except yaml.YAMLError as error:
        raise LandingFileError(f"{path}: not valid YAML: {error}") from None
    return {} if document is None else document


def _mapping_text(data: bytes) -> str:
    # Notepad on older Windows saves Shift_JIS: a mapping file is small, so trying both costs nothing.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


def _key_form(system: str | None) -> str:
    return "<system>/<table>" if system is None else "<table>"


def _table_name(path: Path, system: str | None, key: Any) -> str:
    """'billing/invoices' from the key `billing/invoices` (landing folder) or `invoices` (billing folder)."""
    if not isinstance(key, str):
        raise LandingFileError(f"{path}: the table key {key!r} is not text; write it as `{_key_form(system)}:`")
    parts = key.strip().split("/")
    if system is None and (len(parts) != 2 or not all(parts)):
        raise LandingFileError(f"{path}: the key {key!r} must name `<system>/<table>` (billing/invoices)")
    if system is not None and (len(parts) != 1 or not parts[0]):
        raise LandingFileError(f"{path}: the key {key!r} must name a table of {system} alone ({parts[-1]}, not {key})")
    return key.strip() if system is None else f"{system}/{key.strip()}"


def _table_mapping(path: Path, table: str, entry: Any) -> TableMapping:
    where = f"{path}: {table}"
    if not isinstance(entry, dict):
        raise LandingFileError(f"{where}: expected the keys {', '.join(TABLE_KEYS)}, found {_kind(entry)}")
    unknown = [str(key) for key in entry if key not in TABLE_KEYS]
    if unknown:
        raise LandingFileError(f"{where}: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(TABLE_KEYS)}")
    mapping = TableMapping(
        table=table,
        file_pattern=_optional_text(where, "file", entry.get("file")),
        encoding=_optional_setting(where, "encoding", entry.get("encoding"), canonical_encoding),
        delimiter=_optional_setting(where, "delimiter", entry.get("delimiter"), canonical_delimiter),
        columns=_column_renames(where, entry.get("columns")),
        values=_value_maps(where, entry.get("values")),
        date_formats=_date_formats(where, entry.get("date_formats")),
        numbers=tuple(_text_list(where, "numbers", entry.get("numbers"))),
        defined_in=path,
    )
    both = sorted(set(mapping.date_formats) & set(mapping.numbers))
    if both:
        raise LandingFileError(
            f"{where}: {', '.join(both)} cannot be both a date (date_formats) and a number (numbers)"
        )
    return mapping


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _text(where: str, what: str, value: Any) -> str:
    # YAML reads unquoted yes/no/on/off as booleans and 1, 2 as numbers: only quoting keeps them text.
    if not isinstance(value, str) or not value.strip():
        raise LandingFileError(f"{where}: {what} {value!r} is not text; write it in quotes")
    return value


def _optional_text(where: str, key: str, value: Any) -> str | None:
    return None if value is None else _text(where, f"`{key}:`", value).strip()


def _optional_setting(where: str, key: str, value: Any, canonical: Callable[[str], str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise LandingFileError(f"{where}: `{key}:` {value!r} is not text; write it in quotes")
    try:
        return canonical(value)
    except ValueError as error:
        raise LandingFileError(f"{where}: {error}") from None


def _text_mapping(where: str, what: str, value: Any, allow_empty: bool = False) -> dict[str, str]:
    """A YAML mapping of text to text; `allow_empty` lets a value map turn '' into a value or back."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LandingFileError(f"{where}: {what} must map names to names, found {_kind(value)}")
    mapped: dict[str, str] = {}
    for key, target in value.items():
        name = "" if allow_empty and key == "" else _text(where, f"the key in {what}", key).strip()
        text = "" if allow_empty and target == "" else _text(where, f"the value of {name!r} in {what}", target).strip()
        mapped[name] = text
    return mapped


def _column_renames(where: str, value: Any) -> dict[str, str]:
    columns = _text_mapping(where, "`columns:`", value)
    for contract_column, count in Counter(columns.values()).items():
        if count > 1:
            exports = [header for header, target in columns.items() if target == contract_column]
            raise LandingFileError(
                f"{where}: {', '.join(exports)} are all mapped to {contract_column}; map one column to it"
            )
    return columns


def _value_maps(where: str, value: Any) -> dict[str, dict[str, str]]:
    maps = _text_mapping_of_mappings(where, "`values:`", value)
    return {
        column: _text_mapping(where, f"`values: {column}:`", values, allow_empty=True)
        for column, values in maps.items()
    }


def _text_mapping_of_mappings(where: str, what: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LandingFileError(f"{where}: {what} must map contract columns to settings, found {_kind(value)}")
    return {_text(where, f"the column {key!r} in {what}", key).strip(): setting for key, setting in value.items()}


def _date_formats(where: str, value: Any) -> dict[str, list[str]]:
    formats = _text_mapping_of_mappings(where, "`date_formats:`", value)
    checked = {column: _text_list(where, f"`date_formats: {column}:`", listed) for column, listed in formats.items()}
    for column, listed in checked.items():
        odd = [fmt for fmt in listed if fmt != WAREKI and "%" not in fmt]
        if not listed or odd:
            raise LandingFileError(
                f'{where}: date_formats for {column} must list strptime formats ("%Y/%m/%d") or {WAREKI}; '
                f"found {odd or 'none'}"
            )
    return checked


def _text_list(where: str, what: str, value: Any) -> list[str]:
    """A list of texts; a single text is a list of one."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise LandingFileError(f"{where}: {what} must be a list, found {_kind(value)}")
    return [_text(where, f"the item in {what}", item).strip() for item in items]


# --- headers -----------------------------------------------------------------------------------


def contract_header(header: list[str], mapping: TableMapping | None) -> list[str]:
    """The header in contract column names: mapped headers renamed, the others kept as they are."""
    if mapping is None:
        return list(header)
    renamed = [mapping.columns.get(name, name) for name in header]
    for name, count in Counter(renamed).items():
        sources = [original for original, new in zip(header, renamed, strict=True) if new == name]
        if count > 1 and any(original != name for original in sources):
            raise LandingFileError(
                f"{mapping.defined_in}: {mapping.table}: after renaming, the file has {count} columns named "
                f"{name} (from {', '.join(sources)}); map only one export column to it"
            )
    return renamed


def missing_required_columns(header: list[str], required: Sequence[str]) -> list[str]:
    """The required contract columns the (renamed) header lacks, in the contract's order."""
    present = set(header)
    return [column for column in required if column not in present]


def missing_columns_message(path: Path, missing: list[str], header: list[str], mapping: TableMapping | None) -> str:
    """Which required columns are missing, which the file has (`header` as written), where to map them."""
    renamed = contract_header(header, mapping)
    lines = [
        f"{path}: required column(s) missing: {', '.join(missing)}.",
        f"The file's columns are: {', '.join(header) or '(none)'}.",
    ]
    if mapping is not None and renamed != header:
        lines.append(f"After the mapping in {mapping.defined_in} they read: {', '.join(renamed)}.")
    lines.append(_where_to_map(path, missing, mapping))
    return "\n".join(lines)


def _where_to_map(path: Path, missing: list[str], mapping: TableMapping | None) -> str:
    example = f"<the export's header>: {missing[0] if missing else '<contract column>'}"
    if mapping is not None:
        return (
            f"Map the export's headers onto them under `columns:` of {mapping.table} in {mapping.defined_in}, "
            f"for example `{example}`."
        )
    system, table = path.parent.name, path.stem
    return (
        f"To map the export's headers onto them, write {path.parent / MAPPING_FILE_NAME} with\n"
        f"{table}:\n  columns:\n    {example}\n"
        f"(or the same under `{system}/{table}:` in {path.parent.parent / MAPPING_FILE_NAME})."
    )


# --- values ------------------------------------------------------------------------------------


class ValueConverter:
    """Converts one record's fields as the mapping says; without a mapping it changes nothing."""

    def __init__(self, mapping: TableMapping | None, header: list[str]) -> None:
        self._conversions = [] if mapping is None else _conversions_by_position(mapping, header)

    def convert(self, fields: list[str]) -> list[str]:
        if not self._conversions:
            return fields
        converted = list(fields)
        for position, conversion in self._conversions:
            converted[position] = conversion(converted[position])
        return converted


def _conversions_by_position(mapping: TableMapping, header: list[str]) -> list[tuple[int, Callable[[str], str]]]:
    named = set(mapping.values) | set(mapping.date_formats) | set(mapping.numbers)
    absent = sorted(named - set(header))
    if absent:
        raise LandingFileError(
            f"{mapping.defined_in}: {mapping.table}: values/date_formats/numbers name {', '.join(absent)}, "
            f"which the file does not have after renaming (its columns: {', '.join(header)})"
        )
    by_column = {column: _column_conversion(mapping, column) for column in named}
    return [(position, by_column[column]) for position, column in enumerate(header) if column in by_column]


def _column_conversion(mapping: TableMapping, column: str) -> Callable[[str], str]:
    steps: list[Callable[[str], str]] = []
    if column in mapping.values:
        steps.append(_value_map_conversion(mapping.values[column]))
    if column in mapping.date_formats:
        steps.append(_date_conversion(mapping.date_formats[column]))
    if column in mapping.numbers:
        steps.append(plain_number_or_unchanged)
    return steps[0] if len(steps) == 1 else _applied_in_order(steps)


def _applied_in_order(steps: list[Callable[[str], str]]) -> Callable[[str], str]:
    def converted(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return converted


def _value_map_conversion(values: dict[str, str]) -> Callable[[str], str]:
    def mapped(text: str) -> str:
        return values.get(text.strip(), text)

    return mapped


def _date_conversion(formats: list[str]) -> Callable[[str], str]:
    normalised = [fmt if fmt == WAREKI else unicodedata.normalize("NFKC", fmt) for fmt in formats]

    @functools.lru_cache(maxsize=_DATE_CACHE_SIZE)
    def iso_or_unchanged(text: str) -> str:
        return iso_date_text(text, normalised) or text

    return iso_or_unchanged


def iso_date_text(text: str, formats: Sequence[str]) -> str | None:
    """'2026/03/01', '令和8年3月1日' … → '2026-03-01' ('2026-03-01 09:30:00' with a time); None if none fits."""
    candidate = unicodedata.normalize("NFKC", text).strip()
    if not candidate:
        return None
    return next((iso for fmt in formats if (iso := _iso_in_format(candidate, fmt)) is not None), None)


def _iso_in_format(candidate: str, fmt: str) -> str | None:
    if fmt == WAREKI:
        era_date = parse_era_date(candidate)
        return None if era_date is None else era_date.isoformat()
    try:
        parsed = dt.datetime.strptime(candidate, fmt)
    except ValueError:
        return None
    has_time = any(directive in fmt for directive in _TIME_DIRECTIVES)
    return parsed.isoformat(sep=" ", timespec="seconds") if has_time else parsed.date().isoformat()


def plain_number(text: str) -> str | None:
    """'1,234,567' → '1234567', '¥12,000' → '12000', '△500' → '-500', '１２３' → '123'; None if no number."""
    candidate = unicodedata.normalize("NFKC", text).strip()
    negative = candidate.startswith("(") and candidate.endswith(")")
    if negative:
        candidate = candidate[1:-1]
    candidate = _CURRENCY_MARKS.sub("", candidate).strip()
    if candidate and candidate[0] in _MINUS_SIGNS:
        if negative:
            return None  # two minus signs: not a way anyone writes an amount
        negative, candidate = True, candidate[1:].strip()
    elif candidate.startswith("+"):
        candidate = candidate[1:].strip()
    if _GROUPED_NUMBER.fullmatch(candidate):
        candidate = candidate.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(candidate):
        return None
    return f"-{candidate}" if negative else candidate


def plain_number_or_unchanged(text: str) -> str:
    if text.isascii() and text.isdigit():
        return text
    return plain_number(text) or text
