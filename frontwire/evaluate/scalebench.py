"""``frontwire bench --scale``: ``frontwire scale`` on 1 and 2 Dask workers against ``frontwire run``
in-process, on the same texts, and a projection for N workers.

Each system runs the whole job (plan, process, commit, link) into a fresh SQLite store over one
JSONL file of the texts; the clock starts once the models are loaded (cluster start and model
load are reported apart). The projection reads two costs measured here: the per-document process
cost on a worker (the stages' own timings, from the 1-worker run) and the per-document cost of
what only the client does, in input order (commit and link, replayed on the documents the 2-worker
run made, into a fresh store). N workers give at most N / worker_cost documents a second and the
client at most 1 / client_cost, so the speed-up stops growing at worker_cost / client_cost workers.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontwire.errors import ConfigError

GOAL_SPEEDUP_2 = 1.7  # 2 workers against 1 on a 2-core machine (issue 12)
PROJECT = (1, 2, 4, 8, 16, 32, 64, 128)
PROCESS_STAGES = ("extract", "nlp", "timex", "geo", "claims", "events")


@dataclass(slots=True)
class _Recorder:
    """Wraps an executor and keeps what it yields (documents already without their spaCy Doc)."""

    inner: Any
    kept: list[Any] = field(default_factory=list)

    def map_batches(self, batches: Iterable[Any]) -> Iterator[Any]:
        for result in self.inner.map_batches(batches):
            self.kept.append(result[0])
            yield result


def _write_input(texts: list[dict[str, Any]], folder: Path) -> list[str]:
    path = folder / "texts.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for t in texts:
            fh.write(json.dumps({"text": t["text"], "published": t.get("published")}) + "\n")
    return [str(path)]


def _figures(summary: Any, seconds: float, words: int) -> dict[str, Any]:
    docs = summary.stored + summary.copies + summary.updated
    return {
        "docs": docs,
        "items": summary.items,
        "seconds": seconds,
        "docs_per_s": docs / seconds if seconds else None,
        "words_per_s": words / seconds if seconds else None,
        "timings": dict(summary.timings),
        "events_linked": summary.link.events_linked,
    }


def _m_run(inputs: list[str], folder: Path, words: int) -> dict[str, Any]:
    from frontwire.config import load_settings
    from frontwire.runner import run
    from frontwire.scale.executor import load_all
    from frontwire.store import open_store

    db = folder / "run.db"
    settings = load_settings(db=str(db))
    t0 = time.perf_counter()
    res = load_all(settings)
    load_s = time.perf_counter() - t0
    store = open_store(db)
    try:
        t0 = time.perf_counter()
        summary = run(inputs, store, settings, resources=res)
        seconds = time.perf_counter() - t0
    finally:
        store.close()
    return {**_figures(summary, seconds, words), "start_s": load_s}


def _m_scale(inputs: list[str], folder: Path, words: int, workers: int, record: bool) -> dict[str, Any]:
    from frontwire.config import load_settings
    from frontwire.runner import run
    from frontwire.scale.executor import DaskExecutor, dask_client
    from frontwire.store import open_store

    db = folder / f"scale-{workers}.db"
    settings = load_settings(db=str(db))
    t0 = time.perf_counter()
    with dask_client(workers=workers, settings=settings) as client:
        client.wait_for_workers(workers)
        start_s = time.perf_counter() - t0
        executor: Any = DaskExecutor(client, settings)
        if record:
            executor = _Recorder(executor)
        store = open_store(db)
        try:
            t0 = time.perf_counter()
            summary = run(inputs, store, settings, executor=executor)
            seconds = time.perf_counter() - t0
        finally:
            store.close()
        tasks = executor.inner.tasks_done if record else executor.tasks_done
    out = {**_figures(summary, seconds, words), "start_s": start_s, "workers": workers, "tasks": tasks}
    if record:
        out["_outcomes"] = executor.kept
    return out


def _m_client(batches: list[Any], folder: Path) -> dict[str, Any]:
    """Commit and link the documents already made, batch by batch, into a fresh store: the work
    only the client does, in input order, whatever the number of workers."""
    from frontwire.config import load_settings
    from frontwire.resources import Resources
    from frontwire.runner import after_commit, commit
    from frontwire.store import open_store

    db = folder / "client.db"
    res = Resources(load_settings(db=str(db)))
    _ = res.link_rules
    store = open_store(db)
    commit_s = link_s = 0.0
    docs = 0
    try:
        for outcomes in batches:
            t0 = time.perf_counter()
            done = commit(store, outcomes)
            t1 = time.perf_counter()
            if done.documents:
                after_commit(store, done, res)
            t2 = time.perf_counter()
            commit_s += t1 - t0
            link_s += t2 - t1
            docs += len(done.documents)
    finally:
        store.close()
    return {
        "docs": docs,
        "commit_s": commit_s,
        "link_s": link_s,
        "write_docs_per_s": docs / commit_s if commit_s else None,
        "client_docs_per_s": docs / (commit_s + link_s) if commit_s + link_s else None,
    }


def project(worker_s_per_doc: float, client_s_per_doc: float, efficiency: float = 1.0) -> dict[str, Any]:
    """Documents/s and speed-up over 1 worker for N workers (one core each, the client on its own):
    min(N * efficiency / worker cost, 1 / client cost); the cap is where the two meet."""
    one = min(1.0 / worker_s_per_doc, 1.0 / client_s_per_doc)
    rows = []
    for n in PROJECT:
        rate = min(n * efficiency / worker_s_per_doc, 1.0 / client_s_per_doc)
        rows.append({"workers": n, "docs_per_s": rate, "speedup": rate / one})
    cap = worker_s_per_doc / (client_s_per_doc * efficiency)
    return {
        "rows": rows,
        "cap_workers": cap,
        "cap_docs_per_s": 1.0 / client_s_per_doc,
        "efficiency": efficiency,
    }


def run_scale_bench(docs: int, corpus: Path | None, json_out: Path | None) -> dict[str, Any]:
    """Measure, print the table, return (and optionally write) the figures."""
    from frontwire.evaluate.bench import load_corpus

    if docs < 8:
        raise ConfigError("--docs must be at least 8 for --scale (tasks for two workers)")
    texts, _, source = load_corpus(docs, corpus)
    if not texts:
        raise ConfigError(f"no texts in {source}: --scale times text articles (use --corpus DIR of .txt)")
    words = sum(len(t["text"].split()) for t in texts)
    raw: dict[str, Any] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="frontwire-scalebench-") as tmp:
        folder = Path(tmp)
        inputs = _write_input(texts, folder)
        raw["run"] = _m_run(inputs, folder, words)
        raw["scale_1"] = _m_scale(inputs, folder, words, 1, record=False)
        raw["scale_2"] = _m_scale(inputs, folder, words, 2, record=True)
        raw["client"] = _m_client(raw["scale_2"].pop("_outcomes"), folder)
    one, two = raw["scale_1"], raw["scale_2"]
    speedup = two["docs_per_s"] / one["docs_per_s"] if one["docs_per_s"] and two["docs_per_s"] else None
    worker_s = sum(one["timings"].get(s, 0.0) for s in PROCESS_STAGES) / max(1, one["docs"])
    client = raw["client"]
    client_s = (client["commit_s"] + client["link_s"]) / max(1, client["docs"])
    efficiency = min(1.0, speedup / 2) if speedup else 1.0
    out = {
        "corpus": source,
        "cpu_count": os.cpu_count(),
        "load_average": [load_before, os.getloadavg()[0]],
        "words": words,
        "raw": raw,
        "speedup_2_vs_1": speedup,
        "goal_speedup_2": GOAL_SPEEDUP_2,
        "scale_2_vs_run": two["docs_per_s"] / raw["run"]["docs_per_s"] if raw["run"]["docs_per_s"] else None,
        "worker_s_per_doc": worker_s,
        "client_s_per_doc": client_s,
        "projection_ideal": project(worker_s, client_s),
        "projection_measured_efficiency": project(worker_s, client_s, efficiency),
    }
    _print(out)
    if json_out is not None:
        from frontwire.evaluate.report import write_json

        write_json(out, json_out)
    return out


def _num(v: float | None, digits: int = 2) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def _print(out: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    raw = out["raw"]
    before, after = out["load_average"]
    table = Table(
        title=f"frontwire bench --scale · {out['corpus']} · {out['cpu_count']} cores "
        f"(load average {before:.1f} before, {after:.1f} after: other work shares the cores)"
    )
    for col, justify in (
        ("system", "left"),
        ("docs", "right"),
        ("s", "right"),
        ("docs/s", "right"),
        ("ratio", "right"),
        ("start s", "right"),
        ("goal", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    base = raw["run"]["docs_per_s"]
    one = raw["scale_1"]["docs_per_s"]
    table.add_row(
        "frontwire run (in-process)",
        str(raw["run"]["docs"]),
        _num(raw["run"]["seconds"], 1),
        _num(base),
        "1.00x run",
        _num(raw["run"]["start_s"], 1),
        "",
    )
    for key in ("scale_1", "scale_2"):
        r = raw[key]
        ratio = f"{r['docs_per_s'] / base:.2f}x run" if base and r["docs_per_s"] else "-"
        goal = ""
        if key == "scale_2" and out["speedup_2_vs_1"]:
            ok = "ok" if out["speedup_2_vs_1"] >= GOAL_SPEEDUP_2 else "below goal"
            ratio += f", {out['speedup_2_vs_1']:.2f}x 1 worker"
            goal = f">= {GOAL_SPEEDUP_2}x 1 worker {ok}"
        elif key == "scale_1" and one and base:
            goal = "Dask overhead on 1 worker"
        table.add_row(
            f"frontwire scale, {r['workers']} worker(s), {r['tasks']} tasks",
            str(r["docs"]),
            _num(r["seconds"], 1),
            _num(r["docs_per_s"]),
            ratio,
            _num(r["start_s"], 1),
            goal,
        )
    console.print(table)
    c = raw["client"]
    n = max(1, c["docs"])
    console.print(
        f"per document: process on a worker {out['worker_s_per_doc'] * 1000:.0f} ms; on the client, "
        f"commit {c['commit_s'] / n * 1000:.1f} ms (store write {_num(c['write_docs_per_s'], 0)} docs/s, "
        f"SQLite) + link {c['link_s'] / n * 1000:.1f} ms = {_num(c['client_docs_per_s'], 0)} docs/s"
    )
    proj = Table(title="projection for N workers (one core each; the client commits and links in order)")
    proj.add_column("workers", justify="right")
    proj.add_column("docs/s ideal", justify="right")
    proj.add_column("speed-up", justify="right")
    eff = out["projection_measured_efficiency"]["efficiency"]
    proj.add_column(f"docs/s at measured efficiency {eff:.2f}", justify="right")
    proj.add_column("speed-up", justify="right")
    for a, b in zip(
        out["projection_ideal"]["rows"], out["projection_measured_efficiency"]["rows"], strict=True
    ):
        proj.add_row(
            str(a["workers"]),
            _num(a["docs_per_s"], 1),
            f"{a['speedup']:.1f}x",
            _num(b["docs_per_s"], 1),
            f"{b['speedup']:.1f}x",
        )
    console.print(proj)
    ideal, real = out["projection_ideal"], out["projection_measured_efficiency"]
    console.print(
        f"The store write and link rate caps the speed-up at about {ideal['cap_workers']:.0f} workers "
        f"({ideal['cap_docs_per_s']:.0f} docs/s; {real['cap_workers']:.0f} at the measured efficiency). "
        "Linking grows with the store (see the link-scaling figures of frontwire bench), so the cap is lower "
        "on a large store; past it, more workers only queue results on the client."
    )
