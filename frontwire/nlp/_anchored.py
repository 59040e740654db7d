"""A token Matcher that runs only around the words a match must contain.

Used by the conflict EntityRuler (thousands of patterns) and by frontwire_morph (the model's
multi-token attribute rules): when every pattern has a required literal word and a bounded length,
a match lies within a window around that word, so the Matcher is called on those windows (merged,
in text order) instead of on every token. Matches and their order are the Matcher's own.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.tokens import Doc

from frontwire.nlp.columns import member

# Windows closer than this many tokens are matched together (keeps the Matcher's own match order).
_WINDOW_GAP = 2
_COUNT = re.compile(r"\{(\d*),?(\d*)\}")


def _max_repeat(tok: dict[str, Any]) -> int | None:
    """Most tokens one pattern token can take (None: unbounded or not a plain quantifier)."""
    op = tok.get("OP")
    if op is None or op == "?":
        return 1
    found = _COUNT.fullmatch(op) if isinstance(op, str) else None
    if found is None:
        return None  # "+", "*", "!": no bound known here
    low, high = found.groups()
    if "," not in op:
        return int(low)
    return int(high) if high else None


def _anchor(pattern: list[dict[str, Any]], vocab: Any) -> tuple[int, Any, int, int] | None:
    """(column, form hashes, tokens before, tokens after) of a required literal token of a
    bounded pattern, or None when the pattern has no such token."""
    reps = [_max_repeat(tok) for tok in pattern]
    if any(r is None for r in reps):
        return None
    for k, tok in enumerate(pattern):
        if "OP" in tok:
            continue
        for key, column in (("ORTH", ORTH), ("TEXT", ORTH), ("LOWER", LOWER)):
            want = tok.get(key)
            if isinstance(want, str):
                forms = [want]
            elif isinstance(want, dict) and set(want) == {"IN"}:
                forms = list(want["IN"])
            else:
                continue
            hashes = np.array([vocab.strings.add(f) for f in forms], dtype="uint64")
            return column, hashes, sum(reps[:k]), sum(reps[k + 1 :])  # type: ignore[arg-type]
    return None


class AnchoredMatcher:
    """A token Matcher run only on the stretches of a Doc where one of its patterns can match.

    A pattern without a required literal word or a bounded length, or any pattern added later,
    makes it scan whole Docs again (same results, the Matcher's usual cost).
    """

    def __init__(self, matcher: Any, token_patterns: dict[str, list[Any]], vocab: Any) -> None:
        self.matcher = matcher
        self.plans: list[tuple[int, Any, int, int]] | None = []
        for patterns in token_patterns.values():
            for pattern in patterns:
                plan = _anchor(pattern, vocab)
                if plan is None:
                    self.plans = None
                    return
                self.plans.append(plan)
        # Per column: all anchor hashes, and the widest reach around each of them.
        self.reach: dict[int, dict[int, tuple[int, int]]] = {ORTH: {}, LOWER: {}}
        for column, hashes, before, after in self.plans:
            for h in hashes.tolist():
                b, a = self.reach[column].get(h, (0, 0))
                self.reach[column][h] = (max(b, before), max(a, after))
        self.anchors = {c: np.array(sorted(r), dtype="uint64") for c, r in self.reach.items()}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)

    def __contains__(self, key: object) -> bool:
        return key in self.matcher

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.plans = None  # a new pattern has no plan: scan whole Docs from now on
        self.matcher.add(*args, **kwargs)

    def remove(self, key: Any) -> None:
        self.plans = None
        self.matcher.remove(key)

    def windows(self, doc: Any) -> list[tuple[int, int]]:
        """Merged token windows of ``doc`` that hold every possible match."""
        assert self.plans is not None
        cols = doc.to_array([ORTH, LOWER])
        n = len(doc)
        spans: list[tuple[int, int]] = []
        for j, column in enumerate((ORTH, LOWER)):
            values = cols[:, j]
            reach = self.reach[column]
            for i in np.flatnonzero(member(values, self.anchors[column])).tolist():
                before, after = reach[int(values[i])]
                spans.append((max(0, i - before), min(n, i + after + 1)))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1] + _WINDOW_GAP:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def __call__(self, doc: Any, **kwargs: Any) -> Any:
        # Only plain (key, start, end) results can be windowed; other call forms scan the whole Doc.
        windowed = set(kwargs) <= {"allow_missing"}
        if self.plans is None or not windowed or not isinstance(doc, Doc) or not len(doc):
            return self.matcher(doc, **kwargs)
        out: list[tuple[int, int, int]] = []
        for start, end in self.windows(doc):
            out.extend((key, start + s, start + e) for key, s, e in self.matcher(doc[start:end], **kwargs))
        return out
