"""The dbt YAML documents each thing once: a description written in more than one place is a doc
block (`{{ doc("name") }}`), so a correction reaches every model that shares it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from warehouse import REPO_ROOT


def descriptions(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            yield " ".join(node["description"].split()), f"{where}:{node.get('name', '')}"
        for value in node.values():
            yield from descriptions(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from descriptions(item, where)


def test_no_description_is_written_twice() -> None:
    places: dict[str, list[str]] = defaultdict(list)
    files = [*REPO_ROOT.glob("models/**/*.yml"), *REPO_ROOT.glob("seeds/*.yml")]
    for path in files:
        for text, where in descriptions(
            yaml.safe_load(path.read_text(encoding="utf-8")), str(path.relative_to(REPO_ROOT))
        ):
            if text and not text.startswith("{{ doc("):
                places[text].append(where)
    repeated = {text[:80]: where for text, where in places.items() if len(where) > 1}
    assert not repeated, f"descriptions written more than once (make them doc blocks): {repeated}"


def test_every_doc_reference_has_its_block() -> None:
    import re

    blocks = set()
    for path in REPO_ROOT.glob("models/**/*.md"):
        blocks |= set(re.findall(r"{%\s*docs\s+(\w+)\s*%}", path.read_text(encoding="utf-8")))
    used = set()
    for path in [*REPO_ROOT.glob("models/**/*.yml"), *REPO_ROOT.glob("seeds/*.yml")]:
        used |= set(re.findall(r"""doc\(\s*['"]+(\w+)['"]+\s*\)""", path.read_text(encoding="utf-8")))
    assert used - blocks == set()
    assert Path(REPO_ROOT / "models" / "_shared__docs.md").exists()


PII_COLUMN = re.compile(r"(^|_)name(_kana)?$|_kana$|corporate_number$|virtual_account")
NOT_PII = re.compile(r"^kpi_name$|_ja$")
# The schemas the serving copy publishes (the alert rules, schema alerting, are not published).
PUBLISHED = ("models/marts/**/*.yml", "models/alerting/*.yml", "models/reports/**/*.yml")


def test_every_published_name_column_is_marked_pii() -> None:
    """The masked serving copy pseudonymises what `meta: {pii: …}` marks: a new mart's name column
    that is not marked would reach the masked copy in clear."""
    unmarked = []
    for pattern in PUBLISHED:
        for path in REPO_ROOT.glob(pattern):
            for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
                for column in model.get("columns", []):
                    meta = (column.get("config") or {}).get("meta") or {}
                    if PII_COLUMN.search(column["name"]) and not NOT_PII.search(column["name"]) and "pii" not in meta:
                        unmarked.append(f"{model['name']}.{column['name']}")
    assert not unmarked, f"name-like columns without meta pii: {unmarked}"
