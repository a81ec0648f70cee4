"""The layers flow one way (DECISIONS.md, "Layers"): staging → intermediate → marts → alerting → reports.

A model may read (ref) models of its own layer and of earlier layers, never of a later one: an
intermediate model never reads a mart, a mart never reads an alert, nothing but a report reads a
report. Read from dbt's manifest, which `dbt parse` writes without touching the warehouse."""

from __future__ import annotations

import json
from typing import Any

import pytest

from warehouse import REPO_ROOT, run_dbt

LAYERS = ["staging", "intermediate", "marts", "alerting", "reports"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    work_dir = tmp_path_factory.mktemp("layers")
    result = run_dbt(["parse"], work_dir, work_dir / "ar.duckdb")
    assert result.returncode == 0, result.stdout[-4000:]
    manifest = json.loads((work_dir / "target" / "manifest.json").read_text())
    return {unique_id: node for unique_id, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def layer_of(node: dict[str, Any]) -> str:
    """The first folder under models/ (fqn: [project, layer, …, name])."""
    return node["fqn"][1]


def test_every_model_is_in_a_layer(models: dict[str, dict[str, Any]]) -> None:
    outside = sorted(node["original_file_path"] for node in models.values() if layer_of(node) not in LAYERS)
    assert not outside, f"models outside the layers {LAYERS}: {outside}"


def test_no_layer_reads_a_later_one(models: dict[str, dict[str, Any]]) -> None:
    upstream_reads = []
    for node in models.values():
        rank = LAYERS.index(layer_of(node))
        for parent_id in node["depends_on"]["nodes"]:
            parent = models.get(parent_id)
            if parent is not None and LAYERS.index(layer_of(parent)) > rank:
                upstream_reads.append(
                    f"{node['original_file_path']} ({layer_of(node)}) reads {parent['name']} ({layer_of(parent)})"
                )
    assert not upstream_reads, "\n".join(sorted(upstream_reads))


def test_no_intermediate_model_reads_a_mart(models: dict[str, dict[str, Any]]) -> None:
    # The rule the layering was introduced for, stated on its own so its failure names it.
    reads = sorted(
        f"{node['name']} reads {models[parent_id]['name']}"
        for node in models.values()
        if layer_of(node) == "intermediate"
        for parent_id in node["depends_on"]["nodes"]
        if parent_id in models and layer_of(models[parent_id]) == "marts"
    )
    assert not reads, reads


def test_base_models_are_tables(models: dict[str, dict[str, Any]]) -> None:
    # Set once per system in dbt_project.yml (staging/<system>/base): a new system's folder needs its entry.
    views = sorted(
        node["name"]
        for node in models.values()
        if node["name"].startswith("base_") and node["config"]["materialized"] != "table"
    )
    assert not views, f"base models not materialised as tables (add staging/<system>/base to dbt_project.yml): {views}"


def test_the_layers_are_the_model_folders() -> None:
    # The layers named here are the folders under models/: a new top-level folder needs a place in LAYERS.
    folders = sorted(path.name for path in (REPO_ROOT / "models").iterdir() if path.is_dir())
    assert folders == sorted(LAYERS), folders
