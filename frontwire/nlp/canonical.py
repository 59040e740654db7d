"""Canonical entities: merge spelling variants and surname mentions, keep roles.

(Minimal first version: names are the mention text without a leading article or possessive.)
"""

from __future__ import annotations

import re
from typing import Any

from frontwire.model import Entity, Mention, entity_id


def load_lexicon() -> dict[str, Any]:
    return {}


_LEADING = re.compile(r"^(the|The)\s+")
_POSSESSIVE = re.compile(r"['’]s?$")


def canonicalise(doc: Any, lexicon: dict[str, Any], labels: frozenset[str]) -> tuple[list[Entity], list[Mention]]:
    entities: dict[str, Entity] = {}
    mentions: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        name = _POSSESSIVE.sub("", _LEADING.sub("", ent.text)).strip()
        if not name:
            continue
        eid = entity_id(ent.label_, name)
        entities.setdefault(eid, Entity(id=eid, name=name, type=ent.label_))
        mentions.append(
            Mention(text=ent.text, start=ent.start_char, end=ent.end_char, name=name, type=ent.label_, entity_id=eid)
        )
    return list(entities.values()), mentions
