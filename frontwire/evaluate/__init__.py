"""Measuring instruments: ``run_eval`` (accuracy against ../shared/eval) and ``run_bench`` (throughput)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frontwire.errors import ConfigError


def run_eval(
    tasks: list[str] | None,
    data_dir: Path | None,
    json_out: Path | None,
    errors: int = 0,
    limit: int | None = None,
    *,
    quiet: bool = False,
) -> dict[str, Any]:
    """Score each task (all when ``tasks`` is empty) on the data sets under ``data_dir``; print tables.

    Returns the JSON form of the results (also written to ``json_out`` when given).
    """
    from frontwire.evaluate import datasets, report
    from frontwire.evaluate.tasks import TASKS, Context

    names = list(tasks) if tasks else list(TASKS)
    unknown = [n for n in names if n not in TASKS]
    if unknown:
        raise ConfigError(f"unknown eval task(s) {', '.join(unknown)}; choose from {', '.join(TASKS)}")
    root = data_dir or datasets.default_data_dir()
    if not root.is_dir():
        raise ConfigError(f"evaluation data folder {root} not found (use --data DIR or FRONTWIRE_EVAL_DATA)")
    ctx = Context(data_dir=root, limit=limit, errors=max(errors, 0) or 20)
    results = []
    for name in names:
        result = TASKS[name](ctx)
        results.append(result)
        if not quiet:
            report.print_results([result], errors)
    data = report.results_json(results, ctx.errors)
    data = {"data_dir": str(root), "limit": limit, "tasks": data}
    if json_out is not None:
        report.write_json(data, json_out)
    return data


def run_bench(docs: int, corpus: Path | None, json_out: Path | None, workers: int = 1) -> dict[str, Any]:
    """Throughput and memory of the pipeline and its stages against baselines measured in the same run."""
    from frontwire.evaluate.bench import run_bench as _run

    return _run(docs=docs, corpus=corpus, json_out=json_out, workers=workers)


__all__ = ["run_bench", "run_eval"]
