"""Rebuild the event-type classifier (``frontwire/data/events/model.json`` + ``model.npz``) from data.

``python -m frontwire.events.train [--data DIR] [--out STEM] [--cv]``

Training data, all from the **tune** part of each set (``frontwire.evaluate.events.is_check``; the check
part is never read here except to be skipped):

- CASE 2021 task 2 snippets: ACLED items with their sub-event type; natural/man-made disasters and
  diplomatic items as "none".
- ``templates.json``: our own sentences written from the ACLED codebook definitions, with slots,
  expanded deterministically (fixed seed), and PLOVER-only templates (AID, THREATEN, ...).
- ukraine-cir-events titles/descriptions whose ``event_group`` and wording give a clear sub-type (weak
  labels, down-weighted).
- ``news_labels.jsonl``: sentences of tune-part ukraine-news-raw articles labelled by hand (article id +
  character offsets + sha256 of the sentence; the text is re-read from the set).
- PLOVER GSR (PLOVER head; its verbal categories are "none" for the ACLED head).

Model selection (``--cv``) is 5-fold cross-validation over the CASE tune part with every other source
always in training; the softmax temperature and the abstention threshold are fitted on the
cross-validated scores of the tune part. The fitted heads are exported as plain arrays (no pickle).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from frontwire.events.classify import (
    NONE,
    _data_path,
    _softmax,
    make_vectorizers,
    plover_map,
    prepare,
)

VERSION = "events.classify/1"
SEED = 13

VECTORIZERS: list[dict[str, Any]] = [
    {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18},
    {"analyzer": "char_wb", "ngram_range": [2, 5], "n_features": 2**19},
]

# Per-source sample weights (chosen by cross-validation on the CASE tune part).
WEIGHTS = {"case": 1.0, "template": 0.35, "cir": 0.2, "news": 1.0, "plover": 0.5, "case_none": 0.7}
C_ACLED = 4.0
C_PLOVER = 0.5

# PLOVER categories that are verbal or otherwise not an ACLED event: "none" for the ACLED head.
PLOVER_NOT_ACLED = {
    "REJECT",
    "THREATEN",
    "REQUEST",
    "ACCUSE",
    "CONSULT",
    "SUPPORT",
    "INVESTIGATE",
    "SANCTION",
}
CASE_NONE_CODES = {"NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO"}


@dataclass(slots=True)
class Example:
    text: str
    acled: str | None  # sub-event type, "none", or None (not used by the ACLED head)
    plover: str | None  # PLOVER type, "none", or None (not used by the PLOVER head)
    weight: float
    source: str
    id: str = ""


# -- sources ---------------------------------------------------------------------------------


def expand_templates(path: Path | None = None) -> list[Example]:
    """Every template filled ``per_template`` times with slot values drawn by a seeded generator."""
    spec = json.loads((path or _data_path("templates.json")).read_text(encoding="utf-8"))
    slots: dict[str, list[str]] = spec["slots"]
    n = int(spec.get("per_template", 10))
    seed = spec.get("seed", SEED)
    pmap = plover_map()
    slot_re = re.compile(r"\{(\w+)\}")

    def fill(tpl: str, rng: random.Random, depth: int = 0) -> str:
        out = slot_re.sub(lambda m: rng.choice(slots[m.group(1)]), tpl)
        return fill(out, rng, depth + 1) if "{" in out and depth < 3 else out

    out: list[Example] = []
    groups: list[tuple[str, str | None, list[str]]] = []
    for label, tpls in spec["templates"].items():
        groups.append((label, pmap.get(label, (None, None))[0] if label != NONE else NONE, tpls))
    for ptype, g in spec.get("plover_templates", {}).items():
        groups.append((g["acled"], ptype, g["templates"]))
    for label, ptype, tpls in groups:
        for ti, tpl in enumerate(tpls):
            rng = random.Random(f"{seed}:{label}:{ptype}:{ti}")
            k = n if "{" in tpl else 1
            seen: set[str] = set()
            for _ in range(k):
                s = fill(tpl, rng)
                s = s[0].upper() + s[1:]
                if s in seen:
                    continue
                seen.add(s)
                out.append(Example(s, label, ptype, WEIGHTS["template"], "template", f"t:{label}:{ti}"))
    return out


def case_examples(items: Sequence[dict[str, Any]]) -> list[Example]:
    pmap = plover_map()
    out = []
    for it in items:
        sub = it["sub_event_type"]
        if sub:
            out.append(
                Example(it["text"], sub, pmap.get(sub, (None, None))[0], WEIGHTS["case"], "case", it["id"])
            )
        elif it["code"] in CASE_NONE_CODES:
            out.append(Example(it["text"], NONE, None, WEIGHTS["case_none"], "case_none", it["id"]))
    return out


_CIR_RULES: list[tuple[str, re.Pattern[str], str]] = [
    # (event_group prefix, wording that must be present, sub-event type)
    (
        "Ground Battle",
        re.compile(r"[a-z]{4,}.*\b(fight|battle|clash|firing|fire|attack|combat|assault)", re.I),
        "Armed clash",
    ),
    ("Detentions or Arrests", re.compile(r"\b(detain|arrest)", re.I), "Arrests"),
    (
        "",
        re.compile(
            r"\b(shelling|shelled|artillery|mlrs|grad|smerch|uragan|rocket|missile|himars|mortar)", re.I
        ),
        "Shelling/artillery/missile attack",
    ),
    (
        "",
        re.compile(
            r"\b(air ?strike|airstrike|drone strike|shahed|kamikaze drone|bombing|bombed|air raid|jets?)\b",
            re.I,
        ),
        "Air/drone strike",
    ),
    (
        "Russian Military Presence",
        re.compile(r"\b(convoy|column|moving|movement|redeploy|heading|transport)", re.I),
        "Change to group/activity",
    ),
]
_CIR_VIOLENT_GROUPS = (
    "Civilian Infrastructure Damage",
    "Bombing or Explosion",
    "Civilian Casualty",
    "Military Infrastructure",
)


def cir_examples(items: Sequence[dict[str, Any]]) -> list[Example]:
    """Weak labels: only rows whose group and wording agree on one sub-type; duplicates dropped."""
    pmap = plover_map()
    out: list[Example] = []
    seen: set[str] = set()
    for it in items:
        text = (it.get("brief description") or "").strip() or re.sub(
            r"^\d\d/\d\d/\d{4}\s*", "", it.get("title") or ""
        )
        group = it.get("event_group") or ""
        if len(re.findall(r"[A-Za-z]{3,}", text)) < 3 or text.lower() in seen:
            continue
        label = None
        for prefix, pat, sub in _CIR_RULES:
            if prefix and not group.startswith(prefix):
                continue
            if not prefix and not group.startswith(_CIR_VIOLENT_GROUPS):
                continue
            if pat.search(text):
                label = sub
                break
        if label is None:
            continue
        seen.add(text.lower())
        out.append(Example(text, label, pmap.get(label, (None, None))[0], WEIGHTS["cir"], "cir", it["id"]))
    return out


def news_examples(articles: Sequence[dict[str, Any]], labels_path: Path | None = None) -> list[Example]:
    """Hand-labelled sentences of tune-part articles; a label whose sentence no longer matches is skipped."""
    path = labels_path or _data_path("news_labels.jsonl")
    if not path.is_file():
        return []
    by_id = {a["id"]: a["text"] for a in articles}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        text = by_id.get(r["article"])
        if text is None:
            continue
        s = text[r["start"] : r["end"]]
        if hashlib.sha256(s.encode("utf-8")).hexdigest()[:16] != r["sha256"][:16]:
            continue
        acled = r.get("label") or NONE
        plover = r.get("plover") or (plover_map().get(acled, (None, None))[0] if acled != NONE else NONE)
        out.append(Example(s, acled, plover, WEIGHTS["news"], "news", f"{r['article']}:{r['start']}"))
    return out


def plover_examples(items: Sequence[dict[str, Any]]) -> list[Example]:
    out = []
    for it in items:
        p = it["plover_type"]
        acled = NONE if p in PLOVER_NOT_ACLED else None
        out.append(Example(it["text"], acled, p, 1.0, "plover", it["id"]))
    return out


def assemble(data_dir: Path) -> tuple[list[Example], list[Example], list[Example]]:
    """(CASE tune examples, PLOVER tune examples, every other tune-part example)."""
    from frontwire.evaluate.events import load_case, load_cir, load_news, load_plover

    case_tune, _ = load_case(data_dir)
    plover_tune, _ = load_plover(data_dir)
    cir_tune, _ = load_cir(data_dir)
    news_tune, _ = load_news(data_dir)
    other = expand_templates() + cir_examples(cir_tune) + news_examples(news_tune)
    return case_examples(case_tune), plover_examples(plover_tune), other


# -- fitting ---------------------------------------------------------------------------------


def raw_matrix(texts: Sequence[str]) -> Any:
    """Hashed raw term counts (all vectorisers side by side), before tf/idf weighting."""
    import scipy.sparse as sp

    vecs = make_vectorizers({"vectorizers": VECTORIZERS})
    prepared = [prepare(t) for t in texts]
    return sp.hstack([v.transform(prepared) for v in vecs], format="csr", dtype=np.float32)


def fit_idf(raw: Any) -> np.ndarray:
    df = np.bincount(raw.indices, minlength=raw.shape[1]).astype(np.float64)
    n = raw.shape[0]
    idf = np.log((1 + n) / (1 + df)) + 1.0
    idf[df == 0] = 0.0
    return idf.astype(np.float32)


def weighted(raw: Any, idf: np.ndarray) -> Any:
    """Sublinear tf x idf, l2-normalised per vectoriser block (what ``classify.features`` computes
    at inference, without SciPy)."""
    import scipy.sparse as sp

    blocks = []
    off = 0
    for p in VECTORIZERS:
        nf = int(p["n_features"])
        x = raw[:, off : off + nf].tocsr().astype(np.float32)
        x.data = np.log1p(x.data) * idf[off + x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        blocks.append(sp.diags((1.0 / norms).astype(np.float32)) @ x)
        off += nf
    return sp.hstack(blocks, format="csr", dtype=np.float32)


def fit_linear(
    x: Any, y: Sequence[str], w: Sequence[float], c: float
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """One-vs-rest linear SVM (deterministic): (labels, coef (n_features, n_labels), intercept)."""
    from sklearn.svm import LinearSVC

    clf = LinearSVC(C=c, class_weight=None, random_state=0, max_iter=5000, dual=True)
    clf.fit(x, np.asarray(y), sample_weight=np.asarray(w, dtype=np.float64))
    coef = clf.coef_.T.astype(np.float32)
    icpt = clf.intercept_.astype(np.float32)
    labels = [str(c) for c in clf.classes_]
    if len(labels) == 2:  # binary: make it two columns
        coef = np.hstack([-coef, coef])
        icpt = np.array([-icpt[0], icpt[0]], dtype=np.float32)
    return labels, coef, icpt


def fit_temperature(scores: np.ndarray, gold_idx: np.ndarray) -> float:
    """The softmax temperature minimising the log loss of cross-validated scores (grid search)."""
    best_t, best = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.02), np.log(2.0), 60)):
        p = _softmax(scores / t)
        nll = -float(np.mean(np.log(np.clip(p[np.arange(len(gold_idx)), gold_idx], 1e-9, 1.0))))
        if nll < best:
            best_t, best = float(t), nll
    return best_t


def _folds(n: int, y: Sequence[str], k: int = 5) -> list[np.ndarray]:
    """Deterministic stratified folds (index arrays)."""
    from sklearn.model_selection import StratifiedKFold

    counts = Counter(y)
    yy = [v if counts[v] >= k else "_rare" for v in y]
    skf = StratifiedKFold(k, shuffle=True, random_state=0)
    return [te for _tr, te in skf.split(np.zeros(n), yy)]


def cv_scores(
    main: Sequence[Example],
    other: Sequence[Example],
    head: str,
    c: float,
    k: int = 5,
    keep_unlabelled: bool = False,
) -> tuple[list[str], np.ndarray]:
    """Cross-validated linear scores of the ``main`` examples (``other`` always in training); with
    ``keep_unlabelled`` the ``main`` examples without a label for this head are scored too (never
    trained on)."""
    lab = (lambda e: e.acled) if head == "acled" else (lambda e: e.plover)
    if not keep_unlabelled:
        main = [e for e in main if lab(e) is not None]
    other = [e for e in other if lab(e) is not None]
    texts = [e.text for e in main] + [e.text for e in other]
    raw = raw_matrix(texts)
    n = len(main)
    y_all = [str(lab(e)) for e in main] + [str(lab(e)) for e in other]
    w_all = [e.weight for e in main] + [e.weight for e in other]
    labelled = np.array([lab(e) is not None for e in main] + [True] * len(other))
    labels = sorted({y for y, ok in zip(y_all, labelled, strict=True) if ok})
    scores = np.zeros((n, len(labels)), dtype=np.float32)
    for te in _folds(n, y_all[:n], k):
        tr = np.setdiff1d(np.flatnonzero(labelled), te)
        idf = fit_idf(raw[tr])
        x = weighted(raw, idf)
        lbl, coef, icpt = fit_linear(x[tr], [y_all[i] for i in tr], [w_all[i] for i in tr], c)
        s = np.asarray(x[te] @ coef) + icpt
        for j, name in enumerate(lbl):
            scores[te, labels.index(name)] = s[:, j]
        missing = np.array([labels.index(name) for name in labels if name not in lbl], dtype=np.int64)
        scores[np.ix_(te, missing)] = -10.0
    return labels, scores


def choose_threshold(labels: list[str], probs: np.ndarray, gold: Sequence[str]) -> float:
    """Threshold on the top probability maximising micro-F1 of event typing with abstention (gold
    "none" items count as false positives when labelled, true negatives when abstained)."""
    none_i = labels.index(NONE) if NONE in labels else -1
    best_t, best_f = 0.0, -1.0
    top = probs.argmax(axis=1)
    for t in np.linspace(0.0, 0.9, 91):
        tp = fp = fn = 0
        for i, g in enumerate(gold):
            j = int(top[i])
            pred = None if (j == none_i or probs[i, j] < t) else labels[j]
            if pred is not None and pred == g:
                tp += 1
            else:
                if pred is not None:
                    fp += 1
                if g != NONE:
                    fn += 1
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f + 1e-9:
            best_t, best_f = float(t), f
    return best_t


def fit_head(
    examples: Sequence[Example], head: str, c: float
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Fit one head on all its examples: (labels, kept columns, coef rows of those columns, intercept)."""
    lab = (lambda e: e.acled) if head == "acled" else (lambda e: e.plover)
    ex = [e for e in examples if lab(e) is not None]
    raw = raw_matrix([e.text for e in ex])
    return _fit_on(raw, [str(lab(e)) for e in ex], [e.weight for e in ex], c)


def _fit_on(
    raw: Any, y: list[str], w: list[float], c: float
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    idf = fit_idf(raw)
    labels, coef, icpt = fit_linear(weighted(raw, idf), y, w, c)
    return labels, idf, coef, icpt


def export(
    out_stem: Path,
    idf: np.ndarray,
    heads: dict[str, tuple[list[str], np.ndarray, np.ndarray, float]],
    threshold: float,
    extra: dict[str, Any],
) -> None:
    """Write ``<stem>.json`` and ``<stem>.npz``: only feature columns with a non-zero weight are kept,
    coefficients stored as float16."""
    arrays: dict[str, np.ndarray] = {"idf": idf.astype(np.float32)}
    meta: dict[str, Any] = {
        "version": VERSION,
        "vectorizers": VECTORIZERS,
        "threshold": threshold,
        "heads": {},
        **extra,
    }
    for name, (labels, coef, icpt, temp) in heads.items():
        keep = np.flatnonzero(np.abs(coef).max(axis=1) > 1e-4)
        arrays[f"{name}_cols"] = keep.astype(np.int32)
        arrays[f"{name}_coef"] = coef[keep].astype(np.float16)
        arrays[f"{name}_intercept"] = icpt.astype(np.float32)
        meta["heads"][name] = {"labels": labels, "temperature": temp, **extra.get(f"{name}_meta", {})}
    keep_idf = np.zeros_like(arrays["idf"])
    used = np.unique(np.concatenate([arrays[f"{n}_cols"] for n in heads]))
    keep_idf[used] = arrays["idf"][used]
    arrays["idf"] = keep_idf.astype(np.float16)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_stem.with_suffix(".npz"), **arrays)  # type: ignore[arg-type]
    out_stem.with_suffix(".json").write_text(
        json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def train(data_dir: Path, out_stem: Path, report: bool = True) -> dict[str, Any]:
    """Assemble the tune-part data, calibrate by cross-validation, fit on everything and export."""
    t0 = time.time()
    case, plover, other = assemble(data_dir)
    everything = case + plover + other
    counts = Counter(e.source for e in everything)
    # Calibration of the ACLED head: cross-validated scores over CASE + hand-labelled news sentences
    # (news examples are folded like CASE; templates, weak labels and PLOVER always train).
    news = [e for e in other if e.source == "news"]
    rest = [e for e in other if e.source != "news"] + plover
    labels, scores = cv_scores(case + news, rest, "acled", C_ACLED)
    gold = [str(e.acled) for e in case + news if e.acled is not None]
    gi = np.array([labels.index(g) for g in gold])
    temp = fit_temperature(scores, gi)
    probs = _softmax(scores / temp)
    threshold = choose_threshold(labels, probs, gold)
    # PLOVER head temperature from cross-validation over the PLOVER tune part.
    plabels, pscores = cv_scores(plover, case + other, "plover", C_PLOVER)
    pgold = np.array([plabels.index(str(e.plover)) for e in plover])
    ptemp = fit_temperature(pscores, pgold)

    acled_ex = [e for e in everything if e.acled is not None]
    plover_ex = [e for e in everything if e.plover is not None]
    texts = sorted({e.text for e in acled_ex} | {e.text for e in plover_ex})
    index = {t: i for i, t in enumerate(texts)}
    raw = raw_matrix(texts)
    idf = fit_idf(raw)
    x = weighted(raw, idf)
    la, ca, ia = fit_linear(
        x[[index[e.text] for e in acled_ex]],
        [str(e.acled) for e in acled_ex],
        [e.weight for e in acled_ex],
        C_ACLED,
    )
    lp, cp, ip = fit_linear(
        x[[index[e.text] for e in plover_ex]],
        [str(e.plover) for e in plover_ex],
        [e.weight for e in plover_ex],
        C_PLOVER,
    )
    extra = {
        "training_counts": dict(sorted(counts.items())),
        "plover_from_acled": True,
        "calibration": {"acled_temperature": temp, "plover_temperature": ptemp, "threshold": threshold},
    }
    export(out_stem, idf, {"acled": (la, ca, ia, temp), "plover": (lp, cp, ip, ptemp)}, threshold, extra)
    if report:
        print(f"trained on {dict(counts)} in {time.time() - t0:.0f}s; T={temp:.3f} threshold={threshold:.2f}")
    return extra


def cv_report(data_dir: Path, k: int = 5, show: bool = True) -> dict[str, Any]:
    """Model-selection figures, all from the tune part: ``k``-fold cross-validation over the CASE
    subtask-1 items (every other source always in training; CASE none-items and news labels folded
    with them) scored like ``frontwire eval events`` (best non-"none" sub-type), and the same over
    the PLOVER GSR tune part for each PLOVER strategy (head alone, ACLED mapping, combination)."""
    from frontwire.evaluate.events import case_scores, confusions, plover_scores

    case, plover, other = assemble(data_dir)
    news = [e for e in other if e.source == "news"]
    rest = [e for e in other if e.source != "news"] + plover
    main = case + news
    labels, scores = cv_scores(main, rest, "acled", C_ACLED, k)
    none_i = labels.index(NONE)
    scores[:, none_i] = -np.inf
    sub = [i for i, e in enumerate(main) if e.source == "case"]
    gold = [str(main[i].acled) for i in sub]
    pred = [labels[int(np.argmax(scores[i]))] for i in sub]
    cs = case_scores(gold, pred)
    out: dict[str, Any] = {"case": cs.to_json(), "confusions": confusions(gold, pred, 20)}
    # PLOVER: cross-validated head scores and ACLED scores of the PLOVER tune sentences.
    plabels, pscores = cv_scores(plover, case + other, "plover", C_PLOVER, k)
    alabels, ascores = cv_scores(plover, case + other, "acled", C_ACLED, k, keep_unlabelled=True)
    pmap = plover_map()
    pgold = [str(e.plover) for e in plover]
    pn = plabels.index(NONE)
    pscores[:, pn] = -np.inf
    head = [plabels[int(np.argmax(r))] for r in pscores]
    an = alabels.index(NONE) if NONE in alabels else -1
    mapped: list[str | None] = []
    combo: list[str | None] = []
    for i, r in enumerate(ascores):
        j = int(np.argmax(r))
        m = pmap.get(alabels[j], (None, None))[0] if j != an else None
        mapped.append(m)
        combo.append(m or head[i])
    out["plover"] = {
        name: plover_scores(pgold, pr, resamples=200).metrics
        for name, pr in (("head", head), ("acled_map", mapped), ("combination", combo))
    }
    if show:
        met, ci = cs.metrics, cs.ci
        for key in ("weighted.f1", "micro.f1", "macro.f1", "event_type.accuracy"):
            print(f"CASE tune {k}-fold CV {key}: {met[key]:.3f} [{ci[key][0]:.3f}, {ci[key][1]:.3f}]")
        print("confusions:", out["confusions"][:12])
        for name, fig in out["plover"].items():
            print(f"PLOVER tune CV {name}: accuracy {fig['accuracy']:.3f} macro-F1 {fig['macro.f1']:.3f}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from frontwire.evaluate.datasets import default_data_dir

    ap = argparse.ArgumentParser(prog="python -m frontwire.events.train", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="shared evaluation data (default ../shared/eval)")
    ap.add_argument("--out", type=Path, default=None, help="output stem (default the packaged model)")
    ap.add_argument(
        "--cv",
        action="store_true",
        help="cross-validate on the tune part only; print the figures and save them beside the model"
        " (model_cv.json, which frontwire eval shows as the tune-part row)",
    )
    args = ap.parse_args(argv)
    data_dir = args.data or default_data_dir()
    if args.cv:
        report = cv_report(data_dir)
        path = _data_path("model_cv.json")
        path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return 0
    out = args.out or _data_path("model.json").with_suffix("")
    train(data_dir, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
