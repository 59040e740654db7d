"""Builders shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

from frontwire.model import TimeExpression

# 2023-03-07, the seed page's publication date, is a Tuesday.
PUB = "2023-03-07"


def times_by_text(text: str, lex: Any, published: str | None = PUB) -> dict[str, TimeExpression]:
    """Time expressions of ``text`` by their text, each checked to have exact offsets."""
    from frontwire.timex import extract_text

    out = extract_text(text, published, lex)
    for t in out:
        assert text[t.start : t.end] == t.text
    return {t.text: t for t in out}
