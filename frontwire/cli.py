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
        # No refresh thread: a thread waking ten times a second slows the model's own loop by
        # about a tenth (measured); the bar is redrawn from the loop as each item completes.
        auto_refresh=False,
    ) as progress:
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


def _event_kinds(type_: str | None, sub_type: str | None) -> tuple[str | None, str | None]:
    """Check --type/--sub-type against ACLED's names (any case); the canonical spellings."""
    from frontwire.store import taxonomy

    canonical_type = canonical_sub = None
    if type_ is not None:
        canonical_type = taxonomy.event_type(type_)
        if canonical_type is None:
            raise typer.BadParameter(
                f"unknown event type {type_!r}; ACLED's event types are: {'; '.join(taxonomy.event_types())}",
                param_hint="--type",
            )
    if sub_type is not None:
        canonical_sub = taxonomy.sub_event_type(sub_type)
        if canonical_sub is None:
            listing = "; ".join(f"{t}: {', '.join(subs)}" for t, subs in taxonomy.event_types().items())
            raise typer.BadParameter(
                f"unknown sub-event type {sub_type!r}; ACLED's sub-event types are: {listing}",
                param_hint="--sub-type",
            )
        parent = taxonomy.sub_event_types()[canonical_sub]
        if canonical_type is not None and parent != canonical_type:
            raise typer.BadParameter(
                f"{canonical_sub!r} is a sub-event type of {parent!r}, not of {canonical_type!r}",
                param_hint="--sub-type",
            )
    return canonical_type, canonical_sub


def _day(value: str | None, option: str) -> str | None:
    """Check a period bound: a calendar date written YYYY-MM-DD."""
    if value is None:
        return None
    import datetime
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=option) from None


def _full_doc_id(store: Any, doc: str | None) -> str | None:
    """--doc as a full id: a short id (as the tables print) is resolved like `show` does."""
    if doc is None or len(doc) >= 64:
        return doc
    matches = store.find_ids(doc)
    if len(matches) > 1:
        raise typer.BadParameter(
            f"{doc!r} matches several documents: give more characters", param_hint="--doc"
        )
    if not matches:
        raise typer.BadParameter(f"no stored document id starts with {doc!r}", param_hint="--doc")
    return str(matches[0])


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


def _event_cells(row: dict[str, Any]) -> dict[str, str]:
    """One events table row: short, readable cells (markup in the text escaped)."""
    from rich.markup import escape

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
    if len(evidence) > EVIDENCE_CHARS:
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
    return {k: escape(v) for k, v in cells.items()}


EVIDENCE_CHARS = 100
EventTypeOption = Annotated[
    str | None, typer.Option("--type", "-t", help="ACLED event type, e.g. Battles (any case).")
]
EventSubTypeOption = Annotated[
    str | None,
    typer.Option("--sub-type", help="ACLED sub-event type, e.g. 'Air/drone strike' (any case)."),
]


@app.command("events")
def events_command(
    type_: EventTypeOption = None,
    sub_type: EventSubTypeOption = None,
    place: Annotated[str | None, typer.Option("--place", help="Place name or its region (admin1).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Either actor (substring).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day, YYYY-MM-DD.")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document id (or a prefix).")] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many rows first.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Coded events (ACLED types) with their evidence sentence, document and outlet, by date.

    An event is in the period --since/--until when its date interval overlaps it. Events that are only
    somebody's claim name the speaker and the stance; negated, future or hypothetical ones say so.
    """
    type_, sub_type = _event_kinds(type_, sub_type)
    since, until = _day(since, "--since"), _day(until, "--until")
    if since and until and since > until:
        raise typer.BadParameter(f"--since {since} is after --until {until}", param_hint="--since")
    store = _open(db)
    rows = store.query_events(
        type_=type_,
        sub_type=sub_type,
        place=place,
        actor=actor,
        since=since,
        until=until,
        doc_id=_full_doc_id(store, doc),
        limit=limit,
        offset=offset,
    )
    columns = ["date", "type", "actors", "place", "fatalities", "source", "outlet", "doc", "evidence"]
    _print_rows(rows if as_json else [_event_cells(r) for r in rows], columns, "events", as_json)


@app.command("clusters")
def clusters_command(
    place: Annotated[str | None, typer.Option("--place", help="Place name or its region (admin1).")] = None,
    type_: Annotated[str | None, typer.Option("--type", "-t", help="ACLED event type or sub-type.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day, YYYY-MM-DD.")] = None,
    min_sources: Annotated[
        int, typer.Option("--min-sources", min=1, help="At least this many independent outlets.")
    ] = 1,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many rows first.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Events fused across documents: one row per real-world event, with its corroboration.

    Corroboration counts independent outlets (wire copies and re-publications count once);
    "claimed only" marks events that only a party to the conflict reports.
    """
    if type_:
        type_ = _cluster_kind(type_)
    since, until = _day(since, "--since"), _day(until, "--until")
    rows = _open(db).clusters(
        place=place,
        type_=type_,
        since=since,
        until=until,
        min_sources=min_sources,
        limit=limit,
        offset=offset,
    )
    if as_json:
        _print_rows(rows, [], "clusters", True)
        return
    cells = [
        {
            "date": r["date"] or "-",
            "type": f"{r['event_type']} / {r['sub_event_type']}",
            "place": r["place"] or "-",
            "sources": f"{r['corroboration']}" + (" (claimed only)" if r["claimed_only"] else ""),
            "reports": str(len(r["events"])),
            "outlets": ", ".join(r["outlets"]) or "-",
            "disagree": "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in r["disagreements"].items())
            or "-",
            "id": r["id"],
        }
        for r in rows
    ]
    columns = ["date", "type", "place", "sources", "reports", "outlets", "disagree", "id"]
    _print_rows(cells, columns, "event clusters", False)


def _cluster_kind(value: str) -> str:
    """An ACLED event type or sub-type name, case-insensitive; unknown names list the valid ones."""
    from frontwire.store import taxonomy

    found = taxonomy.event_type(value) or taxonomy.sub_event_type(value)
    if found is None:
        valid = sorted([*taxonomy.event_types(), *taxonomy.sub_event_types()])
        raise typer.BadParameter(f"unknown type {value!r}; valid: {', '.join(valid)}", param_hint="--type")
    return found


@app.command("contradictions")
def contradictions_command(
    place: Annotated[str | None, typer.Option("--place", help="Only about this place.")] = None,
    doc: Annotated[
        str | None, typer.Option("--doc", help="Only those with a claim in this document.")
    ] = None,
    db: DbOption = None,
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many rows first.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Pairs of claims that cannot both be true (control of a place, counts, blame, denial)."""
    store = _open(db)
    rows = store.contradictions(place=place, doc_id=_full_doc_id(store, doc), limit=limit, offset=offset)
    if as_json:
        _print_rows(rows, [], "contradictions", True)
        return
    cells = [
        {
            "kind": r["kind"],
            "place": r.get("place") or "-",
            "a": f"{r['a'].get('speaker') or '?'} ({r['a']['stance']}): {r['a']['content'][:80]}",
            "b": f"{r['b'].get('speaker') or '?'} ({r['b']['stance']}): {r['b']['content'][:80]}",
            "explanation": r["explanation"],
        }
        for r in rows
    ]
    _print_rows(cells, ["kind", "place", "a", "b", "explanation"], "contradictions", False)


@app.command("skips")
def skips_command(db: DbOption = None, limit: LimitOption = 100, as_json: JsonFlag = False) -> None:
    """Inputs that produced no document, with the reason."""
    rows = _open(db).skips(limit=limit)
    _print_rows(rows, ["source", "reason", "message", "at"], "skipped inputs", as_json)


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
