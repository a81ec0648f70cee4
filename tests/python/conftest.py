from __future__ import annotations

import os
from pathlib import Path

import pytest

from warehouse import DEFAULT_WAREHOUSE, REPO_ROOT, run_dbt


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the shipped sample: the one `make test` just built, else a fresh build."""
    configured = Path(os.environ.get("AR_DUCKDB_PATH", DEFAULT_WAREHOUSE))
    if not configured.is_absolute():
        configured = REPO_ROOT / configured
    if configured.exists() and "AR_LANDING_DIR" not in os.environ and "AR_AS_OF_DATE" not in os.environ:
        return configured
    work_dir = tmp_path_factory.mktemp("sample_build")
    built = work_dir / "ar.duckdb"
    result = run_dbt(["build"], work_dir, built, landing_dir=REPO_ROOT / "sample" / "landing")
    assert result.returncode == 0, result.stdout[-4000:]
    return built
