"""Scorers of article extraction: Zyte's 4-gram shingles, trafilatura's with/without segments, metadata."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from frontwire.evaluate.scores import Scores, harmonic, prf, ratio, worst_items

# Zyte article-extraction-benchmark evaluate.py: r'\w+' with UNICODE|MULTILINE|IGNORECASE|DOTALL
# (the flags change nothing for \w+, kept to mirror the reference).
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_SPACE_RE = re.compile(r"\s+")


def tokenize(text: str | None) -> list[str]:
    """The benchmark's tokens: runs of Unicode word characters, case kept."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens gives one shorter shingle (or none)."""
    tokens = tokenize(text)
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


def shingle_matching(true: str | None, pred: str | None, n: int = 4) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingle multisets, normalised to sum to 1 (so long articles weigh no more)."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def _item_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _item_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def zyte_scores(predictions: Mapping[str, str | None], gold: Mapping[str, str], n_worst: int = 20) -> Scores:
    """article-extraction-benchmark metric: macro P and R over items, F1 of the two, exact-token accuracy.

    A missing or ``None`` prediction is scored as an empty text (every gold shingle a FN).
    Items whose precision (recall) denominator is 0 are left out of that average, as in the reference.
    """
    per_item: list[dict[str, Any]] = []
    precisions: list[float] = []
    recalls: list[float] = []
    exact = 0
    for key, true in gold.items():
        pred = predictions.get(key) or ""
        tp, fp, fn = shingle_matching(true, pred)
        item: dict[str, Any] = {"id": key, "tp": round(tp, 4), "fp": round(fp, 4), "fn": round(fn, 4)}
        if tp + fp > 0:
            precisions.append(_item_precision(tp, fp, fn))
        if tp + fn > 0:
            recalls.append(_item_recall(tp, fp, fn))
        same = tokenize(true) == tokenize(pred)
        exact += same
        # Item F1 from the normalised counts ranks the worst items for --errors.
        item["score"] = round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 1.0
        item["pred_words"], item["gold_words"] = len(tokenize(pred)), len(tokenize(true))
        per_item.append(item)
    p = statistics.mean(precisions) if precisions else None
    r = statistics.mean(recalls) if recalls else None
    return Scores(
        metrics={"f1": harmonic(p, r), "precision": p, "recall": r, "accuracy": ratio(exact, len(gold))},
        counts={"items": len(gold), "exact": exact, "predicted": sum(1 for k in gold if predictions.get(k))},
        worst=worst_items(per_item, n_worst),
    )


def norm_space(text: str) -> str:
    """trafilatura eval_common.norm: whitespace runs to one space, stripped."""
    return _SPACE_RE.sub(" ", text).strip()


def count_segments(item: Mapping[str, Any], result: str | None) -> tuple[int, int, int, int]:
    """Per-page (tp, fp, fn, tn) by whitespace-normalised substring matching; None counts as a miss."""
    withs, withouts = item.get("with") or [], item.get("without") or []
    if isinstance(result, str):
        text = norm_space(result)
        tp = sum(1 for w in withs if norm_space(w) in text)
        fp = sum(1 for w in withouts if norm_space(w) in text)
    else:
        tp = fp = 0
    return tp, fp, len(withs) - tp, len(withouts) - fp


def segment_scores(
    predictions: Mapping[str, str | None], gold: Mapping[str, Mapping[str, Any]], n_worst: int = 20
) -> Scores:
    """trafilatura-eval metric: micro P/R/F1/accuracy over with/without segments of every page."""
    tp = fp = fn = tn = 0
    per_item: list[dict[str, Any]] = []
    for key, item in gold.items():
        result = predictions.get(key)
        a, b, c, d = count_segments(item, result)
        tp, fp, fn, tn = tp + a, fp + b, fn + c, tn + d
        missed = [
            w
            for w in item.get("with") or []
            if not isinstance(result, str) or norm_space(w) not in norm_space(result)
        ]
        kept = [
            w
            for w in item.get("without") or []
            if isinstance(result, str) and norm_space(w) in norm_space(result)
        ]
        total = a + b + c + d
        per_item.append(
            {
                "id": key,
                "score": round((a + d) / total, 4) if total else 1.0,
                "missed": missed,
                "boilerplate": kept,
            }
        )
    p, r, f = prf(tp, fp, fn)
    return Scores(
        metrics={"precision": p, "recall": r, "f1": f, "accuracy": ratio(tp + tn, tp + fp + fn + tn)},
        counts={"pages": len(gold), "tp": tp, "fp": fp, "fn": fn, "tn": tn},
        worst=worst_items(per_item, n_worst),
    )


def norm_metadata(field: str, value: Any) -> str | None:
    """Normalised form of a title/author/date for exact comparison (README of trafilatura-eval)."""
    if value is None:
        return None
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = "; ".join(str(v) for v in value)
    text = norm_space(str(value))
    if field == "date":
        # Datetimes compare on their day: YYYY-MM-DD.
        text = text[:10]
    return text or None


def metadata_scores(
    predictions: Mapping[str, Mapping[str, Any] | None],
    gold: Mapping[str, Mapping[str, Any]],
    fields: Sequence[str] = ("title", "author", "date"),
    n_worst: int = 20,
) -> Scores:
    """Exact-match accuracy per field, over pages whose label is non-empty (README: empty = none)."""
    metrics: dict[str, float | None] = {}
    counts: dict[str, int] = {"pages": len(gold)}
    wrong: list[dict[str, Any]] = []
    for name in fields:
        labelled = correct = 0
        for key, item in gold.items():
            want = norm_metadata(name, item.get(name))
            if want is None:
                continue
            labelled += 1
            got = norm_metadata(name, (predictions.get(key) or {}).get(name))
            if got == want:
                correct += 1
            else:
                wrong.append({"id": key, "field": name, "score": 0.0, "gold": want, "predicted": got})
        metrics[name] = ratio(correct, labelled)
        counts[f"{name}.labelled"], counts[f"{name}.correct"] = labelled, correct
    return Scores(metrics=metrics, counts=counts, worst=wrong[:n_worst])
