"""The Dask executor of the runner's process step, and the Dask client it runs on.

The client (the ``frontwire scale`` process) plans, commits and links exactly as ``frontwire run``
does; only the process step runs on the cluster. The planned batches (the runner's own batches of
``BATCH_SIZE`` items, so commits and links see the same batches as ``run``) are grouped into tasks:
at most ``task_items`` items each, and a new task where a container file (a WARC or JSONL file)
ends, so a WARC file is one task. An input smaller than the cluster's first round of tasks goes
out one batch a task, so that every worker has work to the end.

Items travel as plain data (``RawItem`` bytes, ingest skips as ``Outcome``s) and documents come
back without their spaCy Doc. Each worker loads its ``Resources`` once (a worker plugin loads them
when the worker starts, restarted workers included; the task reads them from a per-process cache).
A task whose worker is lost is run again on another worker (the scheduler's resilience, up to
``distributed.scheduler.allowed-failures`` times) and a task that raises is retried ``retries``
times; either way its results arrive once, in input order.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from distributed import WorkerPlugin

from frontwire.config import Settings
from frontwire.errors import FrontwireError
from frontwire.pipeline import STAGES
from frontwire.resources import Resources
from frontwire.runner import Batch, Processed, pause_collection, process, settle

# Articles per task: large enough that Dask's few milliseconds per task vanish against ~100 s of
# work, small enough that a lost worker costs little (notes/distributed.md).
TASK_ITEMS = 1000
# Tasks read ahead at most, to tell a small input (split finer) from a large one.
HEAD_TASKS = 8
# Seconds between calls of ``on_wait`` while the next result in input order is not back.
WAIT_TICK = 0.25


class ScaleError(FrontwireError):
    """The Dask cluster could not be reached, or a task failed on every worker it was given."""

    reason = "scale_failed"


# -- on the workers ----------------------------------------------------------------------------------

_RESOURCES: dict[Settings, Resources] = {}


def for_workers(settings: Settings) -> Settings:
    """The settings the workers get: those of the stages, without the store's address (a
    PostgreSQL URL may hold a password; workers never touch the store) or the pool size."""
    return replace(settings, db=Settings().db, workers=1)


def worker_resources(settings: Settings) -> Resources:
    """This process's Resources for ``settings``, loaded on first use and kept (one per worker,
    whatever store the runs write to)."""
    key = for_workers(settings)
    res = _RESOURCES.get(key)
    if res is None:
        res = _RESOURCES[key] = Resources(key)
    return res


def load_all(settings: Settings) -> Resources:
    """Load every resource the per-document stages read now, rather than in the first task."""
    res = worker_resources(settings)
    pause_collection()
    try:
        for stage in STAGES:
            stage.load_resources(res)
    finally:
        settle(res)
    return res


def process_task(settings: Settings, batches: list[Batch]) -> list[Processed]:
    """One task on a worker: the runner's process step over each of its batches, in order."""
    res = worker_resources(settings)
    pause_collection()  # a worker without the plugin loads the model in its first task
    try:
        out = [process(batch, res) for batch in batches]
    finally:
        settle(res)
    return out


class ResourcesPlugin(WorkerPlugin):  # type: ignore[misc]
    """Worker plugin: loads the stages' resources once on each worker, as it starts (or restarts).
    They stay in the process-wide cache (registering the plugin again, for another run, is free)."""

    name = "frontwire-resources"

    def __init__(self, settings: Settings) -> None:
        self.settings = for_workers(settings)

    def setup(self, worker: Any) -> None:
        load_all(self.settings)


# -- splitting the batches into tasks ----------------------------------------------------------------


def container(batch: Batch) -> str | None:
    """The container file of a batch's first item (``file.warc.gz#12`` -> ``file.warc.gz``)."""
    if not batch:
        return None
    source = batch[0].source
    return source.rsplit("#", 1)[0] if "#" in source else None


def split_tasks(
    batches: Iterable[Batch], workers: int, task_items: int = TASK_ITEMS
) -> Iterator[list[Batch]]:
    """Group consecutive batches into tasks, in input order (see the module docstring)."""
    it = iter(batches)
    head: list[Batch] = []
    # Read ahead one round of tasks (at most HEAD_TASKS of them: memory stays bounded on a large
    # cluster) to tell a small input from a large one.
    first_round = min(max(1, workers), HEAD_TASKS) * task_items
    seen = 0
    while seen < first_round and (batch := next(it, None)) is not None:
        head.append(batch)
        seen += len(batch)
    # The whole input is here: one batch a task, so that the workers finish together (a batch is
    # about a second of work, a task's overhead a few milliseconds).
    limit = task_items if seen >= first_round else 1
    task: list[Batch] = []
    size = 0
    for batch in _chain(head, it):
        if task and (size + len(batch) > limit or container(batch) != container(task[-1])):
            yield task
            task, size = [], 0
        task.append(batch)
        size += len(batch)
    if task:
        yield task


def _chain(head: list[Batch], rest: Iterator[Batch]) -> Iterator[Batch]:
    yield from head
    yield from rest


# -- the executor --------------------------------------------------------------------------------------


@dataclass(slots=True)
class DaskExecutor:
    """Runs the process step on a Dask cluster; yields each batch's result in input order.

    ``on_wait`` is called every ``WAIT_TICK`` seconds while the next result is not back (the CLI
    redraws its progress bar from it); ``on_task`` after each task's results arrive, with the
    task's number (tests use it to kill a worker while the others run).
    """

    client: Any
    settings: Settings
    task_items: int = TASK_ITEMS
    retries: int = 2
    on_wait: Callable[[], None] | None = None
    on_task: Callable[[int], None] | None = None
    tasks_done: int = 0
    tasks_submitted: int = 0
    _run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def workers(self) -> int:
        """Worker threads on the cluster now (at least 1: a cluster still starting gets one task)."""
        info = self.client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))

    def map_batches(self, batches: Iterable[Batch]) -> Iterator[Processed]:
        workers = self.workers()
        settings = for_workers(self.settings)
        lookahead = 2 * workers + 1  # every worker busy plus one queued, memory bounded
        pending: deque[tuple[bool, list[Any]]] = deque()
        for task in split_tasks(batches, workers, self.task_items):
            # A task of one batch (a small input) goes out as two halves on a cluster of several
            # workers, merged back into the batch here: the last round of tasks is half as long, so
            # a worker waits half as long for the others at the end. Commits see the same batches.
            halves = workers > 1 and len(task) == 1 and len(task[0]) > 1
            parts = [[task[0][: len(task[0]) // 2]], [task[0][len(task[0]) // 2 :]]] if halves else [task]
            pending.append((halves, [self._submit(settings, part) for part in parts]))
            while len(pending) >= lookahead:
                yield from self._collect_group(*pending.popleft())
        while pending:
            yield from self._collect_group(*pending.popleft())

    def _submit(self, settings: Settings, task: list[Batch]) -> Any:
        future = self.client.submit(
            process_task, settings, task, key=f"frontwire-process-{self._run_id}-{self.tasks_submitted}",
            retries=self.retries, pure=False,
        )  # fmt: skip
        self.tasks_submitted += 1
        return future

    def _collect_group(self, halves: bool, futures: list[Any]) -> Iterator[Processed]:
        results = [r for f in futures for r in self._collect(f)]
        if not halves:
            yield from results
            return
        # The two halves of one batch: its outcomes in order, and each stage's time summed.
        timings: dict[str, float] = {}
        for _, part in results:
            for stage, secs in part.items():
                timings[stage] = timings.get(stage, 0.0) + secs
        yield [o for outcomes, _ in results for o in outcomes], timings

    def _collect(self, future: Any) -> Iterator[Processed]:
        while True:
            try:
                results: list[Processed] = future.result(timeout=WAIT_TICK)
                break
            except TimeoutError:
                if self.on_wait:
                    self.on_wait()
            except FrontwireError:
                raise
            except Exception as exc:  # KilledWorker, a task that failed on every retry, a lost client
                raise ScaleError(f"task {future.key} failed: {type(exc).__name__}: {exc}") from exc
        future.release()
        self.tasks_done += 1
        if self.on_task:
            self.on_task(self.tasks_done)
        yield from results


# -- the client ----------------------------------------------------------------------------------------


@contextmanager
def dask_client(
    scheduler: str | None = None, workers: int | None = None, settings: Settings | None = None
) -> Iterator[Any]:
    """A Dask client: on ``scheduler`` (``tcp://host:8786``), or on a local cluster of ``workers``
    single-threaded worker processes (default: one per core). With ``settings``, every worker (and
    every worker that joins or restarts later) loads the stages' resources once, as it starts."""
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            n = workers or os.cpu_count() or 1
            # Loopback only; the scheduler's HTTP endpoint (health, and the dashboard where bokeh is
            # installed) on a free port, so two clusters on one machine never clash.
            cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
            )  # fmt: skip
            client = Client(cluster)
    except OSError as exc:  # unreachable scheduler, refused connection, timeout
        raise ScaleError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    try:
        if settings is not None:
            client.register_plugin(ResourcesPlugin(settings), name=ResourcesPlugin.name)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def wait_for_workers(client: Any, n: int, timeout: float = 60.0) -> None:
    """Block until ``n`` workers are connected (a remote cluster's workers may still be joining)."""
    try:
        client.wait_for_workers(n, timeout=timeout)
    except TimeoutError as exc:
        raise ScaleError(f"fewer than {n} Dask workers joined within {timeout:.0f} s") from exc
