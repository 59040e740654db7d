"""The embedded SQLite store (default): WAL mode, FTS5 search, parameterised queries only."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from frontwire.errors import NotFound, StoreError
from frontwire.model import Document, Event, normalise_text_for_id, sha256_hex
from frontwire.store import taxonomy
from frontwire.store.base import SORTS, AddResult, QueryError, Row
from frontwire.store.migrations import migrate
from frontwire.store.sqlite_link import LinkTables

_DOC_COLUMNS = (
    "id", "source", "url", "canonical_url", "outlet", "title", "author", "section", "published",
    "published_source", "language", "text", "raw_sha256", "fetched_at", "duplicate_of", "extractor",
)  # fmt: skip


# Event fields stored one column each; ``fatalities`` is split into three columns and the ``date``
# interval is also kept as its first and last day (``date_start``/``date_end``) for period queries.
_FATALITY_KEYS = ("low", "best", "high")
_EVENT_COLUMNS = tuple(f.name for f in fields(Event) if f.name != "fatalities")
_EVENT_INSERT = (
    "INSERT OR IGNORE INTO events (doc_id, seq, date_start, date_end, fatalities_low, fatalities_best,"
    " fatalities_high, " + ", ".join(f'"{c}"' for c in _EVENT_COLUMNS) + ")"
    " VALUES (" + ", ".join("?" * (7 + len(_EVENT_COLUMNS))) + ")"
)
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


def _fold(value: str | None) -> str | None:
    """SQL ``fw_fold(x)``: Unicode case folding (SQLite's lower() folds ASCII only)."""
    return value.casefold() if isinstance(value, str) else value


def _interval_days(value: str | None) -> tuple[str | None, str | None]:
    """First and last day of an ISO interval ('YYYY-MM-DD/YYYY-MM-DD', or one day); (None, None) if not one."""
    if not value:
        return None, None
    parts = value.split("/")
    if len(parts) > 2:
        return None, None
    try:
        days = [date.fromisoformat(part.strip()[:10]).isoformat() for part in parts]
    except ValueError:
        return None, None
    if days[-1] < days[0]:
        return None, None
    return days[0], days[-1]


def _event_values(doc_id: str, seq: int, event: Event) -> list[Any]:
    fatalities = event.fatalities or {}
    unknown = set(fatalities) - set(_FATALITY_KEYS)
    if unknown:
        raise StoreError(
            f"event {event.id} of {doc_id}: fatalities keys must be low/best/high, not {sorted(unknown)}"
        )
    start, end = _interval_days(event.date)
    values = [getattr(event, c) for c in _EVENT_COLUMNS]
    return [
        doc_id,
        seq,
        start,
        end,
        *(fatalities.get(k) for k in _FATALITY_KEYS),
        *(int(v) if isinstance(v, bool) else v for v in values),
    ]


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
        "date": (("d.published", _D), ("c.doc_id", _A), ("c.start", _A), ("c.claim_id", _A), ("c.extractor", _A)),
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
    "search": {
        "rank": (("rank", _A), ("d.id", _A)),
        "date": (("d.published", _D), ("rank", _A), ("d.id", _A)),
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


def _order(kind: str, sort: str | None) -> str:
    """The ORDER BY clause of a sort key of SORTS[kind] ("-key" reverses it; NULLs always last)."""
    key = sort or SORTS[kind][0]
    name, reverse = (key[1:], True) if key.startswith("-") else (key, False)
    parts = _ORDERS[kind].get(name)
    if parts is None:
        raise QueryError(f"unknown sort key {key!r} for {kind}; valid: {', '.join(SORTS[kind])} (- reverses)")
    flip = {_A: _D, _D: _A}
    return " ORDER BY " + ", ".join(f"{expr} {flip[d] if reverse else d} NULLS LAST" for expr, d in parts)


def _rows(cursor: sqlite3.Cursor) -> list[Row]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class SQLiteStore(LinkTables):
    """Store backed by one SQLite file (or ':memory:')."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            # Autocommit mode: transactions are explicit (see _transaction), so a batch is all-or-nothing.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.create_function("fw_fold", 1, _fold, deterministic=True)
            migrate(self.db)
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
            for doc in documents:
                row = db.execute(
                    "SELECT text_sha256, outlet, url FROM documents WHERE id = ?", (doc.id,)
                ).fetchone()
                if row is not None:
                    same_text = row[0] == sha256_hex(normalise_text_for_id(doc.article.text))
                    if same_text and not replace:
                        copy = self._copy_of(db, doc, row[1], row[2])
                        (result.copies if copy else result.duplicates).append(copy or doc.id)
                        continue
                    # A changed page under the same canonical URL (an updated article, a live page),
                    # or an explicit reprocess: the new version replaces the old one and its extractions.
                    db.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
                    self._insert(db, doc)
                    result.updated.append(doc.id)
                    continue
                self._insert(db, doc)
                result.stored.append(doc.id)
        return result

    def _copy_of(
        self, db: sqlite3.Connection, doc: Document, outlet: str | None, url: str | None
    ) -> str | None:
        """Store the document as a copy record when another publisher sent the same text; its id."""
        art = doc.article
        if (art.outlet or None, art.url or None) == (outlet, url) or not (art.outlet or art.url):
            return None  # the same item again (a rerun), or nothing that names another publisher
        copy_id = sha256_hex(f"{doc.id}|copy|{art.outlet or ''}|{art.url or ''}")
        if db.execute("SELECT 1 FROM documents WHERE id = ?", (copy_id,)).fetchone():
            return None
        record = dataclasses.replace(art, id=copy_id, duplicate_of=doc.id, boilerplate=[])
        # The copy has the original's text and no extractions of its own: it counts as a publisher.
        self._insert(db, Document(article=record))
        return copy_id

    def _insert(self, db: sqlite3.Connection, doc: Document) -> None:
        art = doc.article
        text_sha = sha256_hex(normalise_text_for_id(art.text))
        if art.duplicate_of is None:
            # Same body under another id (re-publication, URL variant): keep it, point at the first one.
            first = db.execute(
                "SELECT id FROM documents WHERE text_sha256 = ? AND duplicate_of IS NULL AND id != ? LIMIT 1",
                (text_sha, art.id),
            ).fetchone()
            if first:
                art.duplicate_of = first[0]
        values = [getattr(art, c) for c in _DOC_COLUMNS]
        db.execute(
            f"INSERT INTO documents ({', '.join(_DOC_COLUMNS)}, text_sha256, boilerplate_json, errors_json)"
            f" VALUES ({', '.join('?' * len(_DOC_COLUMNS))}, ?, ?, ?)",
            [
                *values,
                text_sha,
                json.dumps([asdict(b) for b in art.boilerplate]),
                json.dumps([asdict(e) for e in doc.errors]),
            ],
        )
        for ent in doc.entities:
            db.execute(
                "INSERT OR IGNORE INTO entities (id, name, type) VALUES (?, ?, ?)",
                (ent.id, ent.name, ent.type),
            )
            db.executemany(
                "INSERT OR IGNORE INTO entity_aliases (entity_id, alias) VALUES (?, ?)",
                [(ent.id, alias) for alias in ent.aliases],
            )
        for m in doc.mentions:
            # A mention may point at an entity the canonicaliser did not list (defensive): create it.
            db.execute(
                "INSERT OR IGNORE INTO entities (id, name, type) VALUES (?, ?, ?)",
                (m.entity_id, m.name, m.type),
            )
        db.executemany(
            "INSERT OR IGNORE INTO mentions (doc_id, start, end, text, entity_id, type, role, extractor, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc.id, m.start, m.end, m.text, m.entity_id, m.type, m.role, m.extractor, m.confidence)
                for m in doc.mentions
            ],
        )
        db.executemany(
            "INSERT INTO claims (doc_id, claim_id, speaker, speaker_start, speaker_end, speaker_name,"
            " speaker_entity_id, cue, cue_start, cue_end, direct, stance, content, start, end, said_on, parent,"
            " extractor, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc.id,
                    c.id,
                    c.speaker,
                    c.speaker_start,
                    c.speaker_end,
                    c.speaker_name,
                    c.speaker_entity_id,
                    c.cue,
                    c.cue_start,
                    c.cue_end,
                    int(c.direct),
                    c.stance,
                    c.content,
                    c.start,
                    c.end,
                    c.said_on,
                    c.parent,
                    c.extractor,
                    c.confidence,
                )
                for c in doc.claims
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO times (doc_id, start, end, text, type, value, precision, anchor, timex3,"
            " extractor, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc.id,
                    t.start,
                    t.end,
                    t.text,
                    t.type,
                    t.value,
                    t.precision,
                    t.anchor,
                    t.timex3,
                    t.extractor,
                    t.confidence,
                )
                for t in doc.times
            ],
        )
        for p in doc.places:
            if p.place_id:
                db.execute(
                    "INSERT OR IGNORE INTO places (id, name, country, admin1, lat, lon, feature)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (p.place_id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature),
                )
        db.executemany(
            "INSERT OR IGNORE INTO place_mentions (doc_id, start, end, text, place_id, precision, extractor,"
            " confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc.id, p.start, p.end, p.text, p.place_id, p.precision, p.extractor, p.confidence)
                for p in doc.places
            ],
        )
        for e in doc.events:
            if e.place_id:
                # The event's place links to the places table (a gazetteer row from the place mentions
                # above wins; an event may name a place no mention resolved, so write it here too).
                db.execute(
                    "INSERT OR IGNORE INTO places (id, name, country, admin1, lat, lon) VALUES (?, ?, ?, ?, ?, ?)",
                    (e.place_id, e.place, e.country, e.admin1, e.lat, e.lon),
                )
        db.executemany(_EVENT_INSERT, [_event_values(doc.id, i, e) for i, e in enumerate(doc.events)])
        db.execute("DELETE FROM skips WHERE source = ?", (art.source,))

    def has_raw(self, raw_sha256: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM documents WHERE raw_sha256 = ? LIMIT 1", (raw_sha256,)
        ).fetchone()
        return str(row[0]) if row else None

    def record_skip(self, source: str, reason: str, message: str | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO skips (source, reason, message) VALUES (?, ?, ?)"
                " ON CONFLICT(source) DO UPDATE SET reason = excluded.reason, message = excluded.message,"
                " at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                (source, reason, message),
            )

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
                " FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.doc_id = ? ORDER BY m.start",
                (doc_id,),
            )
        )
        data["canonical_entities"] = [
            {**r, "aliases": []}
            for r in _rows(
                self.db.execute(
                    "SELECT DISTINCT e.id, e.name, e.type FROM entities e JOIN mentions m ON m.entity_id = e.id"
                    " WHERE m.doc_id = ? ORDER BY e.name",
                    (doc_id,),
                )
            )
        ]
        claims = _rows(self.db.execute("SELECT * FROM claims WHERE doc_id = ? ORDER BY start", (doc_id,)))
        for c in claims:
            c.pop("doc_id")
            c["id"] = c.pop("claim_id")
            c["direct"] = bool(c["direct"])
        data["claims"] = claims
        times = _rows(self.db.execute("SELECT * FROM times WHERE doc_id = ? ORDER BY start", (doc_id,)))
        for t in times:
            t.pop("doc_id")
        data["times"] = times
        data["places"] = _rows(
            self.db.execute(
                "SELECT pm.text, pm.start, pm.end, p.name, pm.place_id, p.country, p.admin1, p.lat, p.lon,"
                " p.feature, pm.precision, pm.extractor, pm.confidence FROM place_mentions pm"
                " LEFT JOIN places p ON p.id = pm.place_id WHERE pm.doc_id = ? ORDER BY pm.start",
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
        w.outlet("d.outlet", outlet)
        w.published("d.published", since, until)
        if place and place.strip():
            w.add(
                "d.id IN (SELECT pm.doc_id FROM place_mentions pm JOIN places p ON p.id = pm.place_id"
                " WHERE fw_fold(p.name) = ? OR fw_fold(p.admin1) = ?)",
                *[place.strip().casefold()] * 2,
            )
        return _rows(
            self.db.execute(
                "SELECT d.id, d.url, d.published, d.outlet, d.title, d.author, d.source, d.duplicate_of,"
                " length(d.text) AS chars,"
                " (SELECT count(*) FROM mentions m WHERE m.doc_id = d.id) AS mentions,"
                " (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claims"
                " FROM documents d" + w.sql() + _order("documents", sort) + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
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
        w.outlet("d.outlet", outlet)
        w.published("d.published", since, until)

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
        if entity_id:
            w.add("m.entity_id = ?", entity_id)
        return _rows(
            self.db.execute(
                "SELECT m.entity_id, e.name, e.type, m.text, m.role, m.doc_id, m.start, m.end, m.extractor,"
                " m.confidence, d.outlet, d.title, d.published"
                " FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN documents d ON d.id = m.doc_id"
                + w.sql()
                + _order("entity_mentions", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

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
        if speaker and speaker.strip():
            key = speaker.strip().casefold()
            w.add("(instr(fw_fold(c.speaker_name), ?) > 0 OR instr(fw_fold(c.speaker), ?) > 0)", key, key)
        if stance:
            w.add("c.stance = ?", stance.strip().casefold())
        if doc_id:
            w.add("c.doc_id = ?", doc_id)
        w.outlet("d.outlet", outlet)
        if place and place.strip():
            # The claim names the place: a place mention inside its content span.
            w.add(
                "EXISTS (SELECT 1 FROM place_mentions pm LEFT JOIN places p ON p.id = pm.place_id"
                " WHERE pm.doc_id = c.doc_id AND pm.start >= c.start AND pm.end <= c.end"
                " AND (fw_fold(p.name) = ? OR fw_fold(p.admin1) = ? OR fw_fold(pm.text) = ?))",
                *[place.strip().casefold()] * 3,
            )
        w.published("d.published", since, until)
        rows = _rows(
            self.db.execute(
                "SELECT c.doc_id, c.claim_id, c.speaker, c.speaker_name, c.cue, c.direct, c.stance, c.content,"
                " c.start, c.end, c.said_on, c.parent, c.extractor, c.confidence, d.outlet, d.title, d.published"
                " FROM claims c JOIN documents d ON d.id = c.doc_id"
                + w.sql()
                + _order("claims", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )
        for r in rows:
            r["direct"] = bool(r["direct"])
        return rows

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
        w.outlet("d.outlet", outlet)
        w.published("d.published", since, until)

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
        self._place_filters(w, name, doc_id, outlet, since, until)
        if place_id:
            w.add("pm.place_id = ?", place_id)
        return _rows(
            self.db.execute(
                "SELECT pm.place_id, p.name, p.country, p.admin1, p.lat, p.lon, pm.text, pm.precision,"
                " pm.doc_id, pm.start, pm.end, pm.extractor, pm.confidence, d.outlet, d.title, d.published"
                " FROM place_mentions pm LEFT JOIN places p ON p.id = pm.place_id"
                " JOIN documents d ON d.id = pm.doc_id"
                + w.sql()
                + _order("place_mentions", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

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
        if type_:
            w.add("e.event_type = ?", taxonomy.event_type(type_) or type_)
        if sub_type:
            canonical = taxonomy.sub_event_type(sub_type)
            if canonical and not type_:
                # The sub-type's own event type lets the (event_type, sub_event_type) index serve it.
                w.add("e.event_type = ?", taxonomy.sub_event_types()[canonical])
            w.add("e.sub_event_type = ?", canonical or sub_type)
        if place and place.strip():
            key = place.strip().casefold()
            w.add(
                "(e.place_id IN (SELECT id FROM places WHERE fw_fold(name) = ? OR fw_fold(admin1) = ?)"
                " OR fw_fold(e.place) = ? OR fw_fold(e.admin1) = ?)",
                *[key] * 4,
            )
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
        w.outlet("d.outlet", outlet)
        if stance:
            w.add("e.stance = ?", stance.strip().casefold())
        sql = (
            "SELECT e.*, d.outlet, d.title, d.published, p.name AS place_name,"
            " (SELECT coalesce(c.speaker_name, c.speaker) FROM claims c"
            "  WHERE c.doc_id = e.doc_id AND c.claim_id = e.reported_by LIMIT 1) AS reported_by_speaker"
            " FROM events e JOIN documents d ON d.id = e.doc_id LEFT JOIN places p ON p.id = e.place_id"
            + w.sql()
            + _order("events", sort)
            + " LIMIT ? OFFSET ?"
        )
        out = []
        for r in _rows(self.db.execute(sql, [*w.params, limit, offset])):
            row: Row = {"doc_id": r["doc_id"], **_event_json(r)}
            row.update({k: r[k] for k in _EVENT_PROVENANCE})
            row["cluster_id"] = r.get("cluster_id")
            out.append(row)
        return out

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
        w.outlet("d.outlet", outlet)
        w.published("d.published", since, until)
        return _rows(
            self.db.execute(
                "SELECT t.doc_id, t.text, t.start, t.end, t.type, t.value, t.precision, t.anchor, t.extractor,"
                " t.confidence, d.outlet, d.title, d.published FROM times t JOIN documents d ON d.id = t.doc_id"
                + w.sql()
                + _order("times", sort)
                + " LIMIT ? OFFSET ?",
                [*w.params, limit, offset],
            )
        )

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
        w.outlet("d.outlet", outlet)
        w.published("d.published", since, until)
        sql = (
            "SELECT d.id, d.title, d.published, d.outlet,"
            " snippet(documents_fts, 1, '[', ']', ' … ', 12) AS snippet, bm25(documents_fts) AS rank"
            " FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
            + w.sql()
            + _order("search", sort)
            + " LIMIT ? OFFSET ?"
        )
        try:
            return _rows(self.db.execute(sql, [*w.params, limit, offset]))
        except sqlite3.OperationalError as exc:
            # A busy or broken database is an error of the store; anything else here is FTS5 syntax.
            if any(word in str(exc) for word in ("locked", "disk", "readonly", "no such table", "malformed")):
                raise StoreError(f"search failed: {exc}") from exc
            raise QueryError(
                f'invalid full-text query {query!r} ({exc}); SQLite FTS5 syntax: words, "exact phrases",'
                " AND, OR, NOT, NEAR(a b, 5), prefix*; put a word in double quotes to search it as written"
            ) from exc

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

    def close(self) -> None:
        self.db.close()
