"""Tests of frontwire/nlp/columns.py: membership of token columns in sorted hash arrays."""

from __future__ import annotations

import numpy as np

from frontwire.nlp.columns import member, sorted_hashes


def test_member_answers_as_isin_on_sorted_distinct_ids() -> None:
    rng = np.random.default_rng(3)
    for n_ids in (0, 1, 2, 50):
        ids = np.unique(rng.integers(0, 2**64 - 1, size=n_ids, dtype="uint64", endpoint=True))
        values = np.concatenate([ids, rng.integers(0, 2**64 - 1, size=40, dtype="uint64", endpoint=True)])
        values = np.concatenate([values, np.array([0, 2**64 - 1], dtype="uint64")])
        rng.shuffle(values)
        assert (member(values, ids) == np.isin(values, ids)).all()
        assert member(values, ids).sum() >= len(ids)  # every id is among the values
    assert len(member(np.array([], dtype="uint64"), np.array([5], dtype="uint64"))) == 0


def test_member_keeps_the_shape_of_a_column_block() -> None:
    ids = np.array([3, 9], dtype="uint64")
    block = np.array([[3, 4], [5, 9], [1, 2]], dtype="uint64")
    assert member(block, ids).tolist() == [[True, False], [False, True], [False, False]]
    assert member(block, np.array([], dtype="uint64")).shape == (3, 2)


def test_sorted_hashes_are_the_vocabularys_distinct_and_sorted() -> None:
    from spacy.strings import StringStore

    strings = StringStore()
    got = sorted_hashes(strings, ["said", "told", "said"])
    assert got.tolist() == sorted({strings["said"], strings["told"]})
