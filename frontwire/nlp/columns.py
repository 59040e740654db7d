"""Token columns (``Doc.to_array`` string hashes) tested against a stage's cached hash sets.

The stages keep their word lists as sorted arrays of hashes, made once per lexicon; a column is then
tested with one binary search per value, where ``np.isin`` sorts both arrays again on every call.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def sorted_hashes(strings: Any, words: Any) -> np.ndarray:
    """The string hashes of ``words`` (added to ``strings``), sorted and distinct, for :func:`member`."""
    return np.unique(np.array([strings.add(w) for w in words], dtype="uint64"))


def member(values: Any, ids: np.ndarray) -> np.ndarray:
    """``np.isin(values, ids)`` (any shape of ``values``) for sorted, distinct ``ids``."""
    values = np.asarray(values)
    if not len(ids):
        return np.zeros(values.shape, dtype=bool)
    found: np.ndarray = ids[np.minimum(np.searchsorted(ids, values), len(ids) - 1)] == values
    return found


__all__ = ["member", "sorted_hashes"]
