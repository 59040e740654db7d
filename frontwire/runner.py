"""Batch runs: ingest -> per-document stages -> store, resumable, with an optional process pool.

``run()`` is what ``frontwire run`` calls; it is a plain function so tests and the future
distributed runner can use it without the CLI.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice

from frontwire.config import Settings
from frontwire.ingest.base import safe_text
from frontwire.model import RawItem, sha256_hex
from frontwire.pipeline import Outcome, process_items
from frontwire.resources import Resources
from frontwire.store import Store

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
    skipped: Counter[str] = field(default_factory=Counter)
    skip_examples: dict[str, str] = field(default_factory=dict)
    stage_errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def items(self) -> int:
        return self.stored + self.duplicates + self.updated + sum(self.skipped.values())

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
    """Apply --published/--url where the input itself lacks them."""
    if published and not item.published:
        item = replace(item, published=published, published_source="given")
    if url and not item.url:
        item = replace(item, url=url)
    return item


# -- process pool: resources are loaded once per worker process ------------------------------
_WORKER: Resources | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = Resources(settings)


def _work(batch: list[RawItem | Outcome]) -> tuple[list[Outcome], dict[str, float]]:
    assert _WORKER is not None
    timings: dict[str, float] = {}
    outcomes = list(process_items(batch, _WORKER, timings))
    for o in outcomes:
        if o.document is not None:
            o.document.nlp = None  # spaCy Docs do not cross process boundaries
    return outcomes, timings


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
) -> RunSummary:
    """Ingest ``inputs``, process every new item and store it; returns the summary.

    Items whose exact bytes are already stored are counted as duplicates without reprocessing,
    so an interrupted run, rerun, only does the rest. With ``reprocess`` every item is processed
    again and replaces its stored version (after a fix to a hint such as --published, or a new
    version of frontwire).
    """
    from frontwire.ingest import iter_items

    summary = RunSummary()
    t0 = time.perf_counter()

    def fresh() -> Iterator[RawItem | Outcome]:
        for entry in iter_items(inputs, settings, follow=follow):
            if isinstance(entry, RawItem):
                entry = set_hints(entry, published, url)
                if not reprocess and store.has_raw(sha256_hex(entry.data)):
                    summary.duplicates += 1
                    if on_progress:
                        on_progress(1, entry.source)
                    continue
            yield entry

    def absorb(outcomes: list[Outcome], timings: dict[str, float]) -> None:
        for stage, secs in timings.items():
            summary.timings[stage] = summary.timings.get(stage, 0.0) + secs
        docs = []
        for o in outcomes:
            if o.document is None:
                reason = o.skip_reason or "unknown"
                summary.skipped[reason] += 1
                summary.skip_examples.setdefault(reason, f"{o.source}: {o.message}")
                store.record_skip(safe_text(o.source), reason, safe_text(o.message) if o.message else None)
            else:
                docs.append(o.document)
                for err in o.document.errors:
                    summary.stage_errors[err.stage] += 1
        if docs:
            result = store.add_documents(docs, replace=reprocess)
            summary.stored += len(result.stored)
            summary.duplicates += len(result.duplicates)
            summary.updated += len(result.updated)
        if on_progress:
            for o in outcomes:
                on_progress(1, o.source)

    if settings.workers <= 1:
        res = resources or Resources(settings)
        for batch in batched(fresh(), BATCH_SIZE):
            timings: dict[str, float] = {}
            absorb(list(process_items(batch, res, timings)), timings)
    else:
        with ProcessPoolExecutor(settings.workers, initializer=_init_worker, initargs=(settings,)) as pool:
            pending: list[Future[tuple[list[Outcome], dict[str, float]]]] = []
            for batch in batched(fresh(), BATCH_SIZE):
                pending.append(pool.submit(_work, batch))
                # Bounded look-ahead keeps memory flat and stores results in input order.
                while len(pending) > settings.workers * 2:
                    absorb(*pending.pop(0).result())
            for fut in pending:
                absorb(*fut.result())
    summary.seconds = time.perf_counter() - t0
    return summary
