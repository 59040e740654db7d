"""The ``frontwire`` command line: one command per user task, each a thin layer over a plain function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
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

DbOption = Annotated[str | None, typer.Option("--db", help="Store: SQLite path (default frontwire.db).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")]
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


def _published(value: str | None) -> str | None:
    """Check --published: an ISO date or a written-out date with its year; never a relative phrase."""
    if value is None:
        return None
    from frontwire.extract.metadata import iso_date

    parsed = iso_date(value)
    if parsed is None:
        raise typer.BadParameter(
            f"{value!r} is not a date with a year (e.g. 2023-03-07)", param_hint="--published"
        )
    return parsed


GazetteerOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--gazetteer", help="Extra gazetteer CSV (columns as frontwire/data/places_supplement.csv)."
    ),
]


def _print_rows(rows: list[dict[str, Any]], columns: list[str], title: str, as_json: bool) -> None:
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{title} ({len(rows)})", show_lines=False)
    for col in columns:
        table.add_column(
            col, overflow="fold", max_width=70 if col in ("content", "snippet", "title") else None
        )
    for row in rows:
        table.add_row(*(_cell(c, row.get(c)) for c in columns))
    console.print(table)


# Document ids are 64 hex digits; tables show a prefix that `frontwire show` accepts.
SHORT_ID = 12


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column in ("id", "doc_id") and isinstance(value, str) and len(value) == 64:
        return value[:SHORT_ID]
    return str(value)


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"frontwire {__version__}")
        raise typer.Exit()


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
) -> None:
    """Ingest, process and store: extraction, entities, times, places and claims, into the store."""
    from frontwire.runner import run
    from frontwire.store import open_store

    published = _published(published)
    try:
        settings = load_settings(
            db=db, workers=workers, gazetteers=tuple(str(g) for g in gazetteer) if gazetteer else None
        )
        store = open_store(settings.db)
    except FrontwireError as exc:
        raise _fail(exc) from exc
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]processing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[source]}", style="dim"),
        console=err_console,
        transient=False,
    ) as progress:
        task = progress.add_task("run", total=None, source="loading models ...")

        def advance(n: int, source: str) -> None:
            progress.update(task, advance=n, source=Path(source).name if "://" not in source else source[:60])

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
            )
        except FrontwireError as exc:
            raise _fail(exc) from exc
        finally:
            store.close()
        progress.update(task, total=summary.items, source="done")

    table = Table(title=f"frontwire run → {settings.db}", show_header=False)
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
            f"Next: [bold]frontwire documents{db_flag}[/bold], "
            "[bold]frontwire entities --type PERSON[/bold], [bold]frontwire claims --stance hedged[/bold], "
            '[bold]frontwire places[/bold], [bold]frontwire search "Bakhmut"[/bold]'
        )


@app.command("extract")
def extract_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs, JSONL, feeds, WARC or URLs.")],
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
) -> None:
    """Process without storing; print one Document JSON per input (DESIGN section 7), in input order."""
    from frontwire.ingest import iter_items
    from frontwire.pipeline import Outcome, process_items
    from frontwire.resources import Resources
    from frontwire.runner import BATCH_SIZE, batched, set_hints

    published = _published(published)
    try:
        settings = load_settings(gazetteers=tuple(str(g) for g in gazetteer) if gazetteer else None)
        resources = Resources(settings)

        def items() -> Any:
            for entry in iter_items(inputs, settings, follow=follow):
                yield set_hints(entry, published, url) if not isinstance(entry, Outcome) else entry

        failed = 0
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
                    d = outcome.document
                    console.rule(f"{d.article.title or d.article.source}")
                    console.print(d.text)
    except FrontwireError as exc:
        raise _fail(exc) from exc
    if failed:
        raise typer.Exit(code=1)


@app.command("documents")
def documents_command(db: DbOption = None, limit: LimitOption = 50, as_json: JsonFlag = False) -> None:
    """List stored documents, newest first."""
    store = _open(db)
    rows = store.documents(limit=limit)
    _print_rows(
        rows,
        ["id", "published", "outlet", "title", "author", "chars", "mentions", "claims"],
        "documents",
        as_json,
    )


@app.command("show")
def show_command(
    doc_id: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")], db: DbOption = None
) -> None:
    """Print one stored document as Document JSON."""
    store = _open(db)
    try:
        if len(doc_id) < 64:
            matches = store.find_ids(doc_id)
            if len(matches) > 1:
                raise typer.BadParameter(f"{doc_id!r} matches several documents: give more characters")
            if matches:
                doc_id = matches[0]
        doc = store.get(doc_id)
    except FrontwireError as exc:
        raise _fail(exc) from exc
    sys.stdout.write(json.dumps(doc.to_json(), ensure_ascii=False, indent=2) + "\n")


@app.command("entities")
def entities_command(
    type_: Annotated[
        str | None, typer.Option("--type", "-t", help="PERSON, ORG, GPE, ARMED_GROUP, WEAPON, ...")
    ] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id.")] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    as_json: JsonFlag = False,
) -> None:
    """Canonical entities with their mention counts and roles."""
    rows = _open(db).entities(type_=type_, doc_id=doc, limit=limit)
    _print_rows(rows, ["name", "type", "mentions", "documents", "roles"], "entities", as_json)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Full-text query (SQLite FTS5 syntax).")],
    db: DbOption = None,
    limit: LimitOption = 20,
    as_json: JsonFlag = False,
) -> None:
    """Full-text search over titles and bodies."""
    rows = _open(db).search(query, limit=limit)
    _print_rows(rows, ["id", "published", "title", "snippet"], f"search {query!r}", as_json)


@app.command("claims")
def claims_command(
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Speaker name or mention (substring).")
    ] = None,
    stance: Annotated[str | None, typer.Option("--stance", help="asserted, hedged or denied.")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id.")] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    as_json: JsonFlag = False,
) -> None:
    """Attributed statements: speaker, cue, stance, content."""
    if stance and stance not in ("asserted", "hedged", "denied"):
        raise typer.BadParameter("stance must be one of: asserted, hedged, denied")
    rows = _open(db).query_claims(speaker=speaker, stance=stance, doc_id=doc, limit=limit)
    _print_rows(
        rows, ["speaker_name", "speaker", "cue", "stance", "direct", "said_on", "content"], "claims", as_json
    )


@app.command("places")
def places_command(
    name: Annotated[str | None, typer.Option("--name", help="Place name (substring).")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id.")] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    as_json: JsonFlag = False,
) -> None:
    """Resolved places with coordinates and mention counts."""
    rows = _open(db).query_places(name=name, doc_id=doc, limit=limit)
    _print_rows(
        rows,
        ["name", "country", "admin1", "lat", "lon", "feature", "mentions", "documents"],
        "places",
        as_json,
    )


@app.command("times")
def times_command(
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id.")] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    as_json: JsonFlag = False,
) -> None:
    """Time expressions with their resolved absolute intervals."""
    rows = _open(db).query_times(doc_id=doc, limit=limit)
    _print_rows(rows, ["text", "type", "value", "precision", "anchor"], "times", as_json)


@app.command("skips")
def skips_command(db: DbOption = None, limit: LimitOption = 100, as_json: JsonFlag = False) -> None:
    """Inputs that produced no document, with the reason."""
    rows = _open(db).skips(limit=limit)
    _print_rows(rows, ["source", "reason", "message", "at"], "skipped inputs", as_json)


@app.command("stages")
def stages_command() -> None:
    """The per-document stages in order, with what each reads and writes."""
    from frontwire.pipeline import STAGES

    table = Table(title="per-document stages")
    for col in ("stage", "entry point", "requires", "assigns"):
        table.add_column(col)
    table.add_row("extract", "frontwire.extract:article", "RawItem", "Article")
    table.add_row("nlp", "frontwire.nlp:annotate", "article.text", "mentions, entities, nlp")
    for s in STAGES:
        table.add_row(s.name, s.entry, ", ".join(s.requires), s.assigns)
    console.print(table)


# `eval` and `bench` live with the scorers they drive.
from frontwire.evaluate import commands as _measuring  # noqa: E402

app.command("eval")(_measuring.eval_command)
app.command("bench")(_measuring.bench_command)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
