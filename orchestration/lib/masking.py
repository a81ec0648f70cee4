"""The PII-masked serving copy: names, kana, corporate numbers, virtual accounts (and people's names)
pseudonymised with HMAC-SHA256, the columns found from `meta: {pii: …}` in the dbt manifest.

The same value always gives the same pseudonym under one key, in every table, so joins, distinct
counts and group-bys work as on the unmasked copy; numbers are untouched. Free text (`pii: text`:
alert subjects and messages, identifiers that may be a remitter's name) keeps its words, every
known PII value in it replaced by that value's pseudonym."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.warehouse import copy_comments, identifier, literal

KEY_VARIABLE = "AR_PII_HMAC_KEY"
MINIMUM_KEY_LENGTH = 16  # names are guessable: a short key would let anyone recompute the pseudonyms
# Identifier kinds and the prefix of their pseudonyms, in the order that names a value found in two kinds.
PSEUDONYM_PREFIXES: Mapping[str, str] = {
    "name": "name",
    "kana": "kana",
    "person": "person",
    "corporate_number": "corp",
    "virtual_account": "va",
}
PEOPLE = "person"
TEXT = "text"  # free text: the known values inside it are replaced
SHORTEST_VALUE_IN_TEXT = 2  # a one-character value would be found inside unrelated words
PSEUDONYM_HEX_DIGITS = 16  # 64 bits: no two of a few million values share a pseudonym


@dataclass(frozen=True)
class MaskingPlan:
    """What to mask and the key; the key is a secret, left out of repr."""

    key: bytes = field(repr=False)
    columns: Mapping[tuple[str, str], Mapping[str, str]]  # (schema, table) -> column -> kind
    mask_people: bool = True

    def kind(self, schema_name: str, table_name: str, column_name: str) -> str | None:
        """The column's kind when it is masked in this plan, else None."""
        kind = self.columns.get((schema_name, table_name), {}).get(column_name)
        return None if kind == PEOPLE and not self.mask_people else kind


@dataclass(frozen=True)
class MaskedServing:
    path: Path
    plan: MaskingPlan


def pii_columns(manifest: Mapping[str, Any], schemas: Sequence[str]) -> dict[tuple[str, str], dict[str, str]]:
    """Columns of the published models that carry `meta: {pii: <kind>}`, by (schema, table)."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["schema"] not in schemas:
            continue
        for column in node["columns"].values():
            meta = {**column.get("meta", {}), **(column.get("config") or {}).get("meta", {})}
            kind = meta.get("pii")
            if kind is None:
                continue
            if kind not in PSEUDONYM_PREFIXES and kind != TEXT:
                raise ValueError(
                    f"{node['name']}.{column['name']}: pii must be one of "
                    f"{', '.join([*PSEUDONYM_PREFIXES, TEXT])}, not {kind!r}"
                )
            found.setdefault((node["schema"], node.get("alias") or node["name"]), {})[column["name"]] = kind
    return found


def masking_plan(
    manifest: Mapping[str, Any],
    schemas: Sequence[str],
    mask_people: bool,
    environ: Mapping[str, str] | None = None,
) -> tuple[MaskingPlan | None, str]:
    """The plan, or None and why the masked copy is not written (no key, or a key too short)."""
    key = ((os.environ if environ is None else environ).get(KEY_VARIABLE) or "").strip()
    if not key:
        return None, f"The masked serving copy is not written: {KEY_VARIABLE} is not set."
    if len(key) < MINIMUM_KEY_LENGTH:
        return None, (
            f"The masked serving copy is not written: {KEY_VARIABLE} has fewer than {MINIMUM_KEY_LENGTH} "
            "characters, and names are easy to guess."
        )
    columns = pii_columns(manifest, schemas)
    return MaskingPlan(key.encode("utf-8"), columns, mask_people), f"{sum(map(len, columns.values()))} PII columns"


def pseudonym(key: bytes, kind: str, value: str) -> str:
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{PSEUDONYM_PREFIXES[kind]}-{digest[:PSEUDONYM_HEX_DIGITS]}"


def write_masked_database(
    source_path: Path, masked_path: Path, plan: MaskingPlan, run_id: str, storage_version: str
) -> tuple[Path, int]:
    """A masked copy of every table of the (new, unmasked) serving file, beside the masked copy and
    not yet swapped in. Returns the new file and how many columns were masked."""
    masked_path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in masked_path.parent.glob(f".{masked_path.name}.*.new*"):  # from a crashed run
        leftover.unlink(missing_ok=True)
    new_path = masked_path.with_name(f".{masked_path.name}.{run_id[:8]}.new")
    try:
        with duckdb.connect() as connection:
            connection.execute(f"attach {literal(source_path)} as source (read_only)")
            connection.execute(f"attach {literal(new_path)} as masked (storage_version {literal(storage_version)})")
            tables = connection.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'source' order by 1, 2"
            ).fetchall()
            columns = {
                (schema_name, table_name): connection.execute(
                    "select column_name, data_type from duckdb_columns() where database_name = 'source' "
                    "and schema_name = ? and table_name = ? order by column_index",
                    [schema_name, table_name],
                ).fetchall()
                for schema_name, table_name in tables
            }
            masked_columns = _load_replacements(connection, plan, columns)
            connection.execute("use masked")
            for schema_name, table_name in tables:
                connection.execute(f"create schema if not exists {identifier(schema_name)}")
                connection.execute(_masked_copy(schema_name, table_name, columns[(schema_name, table_name)], plan))
                copy_comments(connection, "source", schema_name, table_name)
            connection.execute("checkpoint masked")
            connection.execute("use memory")
            connection.execute("detach masked")
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    return new_path, masked_columns


def _load_replacements(
    connection: duckdb.DuckDBPyConnection, plan: MaskingPlan, columns: Mapping[tuple[str, str], list[tuple[str, str]]]
) -> int:
    """Every identifier value's pseudonym, and every free text's masked form, into two tables of the
    in-memory catalog that the copies join."""
    values: dict[str, set[str]] = {}  # value -> its kinds
    texts: list[tuple[str, str, str]] = []  # (schema, table, column) of the free-text columns
    masked = 0
    for (schema_name, table_name), table_columns in columns.items():
        for column_name, data_type in table_columns:
            kind = plan.kind(schema_name, table_name, column_name)
            if kind is None:
                continue
            if data_type != "VARCHAR":
                raise ValueError(f"{schema_name}.{table_name}.{column_name} is marked pii but is {data_type}")
            masked += 1
            if kind == TEXT:
                texts.append((schema_name, table_name, column_name))
                continue
            for (value,) in connection.execute(_distinct(schema_name, table_name, column_name)).fetchall():
                values.setdefault(value, set()).add(kind)
    order = list(PSEUDONYM_PREFIXES)  # a value of two kinds is named by the first of them
    by_value = {value: pseudonym(plan.key, min(kinds, key=order.index), value) for value, kinds in values.items()}
    connection.execute("create table memory.main.pii_pseudonyms (value varchar primary key, pseudonym varchar)")
    connection.execute(
        "insert into memory.main.pii_pseudonyms select unnest(?::varchar[]), unnest(?::varchar[])",
        [list(by_value), list(by_value.values())],
    )
    findable = sorted((v for v in by_value if len(v) >= SHORTEST_VALUE_IN_TEXT), key=lambda v: (-len(v), v))
    pattern = re.compile("|".join(map(re.escape, findable))) if findable else None
    connection.execute("create table memory.main.pii_texts (column_key varchar, value varchar, masked varchar)")
    for schema_name, table_name, column_name in texts:
        originals = [row[0] for row in connection.execute(_distinct(schema_name, table_name, column_name)).fetchall()]
        replaced = [
            pattern.sub(lambda match: by_value[match.group(0)], text) if pattern else text for text in originals
        ]
        connection.execute(
            "insert into memory.main.pii_texts select ?, unnest(?::varchar[]), unnest(?::varchar[])",
            [f"{schema_name}.{table_name}.{column_name}", originals, replaced],
        )
    return masked


def _distinct(schema_name: str, table_name: str, column_name: str) -> str:
    column = identifier(column_name)
    return (
        f"select distinct {column} from source.{identifier(schema_name)}.{identifier(table_name)} "
        f"where {column} is not null"
    )


def _masked_copy(schema_name: str, table_name: str, columns: Sequence[tuple[str, str]], plan: MaskingPlan) -> str:
    """create table … as select, each masked column read through a join on its replacement."""
    qualified = f"{identifier(schema_name)}.{identifier(table_name)}"
    selected, joins = [], []
    for position, (column_name, _) in enumerate(columns):
        column = identifier(column_name)
        kind = plan.kind(schema_name, table_name, column_name)
        if kind is None:
            selected.append(f"source_table.{column}")
        elif kind == TEXT:
            key = literal(f"{schema_name}.{table_name}.{column_name}")
            joins.append(
                f"left join memory.main.pii_texts as replaced_{position} on replaced_{position}.column_key = {key} "
                f"and replaced_{position}.value = source_table.{column}"
            )
            selected.append(f"replaced_{position}.masked as {column}")
        else:
            joins.append(
                f"left join memory.main.pii_pseudonyms as replaced_{position} "
                f"on replaced_{position}.value = source_table.{column}"
            )
            selected.append(f"replaced_{position}.pseudonym as {column}")
    return (
        f"create table {qualified} as select {', '.join(selected)} "
        f"from source.{qualified} as source_table {' '.join(joins)}"
    )
