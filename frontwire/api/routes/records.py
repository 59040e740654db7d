"""Read endpoints over the extracted records: entities, claims, places, times, events, clusters,
contradictions, search and skips; each a thin call of frontwire.query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from frontwire import query
from frontwire.api.deps import State, page_json
from frontwire.api.params import Doc, Format, Limit, Offset, Outlet, Place, Since, Sort, Until, capped
from frontwire.query import InvalidFilter, Page

router = APIRouter(tags=["records"])

GEOJSON = "application/geo+json"


def _wants_geojson(request: Request, fmt: str | None) -> bool:
    if fmt is not None and fmt.strip():
        value = fmt.strip().lower()
        if value not in ("json", "geojson"):
            raise InvalidFilter(
                "format", f"unknown format {fmt!r}; valid: json, geojson", ["json", "geojson"]
            )
        return value == "geojson"
    return GEOJSON in request.headers.get("accept", "")


def _geojson(page: Page, id_of: Any) -> JSONResponse:
    body = query.geojson(
        page.items, id_of, limit=page.limit, offset=page.offset, next_offset=page.next_offset
    )
    return JSONResponse(body, media_type=GEOJSON)


Mentions = Annotated[
    bool, Query(description="List the mentions behind the matching records (document, outlet, date, span).")
]


@router.get("/entities", summary="Canonical entities, or the mentions behind them")
def entities(
    state: State,
    type: Annotated[str | None, Query(description="PERSON, ORG, ARMED_GROUP, GPE, WEAPON, UNIT, ...")] = None,
    name: Annotated[str | None, Query(description="A substring of the name or an alias (any case).")] = None,
    doc: Doc = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    mentions: Mentions = False,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    store = state.pool.reader()
    run = query.mentions_of_entities if mentions else query.entities
    page = run(
        store, type_=type, name=name, doc=doc, outlet=outlet, since=since, until=until, sort=sort,
        limit=capped(limit), offset=offset,
    )  # fmt: skip
    return page_json(page)


@router.get("/claims", summary="Attributed statements: speaker, cue, stance, content, provenance")
def claims(
    state: State,
    speaker: Annotated[
        str | None, Query(description="Speaker name or mention (substring, any case).")
    ] = None,
    stance: Annotated[str | None, Query(description="asserted, hedged or denied.")] = None,
    place: Annotated[str | None, Query(description="Claims that name this place.")] = None,
    doc: Doc = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    page = query.claims(
        state.pool.reader(), speaker=speaker, stance=stance, place=place, doc=doc, outlet=outlet, since=since,
        until=until, sort=sort, limit=capped(limit), offset=offset,
    )  # fmt: skip
    return page_json(page)


@router.get("/places", summary="Resolved places with coordinates, or the mentions behind them")
def places(
    state: State,
    request: Request,
    name: Annotated[str | None, Query(description="A substring of the place's name or mention text.")] = None,
    doc: Doc = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    mentions: Mentions = False,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    run = query.mentions_of_places if mentions else query.places
    page = run(
        state.pool.reader(), name=name, doc=doc, outlet=outlet, since=since, until=until, sort=sort,
        limit=capped(limit), offset=offset,
    )  # fmt: skip
    if _wants_geojson(request, format):
        if mentions:
            return _geojson(page, lambda r: f"{r['doc_id']}:{r['start']}:{r['end']}")
        return _geojson(page, lambda r: str(r["id"]))
    return page_json(page)


@router.get("/times", summary="Time expressions with resolved intervals")
def times(
    state: State,
    doc: Doc = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    page = query.times(
        state.pool.reader(), doc=doc, outlet=outlet, since=since, until=until, sort=sort, limit=capped(limit),
        offset=offset,
    )  # fmt: skip
    return page_json(page)


@router.get("/events", summary="Coded events (ACLED types), as JSON or RFC 7946 GeoJSON")
def events(
    state: State,
    request: Request,
    type: Annotated[str | None, Query(description="ACLED event type, e.g. Battles (any case).")] = None,
    sub_type: Annotated[str | None, Query(description="ACLED sub-event type, e.g. Air/drone strike.")] = None,
    place: Place = None,
    actor: Annotated[str | None, Query(description="Either actor (substring, any case).")] = None,
    stance: Annotated[str | None, Query(description="Stance of the claim that reports the event.")] = None,
    doc: Doc = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    page = query.events(
        state.pool.reader(), type_=type, sub_type=sub_type, place=place, actor=actor, stance=stance, doc=doc,
        outlet=outlet, since=since, until=until, sort=sort, limit=capped(limit), offset=offset,
    )  # fmt: skip
    if _wants_geojson(request, format):
        return _geojson(page, lambda r: f"{r['doc_id']}:{r['id']}")
    return page_json(page)


@router.get("/clusters", summary="Events fused across documents, with corroboration; JSON or GeoJSON")
def clusters(
    state: State,
    request: Request,
    type: Annotated[str | None, Query(description="ACLED event type or sub-event type.")] = None,
    place: Place = None,
    doc: Doc = None,
    since: Since = None,
    until: Until = None,
    min_sources: Annotated[int, Query(description="At least this many independent outlets.")] = 1,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = None,
) -> Any:
    page = query.clusters(
        state.pool.reader(), type_=type, place=place, doc=doc, since=since, until=until,
        min_sources=min_sources, sort=sort, limit=capped(limit), offset=offset,
    )  # fmt: skip
    if _wants_geojson(request, format):
        return _geojson(page, lambda r: str(r["id"]))
    return page_json(page)


@router.get("/contradictions", summary="Pairs of claims that cannot both be true")
def contradictions(
    state: State,
    place: Place = None,
    doc: Annotated[
        str | None, Query(description="Those with a claim in this document (id or prefix).")
    ] = None,
    kind: Annotated[
        str | None, Query(description="control, casualties, equipment, responsibility or denial.")
    ] = None,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    page = query.contradictions(
        state.pool.reader(), place=place, doc=doc, kind=kind, sort=sort, limit=capped(limit), offset=offset
    )
    return page_json(page)


@router.get("/search", summary="Full-text search over titles and bodies (FTS5 query syntax, both stores)")
def search(
    state: State,
    q: Annotated[str, Query(description='FTS5 query: words, "phrases", AND, OR, NOT, NEAR(), prefix*.')],
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    sort: Annotated[str | None, Query(description="rank (default) or date (newest first).")] = None,
    limit: Annotated[int, Query(description="Rows per page.")] = 20,
    offset: Offset = 0,
) -> Any:
    page = query.search(
        state.pool.reader(), q, outlet=outlet, since=since, until=until, sort=sort, limit=capped(limit),
        offset=offset,
    )  # fmt: skip
    return page_json(page)


@router.get("/skips", summary="Inputs that produced no document, with the reason")
def skips(
    state: State,
    reason: Annotated[str | None, Query(description="A skip reason, e.g. too_large.")] = None,
    sort: Sort = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    return query.skips(
        state.pool.reader(), reason=reason, sort=sort, limit=capped(limit), offset=offset
    ).to_json()
