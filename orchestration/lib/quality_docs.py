"""The data-quality pages auditors open offline: one page per GX validation and an index built
from ops.data_quality_results, both Jinja2 templates (templates/) with nothing to fetch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import jinja2

from orchestration.lib.quality import SuiteOutcome, docs_page
from orchestration.lib.warehouse import QUALITY_LEDGER_TABLE, duckdb_connection, table_exists

INDEX_ENTRIES = 2000
INDEX_COLUMNS = ("checked_at", "check_name", "asset_key", "severity", "status", "failed_rows", "run_id")
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def write_validation_pages(outcomes: Sequence[SuiteOutcome], run_id: str, checked_at: dt.datetime) -> None:
    template = TEMPLATES.get_template("gx_validation.html.j2")
    for outcome in outcomes:
        if outcome.docs_page is None:
            continue
        outcome.docs_page.parent.mkdir(parents=True, exist_ok=True)
        outcome.docs_page.write_text(
            template.render(outcome=outcome, suite=outcome.suite, run_id=run_id, checked_at=checked_at),
            encoding="utf-8",
        )


def write_index(docs_dir: Path, duckdb_path: Path) -> Path:
    """index.html: the latest GX results of the ledger first, each linking to its page."""
    rows: list[tuple] = []
    with duckdb_connection(duckdb_path, read_only=True) as connection:
        if table_exists(connection, QUALITY_LEDGER_TABLE):
            rows = connection.execute(
                f"select {', '.join(INDEX_COLUMNS)} from {QUALITY_LEDGER_TABLE} "
                "where check_source = 'great_expectations' "
                f"order by checked_at desc, rowid desc limit {INDEX_ENTRIES}"
            ).fetchall()
    results = []
    for row in rows:
        result = dict(zip(INDEX_COLUMNS, row, strict=True))
        result["run_id"] = result["run_id"] or ""
        page = docs_page(docs_dir, result["check_name"], result["run_id"])
        result["page"] = page.relative_to(docs_dir).as_posix() if page.exists() else None
        results.append(result)
    index = docs_dir / "index.html"
    docs_dir.mkdir(parents=True, exist_ok=True)
    index.write_text(TEMPLATES.get_template("gx_index.html.j2").render(results=results), encoding="utf-8")
    return index
