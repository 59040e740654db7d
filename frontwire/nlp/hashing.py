"""scikit-learn's ``HashingVectorizer`` (the settings the events classifier uses), without scikit-learn.

Why: importing scikit-learn (which imports much of SciPy: stats, optimize, ...) costs a process
start-up several tenths of a second, more than the classifier's own work on one article; the
vectoriser itself is stateless and small. :class:`HashingVectorizer` computes the same n-grams in the
same order as scikit-learn's analyzers, hashes them with the same MurmurHash3 (x86, 32-bit, seed 0,
signed; here over whole arrays with numpy) into ``abs(hash) % n_features``, and builds the matrix as
``FeatureHasher`` does (``csr_array``, ``sum_duplicates``, returned as a ``csr_matrix``), so the
result is the same matrix, element for element. ``tests/nlp/test_hashing.py`` compares the two.

Supported: ``analyzer`` 'word', 'char' or 'char_wb'; lowercase; no stop words, accents stripping,
custom preprocessor or tokenizer; ``alternate_sign=False``; ``norm=None``; ``binary=False``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_WHITE_SPACES = re.compile(r"\s\s+")
# Units (words, or word n-grams) whose columns a vectoriser remembers: ~250 bytes each, under 10 MB.
MEMO_SIZE = 2**15
_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: Any, r: int) -> Any:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def murmurhash3_32(keys: Sequence[bytes]) -> np.ndarray:
    """Signed 32-bit MurmurHash3 (x86_32, seed 0) of each byte string, as int64."""
    lens = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    return _murmur(b"".join(keys), lens)


def _hash_strings(strings: list[str]) -> np.ndarray:
    """``murmurhash3_32`` of the UTF-8 encoding of each string (ASCII text is encoded in one go)."""
    joined = "".join(strings)
    if joined.isascii():
        return _murmur(joined.encode("ascii"), np.fromiter(map(len, strings), dtype=np.int64))
    return murmurhash3_32([s.encode("utf-8") for s in strings])


def _murmur(buf: bytes, lens: np.ndarray) -> np.ndarray:
    """Hashes of the consecutive keys of ``buf`` whose byte lengths are ``lens``."""
    out = np.zeros(len(lens), dtype=np.int64)
    if not len(lens):
        return out
    data = np.frombuffer(buf, dtype=np.uint8)
    offsets = np.cumsum(lens) - lens
    if lens.max() <= 64:
        return _murmur_rows(data, offsets, lens)
    # Keys of similar length together: each group is one zero-padded matrix as wide as its longest.
    order = np.argsort(lens, kind="stable")
    bounds = np.searchsorted(lens[order], [16, 64, 256], side="right").tolist()
    for start, end in zip([0, *bounds], [*bounds, len(lens)], strict=True):
        if end > start:
            chosen = order[start:end]
            out[chosen] = _murmur_rows(data, offsets[chosen], lens[chosen])
    return out


def _murmur_rows(data: np.ndarray, offsets: np.ndarray, lens: np.ndarray) -> np.ndarray:
    m = len(lens)
    width = int(lens.max()) + 4  # room for a zero-padded tail read past the end
    total = int(lens.sum())
    # Row i holds key i, zero-padded: bytes past a key's end read as 0.
    rows = np.repeat(np.arange(m), lens)
    cols = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    pad = np.zeros((m, width), dtype=np.uint32)
    pad[rows, cols] = data[np.repeat(offsets, lens) + cols]
    nblocks = lens // 4
    h = np.zeros(m, dtype=np.uint32)
    for j in range(int(nblocks.max())):
        c = 4 * j
        k = pad[:, c] | (pad[:, c + 1] << 8) | (pad[:, c + 2] << 16) | (pad[:, c + 3] << 24)
        k = _rotl(k * _C1, 15) * _C2
        mixed = _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        h = np.where(nblocks > j, mixed, h)
    # The tail (1-3 bytes): the padding makes the missing bytes 0, and a 0 tail leaves h as it is.
    t = np.take_along_axis(pad, (4 * nblocks)[:, None] + np.arange(3), axis=1)
    k = t[:, 0] | (t[:, 1] << 8) | (t[:, 2] << 16)
    h ^= _rotl(k * _C1, 15) * _C2
    h ^= lens.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h.view(np.int32).astype(np.int64)


class HashingVectorizer:
    """The subset of ``sklearn.feature_extraction.text.HashingVectorizer`` described above."""

    def __init__(
        self,
        *,
        analyzer: str = "word",
        ngram_range: tuple[int, int] = (1, 1),
        n_features: int = 2**20,
        alternate_sign: bool = False,
        norm: str | None = None,
        lowercase: bool = True,
        dtype: Any = np.float64,
        memo_size: int = MEMO_SIZE,
    ) -> None:
        if analyzer not in ("word", "char", "char_wb"):
            raise ValueError(f"analyzer {analyzer!r} is not supported")
        if alternate_sign or norm is not None:
            raise ValueError("only alternate_sign=False and norm=None are supported")
        min_n, max_n = ngram_range
        if not 1 <= min_n <= max_n:
            raise ValueError(f"invalid ngram_range {ngram_range!r}")
        self.analyzer = analyzer
        self.ngram_range = (int(min_n), int(max_n))
        self.n_features = int(n_features)
        self.lowercase = lowercase
        self.dtype = dtype
        self.memo_size = memo_size
        self._memo: dict[str, bytes] = {}  # unit (see _units) -> its columns, int64

    # The three analyzers, step for step as scikit-learn's _word_ngrams, _char_ngrams, _char_wb_ngrams.
    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        min_n, max_n = self.ngram_range
        if max_n == 1:
            return tokens
        original = tokens
        if min_n == 1:
            tokens = list(original)
            min_n += 1
        else:
            tokens = []
        n_original = len(original)
        for n in range(min_n, min(max_n + 1, n_original + 1)):
            tokens += [" ".join(original[i : i + n]) for i in range(n_original - n + 1)]
        return tokens

    def _char_ngrams(self, text: str) -> list[str]:
        text = _WHITE_SPACES.sub(" ", text)
        text_len = len(text)
        min_n, max_n = self.ngram_range
        if min_n == 1:
            ngrams = list(text)
            min_n += 1
        else:
            ngrams = []
        for n in range(min_n, min(max_n + 1, text_len + 1)):
            ngrams += [text[i : i + n] for i in range(text_len - n + 1)]
        return ngrams

    def _char_wb_ngrams(self, text: str) -> list[str]:
        text = _WHITE_SPACES.sub(" ", text)
        min_n, max_n = self.ngram_range
        ngrams: list[str] = []
        for w in text.split():
            w = " " + w + " "
            w_len = len(w)
            for n in range(min_n, max_n + 1):
                if w_len <= n:  # a short word counts once, whole, and ends the word's n-grams
                    ngrams.append(w)
                    break
                ngrams += [w[i : i + n] for i in range(w_len - n + 1)]
        return ngrams

    def analyze(self, doc: str) -> list[str]:
        """The features of one text, in scikit-learn's order."""
        if self.lowercase:
            doc = doc.lower()
        if self.analyzer == "word":
            return self._word_ngrams(_TOKEN.findall(doc))
        if self.analyzer == "char":
            return self._char_ngrams(doc)
        return self._char_wb_ngrams(doc)

    def _units(self, doc: str) -> list[str]:
        """The pieces of a text whose features do not depend on their neighbours: its words for
        'char_wb' (each word's n-grams stay inside it), else the features themselves."""
        if self.analyzer == "char_wb":
            text = doc.lower() if self.lowercase else doc
            return _WHITE_SPACES.sub(" ", text).split()
        return self.analyze(doc)

    def _remember(self, units: list[str]) -> None:
        """Put the columns of each of ``units`` in the memo (int64 bytes: compact, and a document's are
        joined in one call), hashing all their n-grams at once."""
        grams = [self._char_wb_ngrams(u) if self.analyzer == "char_wb" else [u] for u in units]
        flat = [g for gs in grams for g in gs]
        unique = list(dict.fromkeys(flat))
        ids = dict(zip(unique, range(len(unique)), strict=True))
        index = (np.abs(_hash_strings(unique)) % self.n_features).astype(np.int64)
        columns = index[np.fromiter(map(ids.__getitem__, flat), dtype=np.intp, count=len(flat))].tobytes()
        at = 0
        for unit, gs in zip(units, grams, strict=True):
            self._memo[unit] = columns[at : at + 8 * len(gs)]
            at += 8 * len(gs)

    def counts(self, docs: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The matrix of :meth:`transform` as (rows, columns, counts, n_docs), without SciPy: the
        non-zero entries in row-major order with duplicates summed, as the CSR matrix holds them.

        The columns of each unit (:meth:`_units`) come from a memo kept on the vectoriser: news
        vocabulary repeats, and a known word costs one lookup instead of its n-grams and their hashes.
        The memo holds at most ``memo_size`` units plus one batch's; when full it starts afresh."""
        if isinstance(docs, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        per_doc = [self._units(doc) for doc in docs]
        if not per_doc:
            raise ValueError("Cannot vectorize empty sequence.")
        memo = self._memo
        needed = dict.fromkeys(u for units in per_doc for u in units)
        missing = [u for u in needed if u not in memo]
        if missing and len(memo) + len(missing) > self.memo_size:
            memo.clear()
            missing = list(needed)
        if missing:
            self._remember(missing)
        chunks = [b"".join(map(memo.__getitem__, units)) for units in per_doc]
        lens = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks)) // 8
        columns = np.frombuffer(b"".join(chunks), dtype=np.int64)
        rows = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
        keys, counts = np.unique(rows * self.n_features + columns, return_counts=True)
        return keys // self.n_features, keys % self.n_features, counts.astype(self.dtype), len(lens)

    def transform(self, docs: Iterable[str]) -> Any:
        """(n_docs, n_features) ``scipy.sparse.csr_matrix`` of feature counts (:meth:`counts`)."""
        import scipy.sparse as sp

        rows, cols, counts, n = self.counts(docs)
        # The entries are row-major, distinct and sorted, as FeatureHasher's sum_duplicates leaves them.
        return sp.csr_matrix((counts, (rows, cols)), shape=(n, self.n_features), dtype=self.dtype)


__all__ = ["HashingVectorizer", "murmurhash3_32"]
