"""One query layer over the Store, shared by the CLI and the HTTP API.

Each function takes the filters by the names the CLI options and the API parameters use, checks them
(an unknown value raises :class:`InvalidFilter`, whose message lists the valid ones), resolves short
document ids, checks the sort key, bounds the page, and returns a :class:`Page`:

    documents · document · entities · mentions_of_entities · claims · places · mentions_of_places
    times · events · clusters · contradictions · search · skips

``since``/``until`` (``YYYY-MM-DD``, inclusive) bound the document's publication day, except on
events and clusters, where they bound the event's date (kept when its interval overlaps the period).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from frontwire.errors import NotFound
from frontwire.model import Document
from frontwire.store import Store, taxonomy
from frontwire.store.base import SORTS, QueryError, Row

__all__ = [
    "CONTRADICTION_KINDS",
    "ENTITY_TYPES",
    "MAX_LIMIT",
    "SKIP_REASONS",
    "STANCES",
    "InvalidFilter",
    "Page",
    "claims",
    "clusters",
    "contradictions",
    "document",
    "documents",
    "entities",
    "events",
    "geojson",
    "mentions_of_entities",
    "mentions_of_places",
    "places",
    "resolve_doc",
    "search",
    "skips",
    "times",
]

# The largest page one call returns (the API's cap; the CLI passes its own).
MAX_LIMIT = 500
STANCES = ("asserted", "hedged", "denied")
# The entity types the nlp stage stores (frontwire.nlp.ENTITY_LABELS; a test keeps them equal).
ENTITY_TYPES = (
    "ARMED_GROUP",
    "EVENT",
    "FAC",
    "GPE",
    "LOC",
    "NORP",
    "ORG",
    "PERSON",
    "PLACE",
    "UNIT",
    "WEAPON",
)
# frontwire.model.Contradiction.kind
CONTRADICTION_KINDS = ("casualties", "control", "denial", "equipment", "responsibility")
# The reason codes of frontwire.errors (skips).
SKIP_REASONS = (
    "binary", "empty", "fetch_failed", "blocked_address", "malformed_container", "no_article",
    "not_found", "nothing_to_read", "symlink_outside_input", "time_budget_exceeded", "too_complex",
    "too_large", "unreadable", "unsupported_format", "bad_input", "unknown",
)  # fmt: skip
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidFilter(QueryError):
    """A filter, sort key or page bound with a value the query cannot take; names the valid ones."""

    reason = "invalid_filter"

    def __init__(self, name: str, message: str, valid: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.name = name  # the filter's name, as CLI option (--name) and API parameter
        self.valid = list(valid)


@dataclass(slots=True)
class Page:
    """One page of rows in a stable order; ``next_offset`` is None on the last page."""

    items: list[Row]
    limit: int
    offset: int
    next_offset: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": self.next_offset,
        }


# -- checks ------------------------------------------------------------------------------------
def _given(value: str | None) -> str | None:
    """A filter value, or None when it is absent or blank."""
    return value.strip() if value is not None and value.strip() else None


def _choice(name: str, value: str | None, valid: Sequence[str], what: str) -> str | None:
    value = _given(value)
    if value is None:
        return None
    folded = {v.casefold(): v for v in valid}
    found = folded.get(value.casefold())
    if found is None:
        raise InvalidFilter(name, f"unknown {what} {value!r}; valid: {', '.join(valid)}", valid)
    return found


def event_type(value: str | None, name: str = "type") -> str | None:
    """ACLED's event type, any case, as spelled canonically."""
    value = _given(value)
    if value is None:
        return None
    found = taxonomy.event_type(value)
    if found is None:
        valid = list(taxonomy.event_types())
        raise InvalidFilter(
            name, f"unknown event type {value!r}; ACLED's event types are: {'; '.join(valid)}", valid
        )
    return found


def sub_event_type(value: str | None, type_: str | None = None, name: str = "sub_type") -> str | None:
    """ACLED's sub-event type, any case; it must belong to ``type_`` when that is given."""
    value = _given(value)
    if value is None:
        return None
    found = taxonomy.sub_event_type(value)
    if found is None:
        listing = "; ".join(f"{t}: {', '.join(subs)}" for t, subs in taxonomy.event_types().items())
        raise InvalidFilter(
            name,
            f"unknown sub-event type {value!r}; ACLED's sub-event types are: {listing}",
            taxonomy.sub_event_types(),
        )
    parent = taxonomy.sub_event_types()[found]
    if type_ is not None and parent != type_:
        raise InvalidFilter(
            name,
            f"{found!r} is a sub-event type of {parent!r}, not of {type_!r}",
            taxonomy.event_types()[type_],
        )
    return found


def event_kind(value: str | None, name: str = "type") -> str | None:
    """An ACLED event type or sub-event type name, any case (clusters accept either)."""
    value = _given(value)
    if value is None:
        return None
    found = taxonomy.event_type(value) or taxonomy.sub_event_type(value)
    if found is None:
        valid = [*taxonomy.event_types(), *taxonomy.sub_event_types()]
        raise InvalidFilter(name, f"unknown type {value!r}; valid: {', '.join(valid)}", valid)
    return found


def stance(value: str | None, name: str = "stance") -> str | None:
    """asserted, hedged or denied (any case)."""
    return _choice(name, value, STANCES, "stance")


def entity_type(value: str | None, name: str = "type") -> str | None:
    """An entity type (PERSON, ORG, ARMED_GROUP, ...; any case)."""
    return _choice(name, value, ENTITY_TYPES, "entity type")


def day(value: str | None, name: str) -> str | None:
    """A calendar day written YYYY-MM-DD."""
    value = _given(value)
    if value is None:
        return None
    try:
        if not _ISO_DAY.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidFilter(name, f"{value!r} is not a date YYYY-MM-DD") from None


def period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The two bounds of a period, checked and in order."""
    first, last = day(since, "since"), day(until, "until")
    if first and last and first > last:
        raise InvalidFilter("since", f"since {first} is after until {last}")
    return first, last


def sort_key(kind: str, value: str | None) -> str | None:
    """One of the store's sort keys for ``kind`` (SORTS); "-key" reverses it."""
    value = _given(value)
    if value is None:
        return None
    valid = SORTS[kind]
    if value.removeprefix("-") not in valid:
        raise InvalidFilter(
            "sort", f"unknown sort key {value!r}; valid: {', '.join(valid)} (prefix - to reverse)", valid
        )
    return value


def page_bounds(limit: int, offset: int, max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """``limit`` in 1..max_limit and ``offset`` of 0 or more."""
    if limit < 1 or limit > max_limit:
        raise InvalidFilter("limit", f"limit must be between 1 and {max_limit}, not {limit}")
    if offset < 0:
        raise InvalidFilter("offset", f"offset must be 0 or more, not {offset}")
    return limit, offset


def resolve_doc(store: Store, value: str | None, name: str = "doc") -> str | None:
    """A document id from a full id or a unique prefix of one (the short id the tables print)."""
    value = _given(value)
    if value is None:
        return None
    matches = store.find_ids(value.lower(), limit=2)
    if len(matches) > 1:
        raise InvalidFilter(name, f"{value!r} matches several documents: give more characters")
    if not matches:
        raise InvalidFilter(name, f"no stored document id starts with {value!r}")
    return str(matches[0])


def _page(fetch: Callable[[int, int], list[Row]], limit: int, offset: int, max_limit: int) -> Page:
    limit, offset = page_bounds(limit, offset, max_limit)
    rows = fetch(limit + 1, offset)  # one row more says whether there is a next page
    more = len(rows) > limit
    return Page(rows[:limit], limit, offset, offset + limit if more else None)


# -- queries -----------------------------------------------------------------------------------
def document(store: Store, doc_id: str) -> Document:
    """One stored document by its id or a unique prefix (raises NotFound, or InvalidFilter if ambiguous)."""
    value = doc_id.strip()
    matches = store.find_ids(value.lower(), limit=2) if value else []
    if len(matches) > 1:
        raise InvalidFilter("id", f"{value!r} matches several documents: give more characters")
    if not matches:
        raise NotFound(f"no document with id {value!r}")
    return store.get(matches[0])


def documents(
    store: Store,
    *,
    outlet: str | None = None,
    place: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Stored documents, newest first; ``place``: those that mention it."""
    first, last = period(since, until)
    key = sort_key("documents", sort)
    return _page(
        lambda n, o: store.documents(
            n, o, outlet=_given(outlet), place=_given(place), since=first, until=last, sort=key
        ),
        limit,
        offset,
        max_limit,
    )


def entities(
    store: Store,
    *,
    type_: str | None = None,
    name: str | None = None,
    doc: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Canonical entities with mention and document counts, roles, outlets, first and last dates."""
    kind, first, last = entity_type(type_), *period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("entities", sort)
    return _page(
        lambda n, o: store.entities(
            kind,
            doc_id,
            n,
            offset=o,
            name=_given(name),
            outlet=_given(outlet),
            since=first,
            until=last,
            sort=key,
        ),
        limit,
        offset,
        max_limit,
    )


def mentions_of_entities(
    store: Store,
    *,
    name: str | None = None,
    type_: str | None = None,
    doc: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """The mentions (document, outlet, date, span, role) behind the entities that match."""
    kind, first, last = entity_type(type_), *period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("entity_mentions", sort)
    return _page(
        lambda n, o: store.entity_mentions(
            _given(name), kind, doc_id, n, offset=o, outlet=_given(outlet), since=first, until=last, sort=key
        ),
        limit,
        offset,
        max_limit,
    )


def claims(
    store: Store,
    *,
    speaker: str | None = None,
    stance: str | None = None,
    doc: str | None = None,
    outlet: str | None = None,
    place: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Attributed statements with speaker, cue, stance, content, document, outlet and date."""
    said, first, last = _stance(stance), *period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("claims", sort)
    return _page(
        lambda n, o: store.query_claims(
            _given(speaker),
            said,
            doc_id,
            n,
            offset=o,
            outlet=_given(outlet),
            place=_given(place),
            since=first,
            until=last,
            sort=key,
        ),
        limit,
        offset,
        max_limit,
    )


_stance = stance  # the check, under a name the ``stance`` parameters do not shadow


def places(
    store: Store,
    *,
    name: str | None = None,
    doc: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Resolved places with coordinates, mention and document counts, outlets, first and last dates."""
    first, last = period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("places", sort)
    return _page(
        lambda n, o: store.query_places(
            _given(name), doc_id, n, offset=o, outlet=_given(outlet), since=first, until=last, sort=key
        ),
        limit,
        offset,
        max_limit,
    )


def mentions_of_places(
    store: Store,
    *,
    name: str | None = None,
    doc: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """The mentions (document, outlet, date, span) behind the places that match."""
    first, last = period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("place_mentions", sort)
    return _page(
        lambda n, o: store.place_mentions(
            _given(name), doc_id, n, offset=o, outlet=_given(outlet), since=first, until=last, sort=key
        ),
        limit,
        offset,
        max_limit,
    )


def times(
    store: Store,
    *,
    doc: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Time expressions with their resolved intervals, document, outlet and date."""
    first, last = period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("times", sort)
    return _page(
        lambda n, o: store.query_times(
            doc_id, n, offset=o, outlet=_given(outlet), since=first, until=last, sort=key
        ),
        limit,
        offset,
        max_limit,
    )


def events(
    store: Store,
    *,
    type_: str | None = None,
    sub_type: str | None = None,
    place: str | None = None,
    actor: str | None = None,
    stance: str | None = None,
    doc: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Coded events (ACLED types) with evidence, document and outlet, by date (undated last)."""
    kind = event_type(type_)
    sub = sub_event_type(sub_type, kind)
    said, (first, last) = _stance(stance), period(since, until)
    doc_id, key = resolve_doc(store, doc), sort_key("events", sort)
    return _page(
        lambda n, o: store.query_events(
            kind,
            sub,
            _given(place),
            _given(actor),
            first,
            last,
            doc_id,
            n,
            o,
            outlet=_given(outlet),
            stance=said,
            sort=key,
        ),
        limit,
        offset,
        max_limit,
    )


def clusters(
    store: Store,
    *,
    type_: str | None = None,
    place: str | None = None,
    doc: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_sources: int = 1,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Events fused across documents, with corroboration (independent outlets)."""
    kind, (first, last) = event_kind(type_), period(since, until)
    if min_sources < 1:
        raise InvalidFilter("min_sources", f"min_sources must be 1 or more, not {min_sources}")
    doc_id, key = resolve_doc(store, doc), sort_key("clusters", sort)
    return _page(
        lambda n, o: store.clusters(
            _given(place), kind, first, last, min_sources, n, o, doc_id=doc_id, sort=key
        ),
        limit,
        offset,
        max_limit,
    )


def contradictions(
    store: Store,
    *,
    place: str | None = None,
    doc: str | None = None,
    kind: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Pairs of claims that cannot both be true."""
    what = _choice("kind", kind, CONTRADICTION_KINDS, "contradiction kind")
    doc_id, key = resolve_doc(store, doc), sort_key("contradictions", sort)
    return _page(
        lambda n, o: store.contradictions(_given(place), doc_id, n, o, kind=what, sort=key),
        limit,
        offset,
        max_limit,
    )


def search(
    store: Store,
    q: str,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str | None = None,
    limit: int = 20,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Full-text search (SQLite FTS5 syntax); invalid syntax raises QueryError saying so."""
    if not q or not q.strip():
        raise InvalidFilter("q", "the search query is empty")
    first, last = period(since, until)
    key = sort_key("search", sort)
    return _page(
        lambda n, o: store.search(q, n, offset=o, outlet=_given(outlet), since=first, until=last, sort=key),
        limit,
        offset,
        max_limit,
    )


def skips(
    store: Store,
    *,
    reason: str | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Inputs that produced no document, with the reason."""
    why = _choice("reason", reason, SKIP_REASONS, "skip reason")
    key = sort_key("skips", sort)
    return _page(lambda n, o: store.skips(n, offset=o, reason=why, sort=key), limit, offset, max_limit)


# -- GeoJSON -----------------------------------------------------------------------------------
def geojson(rows: Iterable[Row], id_of: Callable[[Row], str], **members: Any) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection: one Feature per row, a Point [lon, lat] where the row has
    coordinates (null geometry where it has none), the other fields as properties; ``members`` are
    added to the collection (RFC 7946 section 6.1 foreign members, e.g. the paging)."""
    features = []
    for row in rows:
        lat, lon = row.get("lat"), row.get("lon")
        geometry = (
            {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        )
        props = {k: v for k, v in row.items() if k not in ("lat", "lon")}
        features.append({"type": "Feature", "id": id_of(row), "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features, **members}
