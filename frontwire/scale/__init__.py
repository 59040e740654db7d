"""The same pipeline on Dask: ``frontwire scale``.

:func:`scale` is :func:`frontwire.runner.run` with the Dask executor: this process plans (which
inputs need processing), commits each batch to the store and links it, in input order, while the
cluster runs the pure per-document stages. So the stored result is the one ``frontwire run`` gives
on the same input; a test compares the two stores row by row, also with a worker killed mid-task.

Needs the ``scale`` extra (``pip install -e ".[scale]"``: dask[distributed]).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from frontwire.config import Settings
from frontwire.resources import Resources
from frontwire.runner import RunSummary, run
from frontwire.scale.executor import (
    TASK_ITEMS,
    DaskExecutor,
    ResourcesPlugin,
    ScaleError,
    dask_client,
    process_task,
    split_tasks,
    wait_for_workers,
)
from frontwire.store import Store

__all__ = [
    "TASK_ITEMS",
    "DaskExecutor",
    "ResourcesPlugin",
    "ScaleError",
    "dask_client",
    "process_task",
    "scale",
    "split_tasks",
    "wait_for_workers",
]


@contextmanager
def _client(client: Any, scheduler: str | None, workers: int | None, settings: Settings) -> Iterator[Any]:
    if client is None:
        with dask_client(scheduler, workers, settings) as made:
            yield made
    else:
        client.register_plugin(ResourcesPlugin(settings), name=ResourcesPlugin.name)
        yield client


def scale(
    inputs: list[str],
    store: Store,
    settings: Settings,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    follow: bool = False,
    published: str | None = None,
    url: str | None = None,
    reprocess: bool = False,
    link: bool = True,
    resources: Resources | None = None,
    task_items: int = TASK_ITEMS,
    on_progress: Callable[[int, str], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    on_task: Callable[[int], None] | None = None,
    on_ready: Callable[[Any], None] | None = None,
) -> RunSummary:
    """Run ``inputs`` through the pipeline on Dask and store them; returns the run's summary.

    The cluster is ``client`` when given, else the scheduler at ``scheduler`` (``tcp://...``),
    else a local cluster of ``workers`` processes (one per core by default), closed at the end.
    ``on_ready`` is called with the client once the workers have loaded their resources.
    ``resources`` serve the after-commit step here (the workers load their own).
    """
    with _client(client, scheduler, workers, settings) as c:
        if on_ready:
            on_ready(c)
        executor = DaskExecutor(c, settings, task_items=task_items, on_wait=on_wait, on_task=on_task)
        return run(
            inputs, store, settings, follow=follow, published=published, url=url, resources=resources,
            on_progress=on_progress, reprocess=reprocess, link=link, executor=executor,
        )  # fmt: skip
