"""Task registry of ``frontwire eval``: adapters that run our stages and the baselines on each data set.

Each task returns :class:`TaskResult` rows: our system, the baselines run in the same process, and
the published figures of the data set's README. A task whose stage cannot be imported yet is
reported as "not built" (never skipped silently, never faked).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from frontwire.evaluate import claims as claims_scorer
from frontwire.evaluate import datasets
from frontwire.evaluate import extraction as ext_scorer
from frontwire.evaluate import geo as geo_scorer
from frontwire.evaluate import timex as timex_scorer
from frontwire.evaluate.scores import Scores, eval_rules, published_scores
from frontwire.evaluate.split import PARTS, split_items
from frontwire.pipeline import stage

OURS, BASELINE, PUBLISHED, NOT_BUILT, NO_DATA = "ours", "baseline", "published", "not built", "no data"


@dataclass(slots=True)
class Row:
    """One line of a task table: a system's scores on one data set."""

    dataset: str
    system: str
    kind: str  # OURS | BASELINE | PUBLISHED | NOT_BUILT | NO_DATA
    scores: Scores | None = None
    note: str | None = None
    seconds: float | None = None
    part: str | None = None  # "tune" | "check" (frontwire.evaluate.split); None for published rows

    @property
    def label(self) -> str:
        """The system as the table shows it: with its part when it has one."""
        return f"{self.system} · {self.part} part" if self.part else self.system

    def to_json(self, errors: int) -> dict[str, Any]:
        out: dict[str, Any] = {"dataset": self.dataset, "system": self.system, "kind": self.kind}
        out["part"] = self.part
        if self.scores is not None:
            data = self.scores.to_json()
            data["worst"] = data["worst"][:errors] if self.kind == OURS else []
            out.update(data)
        if self.note:
            out["note"] = self.note
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 2)
        return out


@dataclass(slots=True)
class TaskResult:
    """All rows of one task and the metrics its table shows."""

    task: str
    headline: dict[str, list[str]]  # data set -> metric keys shown in the table
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class Context:
    """What every task adapter receives."""

    data_dir: Path
    limit: int | None
    errors: int
    _spacy: Any = None

    @property
    def spacy_alone(self) -> Any:
        """Plain spaCy (no frontwire components) for the NER baselines."""
        if self._spacy is None:
            import spacy

            self._spacy = spacy.load(_ctx_resources().settings.spacy_model, disable=["parser", "lemmatizer"])
        return self._spacy


def stage_missing(module: str, attr: str) -> str | None:
    """Why ``module.attr`` cannot be used yet (None when it can)."""
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # an unfinished module may fail in any way on import
        return f"{module} not importable ({type(exc).__name__}: {exc})"[:200]
    if not callable(getattr(mod, attr, None)):
        return f"{module}.{attr} not defined yet"
    return None


def _timed(fn: Callable[[], Scores]) -> tuple[Scores, float]:
    t0 = time.perf_counter()
    s = fn()
    return s, time.perf_counter() - t0


def _published(dataset: str) -> list[Row]:
    entry = published_scores().get(dataset) or {}
    rows = []
    for r in entry.get("rows", []):
        metrics: dict[str, float | None] = {
            k: float(v) for k, v in r.items() if isinstance(v, int | float) and not isinstance(v, bool)
        }
        note = r.get("split") or entry.get("split")
        rows.append(Row(dataset, r["system"], PUBLISHED, Scores(metrics=metrics), note=note))
    return rows


def _dataset(ctx: Context, name: str) -> Path | None:
    path = ctx.data_dir / name
    return path if (path / "README.md").is_file() else None


T = TypeVar("T")


def _parts(items: Iterable[T], key: Callable[[T], str], limit: int | None) -> list[tuple[str, list[T]]]:
    """The non-empty parts of one set, tune then check, each cut to ``limit`` items."""
    return [(part, its) for part, its in split_items(items, key, limit).items() if its]


def _in_order(rows: list[Row]) -> list[Row]:
    """Rows grouped by system (first-seen order), tune part before check part."""
    first: dict[str, int] = {}
    for r in rows:
        first.setdefault(r.system, len(first))
    return sorted(rows, key=lambda r: (first[r.system], PARTS.index(r.part) if r.part in PARTS else -1))


# -- extraction ----------------------------------------------------------------------------------------


def _extract_ours(
    pages: list[datasets.Page], kind: str, texts: dict[str, str] | None = None
) -> tuple[dict, dict]:
    """Run frontwire.extract.article on each page; an error counts as an empty prediction."""
    from frontwire import extract
    from frontwire.errors import FrontwireError
    from frontwire.model import RawItem

    res = _ctx_resources()
    preds: dict[str, Any] = {}
    crashes: dict[str, int] = {"skipped": 0, "crashed": 0}
    for page in pages:
        data = page.html if texts is None else texts[page.id].encode("utf-8")
        item = RawItem(source=page.id, data=data, kind=kind, url=page.url)
        try:
            preds[page.id] = extract.article(item, res)
        except FrontwireError:
            preds[page.id] = None
            crashes["skipped"] += 1
        except Exception:  # README rule: a crash is a full miss, and the run goes on
            preds[page.id] = None
            crashes["crashed"] += 1
    return preds, crashes


_RES: Any = None


def _ctx_resources() -> Any:
    global _RES
    if _RES is None:
        from frontwire.resources import Resources

        _RES = Resources()
    return _RES


def _trafilatura(opts: dict[str, Any]) -> Callable[[bytes | str], str | None]:
    import trafilatura

    def run(data: bytes | str) -> str | None:
        try:
            return trafilatura.extract(data, **opts)  # type: ignore[no-any-return]
        except Exception:  # README rule: a crash counts as a miss
            return None

    return run


FAVOR_PRECISION = {"favor_precision": True}
# trafilatura's canonical evaluation settings (tests/eval_common.py EXTRACT_OPTS, quoted in the README).
CANONICAL = {"include_comments": False, "include_tables": True, "include_formatting": False}


def _score_extraction(name: str, pages: list[datasets.Page], preds: dict[str, str | None], n: int) -> Scores:
    if name == "article-extraction-benchmark":
        return ext_scorer.zyte_scores(preds, {p.id: p.gold["articleBody"] for p in pages}, n)
    return ext_scorer.segment_scores(preds, {p.id: p.gold for p in pages}, n)


def _load_pages(name: str, path: Path, limit: int | None) -> list[datasets.Page]:
    if name == "article-extraction-benchmark":
        return datasets.load_zyte(path, limit)
    return datasets.load_trafilatura_eval(path, limit)


EXTRACTION_SETS = ("article-extraction-benchmark", "trafilatura-eval")
EXTRACTION_HEADLINE = ["f1", "precision", "recall", "accuracy"]


def task_extraction_html(ctx: Context) -> TaskResult:
    result = TaskResult("extraction-html", dict.fromkeys(EXTRACTION_SETS, EXTRACTION_HEADLINE))
    missing = stage_missing("frontwire.extract.html", "extract_html") or stage_missing(
        "frontwire.extract", "article"
    )
    for name in EXTRACTION_SETS:
        path = _dataset(ctx, name)
        if path is None:
            result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
            continue
        if missing:
            result.rows.append(Row(name, "frontwire", NOT_BUILT, note=missing))
        rows: list[Row] = []
        for part, pages in _parts(_load_pages(name, path, None), lambda p: p.id, ctx.limit):
            if not missing:
                t0 = time.perf_counter()
                arts, crashes = _extract_ours(pages, "html")
                preds = {k: (a.text if a is not None else None) for k, a in arts.items()}
                scores = _score_extraction(name, pages, preds, ctx.errors)
                scores.counts.update(crashes)
                rows.append(Row(name, "frontwire", OURS, scores, seconds=time.perf_counter() - t0, part=part))
            for label, opts in (
                ("trafilatura favor_precision", FAVOR_PRECISION),
                ("trafilatura canonical", CANONICAL),
            ):
                run = _trafilatura(opts)
                t0 = time.perf_counter()
                preds = {p.id: run(p.html) for p in pages}
                scores = _score_extraction(name, pages, preds, ctx.errors)
                rows.append(Row(name, label, BASELINE, scores, seconds=time.perf_counter() - t0, part=part))
        result.rows.extend(_in_order(rows))
        result.rows.extend(_published(name))
    return result


def task_extraction_text(ctx: Context) -> TaskResult:
    result = TaskResult("extraction-text", dict.fromkeys(EXTRACTION_SETS, EXTRACTION_HEADLINE))
    no_pagetext = stage_missing("frontwire.evaluate.pagetext", "html_to_page_text")
    missing = stage_missing("frontwire.extract.text", "extract_text") or stage_missing(
        "frontwire.extract", "article"
    )
    for name in EXTRACTION_SETS:
        path = _dataset(ctx, name)
        if path is None:
            result.rows.append(Row(name, "frontwire text", NO_DATA, note=f"{ctx.data_dir / name} absent"))
            continue
        if no_pagetext:
            result.rows.append(Row(name, "frontwire text", NOT_BUILT, note=no_pagetext))
            continue
        from html import escape

        from frontwire.evaluate.pagetext import html_to_page_text

        if missing:
            result.rows.append(Row(name, "frontwire text", NOT_BUILT, note=missing))
        rows: list[Row] = []
        for part, pages in _parts(_load_pages(name, path, None), lambda p: p.id, ctx.limit):
            texts: dict[str, str] = {}
            for p in pages:
                try:
                    texts[p.id] = html_to_page_text(p.html.decode("utf-8", errors="replace"))
                except Exception:  # a page the converter cannot read gives an empty dump
                    texts[p.id] = ""
            if not missing:
                t0 = time.perf_counter()
                arts, crashes = _extract_ours(pages, "text", texts)
                preds = {k: (a.text if a is not None else None) for k, a in arts.items()}
                scores = _score_extraction(name, pages, preds, ctx.errors)
                scores.counts.update(crashes)
                rows.append(
                    Row(name, "frontwire text", OURS, scores, seconds=time.perf_counter() - t0, part=part)
                )
            run = _trafilatura(FAVOR_PRECISION)
            t0 = time.perf_counter()
            wrapped = {
                k: "<html><body>"
                + "".join(f"<p>{escape(line)}</p>" for line in t.splitlines() if line.strip())
                + "</body></html>"
                for k, t in texts.items()
            }
            preds = {k: run(v) for k, v in wrapped.items()}
            rows.append(
                Row(name, "trafilatura on <p>-wrapped text", BASELINE,
                    _score_extraction(name, pages, preds, ctx.errors), seconds=time.perf_counter() - t0,
                    part=part)
            )  # fmt: skip
            rows.append(
                Row(name, "no cleaning (page text)", BASELINE,
                    _score_extraction(name, pages, dict(texts), ctx.errors), part=part)
            )  # fmt: skip
        result.rows.extend(_in_order(rows))
    return result


def task_metadata(ctx: Context) -> TaskResult:
    name = "trafilatura-eval"
    headline = ["title", "author", "date"]
    result = TaskResult("metadata", {name: headline, f"{name}:metadata": headline})
    path = _dataset(ctx, name)
    if path is None:
        result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
        return result
    import trafilatura

    missing = stage_missing("frontwire.extract", "article")
    if missing:
        result.rows.append(Row(name, "frontwire", NOT_BUILT, note=missing))
    rows: list[Row] = []
    for part, pages in _parts(datasets.load_trafilatura_eval(path, None), lambda p: p.id, ctx.limit):
        gold = {p.id: p.gold for p in pages}
        if not missing:
            t0 = time.perf_counter()
            arts, crashes = _extract_ours(pages, "html")
            preds = {
                k: ({"title": a.title, "author": a.author, "date": a.published} if a is not None else None)
                for k, a in arts.items()
            }
            scores = ext_scorer.metadata_scores(preds, gold, n_worst=ctx.errors)
            scores.counts.update(crashes)
            rows.append(Row(name, "frontwire", OURS, scores, seconds=time.perf_counter() - t0, part=part))
        t0 = time.perf_counter()
        preds = {}
        for p in pages:
            try:
                md = trafilatura.extract_metadata(p.html)
            except Exception:  # a crash is a miss
                md = None
            preds[p.id] = (
                {"title": md.title, "author": md.author, "date": md.date} if md is not None else None
            )
        scores = ext_scorer.metadata_scores(preds, gold, n_worst=ctx.errors)
        rows.append(
            Row(name, "trafilatura extract_metadata", BASELINE, scores, seconds=time.perf_counter() - t0,
                part=part)
        )  # fmt: skip
    result.rows.extend(_in_order(rows))
    result.rows.extend(_published(f"{name}:metadata"))
    return result


# -- text stages -----------------------------------------------------------------------------------------


def _documents(texts: Iterable[tuple[str, str, str | None]]) -> Iterable[Any]:
    """(id, text, published) -> annotated Documents (the stage table's NLP pass, batched)."""
    from frontwire.model import Article

    arts = [Article(id=i, source="eval", text=t, published=d) for i, t, d in texts]
    return stage("nlp").load()(arts, _ctx_resources())  # type: ignore[no-any-return]


def _run_stage(doc: Any, name: str, counts: dict[str, int]) -> list[Any]:
    """One document stage of the table; a failing document is an empty prediction, counted."""
    try:
        return list(stage(name).load()(doc, _ctx_resources()))
    except Exception:
        counts["stage_errors"] = counts.get("stage_errors", 0) + 1
        return []


CLAIMS_HEADLINE = [
    "cue.exact.f1", "source.exact.f1", "content.exact.f1", "all.exact.f1",
    "content.overlap.f1", "all.overlap.f1", "content.recall50", "speaker.accuracy",
]  # fmt: skip


def _gold_attr(a: dict[str, Any]) -> claims_scorer.Attribution:
    def spans(key: str) -> list[tuple[int, int]]:
        return [(s, e) for span in a.get(key, []) for s, e in span["fragments"]]

    return claims_scorer.Attribution(cue=spans("cue"), source=spans("source"), content=spans("content"))


def claims_predictions(arts: list[dict[str, Any]], counts: dict[str, int]) -> dict[str, list[Any]]:
    """The claims stage (after NLP and timex, as in the pipeline) on PolNeAR articles, as Attributions."""
    with_timex = stage_missing("frontwire.timex", "extract") is None
    preds: dict[str, list[claims_scorer.Attribution]] = {}
    for doc in _documents((a["id"], a["text"], a.get("publication_date")) for a in arts):
        if with_timex:
            doc.times = _run_stage(doc, "timex", {})
        preds[doc.id] = [
            claims_scorer.Attribution(
                cue=[(c.cue_start, c.cue_end)],
                source=[(c.speaker_start, c.speaker_end)] if c.speaker_start is not None else [],
                content=[(c.start, c.end)], speaker=c.speaker, speaker_name=c.speaker_name,
                direct=c.direct,
            )
            for c in _run_stage(doc, "claims", counts)
        ]  # fmt: skip
    return preds


def task_claims(ctx: Context) -> TaskResult:
    name = "polnear"
    result = TaskResult("claims", {name: CLAIMS_HEADLINE})
    path = _dataset(ctx, name)
    if path is None:
        result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
        return result
    missing = stage_missing("frontwire.claims", "extract")
    if missing:
        result.rows.append(Row(name, "frontwire", NOT_BUILT, note=missing))
    else:
        for part, arts in _parts(datasets.load_polnear(path, None), lambda a: str(a["id"]), ctx.limit):
            gold = {a["id"]: (a["text"], [_gold_attr(x) for x in a["attributions"]]) for a in arts}
            counts: dict[str, int] = {}
            t0 = time.perf_counter()
            preds = claims_predictions(arts, counts)
            scores = claims_scorer.claims_scores(preds, gold, ctx.errors)
            scores.counts.update(counts)
            note = "spans trimmed of quote marks and final punctuation before comparison"
            result.rows.append(
                Row(name, "frontwire", OURS, scores, note=note, seconds=time.perf_counter() - t0, part=part)
            )
    result.rows.extend(_published(name))
    return result


TIMEX_HEADLINE = ["strict.f1", "relaxed.f1", "value.accuracy", "value.f1", "temporal_function.value.accuracy"]


def task_timex(ctx: Context) -> TaskResult:
    name = "tempeval3-timex"
    result = TaskResult("timex", {name: TIMEX_HEADLINE})
    path = _dataset(ctx, name)
    if path is None:
        result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
        return result
    missing = stage_missing("frontwire.timex", "extract")
    if missing:
        result.rows.append(Row(name, "frontwire", NOT_BUILT, note=missing))
    labels = set(eval_rules()["spacy_timex_labels"])
    rows: list[Row] = []
    for part, docs in _parts(datasets.load_tempeval(path, None), lambda d: str(d["id"]), ctx.limit):
        gold = {
            d["id"]: [
                timex_scorer.Timex(t["start"], t["end"], t.get("type"), t.get("value"),
                                   str(t.get("temporalFunction", "")).lower() == "true", t.get("text", ""))
                for t in d["timexes"]
            ]
            for d in docs
        }  # fmt: skip
        if not missing:
            counts: dict[str, int] = {}
            t0 = time.perf_counter()
            preds = {}
            for doc in _documents((d["id"], d["text"], (d.get("dct") or {}).get("value")) for d in docs):
                preds[doc.id] = [
                    timex_scorer.Timex(t.start, t.end, t.type, t.timex3, text=t.text)
                    for t in _run_stage(doc, "timex", counts)
                ]
            scores = timex_scorer.timex_scores(preds, gold, ctx.errors)
            scores.counts.update(counts)
            rows.append(Row(name, "frontwire", OURS, scores, seconds=time.perf_counter() - t0, part=part))
        t0 = time.perf_counter()
        base = {
            d["id"]: [
                timex_scorer.Timex(e.start_char, e.end_char, e.label_, None, text=e.text)
                for e in sd.ents
                if e.label_ in labels
            ]
            for d, sd in zip(docs, ctx.spacy_alone.pipe(d["text"] for d in docs), strict=True)
        }
        rows.append(
            Row(name, "spaCy DATE/TIME spans", BASELINE, timex_scorer.timex_scores(base, gold, ctx.errors),
                note="recognition only (no values)", seconds=time.perf_counter() - t0, part=part)
        )  # fmt: skip
    result.rows.extend(_in_order(rows))
    result.rows.extend(_published(name))
    return result


GEO_SETS = ("geowebnews", "lgl", "tr-news")
GEO_HEADLINE = [
    "tagging.exact.f1", "tagging.overlap.f1", "geocoding.acc161", "geocoding.median_km",
    "geocoding.auc", "geocoding.exact_id", "end_to_end.acc161",
]  # fmt: skip
UKRAINE_HEADLINE = [
    "row.within10km", "row.within25km", "row.median_km", "row.unresolved", "row.oblast_correct",
    "town.within25km", "town.median_km",
]  # fmt: skip


def task_geo(ctx: Context) -> TaskResult:
    headline = dict.fromkeys(GEO_SETS, GEO_HEADLINE) | {"ukraine-cir-events": UKRAINE_HEADLINE}
    result = TaskResult("geo", headline)
    missing = stage_missing("frontwire.geo", "extract")
    types = geo_scorer.toponym_types("toponyms")
    labels = set(eval_rules()["spacy_geotag_labels"])
    for name in GEO_SETS:
        path = _dataset(ctx, name)
        if path is None:
            result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
            continue
        note = "gold: literal + associative toponyms (ner.py set)" if name == "geowebnews" else None
        if missing:
            result.rows.append(Row(name, "frontwire", NOT_BUILT, note=missing))
        rows: list[Row] = []
        for part, arts in _parts(datasets.load_geo(path, None), lambda a: str(a["id"]), ctx.limit):
            gold = {a["id"]: a["toponyms"] for a in arts}
            if not missing:
                counts: dict[str, int] = {}
                t0 = time.perf_counter()
                preds: dict[str, list[geo_scorer.PredPlace]] = {}
                for doc in _documents((a["id"], a["text"], None) for a in arts):
                    preds[doc.id] = [
                        geo_scorer.PredPlace(p.start, p.end, p.lat, p.lon, p.place_id, p.admin1, p.text)
                        for p in _run_stage(doc, "geo", counts)
                    ]
                scores = geo_scorer.geo_scores(preds, gold, types, ctx.errors)
                scores.counts.update(counts)
                rows.append(
                    Row(
                        name,
                        "frontwire",
                        OURS,
                        scores,
                        note=note,
                        seconds=time.perf_counter() - t0,
                        part=part,
                    )
                )
            t0 = time.perf_counter()
            base = {
                a["id"]: [
                    geo_scorer.PredPlace(e.start_char, e.end_char, text=e.text)
                    for e in sd.ents
                    if e.label_ in labels
                ]
                for a, sd in zip(arts, ctx.spacy_alone.pipe(a["text"] for a in arts), strict=True)
            }
            spans_only = geo_scorer.geo_scores(base, gold, types, ctx.errors, geocoding=False)
            seconds = time.perf_counter() - t0
            rows.append(
                Row(name, "spaCy GPE/LOC spans", BASELINE, spans_only, "geotagging only", seconds, part=part)
            )
        result.rows.extend(_in_order(rows))
        result.rows.extend(_published(name))
    name = "ukraine-cir-events"
    path = _dataset(ctx, name)
    no_resolver = stage_missing("frontwire.geo", "resolve_name")
    if path is None:
        result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
    elif no_resolver:
        result.rows.append(Row(name, "frontwire resolve_name", NOT_BUILT, note=no_resolver))
    else:
        from frontwire.geo import resolve_name

        res = _ctx_resources()
        all_rows = datasets.load_ukraine_cir(path, None)
        for part, rows_ in _parts(all_rows, lambda r: str(r.get("entry", "")), ctx.limit):
            cache: dict[tuple[str, str], geo_scorer.Resolved | None] = {}
            resolved: dict[int, geo_scorer.Resolved | None] = {}
            errors = 0
            t0 = time.perf_counter()
            for i, row in enumerate(rows_):
                key = (row["town/city"].strip(), (row.get("province") or "").strip())
                if key not in cache:
                    try:
                        pm = resolve_name(key[0], res, country="UA", admin1=key[1] or None)
                    except Exception:  # an error is an unresolved name
                        pm, errors = None, errors + 1
                    cache[key] = (
                        None if pm is None else geo_scorer.Resolved(pm.lat, pm.lon, pm.admin1, pm.name)
                    )
                resolved[i] = cache[key]
            scores = geo_scorer.gazetteer_scores(resolved, rows_, "UA", ctx.errors)
            scores.counts["stage_errors"] = errors
            result.rows.append(
                Row(name, "frontwire resolve_name (town + oblast)", OURS, scores,
                    seconds=time.perf_counter() - t0, part=part)
            )  # fmt: skip
        result.rows.extend(_published(name))
    return result


# -- events ------------------------------------------------------------------------------------------

CASE_SET, PLOVER_SET = "case2021-task2-acled", "plover-gsr"
EVENTS_HEADLINE = [
    "weighted.f1", "weighted.f1.lo", "weighted.f1.hi", "micro.f1", "macro.f1", "event_type.accuracy",
]  # fmt: skip
PLOVER_HEADLINE = ["accuracy", "accuracy.lo", "accuracy.hi", "macro.f1"]


NEVER_TUNED = "never trained or tuned on"
CV_NOTE = "cross-validated on the tune part when the model was built (python -m frontwire.events.train --cv)"


def _build_cv() -> dict[str, Any] | None:
    """The tune-part cross-validation figures saved beside the model, if the build made them."""
    import json
    from importlib import resources as importlib_resources

    path = importlib_resources.files("frontwire") / "data" / "events" / "model_cv.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _cv_scores(data: dict[str, Any], keys: list[str]) -> Scores:
    metrics: dict[str, float | None] = {k: float(v) for k, v in data["metrics"].items()}
    for k, (lo, hi) in data.get("ci", {}).items():
        if k in keys:
            metrics[f"{k}.lo"], metrics[f"{k}.hi"] = float(lo), float(hi)
    return Scores(metrics=metrics, counts={k: int(v) for k, v in data.get("counts", {}).items()})


def _event_scores(es: Any, keys: list[str]) -> Scores:
    """An EventScores (point metrics + bootstrap intervals) as table metrics ('x', 'x.lo', 'x.hi')."""
    metrics: dict[str, float | None] = dict(es.metrics)
    for k, (lo, hi) in es.ci.items():
        if k in keys:
            metrics[f"{k}.lo"], metrics[f"{k}.hi"] = lo, hi
    return Scores(metrics=metrics, counts=dict(es.counts))


def _stage_events(texts: list[tuple[str, str]]) -> list[list[Any]]:
    """Every document stage (timex, geo, claims, events) on each text; the events of each."""
    from frontwire.pipeline import run_stages

    out = []
    for doc in _documents((i, t, None) for i, t in texts):
        run_stages(doc, _ctx_resources())
        out.append([e for e in doc.events if e.modality is None] or list(doc.events))
    return out


def _top(events: list[Any], attr: str) -> str | None:
    best = max(events, key=lambda e: e.confidence, default=None)
    return getattr(best, attr) if best is not None else None


def _tfidf_baseline(train: list[tuple[str, str]], test: list[str]) -> list[str]:
    """The issue's baseline, trained here on the tune part: TF-IDF word + char n-grams, linear SVM."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    texts = [t for t, _ in train]
    x = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    model = LinearSVC(C=1.0, random_state=0).fit(x, [y for _, y in train])
    xt = hstack([word.transform(test), char.transform(test)]).tocsr()
    return [str(y) for y in model.predict(xt)]


def task_events(ctx: Context) -> TaskResult:
    """CASE 2021 subtask 1 (25 ACLED sub-types) and PLOVER GSR, on the check part never used for
    training or tuning, beside the tune part's cross-validated figures (saved at build time)."""
    from frontwire.evaluate import events as ev

    result = TaskResult("events", {CASE_SET: EVENTS_HEADLINE, PLOVER_SET: PLOVER_HEADLINE})
    missing = stage_missing("frontwire.events", "extract")
    for name in (CASE_SET, PLOVER_SET):
        if _dataset(ctx, name) is None:
            result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
    if missing:
        result.rows.append(Row("-", "frontwire", NOT_BUILT, note=missing))
        return result
    classifier = _ctx_resources().event_classifier
    cv = _build_cv()
    if _dataset(ctx, CASE_SET) is not None:
        tune, check = ev.load_case(ctx.data_dir)
        tune = [i for i in tune if i["sub_event_type"]]
        check = [i for i in check if i["sub_event_type"]][: ctx.limit]
        gold = [i["sub_event_type"] for i in check]
        texts = [i["text"] for i in check]
        t0 = time.perf_counter()
        pred = [p.sub_event_type for p in classifier.predict(texts, abstain=False)]
        result.rows.append(
            Row(CASE_SET, "frontwire classifier · check part", OURS,
                _event_scores(ev.case_scores(gold, pred), EVENTS_HEADLINE), note=NEVER_TUNED,
                seconds=time.perf_counter() - t0)
        )  # fmt: skip
        t0 = time.perf_counter()
        events = _stage_events([(i["id"], i["text"]) for i in check])
        staged = [_top(e, "sub_event_type") for e in events]
        result.rows.append(
            Row(CASE_SET, "frontwire events stage · check part", OURS,
                _event_scores(ev.case_scores(gold, staged), EVENTS_HEADLINE),
                note="whole pipeline on each snippet; no event counts as wrong",
                seconds=time.perf_counter() - t0)
        )  # fmt: skip
        if cv is not None:
            result.rows.append(
                Row(CASE_SET, "frontwire classifier · tune part, 5-fold CV", OURS,
                    _cv_scores(cv["case"], EVENTS_HEADLINE), note=CV_NOTE)
            )  # fmt: skip
        t0 = time.perf_counter()
        base = _tfidf_baseline([(i["text"], i["sub_event_type"]) for i in tune], texts)
        result.rows.append(
            Row(CASE_SET, "TF-IDF + linear SVM · check part", BASELINE,
                _event_scores(ev.case_scores(gold, base), EVENTS_HEADLINE),
                note="trained on the tune part's CASE items only", seconds=time.perf_counter() - t0)
        )  # fmt: skip
        result.rows.extend(_published(CASE_SET))
    if _dataset(ctx, PLOVER_SET) is not None:
        _, pcheck = ev.load_plover(ctx.data_dir)
        pcheck = pcheck[: ctx.limit]
        gold = [i["plover_type"] for i in pcheck]
        texts = [i["text"] for i in pcheck]
        t0 = time.perf_counter()
        pred = classifier.plover_predict(texts)
        result.rows.append(
            Row(PLOVER_SET, "frontwire PLOVER head · check part", OURS,
                _event_scores(ev.plover_scores(gold, pred), PLOVER_HEADLINE), note=NEVER_TUNED,
                seconds=time.perf_counter() - t0)
        )  # fmt: skip
        t0 = time.perf_counter()
        events = _stage_events([(i["id"], i["text"]) for i in pcheck])
        staged = [_top(e, "plover_type") for e in events]
        result.rows.append(
            Row(PLOVER_SET, "frontwire events stage · check part", OURS,
                _event_scores(ev.plover_scores(gold, staged), PLOVER_HEADLINE),
                note="PLOVER type of the stage's most confident event; none = wrong",
                seconds=time.perf_counter() - t0)
        )  # fmt: skip
        if cv is not None and "head" in cv.get("plover", {}):
            metrics: dict[str, float | None] = {k: float(v) for k, v in cv["plover"]["head"].items()}
            result.rows.append(Row(PLOVER_SET, "frontwire PLOVER head · tune part, 5-fold CV", OURS,
                                   Scores(metrics=metrics), note=CV_NOTE))  # fmt: skip
    return result


# -- link (across documents) ---------------------------------------------------------------------------


def task_duplicates(ctx: Context) -> TaskResult:
    """Near-duplicate documents on ukraine-news-raw: its exact duplicates, hand-labelled updated
    versions and re-publications derived from its texts (frontwire.evaluate.link)."""
    from frontwire.evaluate import link as link_scorer

    name = link_scorer.NEWS_SET
    result = TaskResult("duplicates", {name: link_scorer.DUP_HEADLINE})
    if _dataset(ctx, name) is None:
        result.rows.append(Row(name, "frontwire", NO_DATA, note=f"{ctx.data_dir / name} absent"))
        return result
    missing = stage_missing("frontwire.link", "link_batch")
    if missing:
        result.rows.append(Row(name, "frontwire", NOT_BUILT, note=missing))
        return result
    for system, kind, scores, note, secs in link_scorer.duplicate_rows(ctx.data_dir, ctx.limit, ctx.errors):
        result.rows.append(Row(name, system, OURS if kind == "ours" else BASELINE, scores, note, secs))
    return result


def task_link(ctx: Context) -> TaskResult:
    """Event fusion: hand-labelled event pairs from ukraine-news-raw days and the bundled examples."""
    from frontwire.evaluate import link as link_scorer

    sets = (*link_scorer.FUSION_SETS, "all")
    result = TaskResult("link", dict.fromkeys(sets, link_scorer.FUSION_HEADLINE))
    missing = stage_missing("frontwire.link", "link_batch")
    if missing:
        result.rows.append(Row("-", "frontwire", NOT_BUILT, note=missing))
        return result
    kinds = {"ours": OURS, "baseline": BASELINE, "no data": NO_DATA}
    for dataset, system, kind, scores, note, secs in link_scorer.fusion_rows(
        ctx.data_dir, ctx.limit, ctx.errors
    ):
        result.rows.append(Row(dataset, system, kinds[kind], scores, note, secs))
    return result


def task_not_built(stage: str) -> Callable[[Context], TaskResult]:
    def run(ctx: Context) -> TaskResult:
        return TaskResult(
            stage, {}, [Row("-", "frontwire", NOT_BUILT, note=f"no {stage} stage or scorer yet")]
        )

    return run


TASKS: dict[str, Callable[[Context], TaskResult]] = {
    "extraction-html": task_extraction_html,
    "extraction-text": task_extraction_text,
    "metadata": task_metadata,
    "claims": task_claims,
    "timex": task_timex,
    "geo": task_geo,
    "events": task_events,
    "duplicates": task_duplicates,
    "link": task_link,
}
