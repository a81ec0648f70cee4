"""dbt's manifest, parsed first (`dbt parse`, under a file lock) when missing or older than the project."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

# The dbt beside this Python: found whether or not the venv is activated (`.venv/bin/dagster`).
_VENV_DBT = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = os.fspath(_VENV_DBT) if _VENV_DBT.exists() else shutil.which("dbt") or "dbt"
PARSED_FOLDERS = (
    ("model-paths", "models"),
    ("macro-paths", "macros"),
    ("seed-paths", "seeds"),
    ("snapshot-paths", "snapshots"),
    ("test-paths", "tests"),
    ("analysis-paths", "analyses"),
)


def dbt_source_paths(project_dir: Path) -> list[Path]:
    """What dbt parses: dbt_project.yml's model, macro, seed, snapshot, test and analysis paths."""
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    folders = [folder for key, default in PARSED_FOLDERS for folder in config.get(key, [default])]
    files = ["dbt_project.yml", "packages.yml", "dependencies.yml", "profiles.yml"]
    return [project_dir / name for name in (*files, *folders)]


def manifest_is_stale(manifest_path: Path, project_dir: Path) -> bool:
    if not manifest_path.exists():
        return True
    written = manifest_path.stat().st_mtime
    for path in dbt_source_paths(project_dir):
        files = path.rglob("*") if path.is_dir() else [path]
        if any(file.is_file() and file.stat().st_mtime > written for file in files):
            return True
    return False


def prepare_manifest(project_dir: Path, target_path: Path) -> Path:
    """The manifest of the project, parsed first when missing or stale."""
    manifest_path = target_path / "manifest.json"
    if not manifest_is_stale(manifest_path, project_dir):
        return manifest_path
    target_path.mkdir(parents=True, exist_ok=True)
    with (target_path / ".manifest.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # whoever waited finds it fresh and parses nothing
        if manifest_is_stale(manifest_path, project_dir):
            logger.warning("Writing %s with `dbt parse`", manifest_path)
            parsed = subprocess.run(
                [DBT_EXECUTABLE, "parse", "--quiet", "--target-path", os.fspath(target_path)],
                cwd=project_dir,
                capture_output=True,
                text=True,
                env={**os.environ, "DBT_PROFILES_DIR": os.fspath(project_dir)},
            )
            if parsed.returncode != 0:
                if not manifest_path.exists():
                    raise RuntimeError(f"dbt parse failed:\n{parsed.stdout[-3000:]}{parsed.stderr[-3000:]}")
                logger.error(
                    "dbt parse failed; loading the previous manifest %s:\n%s", manifest_path, parsed.stdout[-3000:]
                )
    return manifest_path


def load_manifest(project_dir: Path, target_path: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(prepare_manifest(project_dir, target_path).read_text(encoding="utf-8"))
    return manifest
