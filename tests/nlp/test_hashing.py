"""frontwire/nlp/hashing.py gives scikit-learn's HashingVectorizer matrices, element for element."""

from __future__ import annotations

import random

import numpy as np
import pytest

from frontwire.nlp.hashing import HashingVectorizer, murmurhash3_32

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")

TEXTS = [
    "Russian forces shelled Kharkiv overnight, the regional governor said.",
    "Two drones were shot down near Odesa; debris fell on a residential building.",
    "“We will not give up Bakhmut,” Zelensky said.  Nothing else was said.\n\nA new paragraph\there.",
    "wc_artillery wc_drone Artillery fire hit the 93rd Brigade's positions at 05:30.",
    "Ça été dit à Zaporizhzhia — Запоріжжя — 日本語 text, émigrés' café.",
    "",
    "   ",
    "a",
    "I ab",
    "x" * 300 + " y",
    "abcd abcde abcdef abcdefg",
]
PARAMS = [
    {"analyzer": "word", "ngram_range": (1, 2), "n_features": 262144},  # the events model's two
    {"analyzer": "char_wb", "ngram_range": (2, 5), "n_features": 524288},
    {"analyzer": "char", "ngram_range": (1, 3), "n_features": 1000},
    {"analyzer": "char_wb", "ngram_range": (1, 3), "n_features": 77},
    {"analyzer": "word", "ngram_range": (2, 3), "n_features": 1000},
]


def test_murmurhash3_is_scikit_learns() -> None:
    from sklearn.utils import murmurhash3_32 as reference

    rng = random.Random(7)
    keys = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300))) for _ in range(2000)]
    keys += [b"", b"a", b"ab", b"abc", b"abcd", "héllo".encode(), "日本語".encode()]
    want = np.array([reference(k, seed=0) for k in keys])
    assert np.array_equal(murmurhash3_32(keys), want)


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: f"{p['analyzer']}{p['ngram_range']}")
def test_hashing_vectorizer_gives_scikit_learns_matrix(params: dict) -> None:  # type: ignore[type-arg]
    common = {"alternate_sign": False, "norm": None, "lowercase": True, "dtype": np.float32}
    theirs = sklearn_text.HashingVectorizer(**params, **common)
    ours = HashingVectorizer(**params, **common)
    rng = random.Random(3)
    words = " ".join(TEXTS).split()
    shuffled = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 40))) for _ in range(200)]
    for batch in (TEXTS[:1], TEXTS, TEXTS[5:6], shuffled, [t for t in shuffled if t.isascii()]):
        a, b = theirs.transform(batch), ours.transform(batch)
        assert type(a) is type(b) and a.shape == b.shape
        for part in ("data", "indices", "indptr"):
            x, y = getattr(a, part), getattr(b, part)
            assert x.dtype == y.dtype and np.array_equal(x, y), part
        assert b.has_canonical_format


def test_hashing_vectorizer_refuses_what_it_does_not_do() -> None:
    with pytest.raises(ValueError):
        HashingVectorizer(analyzer="custom")
    with pytest.raises(ValueError):
        HashingVectorizer(alternate_sign=True)
    with pytest.raises(ValueError):
        HashingVectorizer().transform("a string, not a list of them")
    with pytest.raises(ValueError):
        HashingVectorizer().transform([])


def _reference_counts(vec: HashingVectorizer, docs: list[str]) -> list[tuple[int, int, float]]:
    """(row, column, count) of each non-zero entry, from analyze() and the hash alone (no memo)."""
    out = []
    for row, doc in enumerate(docs):
        grams = vec.analyze(doc)
        cols = np.abs(murmurhash3_32([g.encode("utf-8") for g in grams])) % vec.n_features
        values, counts = np.unique(cols, return_counts=True)
        out += [(row, int(c), float(n)) for c, n in zip(values, counts, strict=True)]
    return out


@pytest.mark.parametrize("memo_size", [0, 3, 50, 10_000])
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: f"{p['analyzer']}{p['ngram_range']}")
def test_memo_gives_the_same_matrix_when_cold_warm_and_full(params: dict, memo_size: int) -> None:  # type: ignore[type-arg]
    vec = HashingVectorizer(**params, dtype=np.float32, memo_size=memo_size)
    rng = random.Random(5)
    words = " ".join(TEXTS).split()
    batches = [[" ".join(rng.choice(words) for _ in range(rng.randrange(0, 30))) for _ in range(7)]]
    batches += [TEXTS, TEXTS, TEXTS[::-1], batches[0], [t.upper() for t in TEXTS]]
    largest = 0
    for batch in batches:
        largest = max(largest, len({u for d in batch for u in vec._units(d)}))
        rows, cols, counts, n = vec.counts(batch)
        assert n == len(batch) and rows.dtype == cols.dtype == np.int64 and counts.dtype == np.float32
        got = list(zip(rows.tolist(), cols.tolist(), counts.tolist(), strict=True))
        assert got == _reference_counts(vec, batch)
        # Bounded: memo_size units, or the units of the one batch that found it full.
        assert len(vec._memo) <= max(memo_size, largest)
    if memo_size == 10_000:
        assert vec._memo  # it was used
