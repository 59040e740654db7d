"""The result record every scorer returns (metrics, counts, worst examples) and shared helpers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from typing import Any, Protocol, TypeVar


@dataclass(slots=True)
class Scores:
    """Scores of one system on one data set.

    ``metrics`` holds fractions (P, R, F1, accuracy...) or km under dotted names
    ('f1', 'cue.exact.f1'); ``None`` where a denominator is empty. ``worst`` lists the items
    that scored lowest, each a dict with at least 'id' and 'score', for error analysis.
    """

    metrics: dict[str, float | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    worst: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"metrics": dict(self.metrics), "counts": dict(self.counts), "worst": list(self.worst)}


def ratio(num: float, den: float) -> float | None:
    """num/den, or None when the denominator is zero (unknown, not zero)."""
    return num / den if den else None


def prf(tp: float, fp: float, fn: float) -> tuple[float | None, float | None, float | None]:
    """Micro precision, recall and F1 from counts (None where undefined)."""
    p = ratio(tp, tp + fp)
    r = ratio(tp, tp + fn)
    f = ratio(2 * tp, 2 * tp + fp + fn)
    return p, r, f


def harmonic(p: float | None, r: float | None) -> float | None:
    """2PR/(P+R); 0.0 when both are zero, None when either is unknown."""
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


class Span(Protocol):
    """Anything with character offsets."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


def best_overlap(gold: Span, preds: Sequence[S]) -> S | None:
    """The prediction sharing most characters with ``gold`` (first on ties), or None if none overlaps."""
    best, most = None, 0
    for p in preds:
        shared = min(p.end, gold.end) - max(p.start, gold.start)
        if shared > most:
            best, most = p, shared
    return best


def worst_items(items: list[dict[str, Any]], n: int = 20) -> list[dict[str, Any]]:
    """The ``n`` lowest-scoring items (stable: ties keep input order)."""
    return sorted(items, key=lambda d: d["score"])[:n]


@cache
def eval_rules() -> dict[str, Any]:
    """frontwire/data/eval_rules.json: constants of the scorers, loaded once."""
    text = importlib_resources.files("frontwire").joinpath("data/eval_rules.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def published_scores() -> dict[str, Any]:
    """frontwire/data/published_scores.json: the figures each README quotes, with their source line."""
    text = (
        importlib_resources.files("frontwire")
        .joinpath("data/published_scores.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)  # type: ignore[no-any-return]
