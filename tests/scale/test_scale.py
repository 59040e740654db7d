"""``frontwire scale`` on a real local Dask cluster (2 worker processes) gives the store ``frontwire
run`` gives on the same input, row by row, also when a worker process is killed (SIGKILL, by pid)
while tasks run. No mocks: real workers, real SQLite stores, the bundled examples plus generated
texts and a WARC file."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontwire.config import load_settings
from frontwire.runner import BATCH_SIZE, RunSummary, run
from frontwire.scale import dask_client, scale, split_tasks
from frontwire.store import open_store
from tests.conftest import EXAMPLES
from tests.fuzzcorpus import html_page, paragraphs

PUBLISHED = "2023-03-07"
# Columns that say when a row was written, not what it holds.
WRITE_TIMES = frozenset({"stored_at", "at", "applied_at"})
# Tables that are SQLite's own (full-text index shadows) or the schema's bookkeeping.
NOT_COMPARED = ("documents_fts", "migrations", "sqlite_")


def _warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers
            )
            writer.write_record(record)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples, 16 generated dispatches and a WARC file of 4 pages (47 items, 3 batches)."""
    root = tmp_path_factory.mktemp("scale-corpus")
    shutil.copytree(EXAMPLES, root / "examples")
    texts = root / "texts"
    texts.mkdir()
    for serial in range(16):
        body = "\n\n".join(paragraphs("en", 500 + serial))
        (texts / f"dispatch-{serial:02d}.txt").write_text(f"Dispatch {serial}\n\n{body}\n", encoding="utf-8")
    pages = [
        (
            f"https://news.example.org/2023/03/07/report-{n}",
            html_page(f"Report {n}", paragraphs("en", 700 + n)),
        )
        for n in range(4)
    ]
    _warc(root / "pages.warc.gz", pages)
    return root


def _inputs(corpus: Path) -> list[str]:
    return [str(corpus / "examples"), str(corpus / "texts"), str(corpus / "pages.warc.gz")]


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite store, less write times, in a canonical order."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not r[0].startswith(NOT_COMPARED)
        ]
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in WRITE_TIMES]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def assert_same_store(got: Path, want: Path) -> None:
    a, b = dump(got), dump(want)
    assert sorted(a) == sorted(b)
    for table in b:
        missing = [r for r in b[table] if r not in a[table]][:3]
        extra = [r for r in a[table] if r not in b[table]][:3]
        assert a[table] == b[table], (
            f"{table}: {len(a[table])} rows vs {len(b[table])}; extra {extra}, missing {missing}"
        )


@pytest.fixture(scope="module")
def reference(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory, resources: Any
) -> tuple[Path, RunSummary]:
    """What ``frontwire run`` (in-process) stores for the corpus."""
    db = tmp_path_factory.mktemp("run") / "run.db"
    store = open_store(db)
    try:
        summary = run(
            _inputs(corpus), store, load_settings(db=str(db)), published=PUBLISHED, resources=resources
        )
    finally:
        store.close()
    # The corpus exercises what the comparison is for: several batches, links, a WARC file.
    assert summary.stored >= 40 and summary.link.events_linked > 0 and summary.link.contradictions > 0
    return db, summary


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local cluster of 2 single-threaded worker processes for the module's runs."""
    settings = load_settings(db=str(tmp_path_factory.mktemp("cluster") / "unused.db"))
    with dask_client(workers=2, settings=settings) as c:
        yield c


def _scale(corpus: Path, db: Path, client: Any, **kwargs: Any) -> RunSummary:
    store = open_store(db)
    try:
        return scale(
            _inputs(corpus), store, load_settings(db=str(db)), client=client, published=PUBLISHED, **kwargs
        )
    finally:
        store.close()


def _same_counts(a: RunSummary, b: RunSummary) -> None:
    assert (a.stored, a.duplicates, a.updated, a.copies, a.skipped) == (
        b.stored,
        b.duplicates,
        b.updated,
        b.copies,
        b.skipped,
    )
    assert (a.link.events_linked, a.link.contradictions, a.link.duplicates) == (
        b.link.events_linked, b.link.contradictions, b.link.duplicates,
    )  # fmt: skip


@pytest.mark.slow
def test_scale_stores_what_run_stores(
    corpus: Path, reference: tuple[Path, RunSummary], client: Any, tmp_path: Path
) -> None:
    ref_db, ref = reference
    db = tmp_path / "scale.db"
    seen: list[int] = []
    summary = _scale(corpus, db, client, on_task=seen.append)
    assert len(seen) >= 2  # the input went out as several tasks
    _same_counts(summary, ref)
    assert_same_store(db, ref_db)
    # A rerun on the cluster adds nothing, as a rerun of `run` does.
    again = _scale(corpus, db, client)
    assert again.stored == 0 and again.duplicates == ref.stored + ref.copies
    assert_same_store(db, ref_db)


@pytest.mark.slow
def test_scale_with_a_worker_killed_mid_task(
    corpus: Path, reference: tuple[Path, RunSummary], client: Any, tmp_path: Path
) -> None:
    ref_db, ref = reference
    before = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_busy_worker(done: int) -> None:
        # After the first task's results are back, kill (SIGKILL) a worker that is running a task.
        if killed:
            return
        busy = [addr for addr, keys in client.processing().items() if keys]
        assert busy, "no task left running to interrupt"
        pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    db = tmp_path / "killed.db"
    summary = _scale(corpus, db, client, on_task=kill_a_busy_worker)
    assert killed and killed[0] in before.values()
    _same_counts(summary, ref)
    assert_same_store(db, ref_db)
    # The nanny replaced the killed process; the cluster is whole again for later runs.
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in client.run(os.getpid).values()


def test_tasks_are_whole_batches_in_order_and_one_per_container() -> None:
    from frontwire.pipeline import Outcome

    def batch(source: str, n: int) -> list[Any]:
        return [
            Outcome(source=f"{source}#{i}" if source.endswith(".warc.gz") else f"{source}-{i}")
            for i in range(n)
        ]

    big = (
        [batch("a.warc.gz", BATCH_SIZE) for _ in range(5)]
        + [batch("b.warc.gz", 3)]
        + [batch("page", 16) for _ in range(70)]
    )
    tasks = list(split_tasks(big, workers=1, task_items=1000))
    assert [b for t in tasks for b in t] == big  # every batch once, in input order
    assert [len(t) for t in tasks] == [5, 1, 62, 8]  # a WARC file is a task; at most 1,000 items
    small = [batch("page", 16) for _ in range(13)]
    tasks = list(split_tasks(small, workers=2, task_items=1000))
    assert [b for t in tasks for b in t] == small and len(tasks) >= 6  # spread over both workers


def test_a_one_batch_task_goes_out_in_halves_and_comes_back_as_its_batch() -> None:
    # The executor's own bookkeeping, on a stand-in client that answers at once: on 2 workers a
    # small input's one-batch tasks go out as two halves each, and each batch comes back whole, in
    # order, with its stages' times summed; on 1 worker nothing is split.
    from frontwire.pipeline import Outcome
    from frontwire.scale.executor import DaskExecutor

    class Done:
        def __init__(self, value: Any, key: str) -> None:
            self.value, self.key = value, key

        def result(self, timeout: float | None = None) -> Any:
            return self.value

        def release(self) -> None:
            pass

    class Client:
        def __init__(self, workers: int) -> None:
            self.workers = workers
            self.sizes: list[int] = []

        def scheduler_info(self) -> dict[str, Any]:
            return {"workers": {f"w{i}": {"nthreads": 1} for i in range(self.workers)}}

        def submit(self, fn: Any, settings: Any, task: list[Any], key: str, **_: Any) -> Done:
            self.sizes += [len(b) for b in task]
            return Done([([Outcome(source=o.source) for o in b], {"nlp": 1.0 * len(b)}) for b in task], key)

    batches = [[Outcome(source=f"b{b}-{i}") for i in range(n)] for b, n in enumerate((16, 16, 5, 1))]
    for workers, sizes in ((2, [8, 8, 8, 8, 2, 3, 1]), (1, [16, 16, 5, 1])):
        client = Client(workers)
        executor = DaskExecutor(client=client, settings=load_settings())
        out = list(executor.map_batches(batches))
        assert client.sizes == sizes
        got = [[o.source for o in outcomes] for outcomes, _ in out]
        assert got == [[o.source for o in b] for b in batches]
        assert [t["nlp"] for _, t in out] == [16.0, 16.0, 5.0, 1.0]
