"""The embedded SQLite store (default): WAL mode, FTS5 search, parameterised queries only."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from frontwire.errors import NotFound, StoreError
from frontwire.model import Document
from frontwire.store import rows as rows_mod
from frontwire.store import summaries, taxonomy
from frontwire.store.base import SORTS, AddResult, QueryError, Row
from frontwire.store.migrations import migrate
from frontwire.store.sqlite_link import LinkTables

# What a document becomes in each table is frontwire/store/rows.py's business (shared with PostgreSQL).
_DOC_COLUMNS = rows_mod.DOC_COLUMNS
_FATALITY_KEYS = rows_mod.FATALITY_KEYS
_EVENT_COLUMNS = rows_mod.EVENT_COLUMNS
_interval_days = rows_mod.interval_days
_event_values = rows_mod.event_values

# What query_events adds to the Event fields: the interval's days, the place record's name, the
# claim's speaker and the document.
_EVENT_PROVENANCE = (
    "date_start",
    "date_end",
    "place_name",
    "reported_by_speaker",
    "outlet",
    "title",
    "published",
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The rows of each document a batch writes (by id), for the summaries.
_Written = dict[str, dict[str, list[rows_mod.Values]]]


def _fold(value: str | None) -> str | None:
    """SQL ``fw_fold(x)``: Unicode case folding (SQLite's lower() folds ASCII only)."""
    return value.casefold() if isinstance(value, str) else value


def _event_json(row: Row) -> dict[str, Any]:
    """An events row as the Event's JSON form (the inverse of _event_values)."""
    data = {c: row[c] for c in _EVENT_COLUMNS}
    data["date_from_published"] = bool(data["date_from_published"])
    # Stated numbers come back as all three keys, None where the text gives no such bound.
    fatalities = {k: row[f"fatalities_{k}"] for k in _FATALITY_KEYS}
    data["fatalities"] = fatalities if any(v is not None for v in fatalities.values()) else None
    return data


def _day(value: str, name: str) -> str:
    try:
        if not _ISO_DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


class _Where:
    """A WHERE clause built from the filters actually given; values only ever as parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def outlet(self, column: str, outlet: str | None) -> None:
        if outlet and outlet.strip():
            self.add(f"fw_fold({column}) = ?", outlet.strip().casefold())

    def published(self, column: str, since: str | None, until: str | None) -> None:
        """The publication day in [since, until] (a datetime counts by its day; undated documents out)."""
        if since:
            self.add(f"{column} >= ?", _day(since, "since"))
        if until:
            last = date.fromisoformat(_day(until, "until"))
            self.add(f"{column} < ?", (last + timedelta(days=1)).isoformat())

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


# The SQL of each sort key of base.SORTS: (expression, direction) pairs, ending on a unique key.
_A, _D = "ASC", "DESC"
_ORDERS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "documents": {
        "date": (("d.published", _D), ("d.stored_at", _D), ("d.id", _A)),
        "stored": (("d.stored_at", _D), ("d.id", _A)),
        "outlet": (("fw_fold(d.outlet)", _A), ("d.published", _D), ("d.id", _A)),
        "title": (("fw_fold(d.title)", _A), ("d.id", _A)),
    },
    "entities": {
        "mentions": (("mentions", _D), ("e.name", _A), ("e.id", _A)),
        "documents": (("documents", _D), ("mentions", _D), ("e.name", _A), ("e.id", _A)),
        "name": (("fw_fold(e.name)", _A), ("e.id", _A)),
        "type": (("e.type", _A), ("mentions", _D), ("e.name", _A), ("e.id", _A)),
        "date": (("last_published", _D), ("mentions", _D), ("e.id", _A)),
    },
    "entity_mentions": {
        "date": (("d.published", _D), ("m.doc_id", _A), ("m.start", _A), ("m.end", _A), ("m.extractor", _A)),
        "name": (("fw_fold(e.name)", _A), ("m.doc_id", _A), ("m.start", _A), ("m.end", _A), ("m.extractor", _A)),
        "doc": (("m.doc_id", _A), ("m.start", _A), ("m.end", _A), ("m.extractor", _A)),
    },
    "claims": {
        # d.id is c.doc_id (the join), named on the documents side so that an index serves both.
        "date": (("d.published", _D), ("d.id", _A), ("c.start", _A), ("c.claim_id", _A), ("c.extractor", _A)),
        "speaker": (("fw_fold(coalesce(c.speaker_name, c.speaker))", _A), ("d.published", _D), ("c.doc_id", _A),
                    ("c.start", _A), ("c.claim_id", _A), ("c.extractor", _A)),
        "stance": (("c.stance", _A), ("d.published", _D), ("c.doc_id", _A), ("c.start", _A), ("c.claim_id", _A),
                   ("c.extractor", _A)),
        "confidence": (("c.confidence", _D), ("c.doc_id", _A), ("c.start", _A), ("c.claim_id", _A),
                       ("c.extractor", _A)),
        "doc": (("c.doc_id", _A), ("c.start", _A), ("c.claim_id", _A), ("c.extractor", _A)),
    },
    "events": {
        "date": (("e.date_start", _A), ("e.doc_id", _A), ("e.start", _A), ("e.seq", _A)),
        "published": (("d.published", _D), ("e.doc_id", _A), ("e.seq", _A)),
        "type": (("e.event_type", _A), ("e.sub_event_type", _A), ("e.date_start", _A), ("e.doc_id", _A),
                 ("e.seq", _A)),
        "place": (("fw_fold(coalesce(p.name, e.place))", _A), ("e.date_start", _A), ("e.doc_id", _A), ("e.seq", _A)),
        "confidence": (("e.confidence", _D), ("e.doc_id", _A), ("e.seq", _A)),
    },
    "places": {
        "mentions": (("mentions", _D), ("p.name", _A), ("p.id", _A)),
        "documents": (("documents", _D), ("mentions", _D), ("p.name", _A), ("p.id", _A)),
        "name": (("fw_fold(p.name)", _A), ("p.id", _A)),
        "country": (("p.country", _A), ("mentions", _D), ("p.name", _A), ("p.id", _A)),
        "date": (("last_published", _D), ("mentions", _D), ("p.id", _A)),
    },
    "place_mentions": {
        "date": (("d.published", _D), ("pm.doc_id", _A), ("pm.start", _A), ("pm.end", _A), ("pm.extractor", _A)),
        "name": (("fw_fold(coalesce(p.name, pm.text))", _A), ("pm.doc_id", _A), ("pm.start", _A), ("pm.end", _A),
                 ("pm.extractor", _A)),
        "doc": (("pm.doc_id", _A), ("pm.start", _A), ("pm.end", _A), ("pm.extractor", _A)),
    },
    "times": {
        "doc": (("t.doc_id", _A), ("t.start", _A), ("t.end", _A), ("t.extractor", _A)),
        "date": (("d.published", _D), ("t.doc_id", _A), ("t.start", _A), ("t.end", _A), ("t.extractor", _A)),
        "value": (("t.value", _A), ("t.doc_id", _A), ("t.start", _A), ("t.end", _A), ("t.extractor", _A)),
    },
    # Equal ranks (re-publications score alike) in storage order: d.rowid here, d.seq on PostgreSQL.
    "search": {
        "rank": (("rank", _A), ("d.rowid", _A)),
        "date": (("d.published", _D), ("rank", _A), ("d.rowid", _A)),
    },
    "clusters": {
        "date": (("date_start", _A), ("corroboration", _D), ("id", _A)),
        "sources": (("corroboration", _D), ("date_start", _A), ("id", _A)),
        "first_reported": (("first_reported", _A), ("id", _A)),
    },
    "contradictions": {
        "place": (("place", _A), ("id", _A)),
        "kind": (("kind", _A), ("place", _A), ("id", _A)),
        "confidence": (("confidence", _D), ("id", _A)),
    },
    "skips": {
        "at": (("at", _D), ("source", _A)),
        "reason": (("reason", _A), ("at", _D), ("source", _A)),
        "source": (("source", _A),),
    },
}  # fmt: skip


# Columns declared NOT NULL: NULLS LAST on them changes nothing, and SQLite can serve an ORDER BY
# from an index only while no term after the first asks for NULLS LAST on an ascending column.
_NOT_NULL = frozenset(
    {"d.id", "e.doc_id", "e.seq", "e.start", "c.doc_id", "c.start", "c.claim_id", "c.extractor", "m.doc_id", "m.start",
     "m.end", "m.extractor", "pm.doc_id", "pm.start", "pm.end", "pm.extractor", "t.doc_id", "t.start", "t.end",
     "t.extractor"}
)  # fmt: skip


def _order(kind: str, sort: str | None) -> str:
    """The ORDER BY clause of a sort key of SORTS[kind] ("-key" reverses it; NULLs always last)."""
    key = sort or SORTS[kind][0]
    name, reverse = (key[1:], True) if key.startswith("-") else (key, False)
    parts = _ORDERS[kind].get(name)
    if parts is None:
        raise QueryError(f"unknown sort key {key!r} for {kind}; valid: {', '.join(SORTS[kind])} (- reverses)")
    flip = {_A: _D, _D: _A}
    return " ORDER BY " + ", ".join(
        f"{expr} {flip[d] if reverse else d}" + ("" if expr in _NOT_NULL else " NULLS LAST")
        for expr, d in parts
    )


def _by_date(kind: str, sort: str | None, doc_id: str | None) -> bool:
    """Whether a listing of mentions (or times) is asked newest first over many documents: then it
    walks the documents in date order (documents_order) and each one's rows by its primary key,
    and stops at the page's end."""
    return not doc_id and (sort or SORTS[kind][0]) == "date"


def _walk_order(kind: str, sort: str | None, walk: bool, doc: str) -> str:
    """The ORDER BY of a listing; walking, its document key named on the documents side (``doc``
    is the join's d.id), so that documents_order serves it; fetching, on the row's side, so that
    the planner does not walk the date order to spare the sort."""
    order = _order(kind, sort)
    return order.replace(f"{doc} ASC", "d.id ASC") if walk else order


def _walks(wanted: int, matches: int, total: int) -> bool:
    """Whether walking the date order beats fetching the matches and sorting them: the walk reads
    about ``wanted * total / matches`` rows, the fetch about three per match."""
    return matches > 0 and wanted * total < 3 * matches * matches


def _rows(cursor: sqlite3.Cursor) -> list[Row]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# One INSERT per table of the write mapping (INSERT OR IGNORE where the first row of a key wins).
_INSERTS = {
    t.name: f"INSERT {'OR IGNORE ' if t.ignore else ''}INTO {t.name} ({rows_mod.quoted(t.columns)})"
    f" VALUES ({', '.join('?' * len(t.columns))})"
    for t in (*rows_mod.TABLES, rows_mod.VERSIONS)
}


class SQLQueries(LinkTables):
    """The reads both SQL stores share, the same SQL on SQLite and PostgreSQL: ``self.db`` is a
    connection taking ``?`` parameters (PostgreSQL defines ``fw_fold``, ``instr`` and
    ``group_concat`` as SQLite has them)."""

    # The extractor version of each stage that documents written now are made with (tests set it).
    versions: dict[str, str]

    # -- reads -------------------------------------------------------------------------------
    def get(self, doc_id: str) -> Document:
        cur = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,))
        rows = _rows(cur)
        if not rows:
            raise NotFound(f"no document with id {doc_id!r}")
        row = rows[0]
        data: dict[str, Any] = {c: row[c] for c in _DOC_COLUMNS}
        data["boilerplate"] = json.loads(row["boilerplate_json"])
        data["errors"] = json.loads(row["errors_json"])
        data["entities"] = _rows(
            self.db.execute(
                "SELECT m.text, m.start, m.end, e.name, m.type, m.entity_id, m.role, m.extractor, m.confidence"
                " FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.doc_id = ?"
                " ORDER BY m.start, m.end, m.extractor",
                (doc_id,),
            )
        )
        data["canonical_entities"] = [
            {**r, "aliases": []}
            for r in _rows(
                self.db.execute(
                    "SELECT DISTINCT e.id, e.name, e.type FROM entities e JOIN mentions m ON m.entity_id = e.id"
                    " WHERE m.doc_id = ? ORDER BY e.name, e.id",
                    (doc_id,),
                )
            )
        ]
        claims = _rows(
            self.db.execute(
                "SELECT * FROM claims WHERE doc_id = ? ORDER BY start, claim_id, extractor", (doc_id,)
            )
        )
        for c in claims:
            c.pop("doc_id")
            c["id"] = c.pop("claim_id")
            c["direct"] = bool(c["direct"])
        data["claims"] = claims
        times = _rows(
            self.db.execute(
                'SELECT * FROM times WHERE doc_id = ? ORDER BY start, "end", extractor', (doc_id,)
            )
        )
        for t in times:
            t.pop("doc_id")
        data["times"] = times
        data["places"] = _rows(
            self.db.execute(
                "SELECT pm.text, pm.start, pm.end, p.name, pm.place_id, p.country, p.admin1, p.lat, p.lon,"
                " p.feature, pm.precision, pm.extractor, pm.confidence FROM place_mentions pm"
                " LEFT JOIN places p ON p.id = pm.place_id WHERE pm.doc_id = ?"
                " ORDER BY pm.start, pm.end, pm.extractor",
                (doc_id,),
            )
        )
        data["events"] = [
            _event_json(r)
            for r in _rows(self.db.execute("SELECT * FROM events WHERE doc_id = ? ORDER BY seq", (doc_id,)))
        ]
        return Document.from_json(data)

    def documents(
        self,
        limit: int = 50,
        offset: int = 0,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        place: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        by_date = (sort or SORTS["documents"][0]).lstrip("-") in ("date", "stored")
        self._outlet(w, outlet, limit + offset if by_date else None)
        w.published("d.published", since, until)
        if place and place.strip():
            self._document_place(w, place.strip().casefold(), limit + offset)
        # The title's folding as the writer stored it (m010, indexed with the id).
        order = _order("documents", sort).replace("fw_fold(d.title)", "d.title_key")
        # The page first, then its rows' counts: counted in the select list of the sorted query, they
        # were counted for every row the sort read (a whole day of documents in the default order).
        return _rows(
            self.db.execute(
                "SELECT d.id, d.url, d.published, d.outlet, d.title, d.author, d.source, d.duplicate_of, d.chars,"
                " (SELECT count(*) FROM mentions m WHERE m.doc_id = d.id) AS mentions,"
                " (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claims"
                " FROM (SELECT d.id, d.url, d.published, d.outlet, d.title, d.author, d.source, d.duplicate_of,"
                " d.stored_at, d.title_key, length(d.text) AS chars FROM documents d"
                + w.sql() + order + " LIMIT ? OFFSET ?) d" + order,
                [*w.params, limit, offset],
            )
        )  # fmt: skip

    def _document_place(self, w: _Where, key: str, wanted: int) -> None:
        """Documents that mention the place or region ``key`` (case-folded name or admin1 of the
        mention's place record; ``wanted``: the rows the page needs)."""
        w.add(
            "d.id IN (SELECT pm.doc_id FROM place_mentions pm"
            " WHERE pm.place_id IN (SELECT id FROM places WHERE fw_fold(name) = ? OR fw_fold(admin1) = ?))",
            key,
            key,
        )

    def _entity_filters(
        self,
        w: _Where,
        type_: str | None,
        name: str | None,
        doc_id: str | None,
        outlet: str | None,
        since: str | None,
        until: str | None,
    ) -> None:
        if type_:
            w.add("e.type = ?", type_.strip().upper())
        if name and name.strip():
            key = name.strip().casefold()
            w.add(
                "(instr(fw_fold(e.name), ?) > 0"
                " OR e.id IN (SELECT entity_id FROM entity_aliases WHERE instr(fw_fold(alias), ?) > 0))",
                key,
                key,
            )
        if doc_id:
            w.add("m.doc_id = ?", doc_id)
        self._outlet(w, outlet)
        w.published("d.published", since, until)

    def _outlet(self, w: _Where, outlet: str | None, walk_wanted: int | None = None) -> None:
        """Rows of documents from ``outlet`` (case-folded): the stored spellings that fold to it
        (outlet_names, m010), then documents_outlet; none: no row is read. ``walk_wanted``: the
        query walks the date order for that many rows, and keeps the index out of it while the
        outlet's documents are many (the walk meets them early)."""
        if not (outlet and outlet.strip()):
            return
        names = [
            str(r[0])
            for r in self.db.execute(
                "SELECT name FROM outlet_names WHERE folded = ?", (outlet.strip().casefold(),)
            )
        ]
        if not names:
            w.add("0 = 1")
            return
        marks = ", ".join("?" * len(names))
        column = "d.outlet"
        if walk_wanted is not None and self._unindexed(column) != column:  # (PostgreSQL plans by itself)
            matches = self._count(f"SELECT count(*) FROM documents WHERE outlet IN ({marks})", names)
            total = self._total("documents")
            if _walks(walk_wanted, matches, total):
                column = self._unindexed(column)
        w.add(f"{column} IN ({marks})", *names)

    def entities(
        self,
        type_: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        name: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        if not (doc_id or outlet or since or until):
            # Only filters on the entity itself: its counts over all its mentions, kept on write (m008).
            self._entity_filters(w, type_, name, None, None, None, None)
            return self._summary_rows(
                "SELECT e.id, e.name, e.type, s.mentions, s.documents, s.first_published, s.last_published"
                " FROM entity_stats s JOIN entities e ON e.id = s.entity_id" + w.sql() + _order("entities", sort),
                w.params, limit, offset, "entity_id", summaries.ENTITY_FACETS,
            )  # fmt: skip
        if not (doc_id or outlet):
            # A period and filters on the entity: the counts of the period's days (m010). A document
            # has one date, so its entities' documents per day add up to their documents.
            period = _Where()
            period.published("published", since, until)
            self._entity_filters(w, type_, name, None, None, None, None)
            return self._summary_rows(
                "SELECT e.id, e.name, e.type, s.mentions, s.documents, s.first_published, s.last_published"
                " FROM (SELECT entity_id, sum(mentions) AS mentions, sum(n) AS documents,"
                " min(published) AS first_published, max(published) AS last_published FROM entity_days"
                + period.sql() + " GROUP BY entity_id) s JOIN entities e ON e.id = s.entity_id"
                + w.sql() + _order("entities", sort),
                [*period.params, *w.params], limit, offset, "entity_id", summaries.ENTITY_DAY_FACETS, period,
            )  # fmt: skip
        self._entity_filters(w, type_, name, doc_id, outlet, since, until)
        return _rows(
            self.db.execute(
                "SELECT e.id, e.name, e.type, count(*) AS mentions, count(DISTINCT m.doc_id) AS documents,"
                " group_concat(DISTINCT m.role) AS roles, group_concat(DISTINCT d.outlet) AS outlets,"
                " min(d.published) AS first_published, max(d.published) AS last_published"
                " FROM entities e JOIN mentions m ON m.entity_id = e.id JOIN documents d ON d.id = m.doc_id"
                + w.sql()
                + " GROUP BY e.id"
                + _order("entities", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

    def _summary_rows(
        self,
        sql: str,
        params: list[Any],
        limit: int,
        offset: int,
        key: str,
        facets: tuple[tuple[str, str, str], ...],
        period: _Where | None = None,
    ) -> list[Row]:
        """A page of summary rows (m008) with their per-value lists filled in, in the columns and
        order of the grouped query (``sql`` selects the id, the attributes, then the counts and the
        first and last dates)."""
        rows = _rows(self.db.execute(sql + " LIMIT ? OFFSET ?", [*params, limit, offset]))
        ids = [r["id"] for r in rows]
        values = {
            name: summaries.facet_values(
                self.db,
                table,
                key,
                column,
                ids,
                period.sql().replace(" WHERE ", " AND ") if period else "",
                period.params if period else [],
            )
            for name, table, column in facets
        }
        out = []
        for r in rows:
            first, last = r.pop("first_published"), r.pop("last_published")
            row = {**r, **{name: values[name].get(r["id"]) for name, _, _ in facets}}
            row.update(first_published=first, last_published=last)
            out.append(row)
        return out

    def entity_mentions(
        self,
        name: str | None = None,
        type_: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        entity_id: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        self._entity_filters(w, type_, name, doc_id, outlet, since, until)
        walk = _by_date("entity_mentions", sort, doc_id)
        if walk and (type_ or (name and name.strip()) or entity_id):
            # Walk the documents by date (stopping at the page's end) or fetch the matches and sort
            # them: the summaries tell how far back the walk would go.
            ents = _Where()
            self._entity_filters(ents, type_, name, None, None, None, None)
            if entity_id:
                ents.add("e.id = ?", entity_id)
            keys = "SELECT e.id FROM entities e" + ents.sql()
            alone = w if not (outlet or since or until) else None
            walk = self._walk_pays("entity", keys, ents.params, limit + offset, "mentions", alone)
            if not walk:  # the matching entities' mentions through mentions_entity
                w.add(f"m.entity_id IN ({keys})", *ents.params)
        if entity_id:
            # Walking, each document's mentions are read by its key, not by the entity's index.
            w.add(f"{self._unindexed('m.entity_id') if walk else 'm.entity_id'} = ?", entity_id)
        if walk:
            # CROSS JOIN fixes the order on SQLite: documents by date, each one's mentions in order.
            w.add("d.id = m.doc_id AND e.id = m.entity_id")
        joins = (
            "documents d CROSS JOIN mentions m CROSS JOIN entities e"
            if walk
            else "mentions m JOIN entities e ON e.id = m.entity_id JOIN documents d ON d.id = m.doc_id"
        )
        return _rows(
            self.db.execute(
                "SELECT m.entity_id, e.name, e.type, m.text, m.role, m.doc_id, m.start, m.end, m.extractor,"
                f" m.confidence, d.outlet, d.title, d.published FROM {joins}"
                + w.sql()
                + _walk_order("entity_mentions", sort, walk, "m.doc_id")
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

    def _unindexed(self, column: str) -> str:
        """``column`` in a form no index serves (SQLite's unary +; PostgreSQL plans by itself)."""
        return column

    def _count(self, sql: str, params: list[Any]) -> int:
        return int(self.db.execute(sql, params).fetchone()[0])

    def _total(self, table: str) -> int:
        """About how many rows ``table`` holds (SQLite: its largest rowid, read from the b-tree's end)."""
        return self._count(f"SELECT coalesce(max(rowid), 0) FROM {table}", [])

    def _walk_pays(
        self, kind: str, keys: str, params: list[Any], wanted: int, rows: str | None, w: _Where | None = None
    ) -> bool:
        """Whether a page of ``wanted`` rows newest first is cheaper by walking the documents in date
        order (reading each one's rows of table ``rows``, or only testing the document when None)
        than by fetching every match of the entities or places ``keys`` (SQL of their ids) and
        sorting them. From the summaries: the day by which the matches' documents fill the page
        tells how many documents the walk reads (matches cluster in time: a uniform guess can walk
        the whole store). ``w``: the listing has no filter but those keys; walking, it then reads
        only the documents of the days that hold the page's matches (m010's mentions per day count
        the rows exactly, so those days hold at least the page)."""
        column = f"{kind}_id"
        need, days = wanted, []
        count = "mentions" if rows else "n"
        for published, n in self.db.execute(
            f"SELECT published, sum({count}) FROM {kind}_days WHERE {column} IN ({keys})"
            " GROUP BY published ORDER BY published DESC",
            params,
        ):
            days.append(published)
            need -= int(n)
            if need <= 0:
                break
        if need > 0:  # dated documents do not fill the page: the walk would read every document
            return False
        only = w is not None and rows is not None
        marks = ", ".join("?" * len(days))
        walked = (
            self._count(f"SELECT count(*) FROM documents WHERE published IN ({marks})", days)
            if only
            else self._count("SELECT count(*) FROM documents WHERE published >= ?", [days[-1]])
        )
        matches = self._count(
            f"SELECT coalesce(sum({'mentions' if rows else 'documents'}), 0) FROM {kind}_stats"
            f" WHERE {column} IN ({keys})",
            params,
        )
        per_doc = 1.0
        if rows:
            docs = self._total("documents")
            per_doc = self._total(rows) / max(docs, 1)
        walk = walked * per_doc < 3 * matches
        if walk and only and w is not None:
            w.add(f"d.published IN ({marks})", *days)
        return walk

    def query_claims(
        self,
        speaker: str | None = None,
        stance: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        outlet: str | None = None,
        place: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        # Newest first (the default) with no document given: walk the documents by date
        # (documents_order) and each one's claims in order (claims_order), stopping at the page's
        # end, instead of sorting every matching claim. CROSS JOIN fixes that join order on SQLite;
        # the stance is then tested on each claim met (coalesce keeps claims_stance out of the
        # inner loop: a stance matches a third of all claims).
        by_date = (sort or SORTS["claims"][0]) == "date" and not doc_id
        walk = by_date
        # By speaker over many documents: the speakers' spellings in order (m010), their claims a
        # few spellings at a time, until the page is full (see _claims_by_speaker).
        grouped = (sort or "").lstrip("-") == "speaker" and not doc_id and not (speaker and speaker.strip())
        if speaker and speaker.strip():
            alone = not (stance or outlet or (place and place.strip()) or since or until)
            walk = self._claim_speaker(w, speaker.strip().casefold(), limit + offset, by_date, alone)
        join = "claims c JOIN documents d ON d.id = c.doc_id"
        if walk:
            join, on = self._claims_walk()
            if on:
                w.add(on)
        if stance:
            w.add(
                "coalesce(c.stance, '') = ?" if by_date or grouped else "c.stance = ?",
                stance.strip().casefold(),
            )
        if doc_id:
            w.add("c.doc_id = ?", doc_id)
        self._outlet(w, outlet, limit + offset if walk else None)
        if place and place.strip():
            # The claim names the place: a place mention inside its content span.
            w.add(
                "EXISTS (SELECT 1 FROM place_mentions pm LEFT JOIN places p ON p.id = pm.place_id"
                " WHERE pm.doc_id = c.doc_id AND pm.start >= c.start AND pm.end <= c.end"
                " AND (fw_fold(p.name) = ? OR fw_fold(p.admin1) = ? OR fw_fold(pm.text) = ?))",
                *[place.strip().casefold()] * 3,
            )
        w.published("d.published", since, until)
        select = (
            "SELECT c.doc_id, c.claim_id, c.speaker, c.speaker_name, c.cue, c.direct, c.stance, c.content,"
            " c.start, c.end, c.said_on, c.parent, c.extractor, c.confidence, d.outlet, d.title, d.published"
        )
        if grouped:
            rows = self._claims_by_speaker(select, w, str(sort), limit, offset)
        else:
            rows = _rows(
                self.db.execute(
                    f"{select} FROM {join}" + w.sql() + _order("claims", sort) + " LIMIT ? OFFSET ?",
                    [*w.params, limit, offset],
                )
            )
        for r in rows:
            r["direct"] = bool(r["direct"])
        return rows

    def _claims_walk(self) -> tuple[str, str | None]:
        """The FROM clause of the date walk of claims, and its join condition (SQLite: CROSS JOIN
        fixes the order: documents by date, each one's claims by claims_order)."""
        return "documents d CROSS JOIN claims c", "d.id = c.doc_id"

    def _claims_by_speaker(self, select: str, w: _Where, sort: str, limit: int, offset: int) -> list[Row]:
        """claims --sort speaker (or -speaker): the order's first key is the folded speaker name or
        speaker, so the page is the claims of the first folded spellings in that order
        (speaker_names by folded, m010), then those with neither (NULLS LAST). The spellings are
        read a few at a time (1, 4, 16, ... folded keys), each group's claims found through the
        speaker indexes and sorted, until the page is full; a claim's key is its speaker name, or
        its speaker when it has none."""
        reverse = sort.startswith("-")
        order, need = _order("claims", sort), limit + offset
        out: list[Row] = []
        last: str | None = None
        chunk = 1
        while len(out) < need:
            after = (" WHERE folded < ?" if reverse else " WHERE folded > ?") if last is not None else ""
            keys = [
                str(r[0])
                for r in self.db.execute(
                    f"SELECT DISTINCT folded FROM speaker_names{after} ORDER BY folded {_D if reverse else _A}"
                    " LIMIT ?",
                    [*([last] if last is not None else []), chunk],
                )
            ]
            if not keys:
                break
            marks = ", ".join("?" * len(keys))
            names = [
                str(r[0])
                for r in self.db.execute(f"SELECT name FROM speaker_names WHERE folded IN ({marks})", keys)
            ]
            spell = ", ".join("?" * len(names))
            g = _Where()
            g.clauses, g.params = list(w.clauses), list(w.params)
            # (unary + on SQLite: the speaker index, not every claim with no speaker name)
            no_name = f"{self._unindexed('c.speaker_name')} IS NULL"
            g.add(f"(c.speaker_name IN ({spell}) OR ({no_name} AND c.speaker IN ({spell})))", *names, *names)
            out += _rows(
                self.db.execute(
                    f"{select} FROM claims c JOIN documents d ON d.id = c.doc_id"
                    + g.sql()
                    + order
                    + " LIMIT ?",
                    [*g.params, need - len(out)],
                )
            )
            last, chunk = keys[-1], chunk * 4
        if len(out) < need:
            # No speaker at all: in the date order (the rest of the order), walked when newest first.
            g = _Where()
            g.clauses, g.params = list(w.clauses), list(w.params)
            g.add(f"{self._unindexed('c.speaker_name')} IS NULL AND {self._unindexed('c.speaker')} IS NULL")
            join = "claims c JOIN documents d ON d.id = c.doc_id"
            if not reverse:
                join = "documents d CROSS JOIN claims c"
                g.add("d.id = c.doc_id")
            out += _rows(
                self.db.execute(
                    f"{select} FROM {join}"
                    + g.sql()
                    + _order("claims", "-date" if reverse else "date")
                    + " LIMIT ?",
                    [*g.params, need - len(out)],
                )
            )
        return out[offset:]

    def _claim_speaker(self, w: _Where, key: str, wanted: int, by_date: bool, alone: bool) -> bool:
        """Claims whose speaker or speaker name contains ``key`` (case-folded): the spellings that
        match (speaker_names, m008), then the claims with one of them. Returns whether the query
        walks the date order (``by_date``: the default order was asked; ``wanted``: the rows the
        page needs; ``alone``: no other filter)."""
        names = "SELECT name FROM speaker_names WHERE instr(folded, ?) > 0"
        w.add(f"(c.speaker_name IN ({names}) OR c.speaker IN ({names}))", key, key)
        return by_date

    def _place_filters(
        self,
        w: _Where,
        name: str | None,
        doc_id: str | None,
        outlet: str | None,
        since: str | None,
        until: str | None,
    ) -> None:
        if name and name.strip():
            key = name.strip().casefold()
            w.add("(instr(fw_fold(p.name), ?) > 0 OR instr(fw_fold(pm.text), ?) > 0)", key, key)
        if doc_id:
            w.add("pm.doc_id = ?", doc_id)
        self._outlet(w, outlet)
        w.published("d.published", since, until)

    def _place_named(self, key: str) -> tuple[list[str], list[tuple[str, str]]]:
        """The places whose name contains ``key`` (case-folded), and the (text, place id or '')
        pairs of the place mention spellings that contain it (place_texts, m010)."""
        places = [
            str(r[0])
            for r in self.db.execute("SELECT id FROM places WHERE instr(fw_fold(name), ?) > 0", (key,))
        ]
        texts = [
            (str(t), str(p))
            for t, p in self.db.execute(
                "SELECT text, place_id FROM place_texts WHERE instr(folded, ?) > 0", (key,)
            )
        ]
        return places, texts

    def query_places(
        self,
        name: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        if not (name and name.strip()) and not (doc_id or outlet or since or until):
            # No filter: each place's counts over all its resolved mentions, kept on write (m008).
            return self._summary_rows(
                "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, s.mentions, s.documents,"
                " s.first_published, s.last_published FROM place_stats s JOIN places p ON p.id = s.place_id"
                + _order("places", sort),
                [], limit, offset, "place_id", summaries.PLACE_FACETS,
            )  # fmt: skip
        if not (name and name.strip()) and not (doc_id or outlet):
            # A period only: the counts of its days (m010), as for entities.
            period = _Where()
            period.published("published", since, until)
            return self._summary_rows(
                "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, s.mentions, s.documents,"
                " s.first_published, s.last_published FROM (SELECT place_id, sum(mentions) AS mentions,"
                " sum(n) AS documents, min(published) AS first_published, max(published) AS last_published"
                " FROM place_days" + period.sql() + " GROUP BY place_id) s JOIN places p ON p.id = s.place_id"
                + _order("places", sort),
                period.params, limit, offset, "place_id", summaries.PLACE_DAY_FACETS, period,
            )  # fmt: skip
        if name and name.strip() and not (doc_id or outlet or since or until):
            return self._places_named(name.strip().casefold(), limit, offset, sort)
        self._place_filters(w, name, doc_id, outlet, since, until)
        return _rows(
            self.db.execute(
                "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, count(*) AS mentions,"
                " count(DISTINCT pm.doc_id) AS documents, group_concat(DISTINCT d.outlet) AS outlets,"
                " min(d.published) AS first_published, max(d.published) AS last_published"
                " FROM place_mentions pm JOIN places p ON p.id = pm.place_id JOIN documents d ON d.id = pm.doc_id"
                + w.sql()
                + " GROUP BY p.id"
                + _order("places", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

    def _places_named(self, key: str, limit: int, offset: int, sort: str | None) -> list[Row]:
        """places --name alone: a place whose name contains ``key`` counts all its mentions (its
        summary row, m008); another counts those whose text contains it (place_texts tells which
        places have such a spelling: their mentions of those spellings are grouped)."""
        named, texts = self._place_named(key)
        others = sorted({p for _, p in texts if p} - set(named))
        spellings = sorted({t for t, p in texts if p in others})
        parts, params = [], []
        if named:
            marks = ", ".join("?" * len(named))
            parts.append(
                "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, s.mentions, s.documents,"
                " s.first_published, s.last_published FROM place_stats s JOIN places p ON p.id = s.place_id"
                f" WHERE s.place_id IN ({marks})"
            )
            params += named
        matching = ""
        if others:
            marks, spell = ", ".join("?" * len(others)), ", ".join("?" * len(spellings))
            matching = f" pm.place_id IN ({marks}) AND pm.text IN ({spell})"
            parts.append(
                "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, count(*) AS mentions,"
                " count(DISTINCT pm.doc_id) AS documents, min(d.published) AS first_published,"
                " max(d.published) AS last_published FROM place_mentions pm JOIN places p ON p.id = pm.place_id"
                f" JOIN documents d ON d.id = pm.doc_id WHERE{matching} GROUP BY p.id"
            )
            params += [*others, *spellings]
        if not parts:
            return []
        rows = _rows(
            self.db.execute(
                "SELECT * FROM ("
                + " UNION ALL ".join(parts)
                + ") p"
                + _order("places", sort)
                + " LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        )
        ids = [r["id"] for r in rows]
        outlets = summaries.facet_values(
            self.db, "place_outlets", "place_id", "outlet", [i for i in ids if i in named]
        )
        rest = [i for i in ids if i not in named]
        if rest:
            marks = ", ".join("?" * len(rest))
            found: dict[str, list[str]] = {}
            for pid, outlet in self.db.execute(
                f"SELECT DISTINCT pm.place_id, d.outlet FROM place_mentions pm JOIN documents d ON d.id = pm.doc_id"
                f" WHERE{matching} AND pm.place_id IN ({marks}) AND d.outlet IS NOT NULL",
                [*others, *spellings, *rest],
            ):
                found.setdefault(str(pid), []).append(str(outlet))
            outlets.update({i: ",".join(sorted(v)) for i, v in found.items()})
        out = []
        for r in rows:
            first, last = r.pop("first_published"), r.pop("last_published")
            out.append(
                {**r, "outlets": outlets.get(r["id"]), "first_published": first, "last_published": last}
            )
        return out

    def place_mentions(
        self,
        name: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        place_id: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        self._place_filters(w, None, doc_id, outlet, since, until)
        walk = _by_date("place_mentions", sort, doc_id)
        if name and name.strip():
            walk = self._place_mention_name(w, name.strip().casefold(), limit + offset, walk, bool(doc_id))
        if place_id:
            if walk:  # as for entity mentions
                alone = w if not (outlet or since or until or (name and name.strip())) else None
                walk = self._walk_pays("place", "?", [place_id], limit + offset, "place_mentions", alone)
            w.add(f"{self._unindexed('pm.place_id') if walk else 'pm.place_id'} = ?", place_id)
        if walk:  # documents by date, each one's mentions in order (a name is tested on each)
            w.add("d.id = pm.doc_id")
        joins = (
            "documents d CROSS JOIN place_mentions pm LEFT JOIN places p ON p.id = pm.place_id"
            if walk
            else "place_mentions pm LEFT JOIN places p ON p.id = pm.place_id JOIN documents d ON d.id = pm.doc_id"
        )
        return _rows(
            self.db.execute(
                "SELECT pm.place_id, p.name, p.country, p.admin1, p.lat, p.lon, pm.text, pm.precision,"
                f" pm.doc_id, pm.start, pm.end, pm.extractor, pm.confidence, d.outlet, d.title, d.published FROM {joins}"
                + w.sql()
                + _walk_order("place_mentions", sort, walk, "pm.doc_id")
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

    def _place_mention_name(self, w: _Where, key: str, wanted: int, walk: bool, by_doc: bool) -> bool:
        """Place mentions whose place's name or own text contains ``key``: the mentions of the
        places so named, or with a text spelling that contains it (place_texts, m010), as lists of
        values instead of folding every row met. Returns whether the date walk still pays (the
        counts of those places and spellings against every place mention)."""
        named, texts = self._place_named(key)
        spellings = sorted({t for t, _ in texts})
        if not named and not spellings:
            w.add("0 = 1")
            return False
        if walk:
            matches = 0
            if named:
                marks = ", ".join("?" * len(named))
                matches += self._count(
                    f"SELECT coalesce(sum(mentions), 0) FROM place_stats WHERE place_id IN ({marks})", named
                )
            if spellings:
                marks = ", ".join("?" * len(spellings))
                matches += self._count(
                    f"SELECT coalesce(sum(n), 0) FROM place_texts WHERE text IN ({marks})", spellings
                )  # at most: a mention may count by both
            total = self._total("place_mentions")
            walk = _walks(wanted, matches, total)
        terms, params = [], []
        if walk or by_doc:  # tested on each mention read by its document's key
            if named:
                terms.append(f"{self._unindexed('pm.place_id')} IN ({', '.join('?' * len(named))})")
                params += named
            if spellings:
                terms.append(f"{self._unindexed('pm.text')} IN ({', '.join('?' * len(spellings))})")
                params += spellings
        else:  # through the place index: the places named, those with a matching spelling, unresolved ones
            places = sorted(set(named) | {p for _, p in texts if p})
            if places:
                marks = ", ".join("?" * len(places))
                inner = [f"pm.place_id IN ({', '.join('?' * len(named))})"] if named else []
                inner_params: list[Any] = list(named)
                if spellings:
                    inner.append(f"pm.text IN ({', '.join('?' * len(spellings))})")
                    inner_params += spellings
                terms.append(f"(pm.place_id IN ({marks}) AND ({' OR '.join(inner)}))")
                params += [*places, *inner_params]
            unresolved = sorted({t for t, p in texts if not p})
            if unresolved:
                terms.append(f"(pm.place_id IS NULL AND pm.text IN ({', '.join('?' * len(unresolved))}))")
                params += unresolved
        w.add("(" + " OR ".join(terms) + ")", *params)
        return walk

    def query_events(
        self,
        type_: str | None = None,
        sub_type: str | None = None,
        place: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        outlet: str | None = None,
        stance: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        # Only the filters given become SQL (so each can use its index); every value is a parameter.
        w = _Where()
        # Newest documents first with no filter that needs an events index: walk the documents by
        # date and each one's events in order (events_doc), stopping at the page's end (a type is
        # then tested on each event met, not read through its index per document).
        walk = sort == "published" and not (doc_id or place or actor or since or until)
        etype = self._unindexed("e.event_type") if walk else "e.event_type"
        if type_:
            w.add(f"{etype} = ?", taxonomy.event_type(type_) or type_)
        if sub_type:
            canonical = taxonomy.sub_event_type(sub_type)
            if canonical and not type_:
                # The sub-type's own event type lets the (event_type, sub_event_type) index serve it.
                w.add(f"{etype} = ?", taxonomy.sub_event_types()[canonical])
            w.add("e.sub_event_type = ?", canonical or sub_type)
        if place and place.strip():
            self._event_place(w, place.strip().casefold(), limit + offset)
        if actor and actor.strip():
            key = actor.strip().casefold()
            w.add("(instr(fw_fold(e.actor1), ?) > 0 OR instr(fw_fold(e.actor2), ?) > 0)", key, key)
        # In the period when the event's interval overlaps it (an undated event is in no period).
        if since:
            w.add("e.date_end >= ?", _day(since, "since"))
        if until:
            w.add("e.date_start <= ?", _day(until, "until"))
        if doc_id:
            w.add("e.doc_id = ?", doc_id)
        self._outlet(w, outlet, limit + offset if walk else None)
        if stance:
            w.add("e.stance = ?", stance.strip().casefold())
        joins = "events e JOIN documents d ON d.id = e.doc_id"
        if walk:
            joins = "documents d CROSS JOIN events e"
            w.add("d.id = e.doc_id")
        sql = (
            "SELECT e.*, d.outlet, d.title, d.published, p.name AS place_name,"
            " (SELECT coalesce(c.speaker_name, c.speaker) FROM claims c"
            "  WHERE c.doc_id = e.doc_id AND c.claim_id = e.reported_by LIMIT 1) AS reported_by_speaker"
            f" FROM {joins} LEFT JOIN places p ON p.id = e.place_id"
            + w.sql()
            + _walk_order("events", sort, walk, "e.doc_id")
            + " LIMIT ? OFFSET ?"
        )
        out = []
        for r in _rows(self.db.execute(sql, [*w.params, limit, offset])):
            row: Row = {"doc_id": r["doc_id"], **_event_json(r)}
            row.update({k: r[k] for k in _EVENT_PROVENANCE})
            row["cluster_id"] = r.get("cluster_id")
            out.append(row)
        return out

    def _event_place(self, w: _Where, key: str, wanted: int) -> None:
        """Events at the place or in the region ``key`` (case-folded): the name or admin1 of the
        event's place record, or the event's own place or admin1 text (``wanted``: the rows the
        page needs, offset included)."""
        w.add(
            "(e.place_id IN (SELECT id FROM places WHERE fw_fold(name) = ? OR fw_fold(admin1) = ?)"
            " OR fw_fold(e.place) = ? OR fw_fold(e.admin1) = ?)",
            *[key] * 4,
        )

    def query_times(
        self,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        if doc_id:
            w.add("t.doc_id = ?", doc_id)
        walk = _by_date("times", sort, doc_id)
        self._outlet(w, outlet, limit + offset if walk else None)
        w.published("d.published", since, until)
        if walk:  # documents by date, each one's times in order
            w.add("d.id = t.doc_id")
        joins = "documents d CROSS JOIN times t" if walk else "times t JOIN documents d ON d.id = t.doc_id"
        return _rows(
            self.db.execute(
                "SELECT t.doc_id, t.text, t.start, t.end, t.type, t.value, t.precision, t.anchor, t.extractor,"
                f" t.confidence, d.outlet, d.title, d.published FROM {joins}"
                + w.sql()
                + _walk_order("times", sort, walk, "t.doc_id")
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

    def find_ids(self, prefix: str, limit: int = 2) -> list[str]:
        """Document ids that start with ``prefix`` (to accept short ids on the command line)."""
        pattern = prefix.replace("%", "").replace("_", "") + "%"
        return [
            r[0]
            for r in self.db.execute("SELECT id FROM documents WHERE id LIKE ? LIMIT ?", (pattern, limit))
        ]

    def skips(
        self, limit: int = 100, *, offset: int = 0, reason: str | None = None, sort: str | None = None
    ) -> list[Row]:
        w = _Where()
        if reason:
            w.add("reason = ?", reason.strip().casefold())
        return _rows(
            self.db.execute(
                "SELECT source, reason, message, at FROM skips"
                + w.sql()
                + _order("skips", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

    def counts(self) -> dict[str, int]:
        tables = ("documents", "entities", "mentions", "claims", "times", "place_mentions", "events", "skips")
        # Table names come from the constant tuple above, never from input.
        return {t: int(self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}

    def has_raw(self, raw_sha256: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM documents WHERE raw_sha256 = ? LIMIT 1", (raw_sha256,)
        ).fetchone()
        return str(row[0]) if row else None

    def stored_versions(self, doc_id: str) -> dict[str, str]:
        """The extractor version of each stage this stored document was made with ({} if unknown)."""
        return {
            str(stage): str(extractor)
            for stage, extractor in self.db.execute(
                "SELECT stage, extractor FROM document_versions WHERE doc_id = ?", (doc_id,)
            )
        }

    def stale_documents(self, versions: Mapping[str, str]) -> set[str]:
        """``raw_sha256`` of the stored documents made with other extractor versions than ``versions``
        (stage -> extractor), or with unknown ones (stored before versions were recorded): the inputs
        ``run --reprocess-stale`` processes again."""
        pairs = sorted(versions.items())
        count = "(SELECT count(*) FROM document_versions v WHERE v.doc_id = d.id)"
        sql = (
            f"SELECT DISTINCT d.raw_sha256 FROM documents d WHERE d.raw_sha256 IS NOT NULL AND ({count} != ?"
        )
        params: list[Any] = [len(pairs)]
        if pairs:
            marks = ", ".join("(?, ?)" for _ in pairs)
            sql += (
                " OR (SELECT count(*) FROM document_versions v WHERE v.doc_id = d.id"
                f" AND (v.stage, v.extractor) IN (VALUES {marks})) != ?"
            )
            params += [*(x for pair in pairs for x in pair), len(pairs)]
        return {str(r[0]) for r in self.db.execute(sql + ")", params)}

    def close(self) -> None:
        self.db.close()


def _use_wal(db: sqlite3.Connection, wait_s: float = 30.0) -> None:
    """Switch a file to WAL mode, waiting while another process holds it.

    Changing the journal mode needs an exclusive lock and SQLite answers "database is locked" at
    once rather than calling the busy handler, so two processes opening one fresh file race here.
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class SQLiteStore(SQLQueries):
    """Store backed by one SQLite file (or ':memory:')."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            # Autocommit mode: transactions are explicit (see _transaction), so a batch is all-or-nothing.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            _use_wal(self.db)
            self.db.execute("PRAGMA synchronous=NORMAL")
            # At 100,000 documents a batch dirties ~1,500 pages spread over the indexes (document ids
            # are random, entities and speakers each end their own index run): a 64 MiB page cache
            # keeps the upper levels and the runs' ends; a checkpoint every 64 MiB of WAL rather than
            # 4 MiB (after every batch at that size) writes each hot page once per many batches.
            # Together: write rate at 20,000 documents 102-126 -> 152-181 docs/s (bench, 960 docs).
            self.db.execute("PRAGMA cache_size=-65536")
            self.db.execute("PRAGMA wal_autocheckpoint=16384")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.create_function("fw_fold", 1, _fold, deterministic=True)
            migrate(self.db)
            self.versions = rows_mod.installed_versions()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from exc

    @classmethod
    def reader(cls, path: str | Path) -> SQLiteStore:
        """A read-only connection to an existing, migrated store file (one per server thread).

        Opened ``mode=ro`` with ``query_only`` on, no migration: writes through it fail. The
        connection may be closed from another thread (the pool closes them all at shutdown), but
        is only ever used by the thread that opened it.
        """
        store = cls.__new__(cls)
        store.path = str(path)
        store.versions = rows_mod.installed_versions()
        try:
            uri = Path(path).expanduser().resolve().as_uri() + "?mode=ro"
            store.db = sqlite3.connect(
                uri, uri=True, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            store.db.execute("PRAGMA query_only = ON")
            store.db.create_function("fw_fold", 1, _fold, deterministic=True)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open SQLite store {store.path} read-only: {exc}") from exc
        return store

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield self.db
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise StoreError(f"write to {self.path} failed: {exc}") from exc
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    # -- writes ------------------------------------------------------------------------------
    def add_documents(self, documents: Iterable[Document], replace: bool = False) -> AddResult:
        result = AddResult()
        with self._transaction() as db:
            # The replaced row's id comes back in the same transaction: check references at commit.
            db.execute("PRAGMA defer_foreign_keys = ON")
            # The summaries' (m008) net change: documents deleted, then those written, as they stand at the end.
            delta = summaries.Delta()
            written: _Written = {}
            for doc in documents:
                row = db.execute(
                    "SELECT text_sha256, outlet, url FROM documents WHERE id = ?", (doc.id,)
                ).fetchone()
                if row is not None:
                    same_text = row[0] == rows_mod.text_sha(doc.article.text)
                    if same_text and not replace:
                        if rows_mod.other_publisher(doc, row[1], row[2]):
                            kind, copy = self._copy_of(db, doc, written, delta)
                            getattr(result, kind).append(copy)
                            continue
                        if self.stored_versions(doc.id) == self.versions:
                            result.duplicates.append(doc.id)
                            continue
                        # The same item, stored by other extractor versions: made again, it replaces them.
                    # A changed page under the same canonical URL (an updated article, a live page),
                    # or an explicit reprocess: the new version replaces the old one and its extractions.
                    self._delete(db, doc.id, written, delta)
                    self._insert(db, doc, written)
                    result.updated.append(doc.id)
                    continue
                self._insert(db, doc, written)
                result.stored.append(doc.id)
            for rows in written.values():
                delta.add(rows)
            delta.write(db)
        return result

    def _copy_of(
        self, db: sqlite3.Connection, doc: Document, written: _Written, delta: summaries.Delta
    ) -> tuple[str, str]:
        """Store the document as a copy record (another publisher sent the same text): which list
        of AddResult it goes to (copies; duplicates when that copy is stored; updated when it was
        stored by other extractor versions), and the id to put there."""
        record = rows_mod.copy_record(doc)
        if db.execute("SELECT 1 FROM documents WHERE id = ?", (record.id,)).fetchone():
            if self.stored_versions(record.id) == self.versions:
                return "duplicates", doc.id
            self._delete(db, record.id, written, delta)
            self._insert(db, record, written)
            return "updated", record.id
        # The copy has the original's text and no extractions of its own: it counts as a publisher.
        self._insert(db, record, written)
        return "copies", record.id

    @staticmethod
    def _delete(db: sqlite3.Connection, doc_id: str, written: _Written, delta: summaries.Delta) -> None:
        """Delete a stored document and its rows; out of the summaries first (not yet counted in
        them when it was written in this batch)."""
        if written.pop(doc_id, None) is None:
            delta.remove(db, doc_id)
        db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def _insert(self, db: sqlite3.Connection, doc: Document, written: _Written) -> None:
        art = doc.article
        if art.duplicate_of is None:
            # Same body under another id (re-publication, URL variant): keep it, point at the first one.
            first = db.execute(
                "SELECT id FROM documents WHERE text_sha256 = ? AND duplicate_of IS NULL AND id != ? LIMIT 1",
                (rows_mod.text_sha(art.text), art.id),
            ).fetchone()
            if first:
                art.duplicate_of = first[0]
        rows = rows_mod.document_rows(doc, self.versions)
        for table in (*rows_mod.TABLES, rows_mod.VERSIONS):
            if rows[table.name]:
                db.executemany(_INSERTS[table.name], rows[table.name])
        db.execute("DELETE FROM skips WHERE source = ?", (art.source,))
        written[art.id] = rows

    def record_skip(self, source: str, reason: str, message: str | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO skips (source, reason, message) VALUES (?, ?, ?)"
                " ON CONFLICT(source) DO UPDATE SET reason = excluded.reason, message = excluded.message,"
                " at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                (source, reason, message),
            )

    def _unindexed(self, column: str) -> str:
        return "+" + column

    # -- reads that SQLite serves from its own tables (m006) ----------------------------------
    def place_spellings(self, key: str) -> list[str]:
        """The stored spellings of place names (events' place and admin1, place records' name and
        admin1) that case-fold to ``key``, through place_names (m006) rather than by folding every
        row: a name of printable ASCII folds as SQLite's NOCASE does (one index lookup); the few
        others are each folded here."""
        rows = self.db.execute(
            "SELECT name FROM place_names WHERE plain = 1 AND name = ? COLLATE NOCASE"
            " UNION ALL SELECT name FROM place_names WHERE plain = 0",
            (key,),
        )
        return [str(r[0]) for r in rows if str(r[0]).casefold() == key]

    def _event_place(self, w: _Where, key: str, wanted: int) -> None:
        # The same events as SQLQueries._event_place, matched on the raw spellings (indexed).
        names = self.place_spellings(key)
        if not names:
            w.add("0 = 1")
            return
        marks = ", ".join("?" * len(names))
        ids = f"SELECT id FROM places WHERE name IN ({marks}) OR admin1 IN ({marks})"
        terms: tuple[str, ...] = (f"e.place_id IN ({ids})", f"e.place IN ({marks})", f"e.admin1 IN ({marks})")
        # Two plans give the same rows: fetch the matching events through the name indexes and sort
        # them (cheap while they are few), or walk the date order and keep those that match (cheap
        # while they are many: the page fills early). Counted on the indexes, the matches decide:
        # walking costs about wanted * events / matches rows, fetching about 3 * matches.
        matches = sum(
            int(
                self.db.execute(
                    f"SELECT count(*) FROM events e WHERE {t}", names * (2 if i == 0 else 1)
                ).fetchone()[0]
            )
            for i, t in enumerate(terms)
        )
        total = int(self.db.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0])
        walk = matches > 0 and wanted * total < 3 * matches * matches
        if walk:  # unary + keeps the name indexes out, so the date-order indexes drive the query
            terms = tuple("+" + t for t in terms)
        w.add("(" + " OR ".join(terms) + ")", *names * 4)

    def _document_place(self, w: _Where, key: str, wanted: int) -> None:
        # The same documents as SQLQueries._document_place, through the spellings (place_names) and
        # the name indexes. As for events: walk the date order testing each document's mentions
        # while the place is in many documents (place_stats counts them), else fetch and sort.
        names = self.place_spellings(key)
        if not names:
            w.add("0 = 1")
            return
        marks = ", ".join("?" * len(names))
        ids = [r[0] for r in self.db.execute(
            f"SELECT id FROM places WHERE name IN ({marks}) OR admin1 IN ({marks})", names * 2)]  # fmt: skip
        if not ids:
            w.add("0 = 1")
            return
        marks = ", ".join("?" * len(ids))
        if self._walk_pays("place", marks, ids, wanted, None):
            w.add(
                f"EXISTS (SELECT 1 FROM place_mentions pm WHERE pm.doc_id = d.id AND +pm.place_id IN ({marks}))",
                *ids,
            )
        else:
            w.add(f"d.id IN (SELECT pm.doc_id FROM place_mentions pm WHERE pm.place_id IN ({marks}))", *ids)

    def _claim_speaker(self, w: _Where, key: str, wanted: int, by_date: bool, alone: bool) -> bool:
        # The same claims as SQLQueries._claim_speaker. In the default order there are two plans,
        # as for the event place filter: walk the documents by date and test each claim (cheap while
        # the speaker is common and recent), or fetch the matches through the speaker indexes and
        # sort them (cheap while rare). speaker_days (m009) says which days hold the newest matches.
        names = "SELECT name FROM speaker_names WHERE instr(folded, ?) > 0"
        if not by_date:
            w.add(f"(c.speaker_name IN ({names}) OR c.speaker IN ({names}))", key, key)
            return False
        days, need, matches = [], wanted, 0
        for day, as_name, as_speaker in self.db.execute(
            f"SELECT published, sum(as_name), sum(as_speaker) FROM speaker_days WHERE name IN ({names})"
            " GROUP BY published ORDER BY published DESC",
            (key,),
        ):
            matches += int(as_name) + int(as_speaker)  # at most (a claim may match by both)
            if need > 0 and (as_name or as_speaker):
                days.append(day)
                need -= max(int(as_name), int(as_speaker))  # at least
        walk = False
        if need <= 0:
            # The newest days with matches fill the page: walking reads their documents only.
            marks = ", ".join("?" * len(days))
            walked = self._count(f"SELECT count(*) FROM documents WHERE published IN ({marks})", days)
            per_doc = self._total("claims") / max(1, self._total("documents"))
            walk = walked * per_doc < 3 * matches
            if walk and alone:
                # Only the speaker filters: the page lies in those days (other filters could leave
                # their matches short of a page, so then the walk goes on past them).
                w.add(f"d.published IN ({marks})", *days)
        plus = "+" if walk else ""  # unary + keeps the speaker indexes out of the date walk
        w.add(f"({plus}c.speaker_name IN ({names}) OR {plus}c.speaker IN ({names}))", key, key)
        return walk

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        w = _Where()
        w.add("documents_fts MATCH ?", query)
        self._outlet(w, outlet)
        w.published("d.published", since, until)
        order = _order("search", sort)
        if len(w.clauses) == 1 and (sort or SORTS["search"][0]).lstrip("-") == "rank":
            # Rank and storage order are both on the index side: the page first, then its documents.
            # Joining every match to documents before the sort doubled the time of a word that most
            # documents hold (93,104 matches at 100,000 documents: 170 -> 87 ms).
            # The outer query sorts the page again by the same clause (d.rowid is f.rowid there).
            sql = (
                "SELECT d.id, d.title, d.published, d.outlet, f.rowid AS fts_rowid, f.rank AS rank FROM"
                " (SELECT rowid, bm25(documents_fts) AS rank FROM documents_fts WHERE documents_fts MATCH ?"
                + order.replace("d.rowid", "rowid")
                + " LIMIT ? OFFSET ?) f JOIN documents d ON d.rowid = f.rowid"
                + order
            )
        else:
            sql = (
                "SELECT d.id, d.title, d.published, d.outlet, documents_fts.rowid AS fts_rowid,"
                " bm25(documents_fts) AS rank FROM documents_fts JOIN documents d"
                " ON d.rowid = documents_fts.rowid" + w.sql() + order + " LIMIT ? OFFSET ?"
            )
        try:
            rows = _rows(self.db.execute(sql, [*w.params, limit, offset]))
            if rows:
                marks = ", ".join("?" * len(rows))
                snippets = dict(
                    self.db.execute(
                        "SELECT rowid, snippet(documents_fts, 1, '[', ']', ' … ', 12) FROM documents_fts"
                        f" WHERE documents_fts MATCH ? AND rowid IN ({marks})",
                        [query, *(r["fts_rowid"] for r in rows)],
                    ).fetchall()
                )
            out = []
            for r in rows:
                rowid, rank = r.pop("fts_rowid"), r.pop("rank")
                out.append({**r, "snippet": snippets.get(rowid), "rank": rank})
            return out
        except sqlite3.OperationalError as exc:
            # A busy or broken database is an error of the store; anything else here is FTS5 syntax.
            if any(word in str(exc) for word in ("locked", "disk", "readonly", "no such table", "malformed")):
                raise StoreError(f"search failed: {exc}") from exc
            raise QueryError(
                f'invalid full-text query {query!r} ({exc}); SQLite FTS5 syntax: words, "exact phrases",'
                " AND, OR, NOT, NEAR(a b, 5), prefix*; put a word in double quotes to search it as written"
            ) from exc
