"""Scorers of geoparsing: tagging spans, geocoding error (Gritta et al.), end to end; gazetteer lookups."""

from __future__ import annotations

import csv
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

from rapidfuzz import fuzz, process

from frontwire.evaluate.datasets import GoldToponym
from frontwire.evaluate.scores import Scores, best_overlap, eval_rules, harmonic, ratio, worst_items


@dataclass(slots=True)
class PredPlace:
    """A predicted place mention: span, and the point it was resolved to (None when unresolved)."""

    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    place_id: str | None = None  # 'geonames:<id>' when from GeoNames
    admin1: str | None = None
    text: str = ""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    r = eval_rules()["geocoding"]["earth_radius_km"]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def error_stats(errors: Sequence[float]) -> dict[str, float | None]:
    """acc@161, mean, median and AUC of geocoding errors (km), as Gritta's ``print_stats``.

    The reference takes ``ln(1 + e)`` and counts ``ln(1 + e) < ln(161)`` as correct; AUC is
    ``trapz(ln(1 + e)) / (ln(20039) * (n - 1))`` over the errors in the order given (lower is better).
    """
    rules = eval_rules()["geocoding"]
    if not errors:
        return {"acc161": None, "mean_km": None, "median_km": None, "auc": None}
    logs = [math.log(e + 1) for e in errors]
    k = math.log(rules["accuracy_km"])
    trapz = sum((logs[i] + logs[i + 1]) / 2 for i in range(len(logs) - 1))
    auc = trapz / (math.log(rules["max_error_km"]) * (len(logs) - 1)) if len(logs) > 1 else None
    return {
        "acc161": sum(1 for v in logs if v < k) / len(logs),
        "mean_km": statistics.fmean(errors),
        "median_km": statistics.median(errors),
        "auc": auc,
    }


def toponym_types(which: str) -> frozenset[str] | None:
    """GeoWebNews type set: 'toponyms' (literal + associative), 'literal', or 'all' (None = no filter)."""
    sets = eval_rules()["geowebnews_toponym_types"]
    if which == "all":
        return None
    if which == "literal":
        return frozenset(sets["literal"])
    return frozenset(sets["literal"]) | frozenset(sets["associative"])


def geo_scores(
    predictions: Mapping[str, Sequence[PredPlace]],
    gold: Mapping[str, Sequence[GoldToponym]],
    types: frozenset[str] | None = None,
    n_worst: int = 20,
    geocoding: bool = True,
) -> Scores:
    """Geotagging (exact and overlap span P/R/F1), geocoding of found gold with a GeoNames id, end to end.

    ``types`` restricts the gold toponyms (GeoWebNews); LGL and TR-News gold have no type and are
    all kept. A found mention that the system left unresolved gets the largest possible error
    (20,039 km): it is a geocoding failure, not a skip. ``geocoding=False`` scores spans only.
    """
    rules = eval_rules()["geocoding"]
    max_err = float(rules["max_error_km"])
    n_pred = n_gold = ex_p = ex_g = ov_p = ov_g = 0
    errors: list[float] = []
    exact_id = unresolved = geocodable = within = 0
    per_doc: list[dict[str, Any]] = []
    for doc_id, all_gold in gold.items():
        golds = [g for g in all_gold if types is None or g.type is None or g.type in types]
        preds = list(predictions.get(doc_id, []))
        n_pred += len(preds)
        n_gold += len(golds)
        ex_p += sum(1 for p in preds if any(p.start == g.start and p.end == g.end for g in golds))
        ov_p += sum(1 for p in preds if any(p.start < g.end and g.start < p.end for g in golds))
        doc_err: list[dict[str, Any]] = []
        for g in golds:
            ex_g += any(p.start == g.start and p.end == g.end for p in preds)
            best = best_overlap(g, preds)
            ov_g += best is not None
            if not g.geonames_id or g.lat is None or g.lon is None:
                continue
            geocodable += 1
            if best is None:
                doc_err.append({"gold": g.text, "problem": "not found"})
                continue
            if best.lat is None or best.lon is None:
                unresolved += 1
                err = max_err
            else:
                err = haversine_km(best.lat, best.lon, g.lat, g.lon)
            errors.append(err)
            exact_id += best.place_id == f"geonames:{g.geonames_id}"
            if math.log(err + 1) < math.log(rules["accuracy_km"]):
                within += 1
            else:
                doc_err.append(
                    {"gold": g.text, "predicted": best.text, "km": round(err), "place_id": best.place_id}
                )
        per_doc.append(
            {
                "id": doc_id,
                "score": round(1 - len(doc_err) / len(golds), 4) if golds else 1.0,
                "errors": doc_err[:8],
            }
        )
    ep, er = ratio(ex_p, n_pred), ratio(ex_g, n_gold)
    op, orr = ratio(ov_p, n_pred), ratio(ov_g, n_gold)
    metrics: dict[str, float | None] = {
        "tagging.exact.precision": ep, "tagging.exact.recall": er, "tagging.exact.f1": harmonic(ep, er),
        "tagging.overlap.precision": op, "tagging.overlap.recall": orr,
        "tagging.overlap.f1": harmonic(op, orr),
    }  # fmt: skip
    if geocoding:  # a spans-only system (the spaCy baseline) has no geocoding figures at all
        stats = error_stats(errors)
        metrics.update({f"geocoding.{k}": v for k, v in stats.items()})
        metrics["geocoding.exact_id"] = ratio(exact_id, len(errors))
        metrics["end_to_end.acc161"] = ratio(within, geocodable)
    counts = {"gold": n_gold, "predicted": n_pred, "geocodable_gold": geocodable, "geocoded": len(errors),
              "unresolved_found": unresolved}  # fmt: skip
    return Scores(metrics=metrics, counts=counts, worst=worst_items(per_doc, n_worst))


# -- Ukrainian gazetteer resolution (ukraine-cir-events) ---------------------------------------------


@cache
def _admin1_names(country: str) -> dict[str, str]:
    """admin1 code -> normalised name for one country, from frontwire/data/admin1.csv."""
    text = importlib_resources.files("frontwire").joinpath("data/admin1.csv").read_text(encoding="utf-8")
    return {
        r["code"]: _norm_admin(r["ascii_name"] or r["name"])
        for r in csv.DictReader(text.splitlines())
        if r["country"] == country
    }


def _norm_admin(name: str) -> str:
    words = set(eval_rules()["ukraine_cir"]["admin_words"])
    name = re.sub(r"['\u2019`]", "", name.casefold())
    return " ".join(w for w in re.split(r"[\s\-]+", name) if w and w not in words)


def admin1_code(country: str, value: str | None) -> str | None:
    """The admin1 code a code or a (variously spelt) name stands for, by fuzzy match on admin1.csv names."""
    if not value or not value.strip():
        return None
    names = _admin1_names(country)
    if value in names:
        return value
    key = _norm_admin(value)
    if not key:
        return None
    cutoff = eval_rules()["ukraine_cir"]["min_admin1_similarity"]
    hit = process.extractOne(key, names, scorer=fuzz.WRatio, score_cutoff=cutoff)
    return hit[2] if hit else None


@dataclass(slots=True)
class Resolved:
    """A gazetteer answer for one (town, province) query."""

    lat: float | None
    lon: float | None
    admin1: str | None = None
    name: str | None = None


def gazetteer_scores(
    predictions: Mapping[int, Resolved | None],
    gold: Sequence[Mapping[str, Any]],
    country: str = "UA",
    n_worst: int = 20,
) -> Scores:
    """Within 10/25 km, median error, unresolved share, oblast correctness; per row and per distinct town.

    ``predictions`` is keyed by the row's index in ``gold``. A distinct town is a (town, province)
    pair; its error is the median of its rows' errors (the gold points are incident spots).
    """
    limits = eval_rules()["ukraine_cir"]["within_km"]
    row_err: list[float | None] = []
    oblast_checked = oblast_ok = 0
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    worst: list[dict[str, Any]] = []
    for i, row in enumerate(gold):
        town, province = row["town/city"].strip(), (row.get("province") or "").strip()
        groups[(town, province)].append(i)
        res = predictions.get(i)
        if res is None or res.lat is None or res.lon is None:
            row_err.append(None)
            continue
        err = haversine_km(res.lat, res.lon, float(row["lat_f"]), float(row["lon_f"]))
        row_err.append(err)
        want = admin1_code(country, province)
        if want is not None:
            oblast_checked += 1
            oblast_ok += admin1_code(country, res.admin1) == want
    metrics: dict[str, float | None] = {}
    metrics.update(_point_metrics("row", row_err, limits))
    town_err: list[float | None] = []
    for (town, province), idx in groups.items():
        errs = [row_err[i] for i in idx if row_err[i] is not None]
        e = statistics.median(errs) if errs else None  # type: ignore[type-var]
        town_err.append(e)
        worst.append({"id": f"{town} ({province or '-'})", "score": -(e if e is not None else float("inf")),
                      "km": None if e is None else round(e, 1), "rows": len(idx)})  # fmt: skip
    metrics.update(_point_metrics("town", town_err, limits))
    metrics["row.oblast_correct"] = ratio(oblast_ok, oblast_checked)
    counts = {"rows": len(gold), "towns": len(groups), "oblast_checked": oblast_checked,
              "unresolved_rows": sum(1 for e in row_err if e is None)}  # fmt: skip
    return Scores(metrics=metrics, counts=counts, worst=worst_items(worst, n_worst))


def _point_metrics(
    prefix: str, errors: Iterable[float | None], limits: Sequence[int]
) -> dict[str, float | None]:
    errs = list(errors)
    known = [e for e in errs if e is not None]
    out: dict[str, float | None] = {}
    for km in limits:
        # Share of all rows (unresolved ones count as misses).
        out[f"{prefix}.within{km}km"] = ratio(sum(1 for e in known if e <= km), len(errs))
    out[f"{prefix}.median_km"] = statistics.median(known) if known else None
    out[f"{prefix}.unresolved"] = ratio(len(errs) - len(known), len(errs))
    return out
