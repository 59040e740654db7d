"""``frontwire bench --process``: whole processes, timed as a user runs them, and a store of 100,000.

The in-process bench times the pipeline inside one warm process. A user types a command: this times
``frontwire run FILE.jsonl --db fresh.db`` (a new process, a fresh store, every stage, the progress
bar) against a script that loads spaCy's full pipeline and runs ``nlp.pipe`` over the same texts,
on 1 article (start-up) and on more (throughput). Runs alternate between the two systems (which
goes first alternates too), each pinned to the same core with single-threaded BLAS; figures are
medians. Peak RSS is each process's own (``wait4``). The parts of start-up come from one more
process that times each import and each stage's resources (``Stage.load_resources``) in turn.

The store section builds a store of ``store_docs`` documents from real ones: the documents of the
largest ``frontwire run`` above, read back from its store, copied with new ids (and a line added
to the text, so that no copy is a duplicate of another), written with ``add_documents`` in batches
of 16 as the runner writes. It times writes into the empty and the full store, replacing a stored
document, and the store calls behind the query commands at full size.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from frontwire.errors import ConfigError

# Goals of issue 13 (whole processes).
PROCESS_GOALS = {"run_vs_spacy": 1.05, "startup_s": 1.2, "peak_rss_mb": 1024.0, "store_write_drop": 0.20,
                 "replace_ms": 5.0, "query_ms": 100.0}  # fmt: skip
ISSUE_SPACY_STARTUP_S = 0.99  # the spaCy script's start-up on the machine where the goals were set
STORE_BATCH = 16  # documents per add_documents call, as the runner
WRITE_SAMPLES = 3  # samples of the write rate at each end (median)
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# The baseline: what a user would write to run spaCy's full pipeline over the same texts.
SPACY_SCRIPT = """
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as fh:
    texts = [json.loads(line)["text"] for line in fh if line.strip()]
for doc in nlp.pipe(texts):
    pass
"""

# One process that times the parts of frontwire's start-up in the order a run meets them.
PARTS_SCRIPT = """
import json, sys, time
parts = []
t = time.perf_counter()
def mark(name):
    global t
    now = time.perf_counter()
    parts.append((name, now - t))
    t = now
import frontwire.cli
mark("import frontwire.cli (typer, rich, config)")
import frontwire.runner
mark("import frontwire.runner (ingest, store, link)")
import spacy
mark("import spacy")
from frontwire.config import load_settings
from frontwire.nlp.model import add_components, load_model
from frontwire.pipeline import STAGES
from frontwire.resources import Resources
settings = load_settings()
nlp = load_model(settings)
mark("spacy.load (the model)")
res = Resources(settings)
res.__dict__["nlp"] = add_components(nlp, settings)
mark("frontwire components (EntityRuler, frontwire_morph)")
for stage in STAGES:
    stage.load_resources(res)
    mark("stage " + stage.name + " resources: " + ", ".join(n for n in stage.resources if n != "nlp"))
print("PARTS " + json.dumps(parts))
"""


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _env(cache_dir: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(dict.fromkeys(_THREAD_VARS, "1"))
    env.pop("FRONTWIRE_DB", None)
    if cache_dir is not None:
        env["FRONTWIRE_CACHE_DIR"] = cache_dir
    return env


def _core() -> int | None:
    if not hasattr(os, "sched_getaffinity"):
        return None
    return sorted(os.sched_getaffinity(0))[0]


# A small process runs the measured command and reports its rusage: a child forked from a big process
# (a test run with spaCy loaded) would report that process's pages as its own peak RSS.
_SPAWN = """
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss,
               "cpu_s": usage.ru_utime + usage.ru_stime}, fh)
"""


def timed(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 3600.0) -> dict[str, Any]:
    """Run ``cmd`` pinned to one core: wall seconds, CPU seconds, the child's own peak RSS (MB), exit
    code and output."""
    core = _core()

    def pin() -> None:
        if core is not None:
            os.sched_setaffinity(0, {core})

    with tempfile.TemporaryDirectory() as tmp:
        report, log = Path(tmp) / "usage.json", Path(tmp) / "out.log"
        with log.open("wb") as out:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-c", _SPAWN, str(report), *cmd],
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=pin,
            )
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            seconds = time.perf_counter() - t0
        text = log.read_text(encoding="utf-8", errors="replace")
        try:
            usage = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            usage = {"rc": proc.returncode or -1, "maxrss_kb": 0, "cpu_s": float("nan")}
    return {
        "seconds": seconds,
        "cpu_s": usage["cpu_s"],  # less moved by other load on the machine than wall time
        "peak_rss_mb": usage["maxrss_kb"] / 1024,
        "rc": usage["rc"],
        "output": text,
    }


def frontwire_command() -> list[str]:
    """The command a user types: the ``frontwire`` script beside this interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("frontwire")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "frontwire.cli"]


def write_inputs(rows: list[dict[str, Any]], sizes: list[int], folder: Path) -> dict[int, Path]:
    """One JSONL file of the first ``n`` articles for each size (id, text, published)."""
    paths = {}
    for n in sizes:
        path = folder / f"articles-{n}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for r in rows[:n]:
                rec = {"id": r["id"], "text": r["text"], "published": r.get("published")}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        paths[n] = path
    return paths


def _check(result: dict[str, Any], what: str) -> None:
    if result["rc"] != 0:
        raise ConfigError(f"{what} failed (exit {result['rc']}): {result['output'][-1500:]}")


def measure_processes(
    rows: list[dict[str, Any]],
    sizes: list[int],
    repeats: int,
    work: Path,
    model: str,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Alternating whole-process runs of frontwire and of the spaCy script at each size."""
    inputs = write_inputs(rows, sizes, work)
    env = _env()
    fw, spacy_cmd = frontwire_command(), [sys.executable, "-c", SPACY_SCRIPT, model]
    # Warm-up (not timed): the page cache, and frontwire's derived caches in the user cache folder.
    _check(
        timed([*fw, "run", str(inputs[sizes[0]]), "--db", str(work / "warm.db")], env, work), "frontwire run"
    )
    _check(timed([*spacy_cmd, str(inputs[sizes[0]])], env, work), "the spaCy script")
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {str(n): {"frontwire": [], "spacy": []} for n in sizes}
    keep: Path | None = None
    for rep in range(repeats):
        for n in sizes:
            order = ("frontwire", "spacy") if (rep + sizes.index(n)) % 2 == 0 else ("spacy", "frontwire")
            for system in order:
                if system == "frontwire":
                    db = work / f"run-{n}-{rep}.db"
                    got = timed([*fw, "run", str(inputs[n]), "--db", str(db)], env, work)
                    _check(got, "frontwire run")
                    if n == max(sizes) and keep is None:
                        keep = db  # documents for the store section
                    elif db != keep:
                        _remove_db(db)
                else:
                    got = timed([*spacy_cmd, str(inputs[n])], env, work)
                    _check(got, "the spaCy script")
                got.pop("output")
                runs[str(n)][system].append(got)
                progress(f"{system} {n} article(s), run {rep + 1}/{repeats}: {got['seconds']:.2f} s")
    # Start-up with empty caches (what the very first run after installing costs), once.
    cold_dir = work / "cold-cache"
    cold = timed(
        [*fw, "run", str(inputs[sizes[0]]), "--db", str(work / "cold.db")], _env(str(cold_dir)), work
    )
    _check(cold, "frontwire run (empty cache)")
    cold.pop("output")
    shutil.rmtree(cold_dir, ignore_errors=True)
    parts = startup_parts(repeats, work, env)
    python = [timed([sys.executable, "-c", "pass"], env, work)["seconds"] for _ in range(repeats)]
    return {
        "sizes": sizes,
        "repeats": repeats,
        "runs": runs,
        "cold_start": cold,
        "parts": parts,
        "python_s": _median(python),
        "store_db": str(keep) if keep else None,
        "command": " ".join(fw) + " run FILE.jsonl --db fresh.db",
    }


def startup_parts(repeats: int, work: Path, env: dict[str, str]) -> dict[str, float]:
    """Median seconds of each part of start-up (one process per repeat)."""
    found: dict[str, list[float]] = {}
    for _ in range(repeats):
        got = timed([sys.executable, "-c", PARTS_SCRIPT], env, work)
        _check(got, "the start-up parts script")
        line = next(ln for ln in got["output"].splitlines() if ln.startswith("PARTS "))
        for name, secs in json.loads(line[len("PARTS ") :]):
            found.setdefault(name, []).append(secs)
    return {name: _median(v) for name, v in found.items()}


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)


# -- the store at size ------------------------------------------------------------------------------


def _copy(doc: Any, n: int) -> Any:
    """``doc`` under a new id (and new raw hash, URL and a last line of text), extractions kept."""
    from frontwire.model import sha256_hex

    art = doc.article
    new_id = sha256_hex(f"{art.id}/copy/{n}")[: len(art.id)] if len(art.id) >= 12 else f"{art.id}-c{n}"
    article = dataclasses.replace(
        art,
        id=new_id,
        source=f"{art.source}#copy{n}",
        text=f"{art.text}\n\n(copy {n})",  # offsets of every span are unchanged
        raw_sha256=sha256_hex(f"{art.raw_sha256}/{n}"),
        url=f"{art.url}?copy={n}" if art.url else None,
        canonical_url=f"{art.canonical_url}?copy={n}" if art.canonical_url else None,
        duplicate_of=None,
        boilerplate=list(art.boilerplate),
    )
    return dataclasses.replace(doc, article=article, nlp=None)


def _write(store: Any, docs: list[Any]) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(docs), STORE_BATCH):
        store.add_documents(docs[i : i + STORE_BATCH])
    return time.perf_counter() - t0


def _timed_call(fn: Callable[[], Any], repeats: int) -> tuple[float, int]:
    """(median ms, rows returned) of ``fn``."""
    times, n = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = len(fn())
        times.append(1000 * (time.perf_counter() - t0))
    return _median(times), n


def store_queries(store: Any, some_id: str) -> dict[str, Callable[[], Any]]:
    """Every query command's store call, named as the command a user types (``some_id``: a stored
    document; the entity, place and dates are the store's own: its most mentioned entity and
    place, its middle publication day)."""
    db = store.db
    ent = db.execute("SELECT entity_id FROM entity_stats ORDER BY mentions DESC LIMIT 1").fetchone()
    place = db.execute("SELECT place_id FROM place_stats ORDER BY mentions DESC LIMIT 1").fetchone()
    n = db.execute("SELECT count(*) FROM documents WHERE published IS NOT NULL").fetchone()[0]
    mid = db.execute(
        "SELECT substr(published, 1, 10) FROM documents WHERE published IS NOT NULL"
        " ORDER BY published LIMIT 1 OFFSET ?",
        (n // 2,),
    ).fetchone()
    day = mid[0] if mid else "2022-02-24"
    ent_id, place_id = (ent[0] if ent else "none"), (place[0] if place else "none")
    doc = some_id[:12]
    return {
        "documents": lambda: store.documents(),
        "documents --sort title": lambda: store.documents(sort="title"),
        "documents --place kyiv": lambda: store.documents(place="kyiv"),
        f"documents --since {day}": lambda: store.documents(since=day),
        "documents --outlet reuters": lambda: store.documents(outlet="reuters"),
        f"document {doc}": lambda: [store.get(some_id)],
        "entities": lambda: store.entities(),
        f"entities --doc {doc}": lambda: store.entities(None, some_id),
        "entities --type PERSON": lambda: store.entities("PERSON"),
        "entities --name zelensk": lambda: store.entities(name="zelensk"),
        "entities --sort name": lambda: store.entities(sort="name"),
        "entities --sort date": lambda: store.entities(sort="date"),
        f"entities --since {day}": lambda: store.entities(since=day),
        "entities --outlet reuters": lambda: store.entities(outlet="reuters"),
        "entities --mentions": lambda: store.entity_mentions(),
        "entities --mentions --name zelensk": lambda: store.entity_mentions("zelensk"),
        "entities --mentions --entity ID": lambda: store.entity_mentions(entity_id=ent_id),
        f"entities --mentions --doc {doc}": lambda: store.entity_mentions(doc_id=some_id),
        "claims": lambda: store.query_claims(),
        "claims --speaker zelensky": lambda: store.query_claims("zelensky"),
        "claims --speaker zzzzq": lambda: store.query_claims("zzzzq"),
        "claims --stance hedged": lambda: store.query_claims(stance="hedged"),
        f"claims --doc {doc}": lambda: store.query_claims(doc_id=some_id),
        "claims --place kyiv": lambda: store.query_claims(place="kyiv"),
        "claims --sort speaker": lambda: store.query_claims(sort="speaker"),
        "claims --outlet reuters": lambda: store.query_claims(outlet="reuters"),
        "places": lambda: store.query_places(),
        f"places --doc {doc}": lambda: store.query_places(None, some_id),
        "places --name kyiv": lambda: store.query_places("kyiv"),
        "places --sort name": lambda: store.query_places(sort="name"),
        f"places --since {day}": lambda: store.query_places(since=day),
        "places --mentions": lambda: store.place_mentions(),
        "places --mentions --name kyiv": lambda: store.place_mentions("kyiv"),
        "places --mentions --place ID": lambda: store.place_mentions(place_id=place_id),
        f"places --mentions --doc {doc}": lambda: store.place_mentions(doc_id=some_id),
        "events": lambda: store.query_events(),
        "events --type Battles": lambda: store.query_events("Battles"),
        "events --place kyiv": lambda: store.query_events(place="kyiv"),
        "events --actor russia": lambda: store.query_events(actor="russia"),
        f"events --since {day} --until {day}": lambda: store.query_events(since=day, until=day),
        f"events --doc {doc}": lambda: store.query_events(doc_id=some_id),
        "events --sort published": lambda: store.query_events(sort="published"),
        "times": lambda: store.query_times(),
        f"times --doc {doc}": lambda: store.query_times(some_id),
        "times --sort date": lambda: store.query_times(sort="date"),
        "search russia": lambda: store.search("russia"),
        "search russia --sort date": lambda: store.search("russia", sort="date"),
        "search bakhmut": lambda: store.search("bakhmut"),
        "clusters": lambda: store.clusters(),
        "clusters --place kyiv": lambda: store.clusters(place="kyiv"),
        "contradictions": lambda: store.contradictions(),
        "skips": lambda: store.skips(),
    }


def measure_store(
    source_db: Path,
    store_docs: int,
    work: Path,
    repeats: int = 3,
    sample: int = 100,
    keep: Path | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Write rates into an empty store and one of ``store_docs``, replace and query times there."""
    from frontwire.store import open_store

    src = open_store(str(source_db), create=False)
    try:
        ids = src.find_ids("", limit=10**6)
        docs = [src.get(i) for i in ids]
    finally:
        src.close()
    if not docs:
        raise ConfigError(f"{source_db}: no documents to copy")
    sample = min(sample, max(1, store_docs // 4))
    path = keep or work / "store-at-size.db"
    _remove_db(path)
    store = open_store(str(path))
    serial = 0

    def batch(n: int) -> list[Any]:
        nonlocal serial
        out = []
        for _ in range(n):
            out.append(_copy(docs[serial % len(docs)], serial))
            serial += 1
        return out

    try:
        # The empty-store rate is the median of WRITE_SAMPLES fresh stores, after one untimed write into
        # another: the first write of a process also pays for cold code paths and statement caches,
        # which would flatter the comparison with the full store (written by a warm process).
        empty_rates = []
        for n in range(WRITE_SAMPLES + 1):
            scratch = work / f"store-empty-{n}.db"
            _remove_db(scratch)
            other = open_store(str(scratch))
            try:
                secs = _write(other, batch(sample))
            finally:
                other.close()
                _remove_db(scratch)
            if n:
                empty_rates.append(sample / secs)
        progress(f"store: {sample} documents into an empty store at {_median(empty_rates):,.0f} docs/s")
        base = serial  # the measured store's own documents are numbered from here
        first = batch(sample)
        _write(store, first)
        t0 = time.perf_counter()
        chunks: list[tuple[int, float]] = []
        # Built up to the last samples, which take it to store_docs.
        build_to = max(sample, store_docs - sample * WRITE_SAMPLES)
        while serial - base < build_to:
            n = min(1000, build_to - (serial - base))
            chunk = batch(n)
            secs = _write(store, chunk)
            chunks.append((serial - base, n / secs if secs else float("nan")))
            if len(chunks) % 10 == 0:
                progress(f"store: {serial - base:,} documents ({chunks[-1][1]:,.0f} docs/s)")
        build_s = time.perf_counter() - t0
        full_rates = [sample / _write(store, batch(sample)) for _ in range(WRITE_SAMPLES)]
        stored = serial - base
        rate = _median(full_rates)
        progress(f"store: {sample} documents into a store of {build_to:,} or more at {rate:,.0f} docs/s")
        # Replacing a stored document (a --reprocess of it), one per transaction.
        replace_ms = []
        for doc in first[: min(10, len(first))]:
            t1 = time.perf_counter()
            store.add_documents([doc], replace=True)
            replace_ms.append(1000 * (time.perf_counter() - t1))
        queries = store_queries(store, first[len(first) // 2].id)
        query_ms: dict[str, tuple[float, int | str]] = {}
        for name, fn in queries.items():
            try:
                query_ms[name] = _timed_call(fn, repeats)
            except Exception as exc:  # the store is being rebuilt in parallel: report, do not fail
                query_ms[name] = (float("nan"), f"{type(exc).__name__}: {exc}"[:120])
    finally:
        store.close()
    mb = sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists()) / 1e6
    if keep is None:
        _remove_db(path)
    return {
        "store_docs": stored,
        "source_docs": len(docs),
        "sample": sample,
        "empty_rate": _median(empty_rates),
        "full_rate": _median(full_rates),
        "empty_rates": empty_rates,
        "full_rates": full_rates,
        "build_s": build_s,
        "chunk_rates": chunks,
        "replace_ms": _median(replace_ms),
        "queries_ms": query_ms,
        "mb": mb,
        "kept": str(path) if keep else None,
    }


# -- the table ----------------------------------------------------------------------------------------


def _row(
    figure: str,
    value: float | None,
    baseline: str = "",
    base: float | None = None,
    *,
    goal: str = "",
    ok: bool | None = None,
    note: str = "",
) -> dict[str, Any]:
    ratio = value / base if value is not None and base else None
    return {
        "figure": figure,
        "value": value,
        "baseline": baseline,
        "baseline_value": base,
        "ratio": ratio,
        "goal": None,
        "goal_text": goal,
        "meets_goal": ok,
        "note": note,
    }


def process_rows(proc: dict[str, Any] | None, store: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Table rows of the whole-process and store sections, with the issue's goals."""
    rows: list[dict[str, Any]] = []
    if proc:
        rows.extend(_process_rows(proc))
    if store:
        rows.extend(_store_rows(store))
    return rows


def _process_rows(proc: dict[str, Any]) -> list[dict[str, Any]]:
    g = PROCESS_GOALS
    rows: list[dict[str, Any]] = []
    sizes, reps = proc["sizes"], proc["repeats"]
    peak = 0.0
    for n in sizes:
        runs = proc["runs"][str(n)]
        fw = _median([x["seconds"] for x in runs["frontwire"]])
        sp = _median([x["seconds"] for x in runs["spacy"]])
        rss = max(x["peak_rss_mb"] for x in runs["frontwire"])
        peak = max(peak, rss)
        cpu_fw = _median([x.get("cpu_s", float("nan")) for x in runs["frontwire"]])
        cpu_sp = _median([x.get("cpu_s", float("nan")) for x in runs["spacy"]])
        note = (
            f"median of {reps}, alternating; CPU {cpu_fw:.2f} vs {cpu_sp:.2f} s ({cpu_sp / cpu_fw:.2f}x); "
            f"frontwire peak RSS {rss:.0f} MB"
        )
        if n == min(sizes):
            rows.append(
                _row(
                    f"start-up: frontwire run, {n} article(s), whole process s",
                    fw,
                    "spaCy script (load + nlp.pipe) s",
                    sp,
                    goal=f"<= {g['startup_s']} s",
                    ok=fw <= g["startup_s"],
                    note=f"{note}; {fw - sp:+.2f} s over spaCy alone",
                )
            )
            # The issue set 1.2 s where spaCy's script took 0.99 s: as a ratio, this machine's terms.
            limit = g["startup_s"] / ISSUE_SPACY_STARTUP_S
            rows.append(
                _row(
                    "start-up against the spaCy script's (x)",
                    fw / sp if sp else None,
                    goal=f"<= {limit:.2f}x",
                    ok=None if not sp else fw / sp <= limit,
                    note=f"{g['startup_s']} s against spaCy's {ISSUE_SPACY_STARTUP_S} s where it was set",
                )
            )
            continue
        rows.append(
            _row(f"frontwire run, {n} articles, whole process s", fw, "spaCy script s", sp, note=note)
        )
        speed = sp / fw if fw else None
        goal = f">= {g['run_vs_spacy']}x" if n >= 100 else ""
        rows.append(
            _row(
                f"speed vs spaCy full alone, {n} articles (x)",
                speed,
                goal=goal,
                ok=None if not goal or speed is None else speed >= g["run_vs_spacy"],
                note="spaCy script s / frontwire run s",
            )
        )
    rows.append(
        _row(
            "peak RSS MB (frontwire run, any size)",
            peak,
            goal=f"<= {g['peak_rss_mb']:.0f} MB",
            ok=peak <= g["peak_rss_mb"],
        )
    )
    cold = proc["cold_start"]["seconds"]
    note = "builds the GeoNames tables, the gazetteer and the ruler's phrase cache"
    rows.append(_row("start-up with empty caches s (first run after install)", cold, note=note))
    rows.append(_row("python -c pass s", proc["python_s"], note="interpreter start, for scale"))
    total = sum(proc["parts"].values())
    for name, secs in proc["parts"].items():
        rows.append(_row(f"start-up part: {name} s", secs, note=f"{secs / total:.0%} of the parts"))
    return rows


def _store_rows(store: dict[str, Any]) -> list[dict[str, Any]]:
    g = PROCESS_GOALS
    n, sample = store["store_docs"], store["sample"]
    drop = 1 - store["full_rate"] / store["empty_rate"]
    note = f"add_documents, {STORE_BATCH} per call, copies of {store['source_docs']} real documents"
    samples = len(store.get("full_rates", [0]))
    note += f"; median of {samples} samples" if samples > 1 else ""
    rows = [_row(f"store write docs/s, {sample} into an empty store", store["empty_rate"], note=note)]
    rows.append(
        _row(
            f"store write docs/s, {sample} into a store of ~{n:,}",
            store["full_rate"],
            "empty store",
            store["empty_rate"],
            goal=f"within {g['store_write_drop']:.0%}",
            ok=drop <= g["store_write_drop"],
            note=f"{drop:+.0%} slower; store {store['mb']:,.0f} MB, built in {store['build_s']:.0f} s",
        )
    )
    rows.append(
        _row(
            f"replace one document ms at {n:,}",
            store["replace_ms"],
            goal=f"< {g['replace_ms']:.0f} ms",
            ok=store["replace_ms"] < g["replace_ms"],
            note="add_documents([doc], replace=True), median of 10",
        )
    )
    for name, (ms, got) in store["queries_ms"].items():
        failed = not isinstance(got, int)
        rows.append(
            _row(
                f"query {name} ms at {n:,}",
                None if failed else ms,
                goal=f"< {g['query_ms']:.0f} ms",
                ok=None if failed else ms < g["query_ms"],
                note=str(got) if failed else f"store call (SQL + rows), {got} rows, median",
            )
        )
    return rows


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(p.strip().replace("_", "")) for p in text.split(",") if p.strip()})
    except ValueError as exc:
        raise ConfigError(f"--process-sizes {text!r}: give article counts like 1,100,400") from exc
    if not sizes or sizes[0] < 1:
        raise ConfigError(f"--process-sizes {text!r}: sizes must be positive")
    return sizes


def run_process_bench(
    sizes: list[int],
    repeats: int,
    store_docs: int,
    corpus: Path | None,
    json_out: Path | None,
    keep_store: Path | None = None,
) -> dict[str, Any]:
    """Measure, print the table (with the goals) and return the figures (JSON too when asked)."""
    from frontwire.config import load_settings
    from frontwire.evaluate.bench import _print, load_corpus

    if repeats < 1:
        raise ConfigError("--repeats must be at least 1")
    rows, _, source = load_corpus(max(sizes), corpus)
    if len(rows) < max(sizes):
        raise ConfigError(f"{source}: {len(rows)} texts, fewer than the {max(sizes)} asked for")
    out: dict[str, Any] = {"corpus": source, "cpu_count": os.cpu_count(), "goals": PROCESS_GOALS}
    with tempfile.TemporaryDirectory(prefix="frontwire-processbench-") as tmp:
        work = Path(tmp)
        proc = measure_processes(rows, sizes, repeats, work, load_settings().spacy_model)
        store = None
        if store_docs and proc["store_db"]:
            store = measure_store(Path(proc["store_db"]), store_docs, work, keep=keep_store)
    out["raw"] = {"process": proc, "store": store}
    out["rows"] = process_rows(proc, store)
    out["corpus"] = f"{source} · whole processes: {proc['command']}"
    _print(out)
    if json_out is not None:
        from frontwire.evaluate.report import write_json

        write_json(out, json_out)
    return out
