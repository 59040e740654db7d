"""The PostgreSQL store (``--db postgresql://...``): the SQLite store's interface and results on a
server a team shares (DESIGN section 5). psycopg 3, parameterised queries only, bulk writes with COPY.

- The reads are the SQLite store's own SQL (``SQLQueries`` and the link tables' reads), run through
  a thin connection face that takes ``?`` parameters; the schema (pg_migrations.py) defines the
  SQLite functions they use, and its text columns compare by code point as SQLite does.
- Writes are the same decisions as ``SQLiteStore.add_documents`` (same ids, duplicates, updates,
  copy records, ``duplicate_of``), taken per document against the store plus the rows pending in
  the batch, then written per table with ``COPY`` (rows.py gives every table's rows; tables shared
  by documents go through a temporary table and ``INSERT ... ON CONFLICT DO NOTHING``).
- Writers take one transaction-level advisory lock, as SQLite's ``BEGIN IMMEDIATE`` takes its
  write lock: concurrent writers (processes, machines) queue for the short write of a batch and
  never see each other half-done, so two runs over overlapping inputs store each document once.
  Readers never wait (MVCC).
- Full-text search takes FTS5's syntax (fts.py) over a generated ``tsvector``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from frontwire.errors import MigrationError, StoreError
from frontwire.link.fusion import cell
from frontwire.model import Contradiction, Document, EventCluster
from frontwire.store import fts, summaries
from frontwire.store import rows as rows_mod
from frontwire.store.base import AddResult, Row
from frontwire.store.pg_migrations import PG_MIGRATIONS
from frontwire.store.sqlite import SQLQueries, _order, _rows, _Where
from frontwire.store.sqlite_link import _chunks, claim_date_window

# Advisory lock keys (one bigint namespace per database): the write lock and the migration lock.
WRITE_LOCK = 0x66_77_5752  # 'fw' 'WR'
MIGRATE_LOCK = 0x66_77_4D47  # 'fw' 'MG'
_HEADLINE = 'StartSel=[, StopSel=], MaxWords=12, MinWords=4, MaxFragments=1, FragmentDelimiter=" … "'
_STAGED = tuple(t for t in rows_mod.TABLES if t.shared)


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise StoreError("the PostgreSQL store needs psycopg 3: pip install 'psycopg[binary]'") from exc
    return psycopg


@lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    """SQLite's ``?`` parameters as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(url)
    except Exception:
        return "postgresql://..."
    host = info.get("host") or "localhost"
    port = f":{info['port']}" if info.get("port") else ""
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{host}{port}/{info.get('dbname') or ''}"


class _Connection:
    """The part of a sqlite3.Connection the shared queries use, over a psycopg connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(_pg(sql), list(params))

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> None:
        rows = [list(r) for r in seq]
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(_pg(sql), rows)

    def close(self) -> None:
        self.conn.close()


class _Pending:
    """The rows of one add_documents batch, written at its end; the documents' state as the
    per-document decisions must see it (stored rows, less those deleted, plus those pending)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self.docs: dict[str, dict[str, list[rows_mod.Values]]] = {}  # in write order
        self.meta: dict[str, tuple[str, str | None, str | None, str | None]] = {}  # sha, outlet, url, dup
        self.shared: dict[str, list[rows_mod.Values]] = {t.name: [] for t in _STAGED}
        self.sources: list[str] = []
        self.delta = summaries.Delta()  # the summaries' net change (m008)

    def row(self, doc_id: str) -> tuple[str, str | None, str | None] | None:
        """text_sha256, outlet, url of the document under ``doc_id`` now (pending or stored)."""
        if doc_id in self.meta:
            sha, outlet, url, _ = self.meta[doc_id]
            return sha, outlet, url
        found = self.store.db.execute(
            "SELECT text_sha256, outlet, url FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return (found[0], found[1], found[2]) if found else None

    def versions(self, doc_id: str) -> dict[str, str]:
        return dict(self.store.versions) if doc_id in self.meta else self.store.stored_versions(doc_id)

    def delete(self, doc_id: str) -> None:
        if doc_id in self.docs:
            # Written in this batch: its own rows go; the shared rows it added stay (as in SQLite).
            del self.docs[doc_id]
            del self.meta[doc_id]
        else:
            self.delta.remove(self.store.db, doc_id)  # while its rows are there to count
            self.store.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def insert(self, doc: Document) -> None:
        art = doc.article
        sha = rows_mod.text_sha(art.text)
        if art.duplicate_of is None:
            # Same body under another id: point at the first one written (stored ones came first).
            first = self.store.db.execute(
                "SELECT id FROM documents WHERE text_sha256 = ? AND duplicate_of IS NULL AND id != ?"
                " ORDER BY seq LIMIT 1",
                (sha, art.id),
            ).fetchone()
            if first:
                art.duplicate_of = first[0]
            else:
                art.duplicate_of = next(
                    (
                        i
                        for i, (s, _, _, dup) in self.meta.items()
                        if s == sha and dup is None and i != art.id
                    ),
                    None,
                )
        rows = rows_mod.document_rows(doc, self.store.versions)
        for t in _STAGED:
            self.shared[t.name] += rows.pop(t.name)
        self.docs[art.id] = rows
        self.meta[art.id] = (sha, art.outlet, art.url, art.duplicate_of)
        self.sources.append(art.source)

    def write(self) -> None:
        """COPY every table's rows, parents first; the first row of a key wins where SQLite ignores."""
        db = self.store.db
        for table in (*rows_mod.TABLES, rows_mod.VERSIONS):
            if table.shared:
                rows = _first_of_keys(table, self.shared[table.name])
                if rows:
                    self.store._copy(f"fw_stage_{table.name}", table.columns, rows)
                    key = ", ".join(f'"{k}"' for k in table.key)
                    db.execute(
                        f"INSERT INTO {table.name} SELECT * FROM fw_stage_{table.name}"
                        f" ORDER BY {key} ON CONFLICT DO NOTHING"
                    )
                continue
            rows = [r for doc_rows in self.docs.values() for r in doc_rows[table.name]]
            if table.ignore:
                rows = _first_of_keys(table, rows)
            if rows and table.name == "documents":
                # The search vector, made here (fts.tsvector) rather than by the server.
                title, text = table.columns.index("title"), table.columns.index("text")
                rows = [(*r, fts.tsvector(r[title], r[text])) for r in rows]
                self.store._copy(table.name, (*table.columns, "tsv"), rows)
            elif rows:
                self.store._copy(table.name, table.columns, rows)
        if self.sources:
            db.execute("DELETE FROM skips WHERE source = ANY(?)", (self.sources,))
        for doc_rows in self.docs.values():
            self.delta.add(doc_rows)
        self.delta.write(db)


def _first_of_keys(table: rows_mod.Table, rows: list[rows_mod.Values]) -> list[rows_mod.Values]:
    seen: set[rows_mod.Values] = set()
    out = []
    for r in rows:
        k = table.key_of(r)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


class PostgresStore(SQLQueries):
    """Store in a PostgreSQL database, shared by any number of processes and machines."""

    def __init__(self, url: str, create: bool = True, *, read_only: bool = False) -> None:
        psycopg = _import_psycopg()
        self.url = url
        self.path = safe_url(url)
        self.versions = rows_mod.installed_versions()
        try:
            conn = psycopg.connect(url, autocommit=True, application_name="frontwire")
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to the PostgreSQL store {self.path}: {exc}".strip()) from exc
        self.conn = conn
        self.db = _Connection(conn)  # type: ignore[assignment]
        try:
            if read_only:
                conn.execute("SET default_transaction_read_only = on")
            elif create or self._migrated():
                # As SQLite does on every open: a store an older frontwire made is brought up to date
                # (the staging tables below copy tables a pending migration may add).
                self._migrate()
            if not self._migrated():
                raise StoreError(
                    f"no frontwire store in {self.path}: run `frontwire run --db {self.path} ...` first"
                )
            if not read_only:
                # Staging tables of the COPY writes into tables other rows may already hold.
                for stage, table in [*((f"fw_stage_{t.name}", t.name) for t in _STAGED),
                                     ("fw_stage_bands", "fingerprint_bands")]:  # fmt: skip
                    conn.execute(
                        f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DELETE ROWS"
                    )
        except BaseException:
            conn.close()
            raise

    @classmethod
    def reader(cls, url: str) -> PostgresStore:
        """A read-only session on an existing, migrated store (one per server thread)."""
        return cls(url, create=False, read_only=True)

    # -- schema ------------------------------------------------------------------------------------
    def _migrated(self) -> bool:
        found = self.conn.execute("SELECT to_regclass('migrations') IS NOT NULL").fetchone()
        return bool(found and found[0])

    def _migrate(self) -> list[str]:
        """Apply pending migrations in order, each in one transaction with its record; returns the
        names applied now. Concurrent openers wait on a lock, so each migration runs once."""
        psycopg = _import_psycopg()
        applied = []
        icu = bool(self.conn.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").fetchone())
        for name, func in sorted(PG_MIGRATIONS):
            try:
                with self.conn.transaction():
                    self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATE_LOCK])
                    self.conn.execute(
                        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL"
                        """ DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))"""
                    )
                    if self.conn.execute("SELECT 1 FROM migrations WHERE name = %s", [name]).fetchone():
                        continue
                    self.conn.execute(func(icu))
                    self.conn.execute("INSERT INTO migrations(name) VALUES (%s)", [name])
            except psycopg.Error as exc:
                raise MigrationError(f"migration {name} failed on {self.path}: {exc}") from exc
            applied.append(name)
        return applied

    # -- transactions and COPY ---------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        psycopg = _import_psycopg()
        try:
            with self.conn.transaction():
                # One writer at a time, as SQLite's write lock; held until commit or rollback.
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
                yield self.db
        except psycopg.Error as exc:
            raise StoreError(f"write to {self.path} failed: {exc}") from exc

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[rows_mod.Values]) -> None:
        with (
            self.conn.cursor() as cur,
            cur.copy(f"COPY {table} ({rows_mod.quoted(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    # -- writes ------------------------------------------------------------------------------------
    def add_documents(self, documents: Iterable[Document], replace: bool = False) -> AddResult:
        result = AddResult()
        docs = list(documents)
        with self._transaction():
            pending = _Pending(self)
            for doc in docs:
                row = pending.row(doc.id)
                if row is not None:
                    same_text = row[0] == rows_mod.text_sha(doc.article.text)
                    if same_text and not replace:
                        if rows_mod.other_publisher(doc, row[1], row[2]):
                            kind, copy = self._copy_of(pending, doc)
                            getattr(result, kind).append(copy)
                            continue
                        if pending.versions(doc.id) == self.versions:
                            result.duplicates.append(doc.id)
                            continue
                    pending.delete(doc.id)
                    pending.insert(doc)
                    result.updated.append(doc.id)
                    continue
                pending.insert(doc)
                result.stored.append(doc.id)
            pending.write()
        return result

    def _copy_of(self, pending: _Pending, doc: Document) -> tuple[str, str]:
        """As SQLiteStore._copy_of: the copy record of another publisher's same text."""
        record = rows_mod.copy_record(doc)
        if pending.row(record.id) is not None:
            if pending.versions(record.id) == self.versions:
                return "duplicates", doc.id
            pending.delete(record.id)
            pending.insert(record)
            return "updated", record.id
        pending.insert(record)
        return "copies", record.id

    def record_skip(self, source: str, reason: str, message: str | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO skips (source, reason, message) VALUES (?, ?, ?)"
                " ON CONFLICT(source) DO UPDATE SET reason = excluded.reason, message = excluded.message,"
                " at = fw_now()",
                (source, reason, message),
            )

    # -- link tables: the writes SQLite spells INSERT OR REPLACE / OR IGNORE ------------------------
    def save_fingerprints(self, prints: Sequence[Any], extractor: str) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO fingerprints (doc_id, signature, shingles, extractor) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (doc_id) DO UPDATE SET signature = excluded.signature,"
                " shingles = excluded.shingles, extractor = excluded.extractor",
                [(f.doc_id, f.signature, f.shingles, extractor) for f in prints],
            )
            bands = sorted({(b, f.doc_id) for f in prints for b in f.bands})
            if bands:
                self._copy("fw_stage_bands", ("band", "doc_id"), bands)
                db.execute(
                    "INSERT INTO fingerprint_bands SELECT band, doc_id FROM fw_stage_bands ON CONFLICT DO NOTHING"
                )

    def save_clusters(self, fused: Sequence[EventCluster], dropped: Sequence[str] = ()) -> None:
        with self._transaction() as db:
            for cid in dropped:
                db.execute("DELETE FROM clusters WHERE id = ?", (cid,))
                db.execute("DELETE FROM stale_clusters WHERE id = ?", (cid,))
            for c in fused:
                start, _, end = (c.date or "/").partition("/")
                fat = c.fatalities or {}
                db.execute(
                    "INSERT INTO clusters (id, event_type, sub_event_type, place, place_id, lat, lon,"
                    " geo_precision, date, date_start, date_end, time_precision, fatalities_low, fatalities_best,"
                    " fatalities_high, corroboration, claimed_only, first_reported, n_events, outlets_json,"
                    " documents_json, events_json, disagreements_json, extractor, cell)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _CLUSTER_SET),
                    (c.id, c.event_type, c.sub_event_type, c.place, c.place_id, c.lat, c.lon, c.geo_precision,
                     c.date, start or None, end or None, c.time_precision, fat.get("low"), fat.get("best"),
                     fat.get("high"), c.corroboration, int(c.claimed_only), c.first_reported, len(c.events),
                     json.dumps(c.outlets), json.dumps(c.documents), json.dumps(c.events),
                     json.dumps(c.disagreements, ensure_ascii=False), c.extractor,
                     cell(c.lat, c.lon) if c.lat is not None and c.lon is not None else None),
                )  # fmt: skip
                if c.events:
                    db.execute("UPDATE events SET cluster_id = ? WHERE id = ANY(?)", (c.id, list(c.events)))
                db.execute("DELETE FROM stale_clusters WHERE id = ?", (c.id,))

    def save_claim_facts(self, facts: Sequence[Any]) -> None:
        with self._transaction() as db:
            for f in facts:
                db.execute(
                    "INSERT INTO claim_facts (doc_id, claim_id, date, facts_json) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (doc_id, claim_id) DO UPDATE SET date = excluded.date,"
                    " facts_json = excluded.facts_json",
                    (f.doc_id, f.claim_id, f.date, json.dumps(asdict(f), ensure_ascii=False)),
                )
                db.execute(
                    "DELETE FROM claim_fact_places WHERE doc_id = ? AND claim_id = ?", (f.doc_id, f.claim_id)
                )
                db.executemany(
                    "INSERT INTO claim_fact_places (place, doc_id, claim_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [(k, f.doc_id, f.claim_id) for k in sorted(f.place_keys())],
                )

    def claim_fact_candidates(
        self, places: Iterable[str], since: str | None, until: str | None, exclude_docs: Sequence[str]
    ) -> list[dict[str, Any]]:
        """As the SQLite store's (the place keys as one array parameter)."""
        keys = sorted(set(places))
        out: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        excluded = set(exclude_docs)
        window, bounds = claim_date_window(since, until)
        for part in _chunks(keys):
            sql = (
                "SELECT DISTINCT f.doc_id, f.claim_id, f.facts_json FROM claim_fact_places p"
                " JOIN claim_facts f ON f.doc_id = p.doc_id AND f.claim_id = p.claim_id"
                " WHERE p.place = ANY(?)" + window
            )
            for doc_id, claim_id, data in self.db.execute(sql, [list(part), *bounds]):
                if doc_id in excluded or (doc_id, claim_id) in seen:
                    continue
                seen.add((doc_id, claim_id))
                out.append(json.loads(data))
        return out

    def save_contradictions(self, found: Sequence[Contradiction]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO contradictions (id, kind, a_doc, a_claim, b_doc, b_claim, place,"
                " explanation, confidence, extractor, record_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _CONTRADICTION_SET),
                [
                    (c.id, c.kind, c.a.doc_id, c.a.claim_id, c.b.doc_id, c.b.claim_id, c.place, c.explanation,
                     c.confidence, c.extractor, json.dumps(asdict(c), ensure_ascii=False))
                    for c in found
                ],
            )  # fmt: skip

    def _claims_walk(self) -> tuple[str, str | None]:
        # Each document's claims in their order (claims_order, m010) under the documents in date
        # order (documents_order): the planner sorts only within a document (an incremental sort
        # on the date and id) and stops at the page's end, instead of joining every claim.
        return (
            "documents d CROSS JOIN LATERAL (SELECT * FROM claims c WHERE c.doc_id = d.id"
            " ORDER BY c.start, c.claim_id, c.extractor) c",
            None,
        )

    def _total(self, table: str) -> int:
        # The planner's estimate (no rowid here); a table never analysed is counted.
        n = self._count(
            "SELECT coalesce(max(reltuples), -1)::bigint FROM pg_class WHERE relname = ?", [table]
        )
        return n if n >= 0 else self._count(f"SELECT count(*) FROM {table}", [])

    # -- search --------------------------------------------------------------------------------------
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
        """Full-text search in FTS5 syntax (fts.py): ranked by ts_rank (as ``-rank``, so that lower is
        better, as bm25), snippets by ts_headline; invalid syntax raises QueryError as on SQLite."""
        expr, params = fts.tsquery(query)
        w = _Where()
        w.add("d.tsv @@ q.q")
        self._outlet(w, outlet)
        w.published("d.published", since, until)
        sql = (
            f"WITH q AS (SELECT {expr} AS q)"
            " SELECT d.id, d.title, d.published, d.outlet, ts_headline('simple', d.text, q.q, ?) AS snippet,"
            " -ts_rank(d.tsv, q.q) AS rank FROM q, documents d"
            + w.sql()
            + _order("search", sort).replace("d.rowid", "d.seq")  # storage order, as SQLite's rowid
            + " LIMIT ? OFFSET ?"
        )
        psycopg = _import_psycopg()
        try:
            return _rows(self.db.execute(sql, [*params, _HEADLINE, *w.params, limit, offset]))
        except psycopg.Error as exc:
            raise StoreError(f"search failed: {exc}") from exc

    def close(self) -> None:
        self.conn.close()


_CLUSTER_SET = (
    "event_type", "sub_event_type", "place", "place_id", "lat", "lon", "geo_precision", "date", "date_start",
    "date_end", "time_precision", "fatalities_low", "fatalities_best", "fatalities_high", "corroboration",
    "claimed_only", "first_reported", "n_events", "outlets_json", "documents_json", "events_json",
    "disagreements_json", "extractor", "cell",
)  # fmt: skip
_CONTRADICTION_SET = (
    "kind", "a_doc", "a_claim", "b_doc", "b_claim", "place", "explanation", "confidence", "extractor",
    "record_json",
)  # fmt: skip
