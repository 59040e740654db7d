"""Sentence event-type classifier: ACLED sub-event type (or "no event") and PLOVER type, numpy inference.

The model (``frontwire/data/events/model.json`` + ``model.npz``, rebuilt by ``python -m
frontwire.events.train``) is a pair of linear heads over hashed TF-IDF features: word 1-2-grams and
character 2-5-grams (scikit-learn's stateless ``HashingVectorizer``, computed without scikit-learn by
``frontwire.nlp.hashing``), plus weapon/munition word classes
from ``weapons.csv`` appended as tokens (``wc_artillery``, ``wc_drone`` ...). Nothing is pickled: the JSON
holds the vectoriser parameters, labels and the abstention threshold; the ``.npz`` the idf vector, the
kept feature columns and the coefficient matrices. Probabilities are a softmax of the linear scores
with a temperature fitted by cross-validation on the tune part (see ``train.py``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import numpy as np

NONE = "none"
MODEL_NAME = "model"


def _data_path(name: str) -> Path:
    return Path(str(importlib_resources.files("frontwire").joinpath("data", "events", name)))


@cache
def acled_types() -> dict[str, str]:
    """ACLED sub-event type -> event type (25 rows of ``acled_types.csv``)."""
    with _data_path("acled_types.csv").open(encoding="utf-8", newline="") as fh:
        return {r["sub_event_type"]: r["event_type"] for r in csv.DictReader(fh)}


@cache
def acled_codes() -> dict[str, str]:
    """CASE 2021 label code (``ART_MISS_ATTACK`` ...) -> ACLED sub-event type."""
    with _data_path("acled_types.csv").open(encoding="utf-8", newline="") as fh:
        return {r["case_code"]: r["sub_event_type"] for r in csv.DictReader(fh)}


@cache
def plover_map() -> dict[str, tuple[str | None, str | None]]:
    """ACLED sub-event type -> (PLOVER type, PLOVER mode), None where no clear mapping exists."""
    with _data_path("plover_map.csv").open(encoding="utf-8", newline="") as fh:
        return {
            r["sub_event_type"]: (r["plover_type"] or None, r["plover_mode"] or None)
            for r in csv.DictReader(fh)
        }


@cache
def weapon_patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(compiled pattern, implied sub-event type, word class) rows of ``weapons.csv``."""
    with _data_path("weapons.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            (re.compile(r["pattern"], re.IGNORECASE), r["sub_event_type"], r["word_class"])
            for r in csv.DictReader(fh)
        )


def word_classes(text: str) -> list[str]:
    """Weapon/munition word classes the text mentions (one per matching row, in table order)."""
    return [cls for pat, _sub, cls in weapon_patterns() if pat.search(text)]


@cache
def _class_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One alternation per word class (the same matches as its rows, one search instead of many)."""
    by_class: dict[str, list[str]] = {}
    for pat, _sub, cls in weapon_patterns():
        by_class.setdefault(cls, []).append(f"(?:{pat.pattern})")
    return tuple((cls, re.compile("|".join(p), re.IGNORECASE)) for cls, p in sorted(by_class.items()))


@cache
def _any_class() -> re.Pattern[str]:
    """Every row in one alternation, matched against the lower-cased text: most sentences (~96 %
    of news sentences) name no weapon, and one case-sensitive search says so ~8x faster than the
    per-class IGNORECASE searches. The rows are lower-case (a test checks it)."""
    return re.compile("|".join(f"(?:{pat.pattern})" for pat, _sub, _cls in weapon_patterns()))


def prepare(text: str) -> str:
    """The text the vectorisers see: the sentence plus one ``wc_<class>`` token per word class."""
    if not _any_class().search(text.lower()):
        return text
    classes = [cls for cls, pat in _class_patterns() if pat.search(text)]
    return text + (" " + " ".join("wc_" + c.lower() for c in classes) if classes else "")


@dataclass(frozen=True, slots=True)
class TypePrediction:
    sub_event_type: str | None  # None = abstain / no event
    event_type: str | None
    probability: float  # of the chosen label (calibrated 0..1)
    ranked: tuple[tuple[str, float], ...]  # top-3 (sub_event_type or "none", probability)
    plover_type: str | None
    plover_mode: str | None


def make_vectorizers(params: dict[str, Any]) -> list[Any]:
    """The stateless hashing vectorisers described by ``params['vectorizers']``.

    They are ``frontwire.nlp.hashing.HashingVectorizer``: the same matrices as scikit-learn's, without
    importing scikit-learn and much of SciPy at every start (tests/nlp/test_hashing.py).
    """
    from frontwire.nlp.hashing import HashingVectorizer

    out = []
    for p in params["vectorizers"]:
        out.append(
            HashingVectorizer(
                analyzer=p["analyzer"],
                ngram_range=tuple(p["ngram_range"]),
                n_features=int(p["n_features"]),
                alternate_sign=False,
                norm=None,
                lowercase=True,
                dtype=np.float32,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Features:
    """The featurised texts as non-zero entries: per vectoriser, sublinear tf x idf, each block
    l2-normalised (the values of ``train.weighted``'s sparse matrix). Arrays, so that inference
    never imports SciPy (~0.2 s of a start-up)."""

    rows: np.ndarray
    cols: np.ndarray  # column in the stacked blocks (offset of its vectoriser added)
    values: np.ndarray  # float32
    n: int


def features(texts: Sequence[str], vectorizers: Sequence[Any], idf: np.ndarray) -> Features:
    """The features of ``texts`` (see :class:`Features`), with NumPy alone."""
    prepared = [prepare(t) for t in texts]
    rows, cols, values = [], [], []
    offset = 0
    n = len(prepared)
    for vec in vectorizers:
        r, c, counts = vec.counts(prepared)[:3]
        data = (np.log1p(counts) * idf[offset + c]).astype(np.float32)
        norms = np.sqrt(np.bincount(r, weights=data.astype(np.float64) ** 2, minlength=n))
        norms[norms == 0] = 1.0
        rows.append(r)
        cols.append(c + offset)
        values.append(data * (1.0 / norms).astype(np.float32)[r])
        offset += vec.n_features
    return Features(np.concatenate(rows), np.concatenate(cols), np.concatenate(values), n)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(slots=True)
class _Head:
    labels: list[str]
    cols: np.ndarray  # kept feature columns
    coef: np.ndarray  # (len(cols), n_labels) float32
    intercept: np.ndarray
    temperature: float
    _where: np.ndarray | None = None

    def proba(self, x: Features) -> np.ndarray:
        """Probabilities of a featurised batch (n, n_labels)."""
        return _softmax(self._scores(x) / self.temperature)

    def _scores(self, x: Features) -> np.ndarray:
        # Column -> row of coef (-1: a column the head does not keep), built on first use.
        where = self._where
        if where is None or len(where) <= int(x.cols.max(initial=0)):
            size = max(int(self.cols.max(initial=0)), int(x.cols.max(initial=0))) + 1
            where = np.full(size, -1, dtype=np.int64)
            where[self.cols] = np.arange(len(self.cols))
            self._where = where
        pos = where[x.cols]
        kept = np.flatnonzero(pos >= 0)
        # Each row's entries together, in their order: the sums run in the order bincount's did
        # (float32 products, added in float64), so the scores are the same to the bit.
        rows = x.rows[kept]
        order = np.argsort(rows, kind="stable")
        kept, rows = kept[order], rows[order]
        contrib = np.take(self.coef, pos[kept], axis=0)  # take and in place: ~1.5x the fancy-index product
        contrib *= np.take(x.values, kept)[:, None]
        scores = np.zeros((x.n, self.coef.shape[1]), dtype=np.float64)
        if len(rows):
            # One reduceat over the row blocks instead of a bincount per label.
            starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
            scores[rows[starts]] = np.add.reduceat(contrib, starts, axis=0, dtype=np.float64)
        return (scores + self.intercept).astype(np.float32)  # type: ignore[no-any-return]


class EventClassifier:
    """ACLED sub-event type (abstaining below a calibrated threshold) and PLOVER type of sentences."""

    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.meta = meta
        self.version: str = meta.get("version", "events.classify/1")
        self.threshold: float = float(meta["threshold"])
        self._vecs = make_vectorizers(meta)
        arrays = for_inference(arrays)
        self._idf = arrays["idf"]
        self._acled = self._head("acled", meta, arrays)
        self._plover = self._head("plover", meta, arrays) if "plover" in meta["heads"] else None
        self._types = acled_types()
        self._pmap = plover_map()
        self._plover_from_acled: bool = bool(meta.get("plover_from_acled", True))

    @staticmethod
    def _head(name: str, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> _Head:
        h = meta["heads"][name]
        return _Head(
            labels=list(h["labels"]),
            cols=arrays[f"{name}_cols"],
            coef=arrays[f"{name}_coef"],
            intercept=arrays[f"{name}_intercept"],
            temperature=float(h.get("temperature", 1.0)),
        )

    def acled_proba(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """(labels, probabilities (n, n_labels)) of the ACLED head ("none" among the labels)."""
        x = features(texts, self._vecs, self._idf)
        return self._acled.labels, self._acled.proba(x)

    def predict(self, texts: Sequence[str], abstain: bool = True) -> list[TypePrediction]:
        """One prediction per text. ``abstain=False`` always returns the best ACLED sub-event type
        (the "none" class and the threshold are ignored: for CASE scoring, where every item has one)."""
        if not texts:
            return []
        x = features(texts, self._vecs, self._idf)
        labels = self._acled.labels
        pa = self._acled.proba(x)
        pp = self._plover.proba(x) if self._plover is not None else None
        none_i = labels.index(NONE) if NONE in labels else -1
        out = []
        for i in range(len(texts)):
            row = pa[i]
            order = np.argsort(-row, kind="stable")
            ranked = tuple((labels[j], float(row[j])) for j in order[:3])
            best = int(order[0])
            if not abstain and best == none_i:
                best = int(order[1])
            prob = float(row[best])
            sub: str | None = labels[best]
            if abstain and (best == none_i or prob < self.threshold):
                sub = None
            if sub == NONE:
                sub = None
            ptype, pmode = self._plover_of(sub, pp[i] if pp is not None else None)
            out.append(
                TypePrediction(
                    sub_event_type=sub,
                    event_type=self._types.get(sub) if sub else None,
                    probability=prob if sub is not None or best != none_i else float(row[none_i]),
                    ranked=ranked,
                    plover_type=ptype,
                    plover_mode=pmode,
                )
            )
        return out

    def _plover_of(self, sub: str | None, prow: np.ndarray | None) -> tuple[str | None, str | None]:
        mapped = self._pmap.get(sub, (None, None)) if sub else (None, None)
        if self._plover_from_acled and mapped[0]:
            return mapped
        if prow is None or self._plover is None:
            return mapped
        j = int(np.argmax(prow))
        label = self._plover.labels[j]
        if label == NONE or float(prow[j]) < float(self.meta["heads"]["plover"].get("threshold", 0.0)):
            return (None, None)
        return (label, mapped[1] if mapped[0] == label else None)

    def plover_predict(self, texts: Sequence[str]) -> list[str | None]:
        """The PLOVER head alone (no ACLED mapping, no threshold): best non-"none" PLOVER type."""
        if self._plover is None or not texts:
            return [None] * len(texts)
        pp = self._plover.proba(features(texts, self._vecs, self._idf))
        labels = self._plover.labels
        out: list[str | None] = []
        for row in pp:
            order = np.argsort(-row, kind="stable")
            j = int(order[0]) if labels[int(order[0])] != NONE else int(order[1])
            out.append(labels[j])
        return out


def model_paths(path: Path | None = None) -> tuple[Path, Path]:
    """(json, npz) of the model: ``path`` (either file or its stem), else the packaged model."""
    if path is None:
        base = _data_path(MODEL_NAME + ".json")
    else:
        base = path if path.suffix == ".json" else path.with_suffix(".json")
    return base, base.with_suffix(".npz")


def load_classifier(path: Path | None = None, cache_dir: Path | None = None) -> EventClassifier:
    """Load the classifier (packaged model unless ``path``, a ``.json`` next to its ``.npz``), its
    arrays from an unpacked copy in ``cache_dir`` when one is given (see :func:`_unpacked`)."""
    jpath, npath = model_paths(path)
    meta = json.loads(jpath.read_text(encoding="utf-8"))
    arrays = _unpacked(npath, cache_dir) if cache_dir is not None else None
    if arrays is None:
        with np.load(npath, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    return EventClassifier(meta, arrays)


_INFERENCE_DTYPES = {"idf": np.float32, "_cols": np.int64, "_coef": np.float32, "_intercept": np.float32}
UNPACKED_KEEP = 2  # unpacked models kept in the cache folder, the last used (~20 MB each)


def for_inference(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model's arrays in the dtypes inference computes with (stored float16 and int32 are
    widened; arrays already so are not copied)."""
    out = {}
    for name, a in arrays.items():
        dtype = next((t for suffix, t in _INFERENCE_DTYPES.items() if name.endswith(suffix)), a.dtype)
        out[name] = a.astype(dtype, copy=False)
    return out


def _unpacked(npath: Path, cache_dir: Path) -> dict[str, np.ndarray] | None:
    """The model's arrays in the dtypes inference uses, from an uncompressed ``.npz`` in the cache
    folder (written on first use). The packaged file is compressed float16, small in the wheel; its
    inflation and conversion took ~0.1 s of every start-up, reading the unpacked copy ~0.02 s.
    None when the model is not a plain file or the copy cannot be read or written."""
    from frontwire.cachefiles import mark_used, prune, write_atomic

    try:
        st = npath.stat()
    except OSError:
        return None
    tag = hashlib.sha256(f"{npath.resolve()} {st.st_size} {st.st_mtime_ns}".encode()).hexdigest()[:20]
    cached = cache_dir / f"events-model-v1-{tag}.npz"
    try:
        with np.load(cached, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        mark_used(cached)
        return arrays
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # not there yet, or broken: written again below
    with np.load(npath, allow_pickle=False) as z:
        unpacked: dict[str, Any] = for_inference({k: z[k] for k in z.files})  # Any: savez's **kwds
    if write_atomic(cached, lambda fh: np.savez(fh, **unpacked)):
        prune(cache_dir, "events-model-v*.npz", UNPACKED_KEEP, spare=cached)
    return unpacked


@cache
def default_classifier() -> EventClassifier:
    """The packaged classifier, loaded once per process."""
    return load_classifier()
