"""Event-type scorers (CASE 2021 task 2 subtask 1 with the ACLED taxonomy; PLOVER GSR) and the fixed split.

Every labelled set is split ONCE by :func:`is_check` (a salted hash of the item id): the *tune* part may
be used for training and every model choice (cross-validation, thresholds, features); the *check* part
is only ever scored at the end. The trainer (``frontwire.events.train``) and ``frontwire eval events``
both call the loaders below, so they cannot disagree about which items are held back.

Scorers take plain lists of gold and predicted labels (``None`` or ``"none"`` = no event produced), so
they can score the classifier alone or the whole events stage.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontwire.errors import NotFoundInput
from frontwire.evaluate.split import is_check

CASE_SET = "case2021-task2-acled"
PLOVER_SET = "plover-gsr"
CIR_SET = "ukraine-cir-events"
NEWS_SET = "ukraine-news-raw"

# PLOVER 0.5b1 (the GSR's version) -> current PLOVER / POLECAT names.
PLOVER_RENAMES = {"FIGHT": "ASSAULT", "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE"}

NO_EVENT = frozenset({None, "", "none", "NONE"})


def split(
    items: Sequence[dict[str, Any]], key: str = "id"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(tune, check) by :func:`is_check` on ``item[key]``, order kept."""
    tune: list[dict[str, Any]] = []
    check: list[dict[str, Any]] = []
    for it in items:
        (check if is_check(str(it[key])) else tune).append(it)
    return tune, check


def plover_name(name: str | None) -> str | None:
    """A PLOVER category in current (POLECAT) naming: FIGHT->ASSAULT, DEMAND->REQUEST, DISAPPROVE->ACCUSE."""
    if name is None:
        return None
    name = name.strip().upper()
    return PLOVER_RENAMES.get(name, name) or None


# -- loaders ---------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise NotFoundInput(f"{path}: evaluation file not found")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_case(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """CASE 2021 task 2 snippets as (tune, check); every item: id, text, code (source label),
    ``sub_event_type``/``event_type`` (ACLED names, None for the non-ACLED labels), subtask."""
    items = [
        {
            "id": r["id"],
            "text": r["text"],
            "code": r["label"],
            "sub_event_type": r.get("acled_sub_event_type"),
            "event_type": r.get("acled_event_type"),
            "subtask": r.get("first_subtask"),
        }
        for r in _read_jsonl(data_dir / CASE_SET / "snippets.jsonl")
    ]
    return split(items)


def load_plover(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """PLOVER GSR sentences as (tune, check): id, text, ``plover_type`` (current names), ``mode``."""
    items = [
        {
            "id": r["id"],
            "text": r["text"],
            "plover_type": plover_name(r.get("event")),
            "plover_type_05": r.get("event"),
            "mode": r.get("mode") or None,
        }
        for r in _read_jsonl(data_dir / PLOVER_SET / "records.jsonl")
    ]
    return split(items)


def load_cir(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """ukraine-cir-events rows as (tune, check), split on ``entry`` (repeated ids share a part)."""
    items = [dict(r, id=r["entry"]) for r in _read_jsonl(data_dir / CIR_SET / "events.jsonl")]
    return split(items)


def load_news(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """ukraine-news-raw articles as (tune, check); only tune articles may ever be labelled."""
    return split(list(_read_jsonl(data_dir / NEWS_SET / "articles.jsonl")))


# -- scorers ---------------------------------------------------------------------------------


def _norm(label: str | None) -> str | None:
    return None if label in NO_EVENT else label


def _counts(
    gold: Sequence[str | None], pred: Sequence[str | None], labels: Sequence[str] | None
) -> tuple[dict[str, list[int]], list[str]]:
    """Per-label [tp, fp, fn]; a prediction outside ``labels`` (or no event) only costs recall."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    keep = set(labels) if labels is not None else None
    c: dict[str, list[int]] = {}
    for g, p in zip(gold, pred, strict=True):
        g, p = _norm(g), _norm(p)
        if keep is not None:
            g = g if g in keep else None
            p = p if p in keep else None
        if g is not None:
            c.setdefault(g, [0, 0, 0])
        if p is not None:
            c.setdefault(p, [0, 0, 0])
        if g is not None and p == g:
            c[g][0] += 1
            continue
        if p is not None:
            c[p][1] += 1
        if g is not None:
            c[g][2] += 1
    return c, sorted(c)


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def classification_metrics(
    gold: Sequence[str | None], pred: Sequence[str | None], labels: Sequence[str] | None = None
) -> dict[str, float]:
    """Micro, macro and weighted precision/recall/F1 and accuracy of single-label predictions.

    Classes are those occurring in gold or predictions (restricted to ``labels`` when given), as in
    scikit-learn's ``precision_recall_fscore_support``; "no event" (None / "none") is not a class:
    it costs recall only. Weighted averages weight each class by its gold support.
    """
    c, classes = _counts(gold, pred, labels)
    tp = sum(v[0] for v in c.values())
    fp = sum(v[1] for v in c.values())
    fn = sum(v[2] for v in c.values())
    mp, mr, mf = _f1(tp, fp, fn)
    per = {k: _f1(*c[k]) for k in classes}
    support = {k: c[k][0] + c[k][2] for k in classes}
    total = sum(support.values())
    n = len(classes)
    out = {
        "micro.precision": mp,
        "micro.recall": mr,
        "micro.f1": mf,
        "macro.precision": sum(v[0] for v in per.values()) / n if n else 0.0,
        "macro.recall": sum(v[1] for v in per.values()) / n if n else 0.0,
        "macro.f1": sum(v[2] for v in per.values()) / n if n else 0.0,
        "weighted.precision": sum(per[k][0] * support[k] for k in classes) / total if total else 0.0,
        "weighted.recall": sum(per[k][1] * support[k] for k in classes) / total if total else 0.0,
        "weighted.f1": sum(per[k][2] * support[k] for k in classes) / total if total else 0.0,
        "accuracy": (sum(1 for g, p in zip(gold, pred, strict=True) if _norm(g) == _norm(p)) / len(gold))
        if gold
        else 0.0,
    }
    return out


def bootstrap_ci(
    n: int,
    stat: Callable[[list[int]], dict[str, float]],
    resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap interval of every metric ``stat(indices)`` returns, items resampled."""
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(resamples):
        idx = [rng.randrange(n) for _ in range(n)]
        for k, v in stat(idx).items():
            draws.setdefault(k, []).append(v)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    out = {}
    for k, vals in draws.items():
        vals.sort()
        lo = vals[min(len(vals) - 1, max(0, int(lo_q * len(vals))))]
        hi = vals[min(len(vals) - 1, max(0, int(hi_q * len(vals)) - 1))]
        out[k] = (lo, hi)
    return out


@dataclass(slots=True)
class EventScores:
    """Point metrics, their bootstrap 95 % intervals, and counts."""

    metrics: dict[str, float] = field(default_factory=dict)
    ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": dict(self.metrics),
            "ci": {k: list(v) for k, v in self.ci.items()},
            "counts": dict(self.counts),
        }


def acled_event_type_of(sub_event_type: str | None) -> str | None:
    """ACLED event type of a sub-event type name (from ``frontwire/data/events/acled_types.csv``)."""
    if sub_event_type is None:
        return None
    from frontwire.events.classify import acled_types

    return acled_types().get(sub_event_type)


def case_scores(
    gold: Sequence[str | None],
    pred: Sequence[str | None],
    gold_types: Sequence[str | None] | None = None,
    pred_types: Sequence[str | None] | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> EventScores:
    """CASE 2021 subtask 1: metrics over the 25 ACLED sub-event types plus event-type accuracy (6 types).

    ``gold``/``pred`` are ACLED sub-event type names (``pred`` None or "none" where nothing was
    produced). Event types default to the ACLED mapping of the sub-types. Intervals: percentile
    bootstrap over items (``resamples`` draws, fixed ``seed``).
    """
    from frontwire.events.classify import acled_types

    table = acled_types()
    labels = sorted(table)
    gt = list(gold_types) if gold_types is not None else [table.get(g) if g else None for g in gold]
    pt = list(pred_types) if pred_types is not None else [table.get(p) if p else None for p in pred]
    g_all, p_all = list(gold), [_norm(p) for p in pred]

    def stat(idx: list[int]) -> dict[str, float]:
        g = [g_all[i] for i in idx]
        p = [p_all[i] for i in idx]
        m = classification_metrics(g, p, labels)
        hits = sum(1 for i in idx if gt[i] is not None and gt[i] == pt[i])
        m["event_type.accuracy"] = hits / len(idx) if idx else 0.0
        return m

    every = list(range(len(g_all)))
    point = stat(every)
    ci = bootstrap_ci(len(every), stat, resamples=resamples, seed=seed) if every else {}
    counts = {
        "n": len(g_all),
        "no_event": sum(1 for p in p_all if p is None),
        "correct": sum(1 for g, p in zip(g_all, p_all, strict=True) if g == p),
    }
    return EventScores(metrics=point, ci=ci, counts=counts)


def plover_scores(
    gold: Sequence[str | None], pred: Sequence[str | None], resamples: int = 1000, seed: int = 0
) -> EventScores:
    """PLOVER GSR: accuracy and macro-F1 over PLOVER categories (0.5b1 names mapped to current ones on
    both sides), plus how many sentences got no event at all (``counts['no_event']``)."""
    g_all = [plover_name(g) for g in gold]
    p_all = [plover_name(_norm(p)) for p in pred]

    def stat(idx: list[int]) -> dict[str, float]:
        m = classification_metrics([g_all[i] for i in idx], [p_all[i] for i in idx])
        return {"accuracy": m["accuracy"], "macro.f1": m["macro.f1"], "weighted.f1": m["weighted.f1"]}

    every = list(range(len(g_all)))
    point = stat(every)
    ci = bootstrap_ci(len(every), stat, resamples=resamples, seed=seed) if every else {}
    counts = {
        "n": len(g_all),
        "no_event": sum(1 for p in p_all if p is None),
        "correct": sum(1 for g, p in zip(g_all, p_all, strict=True) if g == p),
    }
    return EventScores(metrics=point, ci=ci, counts=counts)


def confusions(gold: Sequence[str | None], pred: Sequence[str | None], n: int = 15) -> list[tuple[str, int]]:
    """The ``n`` most frequent (gold -> predicted) errors, for error analysis."""
    c = Counter(f"{g} -> {_norm(p)}" for g, p in zip(gold, pred, strict=True) if g != _norm(p))
    return c.most_common(n)
