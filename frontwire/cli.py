"""The ``frontwire`` command line: one command per user task, each a thin layer over a plain function."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from frontwire import __version__
from frontwire.config import load_settings
from frontwire.errors import FrontwireError

app = typer.Typer(
    name="frontwire",
    help="Conflict news to a structured, source-attributed record: who did what to whom, where, when, "
    "and who says so.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Store: SQLite path (default frontwire.db) or postgresql:// URL.")
]
LimitOption = Annotated[int, typer.Option("--limit", "-n", help="At most this many rows.")]


def _fail(exc: FrontwireError) -> typer.Exit:
    err_console.print(f"[red]error[/red] ({exc.reason}): {exc}")
    return typer.Exit(code=2)


def _open(db: str | None) -> Any:
    """The existing store for a query command (a missing store is an error, not a new empty one)."""
    from frontwire.store import open_store

    try:
        return open_store(load_settings(db=db).db, create=False)
    except FrontwireError as exc:
        raise _fail(exc) from exc


def _published(value: str | None, date_order: str | None = None) -> str | None:
    """Check --published: an ISO date, a written-out date with its year, or a numeric date whose order
    is certain or given by --date-order; never a relative phrase, never a guess."""
    if value is None:
        return None
    from frontwire.errors import InvalidDate
    from frontwire.extract.metadata import given_day

    try:
        return given_day(value, date_order)
    except InvalidDate as exc:
        raise typer.BadParameter(str(exc), param_hint="--published") from exc


DateOrderOption = Annotated[
    str | None,
    typer.Option(
        "--date-order", help="How to read numeric dates given with the input (07/03/2023): DMY, MDY or YMD."
    ),
]


GazetteerOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--gazetteer", help="Extra gazetteer CSV (columns as frontwire/data/places_supplement.csv)."
    ),
]


# -- output of the query commands: a table (default), JSON lines, CSV or TSV ----------------------
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON lines (one object per row).")]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV (every field, a header row first).")]
TsvFlag = Annotated[bool, typer.Option("--tsv", help="Print TSV (every field, a header row first).")]
WideFlag = Annotated[
    bool, typer.Option("--wide", help="Show long text whole instead of cut with an ellipsis.")
]
OffsetOption = Annotated[int, typer.Option("--offset", help="Skip this many rows first.")]
SortOption = Annotated[
    str | None, typer.Option("--sort", help="Sort key (the error lists them); -KEY reverses.")
]
SinceOption = Annotated[str | None, typer.Option("--since", help="From this publication day, YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Up to this publication day, YYYY-MM-DD.")]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Only this outlet (any case).")]
DocOption = Annotated[
    str | None, typer.Option("--doc", help="Only this document (id or the short id shown).")
]

# The CLI pages as far as asked: its cap is far above the API's.
CLI_MAX_LIMIT = 1_000_000
# Document ids are 64 hex digits; tables show a prefix that every --doc and `show` accept.
SHORT_ID = 12
# Long text in a table cell is cut to one line of at most this many characters (--wide: whole).
CELL_CHARS = 80
# Column kinds: ids and short values never wrap; text columns take the room that is left.
_ID_COLUMNS = frozenset({"id", "doc_id", "doc"})
_TEXT_COLUMNS = frozenset(
    {"title", "content", "snippet", "evidence", "message", "source", "text", "a", "b", "explanation", "roles",
     "outlets", "actors", "place", "type", "speaker", "name", "disagree", "outlet", "role", "anchor",
     "reported"}
)  # fmt: skip


def _format(as_json: bool, as_csv: bool, as_tsv: bool) -> str:
    chosen = [name for name, on in (("json", as_json), ("csv", as_csv), ("tsv", as_tsv)) if on]
    if len(chosen) > 1:
        raise typer.BadParameter(f"choose one output format, not {' and '.join('--' + c for c in chosen)}")
    return chosen[0] if chosen else "table"


def _flat(value: Any) -> str:
    """A field as one CSV/TSV cell: nested values as JSON, None as empty."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _cell(column: str, value: Any, wide: bool) -> str:
    if value is None:
        return ""
    text = str(value)
    if column in _ID_COLUMNS and len(text) == 64:
        return text[:SHORT_ID]
    text = " ".join(text.split())  # one line: newlines in a text would break the table's rows
    if not wide and len(text) > CELL_CHARS:
        text = text[: CELL_CHARS - 1].rstrip() + "…"
    return text


# The narrowest a text column gets before optional columns are left out (so never a word per line).
TEXT_MIN = 12


def _table(
    rows: list[dict[str, Any]], columns: list[str], title: str, wide: bool, optional: tuple[str, ...] = ()
) -> None:
    from rich.text import Text

    cells = [{c: _cell(c, row.get(c), wide) for c in columns} for row in rows]

    def least(col: str) -> int:
        if col in _ID_COLUMNS:
            return SHORT_ID
        if col in _TEXT_COLUMNS:
            return min(TEXT_MIN, max([len(col), *(len(r[col]) for r in cells)]))
        return max([len(col), *(len(r[col]) for r in cells)])

    shown = list(columns)
    # On a narrow terminal, leave out the optional columns (in order) rather than squeeze them all.
    for col in optional:
        if sum(least(c) + 3 for c in shown) + 1 <= console.width:
            break
        shown.remove(col)
    table = Table(title=f"{title} ({len(rows)})", show_lines=wide)
    for col in shown:
        if col in _ID_COLUMNS:
            table.add_column(col, no_wrap=True, min_width=SHORT_ID, max_width=SHORT_ID, overflow="crop")
        elif col in _TEXT_COLUMNS:
            # Wrapable, so that the widest text columns give way first; each cell still one line.
            table.add_column(col, min_width=least(col))
        else:
            table.add_column(col, no_wrap=True, overflow="ellipsis")
    for row in cells:
        table.add_row(
            *(
                Text(row[c], no_wrap=not wide, overflow="fold" if wide else "ellipsis")
                if c in _TEXT_COLUMNS
                else Text(row[c])
                for c in shown
            )
        )
    console.print(table)


def _emit(
    rows: list[dict[str, Any]],
    columns: list[str],
    title: str,
    fmt: str,
    wide: bool = False,
    cells: Any = None,
    optional: tuple[str, ...] = (),
) -> None:
    """Print rows: a table of ``columns`` (of ``cells(row)`` when given); JSON, CSV, TSV: every field."""
    if fmt == "json":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt in ("csv", "tsv"):
        import csv

        names: list[str] = []
        for row in rows:
            names += [k for k in row if k not in names]
        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        if names:
            writer.writerow(names)
        for row in rows:
            writer.writerow([_flat(row.get(k)) for k in names])
    else:
        _table([cells(r) for r in rows] if cells else rows, columns, title, wide, optional)


def _run_query(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a frontwire.query function; a bad filter is an error naming the option and the valid values."""
    from frontwire.query import InvalidFilter

    try:
        return func(*args, max_limit=CLI_MAX_LIMIT, **kwargs)
    except InvalidFilter as exc:
        option = "--" + exc.name.replace("_", "-")
        err_console.print(f"[red]error[/red] ({exc.reason}): {escape(option)}: {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    except FrontwireError as exc:
        raise _fail(exc) from exc


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"frontwire {__version__}")
        raise typer.Exit()


def _progress() -> Progress:
    """The progress bar of `run` and `scale`."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]processing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[source]}", style="dim"),
        console=err_console,
        transient=False,
        # No refresh thread: a thread waking ten times a second slows the model's own loop by
        # about a tenth (measured); the bar is redrawn from the loop as each item completes.
        auto_refresh=False,
    )


def _summary(summary: Any, settings: Any, command: str = "run") -> None:
    """The closing table of `run` and `scale`, skip examples, the exit code and what to do next."""
    table = Table(title=f"frontwire {command} → {settings.db}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents stored", str(summary.stored))
    table.add_row("duplicates (already stored)", str(summary.duplicates))
    if summary.updated:
        table.add_row("updated (new version replaced the stored one)", str(summary.updated))
    for reason, n in sorted(summary.skipped.items()):
        table.add_row(f"skipped: {reason}", str(n))
    for stage, n in sorted(summary.stage_errors.items()):
        table.add_row(f"stage errors: {stage}", str(n))
    if summary.copies:
        table.add_row("copies from other publishers (kept, linked)", str(summary.copies))
    link = summary.link
    if link.duplicates:
        table.add_row("near-duplicates linked to their original", str(len(link.duplicates)))
    if link.events_linked:
        table.add_row(
            "events fused into clusters (changed)", f"{link.events_linked} ({link.clusters_changed})"
        )
    if link.contradictions:
        table.add_row("contradicting claim pairs flagged", str(link.contradictions))
    rate = summary.items / summary.seconds if summary.seconds else 0.0
    table.add_row("time", f"{summary.seconds:.1f} s ({rate:.1f} items/s)")
    console.print(table)
    for reason, example in sorted(summary.skip_examples.items()):
        console.print(f"[yellow]skipped ({reason})[/yellow] e.g. {example}")
    if summary.nothing_read:
        err_console.print(
            "[red]error[/red] (nothing_to_read): no input could be read "
            "(missing paths, empty folders or patterns matching nothing); see above"
        )
        raise typer.Exit(code=1)
    if summary.stored or summary.duplicates or summary.updated:
        db_flag = "" if settings.db == "frontwire.db" else f" --db {settings.db}"
        console.print(
            f"Next: [bold]frontwire events{db_flag}[/bold], [bold]frontwire clusters[/bold], "
            "[bold]frontwire contradictions[/bold], [bold]frontwire claims --stance hedged[/bold], "
            '[bold]frontwire search "Bakhmut"[/bold]'
        )
        console.print(
            f"The web page (map, timeline, claims, documents): run [bold]frontwire serve{db_flag}[/bold], "
            "then open http://127.0.0.1:8000/ in a browser (the API's docs: http://127.0.0.1:8000/docs)"
        )


@app.command("run")
def run_command(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, globs, JSONL, feeds, WARC or http(s) URLs.")
    ],
    db: DbOption = None,
    follow: Annotated[bool, typer.Option("--follow", help="Fetch the pages feed items link to.")] = False,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date for inputs that lack one (ISO).")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="URL for inputs that lack one.")] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes (1 = in-process).")
    ] = 1,
    reprocess: Annotated[
        bool, typer.Option("--reprocess", help="Process inputs already stored again and replace them.")
    ] = False,
    gazetteer: GazetteerOption = None,
    date_order: DateOrderOption = None,
    reprocess_stale: Annotated[
        bool,
        typer.Option(
            "--reprocess-stale",
            help="Process again the stored inputs whose documents were made by other extractor versions"
            " than the installed ones (after an upgrade), replacing them; the rest are not redone.",
        ),
    ] = False,
) -> None:
    """Ingest, process and store: extraction, entities, times, places and claims, into the store."""
    from frontwire.runner import run
    from frontwire.store import open_store

    published = _published(published, date_order)
    try:
        settings = load_settings(
            db=db, workers=workers, gazetteers=tuple(str(g) for g in gazetteer) if gazetteer else None,
            date_order=date_order,
        )  # fmt: skip
        store = open_store(settings.db)
    except FrontwireError as exc:
        raise _fail(exc) from exc
    with _progress() as progress:
        task = progress.add_task("run", total=None, source="loading models ...")
        progress.refresh()

        def advance(n: int, source: str) -> None:
            name = Path(source).name if "://" not in source else source[:60]
            progress.update(task, advance=n, source=name, refresh=True)

        try:
            summary = run(
                inputs,
                store,
                settings,
                follow=follow,
                published=published,
                url=url,
                on_progress=advance,
                reprocess=reprocess,
                reprocess_stale=reprocess_stale,
            )
        except FrontwireError as exc:
            raise _fail(exc) from exc
        finally:
            store.close()
        progress.update(task, total=summary.items, source="done")

    _summary(summary, settings)


@app.command("scale")
def scale_command(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, globs, JSONL, feeds, WARC or http(s) URLs.")
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Local cluster: worker processes (default: one per core)."
        ),
    ] = None,
    db: DbOption = None,
    follow: Annotated[bool, typer.Option("--follow", help="Fetch the pages feed items link to.")] = False,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date for inputs that lack one (ISO).")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="URL for inputs that lack one.")] = None,
    reprocess: Annotated[
        bool, typer.Option("--reprocess", help="Process inputs already stored again and replace them.")
    ] = False,
    task_size: Annotated[
        int, typer.Option("--task-size", min=1, help="Articles per Dask task (a WARC file is one task).")
    ] = 1000,
    gazetteer: GazetteerOption = None,
) -> None:
    """`run` on a Dask cluster: the per-document stages on the workers, the store written here, in order."""
    try:
        from frontwire.scale import ScaleError, scale
    except ImportError as exc:
        err_console.print(f'[red]error[/red] (missing_extra): {exc}; install with pip install -e ".[scale]"')
        raise typer.Exit(code=2) from exc
    from frontwire.store import open_store

    published = _published(published)
    if scheduler and workers:
        raise typer.BadParameter(
            "give --workers only for a local cluster, not with --scheduler", param_hint="--workers"
        )
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise typer.BadParameter(
            f"{scheduler!r} is not a scheduler address (tcp://host:8786)", param_hint="--scheduler"
        )
    try:
        settings = load_settings(db=db, gazetteers=tuple(str(g) for g in gazetteer) if gazetteer else None)
        store = open_store(settings.db)
    except FrontwireError as exc:
        raise _fail(exc) from exc
    with _progress() as progress:
        where = scheduler or f"a local cluster of {workers or 'one worker per core'}"
        task = progress.add_task("scale", total=None, source=f"starting {where} ...")
        progress.refresh()
        state = {"tasks": 0, "workers": 0}

        def ready(client: Any) -> None:
            state["workers"] = len(client.scheduler_info().get("workers", {}))
            progress.update(task, source=f"{state['workers']} workers ready", refresh=True)

        def advance(n: int, source: str) -> None:
            name = Path(source).name if "://" not in source else source[:60]
            progress.update(task, advance=n, source=name, refresh=True)

        def tick() -> None:
            progress.refresh()

        def task_done(n: int) -> None:
            state["tasks"] = n

        try:
            summary = scale(
                inputs, store, settings, scheduler=scheduler, workers=workers, follow=follow,
                published=published, url=url, reprocess=reprocess, task_items=task_size,
                on_progress=advance, on_wait=tick, on_task=task_done, on_ready=ready,
            )  # fmt: skip
        except ScaleError as exc:
            raise _fail(exc) from exc
        except FrontwireError as exc:
            raise _fail(exc) from exc
        finally:
            store.close()
        progress.update(task, total=summary.items, source=f"done: {state['tasks']} tasks", refresh=True)
    _summary(summary, settings, "scale")


@app.command("extract")
def extract_command(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Files, folders, globs, JSONL, feeds, WARC or URLs; - reads standard input."),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json/--text", help="One Document JSON per input, one per line (or the clean text)."),
    ] = True,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date for inputs that lack one (ISO).")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="URL for inputs that lack one.")] = None,
    follow: Annotated[bool, typer.Option("--follow", help="Fetch the pages feed items link to.")] = False,
    gazetteer: GazetteerOption = None,
    date_order: DateOrderOption = None,
) -> None:
    """Process without storing; print one Document JSON per input (DESIGN section 7), in input order.

    ``-`` reads the input from standard input; ``--text`` prints each clean text as it is.
    """

    published = _published(published, date_order)
    with tempfile.TemporaryDirectory(prefix="frontwire-stdin-") as spool:
        _extract(inputs, as_json, published, url, follow, gazetteer, Path(spool), date_order)


def _extract(
    inputs: list[str],
    as_json: bool,
    published: str | None,
    url: str | None,
    follow: bool,
    gazetteer: list[Path] | None,
    spool: Path,
    date_order: str | None = None,
) -> None:
    """The extract command's work; ``-`` (standard input) is read into ``spool`` first."""
    import dataclasses

    from frontwire.ingest import iter_items
    from frontwire.pipeline import Outcome, process_items
    from frontwire.resources import Resources
    from frontwire.runner import BATCH_SIZE, batched, set_hints

    stdin_path = spool / "stdin"
    try:
        settings = load_settings(
            gazetteers=tuple(str(g) for g in gazetteer) if gazetteer else None, date_order=date_order
        )
        if "-" in inputs:
            # Read once (bounded: one byte over the limit is enough to refuse it as too large).
            stdin_path.write_bytes(sys.stdin.buffer.read(settings.max_input_bytes + 1))
            inputs = [str(stdin_path) if i == "-" else i for i in inputs]
        resources = Resources(settings)

        def items() -> Any:
            for entry in iter_items(inputs, settings, follow=follow):
                if entry.source.startswith(str(stdin_path)):
                    entry = dataclasses.replace(entry, source="-" + entry.source[len(str(stdin_path)) :])
                yield set_hints(entry, published, url) if not isinstance(entry, Outcome) else entry

        failed = printed = 0
        for batch in batched(items(), BATCH_SIZE):
            for outcome in process_items(batch, resources):
                if outcome.document is None:
                    failed += 1
                    record: dict[str, Any] = {
                        "source": outcome.source,
                        "skipped": outcome.skip_reason,
                        "message": outcome.message,
                    }
                    err_console.print(f"[yellow]skipped ({outcome.skip_reason})[/yellow] {outcome.message}")
                else:
                    record = outcome.document.to_json()
                if as_json:
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                elif outcome.document is not None:
                    # The clean text as it is: no rule, no re-wrapping; a blank line between documents.
                    sys.stdout.write(("\n" if printed else "") + outcome.document.text.rstrip("\n") + "\n")
                    printed += 1
    except FrontwireError as exc:
        raise _fail(exc) from exc
    if failed:
        raise typer.Exit(code=1)


@app.command("documents")
def documents_command(
    outlet: OutletOption = None,
    place: Annotated[str | None, typer.Option("--place", help="Documents that mention this place.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """List stored documents, newest first."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.documents, _open(db), outlet=outlet, place=place, since=since, until=until, sort=sort,
        limit=limit, offset=offset,
    )  # fmt: skip
    columns = ["id", "published", "outlet", "title", "chars", "mentions", "claims"]
    _emit(page.items, columns, "documents", fmt, wide, optional=("mentions", "chars", "claims"))


@app.command("show")
def show_command(
    doc_id: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")], db: DbOption = None
) -> None:
    """Print one stored document as Document JSON."""
    from frontwire import query

    doc = _run_query_one(query.document, _open(db), doc_id)
    sys.stdout.write(json.dumps(doc.to_json(), ensure_ascii=False, indent=2) + "\n")


def _run_query_one(func: Any, *args: Any) -> Any:
    from frontwire.query import InvalidFilter

    try:
        return func(*args)
    except InvalidFilter as exc:
        err_console.print(f"[red]error[/red] ({exc.reason}): {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    except FrontwireError as exc:
        raise _fail(exc) from exc


MentionsFlag = Annotated[
    bool, typer.Option("--mentions", help="List the mentions behind the rows: document, outlet, date, text.")
]


@app.command("entities")
def entities_command(
    type_: Annotated[
        str | None,
        typer.Option("--type", "-t", help="PERSON, ORG, GPE, ARMED_GROUP, WEAPON, ... (any case)."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name or alias (substring, any case).")] = None,
    doc: DocOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    mentions: MentionsFlag = False,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Canonical entities with their mention counts, roles and outlets (or, with --mentions, each mention)."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    run = query.mentions_of_entities if mentions else query.entities
    page = _run_query(
        run, _open(db), type_=type_, name=name, doc=doc, outlet=outlet, since=since, until=until, sort=sort,
        limit=limit, offset=offset,
    )  # fmt: skip
    if mentions:
        columns = ["doc", "reported", "name", "text", "role"]
        cells = lambda r: {**r, "doc": r["doc_id"], "reported": _reported(r)}  # noqa: E731
        _emit(page.items, columns, "entity mentions", fmt, wide, cells=cells, optional=("role",))
    else:
        columns = ["name", "type", "mentions", "documents", "roles", "outlets", "last"]
        cells = lambda r: {**r, "last": (r["last_published"] or "")[:10]}  # noqa: E731
        optional = ("roles", "documents", "last")
        _emit(page.items, columns, "entities", fmt, wide, cells=cells, optional=optional)


@app.command("search")
def search_command(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="Full-text query (SQLite FTS5 syntax).")],
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    limit: LimitOption = 20,
    offset: OffsetOption = 0,
    sort: Annotated[str | None, typer.Option("--sort", help="rank (default) or date (newest first).")] = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Full-text search over titles and bodies; invalid FTS5 syntax is an error that says so."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.search, _open(db), query_text, outlet=outlet, since=since, until=until, sort=sort, limit=limit,
        offset=offset,
    )  # fmt: skip
    _emit(page.items, ["id", "published", "outlet", "title", "snippet"], f"search {query_text!r}", fmt, wide)


def _reported(row: dict[str, Any]) -> str:
    """Provenance in one cell: the publication day, then the outlet."""
    day = (row.get("published") or "")[:10]
    return ", ".join(v for v in (day, row.get("outlet")) if v) or "-"


def _coords(row: dict[str, Any]) -> str:
    return (
        f"{row['lat']:.3f}, {row['lon']:.3f}"
        if row.get("lat") is not None and row.get("lon") is not None
        else ""
    )


def _claim_cells(row: dict[str, Any]) -> dict[str, Any]:
    who = row["speaker_name"] or row["speaker"] or "?"
    return {
        "doc": row["doc_id"],
        "reported": _reported(row),
        "speaker": f"{who} ({row['cue']})",
        "stance": row["stance"],
        "content": ("“" if row["direct"] else "") + row["content"] + ("”" if row["direct"] else ""),
    }


@app.command("claims")
def claims_command(
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Speaker name or mention (substring).")
    ] = None,
    stance: Annotated[
        str | None, typer.Option("--stance", help="asserted, hedged or denied (any case).")
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Claims that name this place.")] = None,
    doc: DocOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Attributed statements: speaker, cue, stance, content, with document, outlet and date."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.claims, _open(db), speaker=speaker, stance=stance, place=place, doc=doc, outlet=outlet,
        since=since, until=until, sort=sort, limit=limit, offset=offset,
    )  # fmt: skip
    columns = ["doc", "reported", "speaker", "stance", "content"]
    _emit(page.items, columns, "claims", fmt, wide, cells=_claim_cells)


@app.command("places")
def places_command(
    name: Annotated[str | None, typer.Option("--name", help="Place name (substring).")] = None,
    doc: DocOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    mentions: MentionsFlag = False,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Resolved places with coordinates, counts and outlets (or, with --mentions, each mention)."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    run = query.mentions_of_places if mentions else query.places
    page = _run_query(
        run, _open(db), name=name, doc=doc, outlet=outlet, since=since, until=until, sort=sort, limit=limit,
        offset=offset,
    )  # fmt: skip
    if mentions:
        columns = ["doc", "reported", "text", "name", "lat, lon"]
        cells = lambda r: {**r, "doc": r["doc_id"], "reported": _reported(r), "lat, lon": _coords(r)}  # noqa: E731
        _emit(page.items, columns, "place mentions", fmt, wide, cells=cells, optional=("lat, lon",))
    else:
        columns = ["name", "country", "admin1", "lat, lon", "mentions", "documents", "outlets", "last"]
        cells = lambda r: {**r, "lat, lon": _coords(r), "last": (r["last_published"] or "")[:10]}  # noqa: E731
        optional = ("admin1", "documents", "country")
        _emit(page.items, columns, "places", fmt, wide, cells=cells, optional=optional)


@app.command("times")
def times_command(
    doc: DocOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Time expressions with their resolved absolute intervals, document, outlet and date."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.times, _open(db), doc=doc, outlet=outlet, since=since, until=until, sort=sort, limit=limit,
        offset=offset,
    )  # fmt: skip
    columns = ["doc", "reported", "text", "value", "precision", "anchor"]
    cells = lambda r: {**r, "doc": r["doc_id"], "reported": _reported(r)}  # noqa: E731
    _emit(page.items, columns, "times", fmt, wide, cells=cells, optional=("anchor", "precision"))


def _deaths(fatalities: dict[str, int | None] | None) -> str:
    """Fatalities as '4 (3-5)': the best estimate, then the stated range; '' when the text gives none."""
    if not fatalities:
        return ""
    low, best, high = (fatalities.get(k) for k in ("low", "best", "high"))
    if low is not None and high is not None:
        bounds = "" if low == high else f"{low}-{high}"
    elif low is not None:
        bounds = f"at least {low}"
    elif high is not None:
        bounds = f"up to {high}"
    else:
        bounds = ""
    if best is None:
        return bounds or str(low)
    return f"{best} ({bounds})" if bounds else str(best)


def _event_cells(row: dict[str, Any], wide: bool = False) -> dict[str, str]:
    """One events table row: short, readable cells (the evidence whole with ``wide``)."""
    start, end = row["date_start"], row["date_end"]
    # No date, or one that is not a day interval: shown as stored.
    when = (row["date"] or "") if start is None else (start if start == end else f"{start}…{end}")
    if row["date_from_published"] and when:
        when += " (published)"
    place = row["place_name"] or row["place"] or ""
    if row["admin1"] and row["admin1"] != place:
        place = f"{place} ({row['admin1']})" if place else row["admin1"]
    deaths = _deaths(row["fatalities"])
    source = ""
    if row["reported_by"]:
        source = f"{row['reported_by_speaker'] or row['reported_by']} ({row['stance'] or 'claim'})"
    if row["modality"]:
        source = f"{source}, {row['modality']}" if source else row["modality"]
    evidence = row["evidence"]
    if len(evidence) > EVIDENCE_CHARS and not wide:
        evidence = evidence[: EVIDENCE_CHARS - 1].rstrip() + "…"
    cells = {
        "date": when,
        "type": f"{row['event_type']} / {row['sub_event_type']}",
        "actors": "; ".join(a for a in (row["actor1"], row["actor2"]) if a),
        "place": place,
        "fatalities": deaths,
        "source": source,
        "outlet": row["outlet"] or "",
        "doc": row["doc_id"][:SHORT_ID],
        "evidence": evidence,
    }
    return cells


EVIDENCE_CHARS = 100
EventTypeOption = Annotated[
    str | None, typer.Option("--type", "-t", help="ACLED event type, e.g. Battles (any case).")
]
EventSubTypeOption = Annotated[
    str | None,
    typer.Option("--sub-type", help="ACLED sub-event type, e.g. 'Air/drone strike' (any case)."),
]
EventSinceOption = Annotated[
    str | None, typer.Option("--since", help="From this day (event date), YYYY-MM-DD.")
]
EventUntilOption = Annotated[
    str | None, typer.Option("--until", help="Up to this day (event date), YYYY-MM-DD.")
]


@app.command("events")
def events_command(
    type_: EventTypeOption = None,
    sub_type: EventSubTypeOption = None,
    place: Annotated[str | None, typer.Option("--place", help="Place name or its region (admin1).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Either actor (substring).")] = None,
    stance: Annotated[
        str | None,
        typer.Option("--stance", help="Stance of the claim reporting it: asserted, hedged, denied."),
    ] = None,
    since: EventSinceOption = None,
    until: EventUntilOption = None,
    doc: DocOption = None,
    outlet: OutletOption = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Coded events (ACLED types) with their evidence sentence, document and outlet, by date.

    An event is in the period --since/--until when its date interval overlaps it. Events that are only
    somebody's claim name the speaker and the stance; negated, future or hypothetical ones say so.
    """
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.events, _open(db), type_=type_, sub_type=sub_type, place=place, actor=actor, stance=stance,
        doc=doc, outlet=outlet, since=since, until=until, sort=sort, limit=limit, offset=offset,
    )  # fmt: skip
    columns = ["date", "type", "actors", "place", "fatalities", "source", "outlet", "doc", "evidence"]
    optional = ("actors", "source", "fatalities", "outlet")
    _emit(page.items, columns, "events", fmt, wide, cells=lambda r: _event_cells(r, wide), optional=optional)


def _cluster_cells(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": r["date"] or "-",
        "type": f"{r['event_type']} / {r['sub_event_type']}",
        "place": r["place"] or "-",
        "sources": f"{r['corroboration']}" + (" (claimed only)" if r["claimed_only"] else ""),
        "reports": str(len(r["events"])),
        "outlets": ", ".join(r["outlets"]) or "-",
        "disagree": "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in r["disagreements"].items()) or "-",
        "id": r["id"],
    }


@app.command("clusters")
def clusters_command(
    place: Annotated[str | None, typer.Option("--place", help="Place name or its region (admin1).")] = None,
    type_: Annotated[str | None, typer.Option("--type", "-t", help="ACLED event type or sub-type.")] = None,
    since: EventSinceOption = None,
    until: EventUntilOption = None,
    doc: Annotated[
        str | None, typer.Option("--doc", help="Clusters with an event from this document.")
    ] = None,
    min_sources: Annotated[
        int, typer.Option("--min-sources", min=1, help="At least this many independent outlets.")
    ] = 1,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Events fused across documents: one row per real-world event, with its corroboration.

    Corroboration counts independent outlets (wire copies and re-publications count once);
    "claimed only" marks events that only a party to the conflict reports.
    """
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.clusters, _open(db), type_=type_, place=place, doc=doc, since=since, until=until,
        min_sources=min_sources, sort=sort, limit=limit, offset=offset,
    )  # fmt: skip
    columns = ["date", "type", "place", "sources", "reports", "outlets", "disagree", "id"]
    optional = ("disagree", "reports", "outlets")
    _emit(page.items, columns, "event clusters", fmt, wide, cells=_cluster_cells, optional=optional)


def _side(ref: dict[str, Any]) -> str:
    return f"{ref.get('speaker') or '?'} ({ref['stance']}): {ref['content']} [{ref['doc_id'][:SHORT_ID]}]"


@app.command("contradictions")
def contradictions_command(
    place: Annotated[str | None, typer.Option("--place", help="Only about this place.")] = None,
    doc: Annotated[
        str | None, typer.Option("--doc", help="Only those with a claim in this document.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="control, casualties, equipment, responsibility or denial.")
    ] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Pairs of claims that cannot both be true (control of a place, counts, blame, denial)."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(
        query.contradictions,
        _open(db),
        place=place,
        doc=doc,
        kind=kind,
        sort=sort,
        limit=limit,
        offset=offset,
    )

    def cells(r: dict[str, Any]) -> dict[str, Any]:
        a, b = _side(r["a"]), _side(r["b"])
        return {
            "kind": r["kind"],
            "place": r.get("place") or "-",
            "a": a,
            "b": b,
            "explanation": r["explanation"],
        }

    columns = ["kind", "place", "a", "b", "explanation"]
    _emit(page.items, columns, "contradictions", fmt, wide, cells=cells, optional=("explanation",))


@app.command("skips")
def skips_command(
    reason: Annotated[
        str | None, typer.Option("--reason", help="Only this skip reason, e.g. too_large.")
    ] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: OffsetOption = 0,
    sort: SortOption = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    as_tsv: TsvFlag = False,
    wide: WideFlag = False,
) -> None:
    """Inputs that produced no document, with the reason."""
    from frontwire import query

    fmt = _format(as_json, as_csv, as_tsv)
    page = _run_query(query.skips, _open(db), reason=reason, sort=sort, limit=limit, offset=offset)
    _emit(page.items, ["source", "reason", "message", "at"], "skipped inputs", fmt, wide, optional=("at",))


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (localhost by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    token_env: Annotated[
        str,
        typer.Option("--token-env", help="Environment variable holding the write token (none: writes off)."),
    ] = "FRONTWIRE_TOKEN",
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the web page, on 127.0.0.1 by default."""
    import os

    import uvicorn

    from frontwire.api import create_app

    try:
        app_ = create_app(load_settings(db=db).db, os.environ.get(token_env) or None)
    except FrontwireError as exc:
        raise _fail(exc) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]warning[/yellow]: listening on {escape(host)}, not only on this machine: anyone who"
            " can reach it can read the store"
        )
    writes = "on (token from $" + token_env + ")" if os.environ.get(token_env) else f"off (set ${token_env})"
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"frontwire on http://{shown}:{port}/ (API docs /docs); writes {escape(writes)}")
    uvicorn.run(app_, host=host, port=port, log_level="info")


@app.command("stages")
def stages_command() -> None:
    """The per-document stages in order, with what each reads and writes."""
    from frontwire.pipeline import STAGES

    table = Table(title="per-document stages (frontwire.pipeline.STAGES)")
    for col in ("stage", "kind", "entry point", "requires", "assigns", "extractor", "resources"):
        table.add_column(col)
    for s in STAGES:
        table.add_row(
            s.name, s.kind, s.entry, ", ".join(s.requires), ", ".join(s.assigns), s.extractor,
            ", ".join(s.resources),
        )  # fmt: skip
    console.print(table)


@app.command("export")
def export_command(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="acled, csv, geojson, jsonl (Document JSON) or parquet.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    type_: Annotated[str | None, typer.Option("--type", "-t", help="ACLED event type (any case).")] = None,
    sub_type: Annotated[
        str | None, typer.Option("--sub-type", help="ACLED sub-event type (any case).")
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Place name or its region (admin1).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Either actor (substring).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day, YYYY-MM-DD.")] = None,
    min_sources: Annotated[
        int, typer.Option("--min-sources", min=1, help="At least this many independent outlets.")
    ] = 1,
    per_report: Annotated[
        bool, typer.Option("--per-report", help="One row per report instead of one per fused event.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Write events to a file: ACLED columns, CSV, GeoJSON, Document JSON lines or Parquet.

    One row per real-world event (a fused cluster, counted once, with its corroboration), or per
    report with --per-report. Negated, future and hypothetical events are never exported. ACLED's
    fatalities column is empty where the text states no number. jsonl writes the documents behind
    the selected events (all documents when no filter is given).
    """
    from frontwire.report import FORMATS, export_with_summary

    if fmt.strip().lower() not in FORMATS:
        raise typer.BadParameter(
            f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}", param_hint="--format"
        )
    store = _open(db)
    try:
        result = export_with_summary(
            store,
            fmt,
            output,
            per_report=per_report,
            type_=type_,
            sub_type=sub_type,
            place=place,
            actor=actor,
            since=since,
            until=until,
            min_sources=min_sources,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    except OSError as exc:
        err_console.print(f"[red]error[/red]: cannot write {output}: {exc}")
        raise typer.Exit(code=2) from None
    finally:
        store.close()
    unit = "documents" if result.format == "jsonl" else "reports" if per_report else "events"
    note = f"; {result.left_out} left out (no coordinates)" if result.left_out else ""
    err_console.print(f"{result.rows} {unit} written to {output} ({result.format}){note}")


@app.command("report")
def report_command(
    place: Annotated[
        str | None, typer.Option("--place", help="Place name (or region) the report is about.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day, YYYY-MM-DD.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md (Markdown) or html.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: print).")
    ] = None,
    db: DbOption = None,
) -> None:
    """A situation report assembled from the records: what happened, who claims what, what is
    disputed and how well each item is corroborated; every sentence cites outlet, title, date and span.
    """
    from frontwire.report import situation_report

    if fmt.strip().lower() not in ("md", "html"):
        raise typer.BadParameter(f"unknown format {fmt!r}; formats: md, html", param_hint="--format")
    store = _open(db)
    try:
        text = situation_report(store, place, since, until, fmt=fmt)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    finally:
        store.close()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        err_console.print(f"[red]error[/red]: cannot write {output}: {exc}")
        raise typer.Exit(code=2) from None
    err_console.print(f"report written to {output}")


# `eval` and `bench` live with the scorers they drive.
from frontwire.evaluate import commands as _measuring  # noqa: E402

app.command("eval")(_measuring.eval_command)
app.command("bench")(_measuring.bench_command)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
