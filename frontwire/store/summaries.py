"""Per-entity and per-place counts kept on write (m008), so that ``entities`` and ``places`` with no
filter on mentions or documents read a row per entity or place instead of grouping every mention.

Both SQL stores keep them the same way, in the write's own transaction: a :class:`Delta` per batch
takes the documents it deletes (``remove``, from their stored rows, before the delete) and those it
writes (``add``, from the rows written), and at the batch's end writes only the net changes (a
document replaced by one with the same mentions changes nothing). Each summary holds what the
grouped query gives:

- ``entity_stats`` / ``place_stats``: mentions, documents, first and last ``published``;
- ``entity_roles``: mentions per role; ``entity_outlets`` / ``place_outlets``: documents per outlet;
  ``entity_days`` / ``place_days``: documents per ``published`` value (for first and last after a
  delete). Rows whose count reaches zero are removed; NULL roles, outlets and dates are not kept
  (``group_concat``, ``min`` and ``max`` skip them);
- ``speaker_days`` (m009): claims per speaker spelling and publication day, as speaker name and as
  speaker (how far back claims --speaker must walk);
- m010: ``entity_days`` / ``place_days`` also count the mentions of the day (``mentions``), and
  ``entity_day_roles`` (mentions per day and role), ``entity_day_outlets`` / ``place_day_outlets``
  (documents per day and outlet) give entities and places --since/--until from the days in the
  period; ``place_texts``: place mentions per spelling of the mention text and place ('' for an
  unresolved mention), with the spelling's case folding (places --name finds the places that
  some spelling names).

Place counts cover resolved mentions only (``place_id`` set), as ``query_places`` joins the places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, Protocol

from frontwire.store import rows as rows_mod
from frontwire.store.rows import Values

# SQLite's old default limit on host parameters is 999; a batch is far smaller.
CHUNK = 500
KINDS = ("entity", "place")


class _Connection(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]], /) -> Any: ...


# (summary kind, key column, mention table, key expression, the condition a counted mention meets)
_SOURCES = (
    ("entity", "entity_id", "mentions m", "m.entity_id", "TRUE"),
    ("place", "place_id", "place_mentions m", "m.place_id", "m.place_id IS NOT NULL"),
)
_KEY = {"entity": "entity_id", "place": "place_id"}


def _facets(kind: str) -> list[tuple[str, str, str, str]]:
    """(table, value column, value expression, count expression) of each per-value count."""
    out = [(f"{kind}_outlets", "outlet", "d.outlet", "count(DISTINCT m.doc_id)")]
    if kind == "entity":
        out.insert(0, ("entity_roles", "role", "m.role", "count(*)"))
    return out


def _day_facets(kind: str) -> list[tuple[str, str]]:
    """(table, value column) of each per-day count of m010 besides the days themselves."""
    out = [(f"{kind}_day_outlets", "outlet")]
    if kind == "entity":
        out.insert(0, ("entity_day_roles", "role"))
    return out


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _fields(table: str, key: str, role: str | None) -> tuple[Callable[[Values], Any], int, int | None]:
    t = rows_mod.TABLE[table]
    columns = t.columns
    return (
        itemgetter(*(columns.index(k) for k in t.key)),
        columns.index(key),
        columns.index(role) if role else None,
    )


# Where add() finds, in the rows of a mention table, the row's key, the entity or place, the role.
_ROW_FIELDS = {
    "mentions": _fields("mentions", "entity_id", "role"),
    "place_mentions": _fields("place_mentions", "place_id", None),
}
_PLACE_TEXT = rows_mod.TABLE["place_mentions"].columns.index("text")
_PUBLISHED = rows_mod.TABLE["documents"].columns.index("published")
_OUTLET = rows_mod.TABLE["documents"].columns.index("outlet")
_SPEAKER = rows_mod.TABLE["claims"].columns.index("speaker")
_SPEAKER_NAME = rows_mod.TABLE["claims"].columns.index("speaker_name")


class Delta:
    """The summaries' net change over one write batch."""

    def __init__(self) -> None:
        # (kind, key) -> [mentions, documents]; (facet table, key, value) -> documents or mentions
        self.stats: dict[tuple[str, str], list[int]] = {}
        self.facets: Counter[tuple[str, str, str]] = Counter()
        # (kind, key) -> the earliest and latest date of the documents added
        self.added: dict[tuple[str, str], list[str]] = {}
        # (spelling, day) -> [claims with it as speaker name, as speaker] (m009)
        self.speakers: dict[tuple[str, str], list[int]] = {}
        # (kind, key, day) -> [documents, mentions]; (day table, key, day, value) -> count (m010)
        self.days: dict[tuple[str, str, str], list[int]] = {}
        self.day_facets: Counter[tuple[str, str, str, str]] = Counter()
        # (place mention text, place id or '') -> place mentions (m010)
        self.texts: Counter[tuple[str, str]] = Counter()

    def _count(self, sign: int, day: str | None, outlet: str | None, entities: Iterable[tuple[str, str | None]],
               places: Iterable[tuple[str, str | None]], claims: Iterable[tuple[str | None, str | None]]) -> None:  # fmt: skip
        if day is not None:
            for speaker, name in claims:
                for spelling, field in ((name, 0), (speaker, 1)):
                    if spelling is not None:
                        self.speakers.setdefault((spelling, day), [0, 0])[field] += sign
        resolved = []
        for text, place in places:
            self.texts[(text, place or "")] += sign
            if place is not None:
                resolved.append((place, None))
        for kind, mentions in (("entity", list(entities)), ("place", resolved)):
            keys: dict[str, int] = {}
            for key, role in mentions:
                keys[key] = keys.get(key, 0) + 1
                self.stats.setdefault((kind, key), [0, 0])[0] += sign
                if role is not None:
                    self.facets[("entity_roles", key, role)] += sign
                    if day is not None:
                        self.day_facets[("entity_day_roles", key, day, role)] += sign
            for key, n in keys.items():
                self.stats[(kind, key)][1] += sign
                if outlet is not None:
                    self.facets[(f"{kind}_outlets", key, outlet)] += sign
                if day is not None:
                    counts = self.days.setdefault((kind, key, day), [0, 0])
                    counts[0] += sign
                    counts[1] += sign * n
                    if outlet is not None:
                        self.day_facets[(f"{kind}_day_outlets", key, day, outlet)] += sign
                    if sign > 0:
                        span = self.added.setdefault((kind, key), [day, day])
                        span[0], span[1] = min(span[0], day), max(span[1], day)

    def add(self, rows: Mapping[str, list[Values]]) -> None:
        """A document being written, from its rows as the writer maps them (rows.document_rows); a
        row with the key of one before it is dropped, as the tables drop it."""
        doc = rows["documents"][0]
        found: dict[str, list[tuple[str, str | None]]] = {}
        for table, (row_key, at, role_at) in _ROW_FIELDS.items():
            seen: set[Values] = set()
            found[table] = []
            for r in rows[table]:
                k = row_key(r)
                if k in seen:
                    continue
                seen.add(k)
                if role_at is not None:  # mentions: (entity, role)
                    found[table].append((r[at], r[role_at]))
                else:  # place mentions: (text, place or None)
                    found[table].append((r[_PLACE_TEXT], r[at]))
        claims = [(r[_SPEAKER], r[_SPEAKER_NAME]) for r in rows["claims"]]
        self._count(1, doc[_PUBLISHED], doc[_OUTLET], found["mentions"], found["place_mentions"], claims)

    def remove(self, db: _Connection, doc_id: str) -> None:
        """A stored document about to be deleted, from its stored rows (run it before the delete)."""
        row = db.execute("SELECT published, outlet FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            return
        entities = db.execute("SELECT entity_id, role FROM mentions WHERE doc_id = ?", [doc_id]).fetchall()
        places = db.execute("SELECT text, place_id FROM place_mentions WHERE doc_id = ?", [doc_id]).fetchall()
        claims = db.execute("SELECT speaker, speaker_name FROM claims WHERE doc_id = ?", [doc_id]).fetchall()
        self._count(
            -1,
            row[0],
            row[1],
            [(e, r) for e, r in entities],
            [(t, p) for t, p in places],
            [(a, b) for a, b in claims],
        )

    def write(self, db: _Connection) -> None:
        """Write the net changes (in key order)."""
        days = {key for key, (n, _) in self.days.items() if n}
        for kind in KINDS:
            key, table = _KEY[kind], f"{kind}_stats"
            rows = []
            for (k, ident), (mentions, documents) in sorted(self.stats.items()):
                span = self.added.get((k, ident))
                # A date counts when it is new for this key (else first and last already span it).
                span_new = span is not None and any((k, ident, d) in days for d in span)
                if k == kind and (mentions or documents or span_new):
                    first, last = span if span else (None, None)
                    rows.append((ident, mentions, documents, first, last))
            db.executemany(
                f"INSERT INTO {table} ({key}, mentions, documents, first_published, last_published)"
                f" VALUES (?, ?, ?, ?, ?) ON CONFLICT ({key}) DO UPDATE SET {_STATS_SET.format(t=table)}",
                rows,
            )
            for facet, column, _, _ in _facets(kind):
                changes = sorted(
                    (ident, value, n) for (t, ident, value), n in self.facets.items() if t == facet and n
                )
                db.executemany(
                    f"INSERT INTO {facet} ({key}, {column}, n) VALUES (?, ?, ?)"
                    f" ON CONFLICT ({key}, {column}) DO UPDATE SET n = {facet}.n + excluded.n",
                    changes,
                )
                db.executemany(
                    f"DELETE FROM {facet} WHERE {key} = ? AND {column} = ? AND n <= 0",
                    [(ident, value) for ident, value, n in changes if n < 0],
                )
        self.write_days(db)
        for kind in KINDS:
            key, table = _KEY[kind], f"{kind}_stats"
            # A date some documents left may have been the first or last one: read both again.
            gone = sorted(
                {(ident, day) for (k, ident, day), (n, _) in self.days.items() if k == kind and n < 0}
            )
            db.executemany(
                f"UPDATE {table} SET first_published = (SELECT min(x.published) FROM {kind}_days x"
                f" WHERE x.{key} = {table}.{key}), last_published = (SELECT max(x.published) FROM {kind}_days x"
                f" WHERE x.{key} = {table}.{key}) WHERE {key} = ? AND (first_published = ? OR last_published = ?)",
                [(ident, value, value) for ident, value in gone],
            )
            db.executemany(
                f"DELETE FROM {table} WHERE {key} = ? AND mentions <= 0",
                [(ident,) for (k, ident), (m, _) in sorted(self.stats.items()) if k == kind and m < 0],
            )
        self.write_speakers(db)
        self.write_texts(db)

    def write_days(self, db: _Connection) -> None:
        """The per-day part of write(): documents and mentions per day, per-day roles and outlets (m010)."""
        for kind in KINDS:
            key = _KEY[kind]
            changes_ = sorted((ident, day, n, m) for (k, ident, day), (n, m) in self.days.items()
                              if k == kind and (n or m))  # fmt: skip
            db.executemany(
                f"INSERT INTO {kind}_days ({key}, published, n, mentions) VALUES (?, ?, ?, ?)"
                f" ON CONFLICT ({key}, published) DO UPDATE SET n = {kind}_days.n + excluded.n,"
                f" mentions = {kind}_days.mentions + excluded.mentions",
                changes_,
            )
            db.executemany(
                f"DELETE FROM {kind}_days WHERE {key} = ? AND published = ? AND n <= 0",
                [(ident, day) for ident, day, n, _ in changes_ if n < 0],
            )
            for facet, column in _day_facets(kind):
                rows_ = sorted((ident, day, value, n) for (t, ident, day, value), n in self.day_facets.items()
                               if t == facet and n)  # fmt: skip
                db.executemany(
                    f"INSERT INTO {facet} ({key}, published, {column}, n) VALUES (?, ?, ?, ?)"
                    f" ON CONFLICT ({key}, published, {column}) DO UPDATE SET n = {facet}.n + excluded.n",
                    rows_,
                )
                db.executemany(
                    f"DELETE FROM {facet} WHERE {key} = ? AND published = ? AND {column} = ? AND n <= 0",
                    [(ident, day, value) for ident, day, value, n in rows_ if n < 0],
                )

    def write_texts(self, db: _Connection) -> None:
        """The place_texts part of write() (m010)."""
        changes = sorted((text, place, n) for (text, place), n in self.texts.items() if n)
        db.executemany(
            "INSERT INTO place_texts (text, place_id, folded, n) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (text, place_id) DO UPDATE SET n = place_texts.n + excluded.n",
            [(text, place, text.casefold(), n) for text, place, n in changes],
        )
        db.executemany(
            "DELETE FROM place_texts WHERE text = ? AND place_id = ? AND n <= 0",
            [(text, place) for text, place, n in changes if n < 0],
        )

    def write_speakers(self, db: _Connection) -> None:
        """The speaker_days part of write() (m009)."""
        spoken = sorted((name, day, a, b) for (name, day), (a, b) in self.speakers.items() if a or b)
        db.executemany(
            "INSERT INTO speaker_days (name, published, as_name, as_speaker) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name, published) DO UPDATE SET as_name = speaker_days.as_name + excluded.as_name,"
            " as_speaker = speaker_days.as_speaker + excluded.as_speaker",
            spoken,
        )
        db.executemany(
            "DELETE FROM speaker_days WHERE name = ? AND published = ? AND as_name <= 0 AND as_speaker <= 0",
            [(name, day) for name, day, a, b in spoken if a < 0 or b < 0],
        )


# The counts add up; the earliest and latest date only move outwards (NULL < x is NULL: kept).
_STATS_SET = (
    "mentions = {t}.mentions + excluded.mentions, documents = {t}.documents + excluded.documents,"
    " first_published = CASE WHEN {t}.first_published IS NULL OR excluded.first_published < {t}.first_published"
    " THEN excluded.first_published ELSE {t}.first_published END,"
    " last_published = CASE WHEN {t}.last_published IS NULL OR excluded.last_published > {t}.last_published"
    " THEN excluded.last_published ELSE {t}.last_published END"
)


SPEAKER_DAYS_BACKFILL = """
    INSERT INTO speaker_days (name, published, as_name, as_speaker)
        SELECT name, published, sum(as_name), sum(as_speaker) FROM (
            SELECT c.speaker_name AS name, d.published, 1 AS as_name, 0 AS as_speaker
                FROM claims c JOIN documents d ON d.id = c.doc_id
                WHERE c.speaker_name IS NOT NULL AND d.published IS NOT NULL
            UNION ALL
            SELECT c.speaker, d.published, 0, 1 FROM claims c JOIN documents d ON d.id = c.doc_id
                WHERE c.speaker IS NOT NULL AND d.published IS NOT NULL
        ) s GROUP BY name, published;
"""


def backfill_sql() -> str:
    """The summaries of every stored mention (a migration's body, on either backend)."""
    parts = []
    for kind, key, table, expr, cond in _SOURCES:
        src = f" FROM {table} JOIN documents d ON d.id = m.doc_id WHERE {cond}"
        parts.append(
            f"INSERT INTO {kind}_stats ({key}, mentions, documents, first_published, last_published)"
            f" SELECT {expr}, count(*), count(DISTINCT m.doc_id), min(d.published), max(d.published)"
            f"{src} GROUP BY {expr};"
        )
        m008 = [*_facets(kind), (f"{kind}_days", "published", "d.published", "count(DISTINCT m.doc_id)")]
        for facet, column, value, count in m008:
            parts.append(
                f"INSERT INTO {facet} ({key}, {column}, n) SELECT {expr}, {value}, {count}"
                f"{src} AND {value} IS NOT NULL GROUP BY {expr}, {value};"
            )
    return "\n".join(parts)


def day_summaries_sql(text: str, without_rowid: str) -> str:
    """m010's body on either backend (``text``: the text column type; ``without_rowid``: SQLite's
    table option or ''): the per-day tables made again with the day's mentions, the per-day roles
    and outlets and the place mention spellings, filled from the stored rows."""
    parts = []
    for kind, key, table, expr, cond in _SOURCES:
        src = f" FROM {table} JOIN documents d ON d.id = m.doc_id WHERE {cond} AND d.published IS NOT NULL"
        parts.append(
            f"DROP TABLE {kind}_days;"
            f" CREATE TABLE {kind}_days ({key} {text} NOT NULL, published {text} NOT NULL, n BIGINT NOT NULL,"
            f" mentions BIGINT NOT NULL, PRIMARY KEY ({key}, published)){without_rowid};"
            f" INSERT INTO {kind}_days ({key}, published, n, mentions) SELECT {expr}, d.published,"
            f" count(DISTINCT m.doc_id), count(*){src} GROUP BY {expr}, d.published;"
        )
        values = {"role": ("m.role", "count(*)"), "outlet": ("d.outlet", "count(DISTINCT m.doc_id)")}
        for facet, column in _day_facets(kind):
            value, count = values[column]
            parts.append(
                f"CREATE TABLE {facet} ({key} {text} NOT NULL, published {text} NOT NULL, {column} {text} NOT NULL,"
                f" n BIGINT NOT NULL, PRIMARY KEY ({key}, published, {column})){without_rowid};"
                f" INSERT INTO {facet} ({key}, published, {column}, n) SELECT {expr}, d.published, {value}, {count}"
                f"{src} AND {value} IS NOT NULL GROUP BY {expr}, d.published, {value};"
            )
    parts.append(
        f"CREATE TABLE place_texts (text {text} NOT NULL, place_id {text} NOT NULL, folded {text} NOT NULL,"
        f" n BIGINT NOT NULL, PRIMARY KEY (text, place_id)){without_rowid};"
        " INSERT INTO place_texts (text, place_id, folded, n) SELECT text, coalesce(place_id, ''), fw_fold(text),"
        " count(*) FROM place_mentions GROUP BY text, coalesce(place_id, '');"
    )
    return "\n".join(parts)


# What the summary reads give per page row (the grouped queries' columns, in their order).
ENTITY_FACETS = (("roles", "entity_roles", "role"), ("outlets", "entity_outlets", "outlet"))
PLACE_FACETS = (("outlets", "place_outlets", "outlet"),)
# The same over the days of a period (m010).
ENTITY_DAY_FACETS = (("roles", "entity_day_roles", "role"), ("outlets", "entity_day_outlets", "outlet"))
PLACE_DAY_FACETS = (("outlets", "place_day_outlets", "outlet"),)


def facet_values(
    db: _Connection,
    table: str,
    key: str,
    column: str,
    ids: Sequence[str],
    also: str = "",
    params: Sequence[Any] = (),
) -> dict[str, str | None]:
    """Each id's values in ``table``, joined by commas in code-point order (None when it has none);
    ``also``: SQL that the rows meet too (" AND ...", with its ``params``)."""
    out: dict[str, list[str]] = {}
    for part in _chunks(list(dict.fromkeys(ids))):
        marks = ", ".join("?" * len(part))
        for ident, value in db.execute(
            f"SELECT DISTINCT {key}, {column} FROM {table} WHERE {key} IN ({marks}){also}", [*part, *params]
        ).fetchall():
            out.setdefault(ident, []).append(value)
    # Sorted here rather than by the server: the same order on both backends whatever their plans.
    return {i: ",".join(sorted(v)) for i, v in out.items()}
