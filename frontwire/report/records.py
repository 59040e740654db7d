"""The export records: one per fused cluster (default) or per report, read through the Store's queries.

A *record* is a flat dict with frontwire's own field names (``FIELDS``); the ACLED, CSV, GeoJSON and
Parquet writers all start from it. Rules:

- Only counted events: an event with a ``modality`` (negated, future, hypothetical, background) is
  never exported as an event.
- The filters select reports (``query_events``: type, sub-type, place, actor, period); a cluster
  is in when any of its counted reports is, and carries the fused values of all its reports. The
  cluster's ``corroboration`` (independent outlets) is what ``min_sources`` compares with.
- A cluster record's actors, evidence sentence and document are those of its most precise report
  (the one fusion anchors the cluster on; one that names an actor first), so the quoted sentence
  supports the coded actors.
- An event that the link stage has not clustered yet (a store written without the after-commit
  step) is a record of its own, with no cluster id and no corroboration: nothing is made up for it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from frontwire.store import taxonomy

PAGE = 5000
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# Field name -> type (for Parquet's typed columns and for CSV readers).
FIELDS: dict[str, str] = {
    "id": "string",  # the cluster id, or the event id with --per-report / for an unlinked event
    "kind": "string",  # 'cluster' | 'event'
    "cluster_id": "string",
    "event_type": "string",
    "sub_event_type": "string",
    "plover_type": "string",
    "plover_mode": "string",
    "actor1": "string",
    "actor2": "string",
    "target": "string",
    "place": "string",
    "place_id": "string",
    "country": "string",
    "admin1": "string",
    "lat": "float",
    "lon": "float",
    "geo_precision": "int",
    "date": "string",
    "date_start": "date",
    "date_end": "date",
    "time_precision": "int",
    "date_from_published": "bool",
    "fatalities_low": "int",
    "fatalities_best": "int",
    "fatalities_high": "int",
    "corroboration": "int",
    "claimed_only": "bool",
    "reports": "int",
    "outlets": "list",
    "documents": "list",
    "first_reported": "string",
    "disagreements": "json",
    "doc_id": "string",
    "outlet": "string",
    "title": "string",
    "published": "string",
    "url": "string",
    "evidence": "string",
    "start": "int",
    "end": "int",
    "trigger": "string",
    "reported_by": "string",
    "reported_by_speaker": "string",
    "stance": "string",
    "confidence": "float",
    "extractor": "string",
    "timestamp": "int",
}


@dataclass(slots=True)
class Filters:
    """What an export or report selects; checked and made canonical by :func:`filters`."""

    type_: str | None = None
    sub_type: str | None = None
    place: str | None = None
    actor: str | None = None
    since: str | None = None
    until: str | None = None
    min_sources: int = 1

    def event_query(self) -> dict[str, Any]:
        return {
            "type_": self.type_,
            "sub_type": self.sub_type,
            "place": self.place,
            "actor": self.actor,
            "since": self.since,
            "until": self.until,
        }

    @property
    def any_event_filter(self) -> bool:
        return any(v is not None for v in self.event_query().values()) or self.min_sources > 1


def _day(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(f"{name} must be a date YYYY-MM-DD, not {value!r}")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


def filters(
    type_: str | None = None,
    sub_type: str | None = None,
    place: str | None = None,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_sources: int = 1,
) -> Filters:
    """Checked filters: ACLED names in their canonical spelling, days as YYYY-MM-DD (ValueError else)."""
    canonical_type = canonical_sub = None
    if type_ is not None:
        canonical_type = taxonomy.event_type(type_)
        if canonical_type is None:
            raise ValueError(
                f"unknown event type {type_!r}; ACLED's event types are: {'; '.join(taxonomy.event_types())}"
            )
    if sub_type is not None:
        canonical_sub = taxonomy.sub_event_type(sub_type)
        if canonical_sub is None:
            raise ValueError(
                f"unknown sub-event type {sub_type!r}; ACLED's sub-event types are: "
                + "; ".join(taxonomy.sub_event_types())
            )
        parent = taxonomy.sub_event_types()[canonical_sub]
        if canonical_type is not None and parent != canonical_type:
            raise ValueError(
                f"{canonical_sub!r} is a sub-event type of {parent!r}, not of {canonical_type!r}"
            )
    since, until = _day(since, "since"), _day(until, "until")
    if since and until and since > until:
        raise ValueError(f"since {since} is after until {until}")
    if min_sources < 1:
        raise ValueError(f"min_sources must be at least 1, not {min_sources}")
    return Filters(
        canonical_type,
        canonical_sub,
        (place or "").strip() or None,
        (actor or "").strip() or None,
        since,
        until,
        min_sources,
    )


def _unix(stamp: str | None) -> int | None:
    """Unix seconds of the store's 'YYYY-MM-DDTHH:MM:SSZ' write time."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


@dataclass(slots=True)
class DocumentInfo:
    """What records and citations need of a document: its metadata, text and write time."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None
    text: str
    stored_at: int | None


@dataclass(slots=True)
class Reader:
    """Cached reads of the store: documents, each document's events, the clusters."""

    store: Any
    _docs: dict[str, DocumentInfo] = field(default_factory=dict)
    _events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _clusters: dict[str, dict[str, Any]] | None = None

    def documents(self, ids: list[str]) -> dict[str, DocumentInfo]:
        missing = [i for i in dict.fromkeys(ids) if i not in self._docs]
        if missing:
            self._docs.update(_read_documents(self.store, missing))
        return {i: self._docs[i] for i in ids}

    def document(self, doc_id: str) -> DocumentInfo:
        return self.documents([doc_id])[doc_id]

    def events_of(self, doc_id: str) -> list[dict[str, Any]]:
        if doc_id not in self._events:
            self._events[doc_id] = list(_paged(self.store.query_events, doc_id=doc_id))
        return self._events[doc_id]

    def clusters(self) -> dict[str, dict[str, Any]]:
        if self._clusters is None:
            self._clusters = {c["id"]: c for c in _paged(self.store.clusters)}
        return self._clusters


_CHUNK = 900  # ids per SQL statement (under SQLite's oldest host-parameter limit)


def _read_documents(store: Any, ids: list[str]) -> dict[str, DocumentInfo]:
    """Metadata, text and write time of documents: one query per chunk on the SQLite store (whose
    ``get`` would also read every extraction), else through ``get`` and ``link_documents``."""
    out: dict[str, DocumentInfo] = {}
    db = getattr(store, "db", None)
    if isinstance(db, sqlite3.Connection):
        for i in range(0, len(ids), _CHUNK):
            part = ids[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            sql = (
                "SELECT id, outlet, title, published, url, canonical_url, text, stored_at"
                f" FROM documents WHERE id IN ({marks})"
            )
            for doc_id, outlet, title, published, url, canonical, text, stored in db.execute(sql, part):
                out[doc_id] = DocumentInfo(
                    doc_id, outlet, title, published, canonical or url, text, _unix(stored)
                )
    missing = [i for i in ids if i not in out]
    if missing:
        stamps = {r["id"]: r.get("stored_at") for r in store.link_documents(missing)}
        for doc_id in missing:
            art = store.get(doc_id).article  # raises NotFound for an unknown id
            out[doc_id] = DocumentInfo(
                doc_id, art.outlet, art.title, art.published, art.canonical_url or art.url, art.text,
                _unix(stamps.get(doc_id)),
            )  # fmt: skip
    return out


def _paged(query: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        page = query(**kwargs, limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def matching_events(store: Any, f: Filters, places: list[str] | None = None) -> list[dict[str, Any]]:
    """The counted events (no modality) the filters select, in the store's date order.

    ``places`` (several place names, each matched as ``place`` is) replaces the filters' place.
    """
    if not places:
        return [e for e in _paged(store.query_events, **f.event_query()) if e["modality"] is None]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name in places:
        query = {**f.event_query(), "place": name}
        for e in _paged(store.query_events, **query):
            if e["modality"] is None:
                found.setdefault((e["doc_id"], e["id"]), e)
    return sorted(found.values(), key=_event_order)


def _event_order(e: dict[str, Any]) -> tuple[bool, str, str, int]:
    return (e["date_start"] is None, e["date_start"] or "", e["doc_id"], e["start"])


def _anchor_key(e: dict[str, Any]) -> tuple[int, int, int, float, str]:
    # Fusion's precision order (place, then date, then confidence), preferring a report that names an actor.
    named = 0 if (e["actor1"] or e["actor2"]) else 1
    return (named, e["geo_precision"] or 9, e["time_precision"] or 9, -(e["confidence"] or 0.0), e["id"])


def _event_record(e: dict[str, Any], doc: DocumentInfo, cluster: dict[str, Any] | None) -> dict[str, Any]:
    fat = e["fatalities"] or {}
    return {
        "id": e["id"],
        "kind": "event",
        "cluster_id": e["cluster_id"],
        "event_type": e["event_type"],
        "sub_event_type": e["sub_event_type"],
        "plover_type": e["plover_type"],
        "plover_mode": e["plover_mode"],
        "actor1": e["actor1"],
        "actor2": e["actor2"],
        "target": e["target"],
        "place": e["place_name"] or e["place"],
        "place_id": e["place_id"],
        "country": e["country"],
        "admin1": e["admin1"],
        "lat": e["lat"],
        "lon": e["lon"],
        "geo_precision": e["geo_precision"],
        "date": e["date"],
        "date_start": e["date_start"],
        "date_end": e["date_end"],
        "time_precision": e["time_precision"],
        "date_from_published": bool(e["date_from_published"]),
        "fatalities_low": fat.get("low"),
        "fatalities_best": fat.get("best"),
        "fatalities_high": fat.get("high"),
        "corroboration": cluster["corroboration"] if cluster else None,
        "claimed_only": cluster["claimed_only"] if cluster else None,
        "reports": 1,
        "outlets": [doc.outlet] if doc.outlet else [],
        "documents": [e["doc_id"]],
        "first_reported": (doc.published or "")[:10] or None,
        "disagreements": {},
        "doc_id": e["doc_id"],
        "outlet": doc.outlet,
        "title": doc.title,
        "published": doc.published,
        "url": doc.url,
        "evidence": e["evidence"],
        "start": e["start"],
        "end": e["end"],
        "trigger": e["trigger"],
        "reported_by": e["reported_by"],
        "reported_by_speaker": e["reported_by_speaker"],
        "stance": e["stance"],
        "confidence": e["confidence"],
        "extractor": e["extractor"],
        "timestamp": doc.stored_at,
    }


def _cluster_record(cluster: dict[str, Any], members: list[dict[str, Any]], reader: Reader) -> dict[str, Any]:
    anchor = min(members, key=_anchor_key)
    docs = reader.documents(sorted({m["doc_id"] for m in members}))
    out = _event_record(anchor, docs[anchor["doc_id"]], cluster)
    same_place = [m for m in members if cluster["place_id"] and m["place_id"] == cluster["place_id"]]
    fat = cluster["fatalities"] or {}
    stamps = [d.stored_at for d in docs.values() if d.stored_at is not None]
    out.update(
        id=cluster["id"],
        kind="cluster",
        cluster_id=cluster["id"],
        event_type=cluster["event_type"],
        sub_event_type=cluster["sub_event_type"],
        place=cluster["place"],
        place_id=cluster["place_id"],
        country=next((m["country"] for m in [*same_place, anchor, *members] if m["country"]), None),
        admin1=next((m["admin1"] for m in [*same_place, anchor] if m["admin1"]), None),
        lat=cluster["lat"],
        lon=cluster["lon"],
        geo_precision=cluster["geo_precision"],
        date=cluster["date"],
        date_start=cluster["date_start"],
        date_end=cluster["date_end"],
        time_precision=cluster["time_precision"],
        fatalities_low=fat.get("low"),
        fatalities_best=fat.get("best"),
        fatalities_high=fat.get("high"),
        reports=len(cluster["events"]),
        outlets=list(cluster["outlets"]),
        documents=list(cluster["documents"]),
        first_reported=cluster["first_reported"],
        disagreements=dict(cluster["disagreements"]),
        # The cluster last changed when its latest report was stored.
        timestamp=max(stamps) if stamps else None,
    )
    return out


def records(
    store: Any,
    f: Filters,
    per_report: bool = False,
    reader: Reader | None = None,
    places: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Export records for the filters: one per fused cluster, or one per report (``per_report``)."""
    reader = reader or Reader(store)
    events = matching_events(store, f, places)
    if not events:
        return []
    clusters = reader.clusters() if any(e["cluster_id"] for e in events) else {}
    out: list[dict[str, Any]] = []
    if per_report:
        docs = reader.documents(sorted({e["doc_id"] for e in events}))
        for e in events:
            cluster = clusters.get(e["cluster_id"]) if e["cluster_id"] else None
            if (cluster["corroboration"] if cluster else 1) < f.min_sources:
                continue
            out.append(_event_record(e, docs[e["doc_id"]], cluster))
        return out
    seen: set[str] = set()
    for e in events:
        cid = e["cluster_id"]
        cluster = clusters.get(cid) if cid else None
        if cluster is None:
            if f.min_sources <= 1:
                out.append(_event_record(e, reader.document(e["doc_id"]), None))
            continue
        if cid in seen or cluster["corroboration"] < f.min_sources:
            continue
        seen.add(cid)
        wanted = set(cluster["events"])
        members = [m for d in cluster["documents"] for m in reader.events_of(d) if m["id"] in wanted]
        out.append(_cluster_record(cluster, members or [e], reader))
    # Clusters in their fused date order (undated last), then the most corroborated first.
    out.sort(
        key=lambda r: (r["date_start"] is None, r["date_start"] or "", -(r["corroboration"] or 0), r["id"])
    )
    return out
