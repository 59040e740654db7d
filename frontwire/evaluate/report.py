"""Rich tables and the JSON form of ``frontwire eval`` results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from frontwire.evaluate.tasks import BASELINE, OURS, PUBLISHED, Row, TaskResult

_STYLE = {OURS: "bold green", BASELINE: "cyan", PUBLISHED: "dim", "not built": "yellow", "no data": "red"}


def fmt(value: float | None, key: str) -> str:
    """Fractions as 0.000, kilometres as integers, unknown as '-'."""
    if value is None:
        return "-"
    if key.endswith("_km"):
        return f"{value:,.0f}"
    return f"{value:.3f}"


def task_table(result: TaskResult, dataset: str, rows: list[Row]) -> Table:
    """One table: the rows of one task on one data set, with that data set's headline metrics."""
    keys = result.headline.get(dataset, [])
    from frontwire.evaluate.scores import published_scores

    pub_rows = [r for r in rows if r.kind == PUBLISHED]
    pub = published_scores().get(pub_rows[0].dataset, {}) if pub_rows else {}
    caption = f"published: {pub.get('split')} — {pub.get('source')}" if pub_rows else None
    table = Table(
        title=f"{result.task} · {dataset}", title_justify="left", caption=caption, caption_justify="left"
    )
    table.add_column("system")
    table.add_column("kind")
    for key in keys:
        table.add_column(key, justify="right")
    table.add_column("n", justify="right")
    table.add_column("s", justify="right")
    table.add_column("note", overflow="fold", max_width=48)
    for row in rows:
        metrics = row.scores.metrics if row.scores is not None else {}
        counts = row.scores.counts if row.scores is not None else {}
        n = next((counts[k] for k in ("items", "pages", "gold", "rows") if k in counts), None)
        table.add_row(
            row.label,
            row.kind,
            *(fmt(metrics.get(k), k) for k in keys),
            "" if n is None else str(n),
            "" if row.seconds is None else f"{row.seconds:.1f}",
            (row.note or "") if row.kind != PUBLISHED or row.note != pub.get("split") else "",
            style=_STYLE.get(row.kind),
        )
    return table


def print_results(results: list[TaskResult], errors: int, console: Console | None = None) -> None:
    """Print a table per task and data set, then the worst examples of our rows (``--errors N``)."""
    console = console or Console()
    for result in results:
        by_set: dict[str, list[Row]] = {}
        for row in result.rows:
            key = row.dataset
            # Published metadata figures live under their own key but belong to the same table.
            by_set.setdefault(key.split(":")[0] if key.endswith(":metadata") else key, []).append(row)
        for dataset, rows in by_set.items():
            console.print(task_table(result, dataset, rows))
        if errors <= 0:
            continue
        for row in result.rows:
            if row.kind != OURS or row.scores is None or not row.scores.worst:
                continue
            console.print(f"[bold]{result.task} · {row.dataset} · worst {errors}[/bold]")
            for item in row.scores.worst[:errors]:
                console.print(
                    "  " + json.dumps(item, ensure_ascii=False)[:400], markup=False, highlight=False
                )


def results_json(results: list[TaskResult], errors: int) -> dict[str, Any]:
    """The JSON form: {task: {"headline": ..., "rows": [...]}}."""
    return {
        r.task: {"headline": r.headline, "rows": [row.to_json(errors) for row in r.rows]} for r in results
    }


def write_json(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
