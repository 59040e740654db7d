"""Batch runs in four steps: plan (what to process), process (the pure per-document stages),
commit (store a batch) and after-commit (link it against the store); resumable, in this process or
in a process pool.

``run()`` is what ``frontwire run`` calls; it is a plain function so tests and the distributed
runner can use it (and its steps) without the CLI.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Protocol

from frontwire.config import Settings
from frontwire.extract.metadata import FLAG
from frontwire.ingest.base import safe_text
from frontwire.link import LinkSummary
from frontwire.model import Document, RawItem, sha256_hex
from frontwire.pipeline import Outcome, process_items
from frontwire.resources import Resources
from frontwire.store import Store
from frontwire.store.base import AddResult

# Skips that mean an input named nothing readable at all (as opposed to a file read and refused).
NOTHING_READ = frozenset({"not_found", "unreadable", "nothing_to_read", "symlink_outside_input"})

# Documents per batch: one nlp.pipe call and one store transaction. 16 keeps spaCy's batching
# efficient while an interrupted run loses at most one batch of work.
BATCH_SIZE = 16


@dataclass(slots=True)
class RunSummary:
    """What a run did, for the closing table and for tests."""

    stored: int = 0
    duplicates: int = 0
    updated: int = 0
    copies: int = 0  # the same text from another publisher, kept as a record of it
    skipped: Counter[str] = field(default_factory=Counter)
    skip_examples: dict[str, str] = field(default_factory=dict)
    stage_errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    link: LinkSummary = field(default_factory=LinkSummary)

    def absorb(self, done: Committed) -> None:
        for o in done.skips:
            reason = o.skip_reason or "unknown"
            self.skipped[reason] += 1
            self.skip_examples.setdefault(reason, f"{o.source}: {o.message}")
        for d in done.documents:
            for err in d.errors:
                self.stage_errors[err.stage] += 1
        self.stored += len(done.result.stored)
        self.duplicates += len(done.result.duplicates)
        self.updated += len(done.result.updated)
        self.copies += len(done.result.copies)

    @property
    def items(self) -> int:
        return self.stored + self.duplicates + self.updated + self.copies + sum(self.skipped.values())

    @property
    def nothing_read(self) -> bool:
        """True when the inputs named no file that could even be opened (a missing path, an empty
        folder, a glob matching nothing): the caller should say so and fail."""
        return self.items == sum(n for reason, n in self.skipped.items() if reason in NOTHING_READ)


def batched(items: Iterable[RawItem | Outcome], size: int) -> Iterator[list[RawItem | Outcome]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def set_hints(item: RawItem, published: str | None, url: str | None) -> RawItem:
    """Apply --published/--url where the input itself lacks them (a page's own date still wins)."""
    if published and not item.published:
        item = replace(item, published=published, published_source=FLAG)
    if url and not item.url:
        item = replace(item, url=url)
    return item


# -- the four steps of a run: plan, process, commit, after-commit ------------------------------
# Plain functions over plain data, so that the same steps run in-process, in a process pool or on
# a distributed engine (only the executor changes).


def plan(
    inputs: list[str],
    settings: Settings,
    store: Store,
    *,
    follow: bool = False,
    published: str | None = None,
    url: str | None = None,
    reprocess: bool = False,
    on_known: Callable[[RawItem], None] | None = None,
    reprocess_stale: bool = False,
) -> Iterator[RawItem | Outcome]:
    """What to process: every input item with the hints applied, less those whose exact bytes are
    already stored (reported to ``on_known``) unless ``reprocess``; ingest skips pass through.
    With ``reprocess_stale``, stored items whose documents were made by other extractor versions
    than the installed ones (``Store.stale_documents``) are processed again (and replace them)."""
    from frontwire.ingest import iter_items
    from frontwire.store.rows import installed_versions

    stale: set[str] | None = None
    for entry in iter_items(inputs, settings, follow=follow):
        if isinstance(entry, RawItem):
            entry = set_hints(entry, published, url)
            raw = sha256_hex(entry.data)
            if not reprocess and store.has_raw(raw):
                if reprocess_stale:
                    if stale is None:
                        stale = store.stale_documents(installed_versions())
                    if raw in stale:
                        yield entry
                        continue
                if on_known:
                    on_known(entry)
                continue
        yield entry


def process(batch: list[RawItem | Outcome], resources: Resources) -> tuple[list[Outcome], dict[str, float]]:
    """The pure per-document stages over one batch (documents leave without their spaCy Doc)."""
    timings: dict[str, float] = {}
    outcomes = list(process_items(batch, resources, timings))
    for o in outcomes:
        if o.document is not None:
            o.document.nlp = None  # transient, and spaCy Docs do not cross process boundaries
    return outcomes, timings


@dataclass(slots=True)
class Committed:
    """What one commit stored: the documents to link, and the skips and counts for the summary."""

    documents: list[Document] = field(default_factory=list)
    result: AddResult = field(default_factory=AddResult)
    skips: list[Outcome] = field(default_factory=list)


def commit(store: Store, outcomes: list[Outcome], reprocess: bool = False) -> Committed:
    """Store one batch (one transaction for its documents) and record its skips."""
    done = Committed()
    docs = []
    for o in outcomes:
        if o.document is None:
            store.record_skip(
                safe_text(o.source), o.skip_reason or "unknown", safe_text(o.message) if o.message else None
            )
            done.skips.append(o)
        else:
            docs.append(o.document)
    if docs:
        done.result = store.add_documents(docs, replace=reprocess)
        written = set(done.result.stored) | set(done.result.updated)
        done.documents = [d for d in docs if d.id in written]
    return done


def after_commit(store: Store, committed: Committed, resources: Resources) -> LinkSummary:
    """Link what was just stored against the store (near-duplicates, clusters, contradictions)."""
    from frontwire.link import link_batch

    return link_batch(store, committed.documents, resources)


# -- executors: the same process step in this process, in a process pool or on Dask ----------------
# An executor maps the process step over batches and yields each batch's (outcomes, timings) in
# input order; the caller commits and links them. frontwire.scale adds the Dask one.

Batch = list[RawItem | Outcome]
Processed = tuple[list[Outcome], dict[str, float]]


class Executor(Protocol):
    """Runs ``process`` over batches; results come back in input order, one per batch."""

    def map_batches(self, batches: Iterable[Batch]) -> Iterator[Processed]: ...


_WORKER: Resources | None = None


_FROZEN = False
_PAUSED = False


def pause_collection() -> None:
    """Pause the cyclic garbage collector while this process loads the model and lexicons, until
    :func:`settle` after the first batch (or :func:`resume_collection`).

    Loading makes their objects by the hundred thousand, and every collection on the way walks all
    of those made so far: in a one-article run, 3 full and 32 middle collections took 0.22-0.24 s of
    2.4 s of CPU (timed with gc.callbacks). Nothing is paused once they are frozen.
    """
    global _PAUSED
    if not _FROZEN and gc.isenabled():
        gc.disable()
        _PAUSED = True


def resume_collection() -> None:
    """Undo :func:`pause_collection` (nothing when it did not pause)."""
    global _PAUSED
    if _PAUSED:
        gc.enable()
        _PAUSED = False


def settle(resources: Resources) -> None:
    """Once the model and lexicons are loaded, take them out of the garbage collector's way.

    They live as long as the process; unfrozen, every full collection walks all of their objects
    (measured over 500 documents: full collections took 0.28 s unfrozen, 0.03 s frozen).
    Called after each batch; it freezes once, after the batch that loaded the spaCy model, and
    resumes a collector paused for the first batch.
    """
    global _FROZEN
    if not _FROZEN and "nlp" in vars(resources):
        gc.freeze()
        _FROZEN = True
    resume_collection()


def _init_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = Resources(settings)
    pause_collection()  # until the first batch, which loads the model, has settled


def _work(batch: Batch) -> Processed:
    assert _WORKER is not None
    out = process(batch, _WORKER)
    settle(_WORKER)
    return out


@dataclass(slots=True)
class InProcess:
    """The process step in this process, with these resources."""

    resources: Resources

    def map_batches(self, batches: Iterable[Batch]) -> Iterator[Processed]:
        pause_collection()
        try:
            for batch in batches:
                out = process(batch, self.resources)
                settle(self.resources)
                yield out
        finally:
            resume_collection()  # no batch, or a failed one


@dataclass(slots=True)
class ProcessPool:
    """The process step in a pool of ``settings.workers`` processes, each loading its resources once."""

    settings: Settings

    def map_batches(self, batches: Iterable[Batch]) -> Iterator[Processed]:
        from concurrent.futures import ProcessPoolExecutor  # here: multiprocessing's import is not free

        workers = self.settings.workers
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(self.settings,)) as pool:
            pending: list[Future[Processed]] = []
            for batch in batches:
                pending.append(pool.submit(_work, batch))
                # Bounded look-ahead keeps memory flat and results come back in input order.
                while len(pending) > workers * 2:
                    yield pending.pop(0).result()
            for fut in pending:
                yield fut.result()


def _in_process(batches: Iterable[Batch], resources: Resources) -> Iterator[Processed]:
    return InProcess(resources).map_batches(batches)


def _in_pool(batches: Iterable[Batch], settings: Settings) -> Iterator[Processed]:
    return ProcessPool(settings).map_batches(batches)


def run(
    inputs: list[str],
    store: Store,
    settings: Settings,
    *,
    follow: bool = False,
    published: str | None = None,
    url: str | None = None,
    resources: Resources | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    reprocess: bool = False,
    link: bool = True,
    executor: Executor | None = None,
    reprocess_stale: bool = False,
) -> RunSummary:
    """Ingest ``inputs``, process every new item, store it and link it; returns the summary.

    Items whose exact bytes are already stored are counted as duplicates without reprocessing,
    so an interrupted run, rerun, only does the rest. With ``reprocess`` every item is processed
    again and replaces its stored version (after a fix to a hint such as --published, or a new
    version of frontwire). ``link`` runs the after-commit step on each batch. ``executor`` runs the
    process step (default: in this process, or a pool of ``settings.workers``; frontwire.scale
    passes its Dask executor); plan, commit and after-commit always run here, in input order.
    ``reprocess_stale`` processes again only the stored items whose documents were made by other
    extractor versions than the installed ones (they then replace their stored versions).
    """
    summary = RunSummary()
    t0 = time.perf_counter()
    res = resources or Resources(settings)

    def known(item: RawItem) -> None:
        summary.duplicates += 1
        if on_progress:
            on_progress(1, item.source)

    items = plan(
        inputs, settings, store, follow=follow, published=published, url=url, reprocess=reprocess,
        on_known=known, reprocess_stale=reprocess_stale,
    )  # fmt: skip
    batches = batched(items, BATCH_SIZE)
    if executor is None:
        executor = InProcess(res) if settings.workers <= 1 else ProcessPool(settings)
    for outcomes, timings in executor.map_batches(batches):
        for stage, secs in timings.items():
            summary.timings[stage] = summary.timings.get(stage, 0.0) + secs
        done = commit(store, outcomes, reprocess)
        summary.absorb(done)
        if link and done.documents:
            t1 = time.perf_counter()
            summary.link.add(after_commit(store, done, res))
            summary.timings["link"] = summary.timings.get("link", 0.0) + time.perf_counter() - t1
        if on_progress:
            for o in outcomes:
                on_progress(1, o.source)
    summary.seconds = time.perf_counter() - t0
    return summary
