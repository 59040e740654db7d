"""The one tune/check split of every evaluation set.

Every labelled set is split ONCE by a salted hash of each item's id: the *tune* part (~70 %) may be
used for training and every decision (rules, thresholds, features); the *check* part (~30 %) is
only scored, as a final confirmation. ``frontwire eval`` reports both parts side by side.

Keys per set: PolNeAR article id, TempEval-3 document id, GeoWebNews / LGL / TR-News article id,
benchmark page id (article-extraction-benchmark) or URL (trafilatura-eval), CIR ``entry``; the
events and link sets use their own keys through :mod:`frontwire.evaluate.events`, which imports
this rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

SPLIT_SALT = "frontwire-split/1:"
CHECK_TENTHS = 3  # ~30 % of every set is the check part
PARTS = ("tune", "check")

T = TypeVar("T")


def is_check(key: str) -> bool:
    """True when the item keyed ``key`` belongs to the check part (never used for decisions)."""
    digest = hashlib.sha256((SPLIT_SALT + str(key)).encode("utf-8")).hexdigest()
    return int(digest, 16) % 10 < CHECK_TENTHS


def part_of(key: str) -> str:
    """``"check"`` or ``"tune"``."""
    return "check" if is_check(key) else "tune"


def split_items(items: Iterable[T], key: Callable[[T], str], limit: int | None = None) -> dict[str, list[T]]:
    """``{"tune": [...], "check": [...]}`` in input order; ``limit`` caps each part."""
    out: dict[str, list[T]] = {p: [] for p in PARTS}
    for it in items:
        part = out[part_of(key(it))]
        if limit is None or len(part) < limit:
            part.append(it)
    return out
