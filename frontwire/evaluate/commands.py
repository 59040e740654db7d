"""Typer command functions ``eval_command`` and ``bench_command``, ready for cli.py to register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from frontwire.errors import FrontwireError


def _fail(exc: FrontwireError) -> typer.Exit:
    Console(stderr=True).print(f"[red]error[/red] ({exc.reason}): {exc}")
    return typer.Exit(code=2)


def eval_command(
    tasks: Annotated[
        list[str] | None,
        typer.Argument(
            help="Tasks: extraction-html, extraction-text, metadata, claims, timex, geo, events, duplicates, "
            "link (default: all)."
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Evaluation data folder (default ../shared/eval or $FRONTWIRE_EVAL_DATA)."
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the results as JSON here.")
    ] = None,
    errors: Annotated[
        int, typer.Option("--errors", help="Print the N worst examples of each of our rows.")
    ] = 0,
    limit: Annotated[int | None, typer.Option("--limit", help="At most N items per data set.")] = None,
) -> None:
    """Score every task on the shared evaluation sets, beside baselines run now and published figures."""
    from frontwire.evaluate import run_eval

    try:
        run_eval(tasks, data, json_out, errors, limit)
    except FrontwireError as exc:
        raise _fail(exc) from exc


def bench_command(
    docs: Annotated[int, typer.Option("--docs", help="Documents (texts, and HTML pages) to time.")] = 100,
    corpus: Annotated[
        Path | None,
        typer.Option("--corpus", help="Folder of .html/.txt files (default: the shared eval sets)."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures as JSON here.")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Also time a process pool of N workers (N > 1).")
    ] = 2,
    link_sizes: Annotated[
        str,
        typer.Option(
            "--link-sizes",
            help="Link a batch of new documents against synthetic stores of these sizes "
            "(e.g. 1000,10000,100000; 'none' to skip).",
        ),
    ] = "1000,3000",
    link_batch: Annotated[int, typer.Option("--link-batch", help="Documents in the linked batch.")] = 1000,
    link_only: Annotated[
        bool, typer.Option("--link-only", help="Only the link-scaling figures (no corpus needed).")
    ] = False,
    scale: Annotated[
        bool,
        typer.Option(
            "--scale",
            help="Only frontwire scale on 1 and 2 Dask workers beside run in-process (200 texts unless "
            "--docs), and a projection for N workers.",
        ),
    ] = False,
    process: Annotated[
        bool,
        typer.Option(
            "--process",
            help="Only whole processes: `frontwire run FILE.jsonl` vs a spaCy script (start-up apart), "
            "and a synthetic store of --store-docs documents.",
        ),
    ] = False,
    process_sizes: Annotated[
        str, typer.Option("--process-sizes", help="Articles per whole run (the smallest is start-up).")
    ] = "1,100",
    repeats: Annotated[int, typer.Option("--repeats", help="Whole runs per size (medians).")] = 3,
    store_docs: Annotated[
        int, typer.Option("--store-docs", help="Documents in the synthetic store (0: no store section).")
    ] = 100_000,
    keep_store: Annotated[
        Path | None, typer.Option("--keep-store", help="Keep the synthetic store at this path.")
    ] = None,
    api: Annotated[
        bool,
        typer.Option(
            "--api",
            help="Only the API latency figures: p50/p99 of the read endpoints under uvicorn on a synthetic "
            "store of --api-events events, beside the same queries with no HTTP (goal p99 < 100 ms).",
        ),
    ] = False,
    api_events: Annotated[int, typer.Option("--api-events", help="Events in the API's store.")] = 100_000,
    api_requests: Annotated[int, typer.Option("--api-requests", help="Requests per query.")] = 200,
    api_backends: Annotated[
        str,
        typer.Option(
            "--api-backends",
            help="Stores to serve, comma-separated: sqlite, postgres (a throw-away local server).",
        ),
    ] = "sqlite",
    ctx: typer.Context = None,  # type: ignore[assignment]
) -> None:
    """Throughput and peak memory per stage, each with its ratio against a baseline timed in the same run."""
    from frontwire.evaluate.bench import parse_sizes, run_bench

    if api:
        from frontwire.evaluate.apibench import parse_backends, run_api_bench

        try:
            run_api_bench(api_events, api_requests, json_out=json_out, backends=parse_backends(api_backends))
        except FrontwireError as exc:
            raise _fail(exc) from exc
        return

    if process:
        from frontwire.evaluate import processbench

        try:
            sizes = processbench.parse_sizes(process_sizes)
            processbench.run_process_bench(sizes, repeats, store_docs, corpus, json_out, keep_store)
        except FrontwireError as exc:
            raise _fail(exc) from exc
        return

    if scale:
        from frontwire.evaluate.scalebench import run_scale_bench

        source = ctx.get_parameter_source("docs") if ctx is not None else None
        given = getattr(source, "name", "DEFAULT") != "DEFAULT"  # typer's own click: compare by name
        try:
            run_scale_bench(docs if given else 200, corpus, json_out)
        except FrontwireError as exc:
            raise _fail(exc) from exc
        return
    try:
        run_bench(docs, corpus, json_out, workers, parse_sizes(link_sizes), link_batch, link_only)
    except FrontwireError as exc:
        raise _fail(exc) from exc
