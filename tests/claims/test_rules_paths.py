"""The rules' cheaper paths over a parse give what walking its Tokens gives."""

from __future__ import annotations

import itertools

from spacy.tokens import Doc
from spacy.vocab import Vocab

from frontwire.claims.rules import _subtree_ends, has_marker

WORDS = ["a", "b", "c", "d", "e", "f"]


def test_subtree_ends_are_the_subtree_iteration_ends() -> None:
    # A projective tree, and one that is not: 0 <- 1 <- 4 <- 3 <- 5 -> 2 (the subtree of 5 yields 2 first,
    # though its left edge is 0).
    for heads in ([1, 5, 3, 1, 5, 5], [1, 4, 5, 5, 3, 5]):
        doc = Doc(Vocab(), words=WORDS, heads=heads, deps=["dep"] * len(WORDS))
        for tok in doc:
            subtree = list(tok.subtree)
            first, last = _subtree_ends(tok)
            assert (first.i, last.i) == (subtree[0].i, subtree[-1].i), (heads, tok.i)
    assert doc[5].left_edge.i == 0 and _subtree_ends(doc[5])[0].i == 2


def _has_marker_plain(lowers: list[str], markers: tuple[tuple[str, ...], ...]) -> bool:
    return any(tuple(lowers[i : i + len(m)]) == m for m in markers for i in range(len(lowers) - len(m) + 1))


def test_has_marker_as_every_window() -> None:
    markers = (("could", "not", "be", "verified"), ("reportedly",), ("not", "be"))
    vocab = ["could", "not", "be", "verified", "reportedly", "x"]
    for n in range(6):
        for lowers in itertools.product(vocab, repeat=n) if n < 5 else [tuple(vocab)]:
            words = list(lowers)
            assert has_marker(words, markers) == _has_marker_plain(words, markers), words
