"""The conflict EntityRuler: front-line places, armed groups and units, weapons, institutions.

Patterns come from ``frontwire/data/entity_patterns.jsonl`` (one spaCy pattern a line, with the
canonical name in ``id``). The ruler runs *before* ``ner`` so the statistical model keeps what
the ruler found and only fills the gaps.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

PATTERN_FILE = "entity_patterns.jsonl"


@lru_cache(maxsize=1)
def load_patterns() -> tuple[dict[str, Any], ...]:
    """All ruler patterns from the bundled data file (and the place supplement, when present)."""
    data = importlib_resources.files("frontwire") / "data" / PATTERN_FILE
    patterns: list[dict[str, Any]] = []
    if data.is_file():
        for line in data.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(json.loads(line))
    return tuple(patterns)


def add_entity_ruler(nlp: Any) -> None:
    """Insert the ruler before ner (idempotent)."""
    if "frontwire_ruler" in nlp.pipe_names:
        return
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="frontwire_ruler",
        before="ner",
        config={"phrase_matcher_attr": "ORTH", "validate": False, "overwrite_ents": True},
    )
    ruler.add_patterns(list(load_patterns()))
