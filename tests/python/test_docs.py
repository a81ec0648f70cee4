"""The dbt YAML documents each thing once: a description written in more than one place is a doc
block (`{{ doc("name") }}`), so a correction reaches every model that shares it."""

from __future__ import annotations

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
