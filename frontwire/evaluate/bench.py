"""``frontwire bench``: throughput and peak memory of the pipeline and its stages, each beside a baseline.

Every measurement runs in a fresh (spawned) process pinned to one core, so its peak RSS is its own
and no warm cache leaks between systems. Model load time is reported apart; the first documents
of each run are a warm-up and are excluded from the rates (the count is stated in the output).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from frontwire.errors import ConfigError

# Goals printed beside the figures (issue text of the bench command).
GOALS = {"pipeline_vs_spacy": 1.0, "extract_vs_trafilatura": 0.9, "peak_rss_mb": 1024.0}
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
BATCH = 16  # documents per process_articles call (as the runner does)


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})


def _warmup_count(n: int) -> int:
    return min(5, max(1, n // 20))


# -- measurements, each run in its own process ---------------------------------------------------


def _m_spacy_full(texts: list[str]) -> dict[str, Any]:
    import spacy

    from frontwire.config import load_settings

    t0 = time.perf_counter()
    nlp = spacy.load(load_settings().spacy_model)
    load_s = time.perf_counter() - t0
    w = _warmup_count(len(texts))
    list(nlp.pipe(texts[:w]))
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts[w:], batch_size=BATCH):
        pass
    return {"load_s": load_s, "warmup_docs": w, "docs": len(texts) - w, "seconds": time.perf_counter() - t0,
            "words": sum(len(t.split()) for t in texts[w:]), "components": list(nlp.pipe_names)}  # fmt: skip


def _articles(rows: list[dict[str, Any]]) -> list[Any]:
    from frontwire.model import Article

    return [Article(id=r["id"], source="bench", text=r["text"], published=r.get("published")) for r in rows]


def _items(rows: list[dict[str, Any]]) -> list[Any]:
    from frontwire.model import RawItem

    return [
        RawItem(source=r["id"], data=r["text"].encode("utf-8"), kind="article", published=r.get("published"))
        for r in rows
    ]


def _text_extractor_ready() -> bool:
    try:
        from frontwire.extract import text  # noqa: F401
    except Exception:  # not built yet: texts go straight to NLP
        return False
    return True


def _m_pipeline(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from frontwire.pipeline import STAGES, process_articles, process_items
    from frontwire.resources import Resources

    res = Resources()
    t0 = time.perf_counter()
    _ = res.nlp
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for stage in STAGES:  # every stage's resources, as the stage table names them
        stage.load_resources(res)
    resources_s = time.perf_counter() - t0
    with_text = _text_extractor_ready()
    w = _warmup_count(len(rows))

    def run(batch: list[dict[str, Any]], timings: dict[str, float]) -> list[Any]:
        if with_text:
            return [o.document for o in process_items(_items(batch), res, timings) if o.document is not None]
        return list(process_articles(_articles(batch), res, timings))

    t0 = time.perf_counter()
    run(rows[:w], {})  # loads the lazy resources (gazetteer, lexicons) too
    warm_s = time.perf_counter() - t0
    timings: dict[str, float] = {}
    docs: list[Any] = []
    t0 = time.perf_counter()
    for i in range(w, len(rows), BATCH):
        docs.extend(run(rows[i : i + BATCH], timings))
    seconds = time.perf_counter() - t0
    errors: dict[str, int] = {}
    for d in docs:
        d.nlp = None
        for e in d.errors:
            errors[f"{e.stage}:{e.error}"] = errors.get(f"{e.stage}:{e.error}", 0) + 1
    out = {"load_s": load_s, "resources_s": resources_s, "warmup_s": warm_s, "warmup_docs": w,
           "docs": len(rows) - w, "seconds": seconds, "documents_out": len(docs),
           "words": sum(len(r["text"].split()) for r in rows[w:]),
           "timings": timings, "stage_errors": errors, "text_extraction": with_text}  # fmt: skip
    out["store"] = _m_store(docs)
    return out


def _m_store(docs: list[Any]) -> dict[str, Any]:
    try:
        from frontwire.store import open_store
    except Exception as exc:  # the store is written in parallel; say so instead of failing
        return {"status": "not built", "note": f"{type(exc).__name__}: {exc}"[:200]}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        try:
            t0 = time.perf_counter()
            for i in range(0, len(docs), BATCH):
                store.add_documents(docs[i : i + BATCH])
            seconds = time.perf_counter() - t0
        finally:
            store.close()
    return {"status": "ok", "docs": len(docs), "seconds": seconds}


def _m_trafilatura(pages: list[bytes]) -> dict[str, Any]:
    import trafilatura

    w = _warmup_count(len(pages))
    for p in pages[:w]:
        trafilatura.extract(p, favor_precision=True)
    t0 = time.perf_counter()
    for p in pages[w:]:
        # A crash costs its time like any page.
        with suppress(Exception):
            trafilatura.extract(p, favor_precision=True)
    return {"load_s": 0.0, "warmup_docs": w, "docs": len(pages) - w, "seconds": time.perf_counter() - t0,
            "bytes": sum(len(p) for p in pages[w:])}  # fmt: skip


def _m_extract(pages: list[bytes]) -> dict[str, Any]:
    from frontwire import extract
    from frontwire.errors import FrontwireError
    from frontwire.model import RawItem
    from frontwire.resources import Resources

    res = Resources()
    w = _warmup_count(len(pages))
    skipped = 0

    def one(i: int, data: bytes) -> None:
        nonlocal skipped
        try:
            extract.article(RawItem(source=f"page{i}", data=data, kind="html"), res)
        except FrontwireError:
            skipped += 1

    for i, p in enumerate(pages[:w]):
        one(i, p)
    skipped = 0
    t0 = time.perf_counter()
    for i, p in enumerate(pages[w:]):
        one(i, p)
    return {"load_s": 0.0, "warmup_docs": w, "docs": len(pages) - w, "seconds": time.perf_counter() - t0,
            "bytes": sum(len(p) for p in pages[w:]), "skipped": skipped}  # fmt: skip


def _m_link(payload: dict[str, Any]) -> dict[str, Any]:
    from frontwire.evaluate import linkbench

    def say(msg: str) -> None:
        print(f"link bench: {msg}", flush=True)

    return linkbench.run(payload["sizes"], batch=payload["batch"], progress=say)


_MEASURES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "spacy_full": _m_spacy_full,
    "pipeline": _m_pipeline,
    "trafilatura": _m_trafilatura,
    "extract": _m_extract,
    "link": _m_link,
}


def _child(name: str, payload: Any) -> dict[str, Any]:
    _pin_one_core()
    out = _MEASURES[name](payload)
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _in_fresh_process(name: str, payload: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(_child, name, payload).result()


# -- the process pool --------------------------------------------------------------------------------

_POOL_RES: Any = None


def _pool_init() -> None:
    global _POOL_RES
    from frontwire.resources import Resources

    _POOL_RES = Resources()
    _ = _POOL_RES.nlp


def _pool_warm(rows: list[dict[str, Any]]) -> float:
    from frontwire.pipeline import process_articles

    time.sleep(0.5)  # holds this worker so that every worker gets a warm-up task
    list(process_articles(_articles(rows), _POOL_RES))
    return _peak_rss_mb()


def _pool_work(rows: list[dict[str, Any]]) -> tuple[int, float]:
    from frontwire.pipeline import process_articles, process_items

    # Same path as the one-core run: text extraction first when it is built.
    if _text_extractor_ready():
        n = sum(1 for o in process_items(_items(rows), _POOL_RES) if o.document is not None)
    else:
        n = len(list(process_articles(_articles(rows), _POOL_RES)))
    return n, _peak_rss_mb()


def _m_pool(rows: list[dict[str, Any]], workers: int) -> dict[str, Any]:
    w = _warmup_count(len(rows))
    ctx = mp.get_context("spawn")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_pool_init) as pool:
        rss = list(pool.map(_pool_warm, [rows[:w]] * workers))
        start_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        futures = [pool.submit(_pool_work, rows[i : i + BATCH]) for i in range(w, len(rows), BATCH)]
        results = [f.result() for f in futures]
        seconds = time.perf_counter() - t0
    return {"workers": workers, "start_and_warmup_s": start_s, "warmup_docs_per_worker": w,
            "docs": sum(n for n, _ in results), "seconds": seconds,
            "words": sum(len(r["text"].split()) for r in rows[w:]),
            "peak_rss_mb_per_worker": max([*rss, *(m for _, m in results)])}  # fmt: skip


# -- corpus -----------------------------------------------------------------------------------------


TOP_UP_SETS = ("geowebnews", "tr-news", "lgl")


def load_corpus(docs: int, corpus: Path | None) -> tuple[list[dict[str, Any]], list[bytes], str]:
    """Texts and HTML pages to time, and a description of where they came from."""
    if corpus is not None:
        if not corpus.is_dir():
            raise ConfigError(f"--corpus {corpus}: not a folder")
        texts: list[dict[str, Any]] = []
        pages: list[bytes] = []
        for path in sorted(corpus.rglob("*")):
            if path.suffix.lower() == ".txt" and len(texts) < docs:
                texts.append({"id": path.name, "text": path.read_text(encoding="utf-8", errors="replace")})
            elif path.suffix.lower() in (".html", ".htm") and len(pages) < docs:
                pages.append(path.read_bytes())
        return texts, pages, f"{corpus}: {len(texts)} .txt, {len(pages)} .html"
    from frontwire.evaluate import datasets

    root = datasets.default_data_dir()
    texts = []
    raw = root / "ukraine-news-raw"
    if raw.is_dir():
        # Each text once: a repeated text would be skipped as already stored, not timed.
        unique: dict[str, dict[str, Any]] = {}
        for r in datasets.load_news_raw(raw):
            if r.get("text") and len(unique) < docs:
                unique.setdefault(r["text"], r)
        texts = [
            {"id": r["id"], "text": r["text"], "published": (r.get("gdelt_seendate") or "")[:10] or None}
            for r in unique.values()
        ]
    topped = []
    # More texts than ukraine-news-raw holds (342 distinct): the news articles of the geoparsing
    # sets, in a fixed order (throughput only: nothing is scored or tuned on them here).
    for name in TOP_UP_SETS:
        path = root / name / "articles.jsonl"
        if len(texts) >= docs or not path.is_file():
            continue
        seen = {t["text"] for t in texts}
        got: list[dict[str, Any]] = []
        for rec in datasets._jsonl(path):
            if len(texts) + len(got) >= docs:
                break
            if rec.get("text") and rec["text"] not in seen:
                seen.add(rec["text"])
                got.append(rec)
        texts += [{"id": f"{name}:{g['id']}", "text": g["text"], "published": None} for g in got]
        topped.append(f"{len(got)} {name}")
    pages = []
    for name, loader in (("article-extraction-benchmark", datasets.load_zyte), ("trafilatura-eval", None)):
        path = root / name
        if not path.is_dir() or len(pages) >= docs:
            continue
        found = (
            loader(path, docs - len(pages))
            if loader
            else datasets.load_trafilatura_eval(path, docs - len(pages))
        )
        pages.extend(p.html for p in found)
    if not texts and not pages:
        raise ConfigError(f"no benchmark corpus under {root}; use --corpus DIR")
    first = len(texts) - sum(int(t.split()[0]) for t in topped)
    more = "".join(f" + {t}" for t in topped)
    return texts, pages, f"{root}: {first} ukraine-news-raw{more} texts, {len(pages)} benchmark HTML pages"


@contextmanager
def _single_threaded() -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in _THREAD_VARS}
    os.environ.update(dict.fromkeys(_THREAD_VARS, "1"))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _rate(n: float, seconds: float) -> float | None:
    return n / seconds if seconds > 0 else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def parse_sizes(text: str) -> list[int]:
    """'1000,10000' -> [1000, 10000]; '' or 'none' -> [] (no link section)."""
    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        sizes = sorted({int(part.replace("_", "").strip()) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise ConfigError(f"--link-sizes {text!r}: give store sizes like 1000,10000,100000") from exc
    if not sizes or sizes[0] < 1:
        raise ConfigError(f"--link-sizes {text!r}: sizes must be positive")
    return sizes


def run_bench(
    docs: int,
    corpus: Path | None,
    json_out: Path | None,
    workers: int = 1,
    link_sizes: list[int] | None = None,
    link_batch: int = 1000,
    link_only: bool = False,
) -> dict[str, Any]:
    """Measure, print the table, return (and optionally write) the figures.

    ``link_sizes``: also link a batch of ``link_batch`` synthetic documents against stores of these
    sizes (frontwire.evaluate.linkbench); ``link_only`` skips the pipeline and extraction figures.
    """
    if link_only and not link_sizes:
        raise ConfigError("--link-only needs --link-sizes")
    if link_batch < 1:
        raise ConfigError("--link-batch must be at least 1")
    if not link_only and docs < 2:
        raise ConfigError("--docs must be at least 2 (one warm-up document plus one timed)")
    texts, pages, source = ([], [], "synthetic link stores") if link_only else load_corpus(docs, corpus)
    out: dict[str, Any] = {"corpus": source, "cpu_count": os.cpu_count(), "goals": GOALS, "rows": []}
    raw: dict[str, Any] = {}
    with _single_threaded():
        if link_sizes:
            raw["link"] = _in_fresh_process("link", {"sizes": list(link_sizes), "batch": link_batch})
        if texts:
            raw["spacy_full"] = _in_fresh_process("spacy_full", [t["text"] for t in texts])
            raw["pipeline"] = _in_fresh_process("pipeline", texts)
            if workers > 1:
                raw["pool"] = _m_pool(texts, workers)
        if pages:
            raw["trafilatura"] = _in_fresh_process("trafilatura", pages)
            raw["extract"] = _in_fresh_process("extract", pages)
    out["raw"] = raw
    out["rows"] = _rows(raw)
    from frontwire.evaluate.report import write_json

    _print(out)
    if json_out is not None:
        write_json(out, json_out)
    return out


def _rows(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows: figure, value, baseline, ratio, goal."""
    rows: list[dict[str, Any]] = []

    def add(
        what: str,
        value: float | None,
        base_name: str,
        base: float | None,
        goal: float | None = None,
        note: str = "",
    ) -> None:
        r = _ratio(value, base)
        ok = None if goal is None or r is None else r >= goal
        rows.append(
            {"figure": what, "value": value, "baseline": base_name, "baseline_value": base,
             "ratio": r, "goal": goal, "meets_goal": ok, "note": note}
        )  # fmt: skip

    sp, pl = raw.get("spacy_full"), raw.get("pipeline")
    if sp and pl:
        sp_rate, pl_rate = _rate(sp["docs"], sp["seconds"]), _rate(pl["docs"], pl["seconds"])
        base = "spaCy full pipeline nlp.pipe"
        note = f"{pl['docs']} docs timed, {pl['warmup_docs']} warm-up excluded"
        if not pl["text_extraction"]:
            note += "; text extraction not built: texts go straight to NLP"
        goal = GOALS["pipeline_vs_spacy"]
        add("whole pipeline docs/s (1 core)", pl_rate, base, sp_rate, goal, note)
        words = _rate(pl["words"], pl["seconds"])
        add("whole pipeline words/s (1 core)", words, base, _rate(sp["words"], sp["seconds"]), goal)
        for stage, secs in sorted(pl["timings"].items()):
            share = f"{secs / pl['seconds']:.0%} of pipeline time"
            add(f"stage {stage} docs/s", _rate(pl["docs"], secs), base, sp_rate, note=share)
        warm = f"first-batch warm-up {pl['warmup_s']:.1f} s not in rates"
        add("model load s", pl["load_s"], "spacy.load", sp["load_s"], note=warm)
        add(
            "other stage resources load s",
            pl.get("resources_s"),
            "",
            None,
            note="gazetteer, lexicons, classifier",
        )
        met = "met" if pl["peak_rss_mb"] <= GOALS["peak_rss_mb"] else "MISSED"
        rss_note = f"goal <= {GOALS['peak_rss_mb']:.0f} MB: {met}"
        add(
            "peak RSS MB (pipeline process)",
            pl["peak_rss_mb"],
            "spaCy full process",
            sp["peak_rss_mb"],
            None,
            rss_note,
        )
        st = pl.get("store", {})
        if st.get("status") == "ok":
            store_rate = _rate(st["docs"], st["seconds"])
            add(
                "store write docs/s (SQLite)",
                store_rate,
                "frontwire pipeline",
                pl_rate,
                None,
                "temp file, batches of 16",
            )
        else:
            add("store write docs/s", None, "", None, None, f"not built: {st.get('note')}")
        pool = raw.get("pool")
        if pool:
            pool_note = (
                f"per-worker peak RSS {pool['peak_rss_mb_per_worker']:.0f} MB; "
                f"start + warm-up {pool['start_and_warmup_s']:.1f} s excluded"
            )
            pool_rate = _rate(pool["docs"], pool["seconds"])
            add(
                f"pipeline docs/s, pool of {pool['workers']}",
                pool_rate,
                "frontwire 1 core",
                pl_rate,
                None,
                pool_note,
            )
    tr, ex = raw.get("trafilatura"), raw.get("extract")
    if tr and ex:
        tr_rate, ex_rate = _rate(tr["docs"], tr["seconds"]), _rate(ex["docs"], ex["seconds"])
        note = f"{ex['docs']} pages timed, {ex['warmup_docs']} warm-up; {ex['skipped']} skipped"
        base = "trafilatura.extract favor_precision"
        add(
            "extraction pages/s (HTML, 1 core)", ex_rate, base, tr_rate, GOALS["extract_vs_trafilatura"], note
        )
        mb = _rate(ex["bytes"] / 1e6, ex["seconds"])
        add("extraction MB/s (HTML)", mb, base, _rate(tr["bytes"] / 1e6, tr["seconds"]))
        add("peak RSS MB (extraction process)", ex["peak_rss_mb"], "trafilatura process", tr["peak_rss_mb"])
    if raw.get("link"):
        rows.extend(link_rows(raw["link"]))
    return rows


LINK_STEPS = (
    ("seconds", "total"),
    ("duplicates_s", "duplicates"),
    ("fusion_s", "fusion"),
    ("contradictions_s", "contradictions"),
)


def link_rows(link: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the link-scaling section: each store size beside the smallest (same batch), the
    growth exponent, the commit of the same batch, the rerun check and the full scans found."""
    from frontwire.evaluate.linkbench import growth_exponent

    rows: list[dict[str, Any]] = []

    def add(
        what: str,
        value: float | None,
        base_name: str,
        base: float | None,
        note: str = "",
        goal: str = "",
        ok: bool | None = None,
    ) -> None:
        rows.append(
            {
                "figure": what,
                "value": value,
                "baseline": base_name,
                "baseline_value": base,
                "ratio": _ratio(value, base),
                "goal": None,
                "goal_text": goal,
                "meets_goal": ok,
                "note": note,
            }
        )

    sizes = [int(n) for n in link["sizes"]]
    batch, base = link["batch"], sizes[0]
    runs = link["runs"]
    for n in sizes:
        b, c = runs[str(n)]["build"], runs[str(n)]["counts"]
        add(
            f"link: build store of {n:,} docs s",
            b["seconds"],
            "",
            None,
            f"{n / b['seconds']:,.0f} docs/s (generate {b['generate_s']:.0f}, commit {b['commit_s']:.0f}, "
            f"link {b['link_s']:.0f} s); {c['events']:,} events, {c['clusters']:,} clusters, "
            f"{c['duplicates']:,} duplicates, {c['claim_facts']:,} claims, {c['mb']:,.0f} MB",
        )
    for mode in link["modes"]:
        first = runs[str(base)]["modes"][mode]
        for n in sizes:
            m = runs[str(n)]["modes"][mode]
            for key, step in LINK_STEPS:
                note = ""
                if key == "seconds":
                    s = m["summary"]
                    note = (
                        f"{m['docs']} docs, {m['events']} events; {s['duplicates']} duplicates, "
                        f"{s['clusters_changed']} clusters changed, {s['contradictions']} contradictions"
                    )
                elif key == "fusion_s":
                    parts = m["parts_s"]
                    note = (
                        f"assign {parts.get('fusion_assign', 0):.1f} s over "
                        f"{m['returned'].get('cluster_lookup', 0):,} candidate clusters; "
                        f"lookup {parts.get('cluster_lookup', 0):.1f} s, "
                        f"write {parts.get('clusters_write', 0):.1f} s"
                    )
                elif key == "contradictions_s":
                    note = f"{m['returned'].get('claim_lookup', 0):,} stored candidate claims"
                add(
                    f"link {batch} docs vs {n:,} stored ({mode}): {step} s",
                    m[key],
                    f"same batch vs {base:,} stored",
                    first[key],
                    note,
                )
            add(
                f"link ms/doc vs {n:,} stored ({mode})",
                1000 * m["seconds"] / max(1, m["docs"]),
                "commit of the same batch ms/doc",
                1000 * m["commit_s"] / max(1, m["docs"]),
                "commit: add_documents, 16 per transaction, as the runner",
            )
            rerun = m.get("rerun")
            if rerun:
                add(
                    f"link rerun vs {n:,} ({mode}) changes nothing",
                    rerun["seconds"],
                    "first link s",
                    m["seconds"],
                    "unchanged" if rerun["unchanged"] else "CHANGED the link tables",
                    "unchanged",
                    rerun["unchanged"],
                )
        if len(sizes) > 1:
            cpus = [runs[str(n)]["modes"][mode].get("cpu_s", 0.0) for n in sizes]
            for n, cpu in zip(sizes, cpus, strict=True):
                add(
                    f"link {batch} docs vs {n:,} stored ({mode}): total CPU s",
                    cpu,
                    f"same batch vs {base:,} stored",
                    cpus[0],
                    "process CPU time: not inflated by other load",
                )
            cpu_exp = growth_exponent(sizes, cpus)
            add(
                f"link growth exponent, CPU ({mode}, {sizes[0]:,} -> {sizes[-1]:,})",
                cpu_exp,
                "per-batch time linear in the store",
                1.0,
                "from process CPU time",
                "< 1",
                None if cpu_exp is None else cpu_exp < 1,
            )
            secs = [runs[str(n)]["modes"][mode]["seconds"] for n in sizes]
            exp = growth_exponent(sizes, secs)
            add(
                f"link growth exponent ({mode}, {sizes[0]:,} -> {sizes[-1]:,})",
                exp,
                "per-batch time linear in the store",
                1.0,
                f"log(t{sizes[-1]:,} / t{sizes[0]:,}) / log({sizes[-1] / sizes[0]:,.0f}); < 1: linking a "
                "store batch by batch is sub-quadratic",
                "< 1",
                None if exp is None else exp < 1,
            )
    for n in sizes:
        r = runs[str(n)].get("cluster_range")
        if r:
            add(
                f"clusters_cell entries walked per event vs {n:,}",
                r["index_entries_walked"],
                "clusters in the date window (returned)",
                r["rows_returned"],
                f"of {r['clusters']:,} clusters (spread batch)",
            )
    for p in [*link.get("plans", []), *link.get("hidden_plans", [])]:
        if p["full_scans"]:
            add(
                f"full scan: {p['query'][:70]}",
                p.get("runs"),
                "",
                None,
                "; ".join(p["plan"]) + (f" ({p['why']})" if p.get("why") else ""),
                "no scan",
                False,
            )
    return rows


def _print(out: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"frontwire bench · {out['corpus']}", title_justify="left")
    for col in ("figure", "frontwire", "baseline", "baseline value", "ratio", "goal", "note"):
        table.add_column(
            col, justify="right" if col in ("frontwire", "baseline value", "ratio", "goal") else "left"
        )

    def num(v: float | None) -> str:
        return "-" if v is None else (f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}")

    for r in out["rows"]:
        goal = "" if r["goal"] is None else f">= {r['goal']:.1f}x " + ("ok" if r["meets_goal"] else "MISSED")
        if r.get("goal_text"):
            goal = f"{r['goal_text']} " + ("ok" if r["meets_goal"] else "MISSED")
        table.add_row(
            r["figure"],
            num(r["value"]),
            r["baseline"],
            num(r["baseline_value"]),
            "-" if r["ratio"] is None else f"{r['ratio']:.2f}x",
            goal,
            r["note"],
        )
    Console().print(table)
