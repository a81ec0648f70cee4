"""The serving copy BI tools read: a DuckDB file that DuckDB 1.x opens (the drivers BI tools embed),
Parquet in a codec every BI tool reads.

The copy is published from the sample warehouse into a temporary folder, as the publication asset
does. DuckDB 1.5.5 reads it from a virtual environment of its own (.venv/duckdb-1.5.5, made once from
the package index; the test is skipped only when the index cannot be reached)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from orchestration.lib.serving import PublishedTable, ServingFormats, publish  # noqa: E402

OLD_DUCKDB = "1.5.5"
OLD_DUCKDB_VENV = REPO_ROOT / ".venv" / f"duckdb-{OLD_DUCKDB}"


@dataclass(frozen=True)
class Publication:
    serving_path: Path
    parquet_current: Path
    tables: list[PublishedTable]


@pytest.fixture(scope="module")
def publication(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Publication:
    work = tmp_path_factory.mktemp("serving")
    serving_path, parquet_dir = work / "serving.duckdb", work / "parquet"
    tables, _ = publish(sample_warehouse, serving_path, parquet_dir, "test0001", ServingFormats())
    return Publication(serving_path, parquet_dir / "current", tables)


def old_duckdb_python() -> Path:
    """The Python of a virtual environment holding duckdb==1.5.5, made once and kept under .venv/."""
    python = OLD_DUCKDB_VENV / "bin" / "python"
    if python.exists():
        return python
    partial = OLD_DUCKDB_VENV.with_name(OLD_DUCKDB_VENV.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(partial)], check=True, capture_output=True, timeout=300)
    pip = [str(partial / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "install", "--quiet", f"duckdb=={OLD_DUCKDB}"], capture_output=True, text=True, timeout=900
    )
    if installed.returncode != 0:
        # Unreachable index, or something else? Asking the index for duckdb's versions tells them apart.
        probe = subprocess.run([*pip, "index", "versions", "duckdb"], capture_output=True, text=True, timeout=300)
        shutil.rmtree(partial, ignore_errors=True)
        if probe.returncode != 0:
            pytest.skip(f"the package index cannot be reached: {probe.stderr.strip()[-300:]}")
        pytest.fail(f"pip could not install duckdb=={OLD_DUCKDB}: {installed.stderr[-2000:]}")
    # Made under a temporary name, so an interrupted install is never taken for a finished one.
    os.replace(partial, OLD_DUCKDB_VENV)
    return python


READ_WITH_OLD_DUCKDB = """
import json, sys, duckdb
with duckdb.connect(sys.argv[1], read_only=True) as serving:
    tables = serving.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
    counts = {name: serving.execute(f'select count(*) from marts."{name}"').fetchone()[0] for (name,) in tables}
    kpi = serving.execute(
        "select cast(sum(ending_ar) as varchar), max(month_start)::varchar from marts.fct_kpi_monthly").fetchone()
print(json.dumps({"version": duckdb.__version__, "counts": counts, "kpi": list(kpi)}))
"""


def test_duckdb_1_5_opens_the_serving_copy_and_reads_every_mart(publication: Publication) -> None:
    python = old_duckdb_python()
    read = subprocess.run(
        [str(python), "-c", READ_WITH_OLD_DUCKDB, str(publication.serving_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert read.returncode == 0, read.stderr[-2000:]
    seen = json.loads(read.stdout)
    assert seen["version"] == OLD_DUCKDB
    expected = {t.table_name: t.row_count for t in publication.tables if t.schema_name == "marts"}
    assert seen["counts"] == expected and expected["fct_kpi_monthly"] > 0, "every mart, every row"
    with duckdb.connect(str(publication.serving_path), read_only=True) as serving:
        kpi = serving.execute(
            "select cast(sum(ending_ar) as varchar), max(month_start)::varchar from marts.fct_kpi_monthly"
        ).fetchone()
    assert seen["kpi"] == list(kpi or ()), "the same figures as DuckDB 2 reads"


def test_the_serving_file_is_in_the_v1_storage_format(publication: Publication) -> None:
    with duckdb.connect(str(publication.serving_path), read_only=True) as serving:
        row = serving.execute("select tags from duckdb_databases() where database_name = 'serving'").fetchone()
    assert row is not None and row[0]["storage_version"] == "v1.0.0+"
    with pytest.raises(ValueError, match="AR_SERVING_STORAGE_VERSION"):
        ServingFormats(storage_version="1.0")


def test_parquet_is_snappy_compressed(publication: Publication) -> None:
    files = sorted(publication.parquet_current.glob("*.parquet"))
    assert {f.stem for f in files} == {t.table_name for t in publication.tables}
    with duckdb.connect() as connection:
        codecs = connection.execute(
            "select distinct compression from parquet_metadata(?)", [[str(f) for f in files]]
        ).fetchall()
    assert codecs == [("SNAPPY",)], "every column chunk of every file"
