"""Scorer of time expressions, TempEval-3 Task A: strict/relaxed extents, value/type accuracy, value F1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frontwire.evaluate.scores import Scores, best_overlap, harmonic, ratio, worst_items


@dataclass(slots=True)
class Timex:
    """A time expression as character offsets with its TIMEX3 type and value (gold or predicted)."""

    start: int
    end: int
    type: str | None = None
    value: str | None = None
    temporal_function: bool = False  # gold only: resolved against an anchor (relative expression)
    text: str = ""


def _overlaps(a: Timex, b: Timex) -> bool:
    return a.start < b.end and b.start < a.end


def timex_scores(
    predictions: Mapping[str, Sequence[Timex]], gold: Mapping[str, Sequence[Timex]], n_worst: int = 20
) -> Scores:
    """Strict (same extent) and relaxed (any overlap) P/R/F1; value/type accuracy over relaxed-matched gold.

    value F1 = harmonic mean of (value accuracy x relaxed P) and (value accuracy x relaxed R), the
    TempEval-3 headline measure. Also value accuracy on the temporalFunction subset and per type.
    """
    n_pred = n_gold = 0
    strict_p = strict_g = relaxed_p = relaxed_g = 0
    matched = value_ok = type_ok = 0
    fn_total = fn_ok = fn_matched = 0
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # gold, matched, value ok
    per_doc: list[dict[str, Any]] = []
    for doc_id, gold_items in gold.items():
        preds = list(predictions.get(doc_id, []))
        n_pred += len(preds)
        n_gold += len(gold_items)
        strict_p += sum(1 for p in preds if any(p.start == g.start and p.end == g.end for g in gold_items))
        relaxed_p += sum(1 for p in preds if any(_overlaps(p, g) for g in gold_items))
        errors = []
        for g in gold_items:
            strict_g += any(p.start == g.start and p.end == g.end for p in preds)
            slot = by_type[g.type or "?"]
            slot[0] += 1
            fn_total += g.temporal_function
            best = best_overlap(g, preds)
            if best is None:
                errors.append({"gold": g.text, "value": g.value, "predicted": None})
                continue
            relaxed_g += 1
            matched += 1
            slot[1] += 1
            fn_matched += g.temporal_function
            same = best.value == g.value
            value_ok += same
            slot[2] += same
            fn_ok += same and g.temporal_function
            type_ok += best.type == g.type
            if not same:
                errors.append(
                    {"gold": g.text, "value": g.value, "predicted": best.text, "predicted_value": best.value}
                )
        per_doc.append(
            {"id": doc_id, "score": round(1 - len(errors) / len(gold_items), 4) if gold_items else 1.0,
             "errors": errors[:8]}
        )  # fmt: skip
    s_p, s_r = ratio(strict_p, n_pred), ratio(strict_g, n_gold)
    r_p, r_r = ratio(relaxed_p, n_pred), ratio(relaxed_g, n_gold)
    acc = ratio(value_ok, matched)
    metrics: dict[str, float | None] = {
        "strict.precision": s_p, "strict.recall": s_r, "strict.f1": harmonic(s_p, s_r),
        "relaxed.precision": r_p, "relaxed.recall": r_r, "relaxed.f1": harmonic(r_p, r_r),
        "value.accuracy": acc, "type.accuracy": ratio(type_ok, matched),
        "value.f1": None if acc is None or r_p is None or r_r is None else harmonic(acc * r_p, acc * r_r),
        "temporal_function.recall": ratio(fn_matched, fn_total),
        "temporal_function.value.accuracy": ratio(fn_ok, fn_matched),
    }  # fmt: skip
    counts = {"gold": n_gold, "predicted": n_pred, "matched": matched, "value_ok": value_ok,
              "temporal_function.gold": fn_total}  # fmt: skip
    for t, (ng, nm, nv) in sorted(by_type.items()):
        metrics[f"type.{t}.recall"] = ratio(nm, ng)
        metrics[f"type.{t}.value.accuracy"] = ratio(nv, nm)
        counts[f"type.{t}.gold"] = ng
    return Scores(metrics=metrics, counts=counts, worst=worst_items(per_doc, n_worst))
