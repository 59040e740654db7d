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
  speaker (how far back claims --speaker must walk).

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
    out = [
        (f"{kind}_outlets", "outlet", "d.outlet", "count(DISTINCT m.doc_id)"),
        (f"{kind}_days", "published", "d.published", "count(DISTINCT m.doc_id)"),
    ]
    if kind == "entity":
        out.insert(0, ("entity_roles", "role", "m.role", "count(*)"))
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

    def _count(self, sign: int, day: str | None, outlet: str | None, entities: Iterable[tuple[str, str | None]],
               places: Iterable[str], claims: Iterable[tuple[str | None, str | None]]) -> None:  # fmt: skip
        if day is not None:
            for speaker, name in claims:
                for spelling, field in ((name, 0), (speaker, 1)):
                    if spelling is not None:
                        self.speakers.setdefault((spelling, day), [0, 0])[field] += sign
        for kind, mentions in (("entity", list(entities)), ("place", [(p, None) for p in places])):
            keys = set()
            for key, role in mentions:
                keys.add(key)
                self.stats.setdefault((kind, key), [0, 0])[0] += sign
                if role is not None:
                    self.facets[("entity_roles", key, role)] += sign
            for key in keys:
                self.stats[(kind, key)][1] += sign
                if outlet is not None:
                    self.facets[(f"{kind}_outlets", key, outlet)] += sign
                if day is not None:
                    self.facets[(f"{kind}_days", key, day)] += sign
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
                if k not in seen and r[at] is not None:
                    seen.add(k)
                    found[table].append((r[at], r[role_at] if role_at is not None else None))
        claims = [(r[_SPEAKER], r[_SPEAKER_NAME]) for r in rows["claims"]]
        self._count(
            1,
            doc[_PUBLISHED],
            doc[_OUTLET],
            found["mentions"],
            (p for p, _ in found["place_mentions"]),
            claims,
        )

    def remove(self, db: _Connection, doc_id: str) -> None:
        """A stored document about to be deleted, from its stored rows (run it before the delete)."""
        row = db.execute("SELECT published, outlet FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            return
        entities = db.execute("SELECT entity_id, role FROM mentions WHERE doc_id = ?", [doc_id]).fetchall()
        places = db.execute(
            "SELECT place_id FROM place_mentions WHERE doc_id = ? AND place_id IS NOT NULL", [doc_id]
        ).fetchall()
        claims = db.execute("SELECT speaker, speaker_name FROM claims WHERE doc_id = ?", [doc_id]).fetchall()
        self._count(
            -1,
            row[0],
            row[1],
            [(e, r) for e, r in entities],
            [p for (p,) in places],
            [(a, b) for a, b in claims],
        )

    def write(self, db: _Connection) -> None:
        """Write the net changes (in key order)."""
        days = {(kind, key, value) for (table, key, value), n in self.facets.items() if n
                for kind in KINDS if table == f"{kind}_days"}  # fmt: skip
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
            # A date some documents left may have been the first or last one: read both again.
            gone = sorted({(ident, value) for (t, ident, value), n in self.facets.items()
                           if t == f"{kind}_days" and n < 0})  # fmt: skip
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
        for facet, column, value, count in _facets(kind):
            parts.append(
                f"INSERT INTO {facet} ({key}, {column}, n) SELECT {expr}, {value}, {count}"
                f"{src} AND {value} IS NOT NULL GROUP BY {expr}, {value};"
            )
    return "\n".join(parts)


# What the summary reads give per page row (the grouped queries' columns, in their order).
ENTITY_FACETS = (("roles", "entity_roles", "role"), ("outlets", "entity_outlets", "outlet"))
PLACE_FACETS = (("outlets", "place_outlets", "outlet"),)


def facet_values(
    db: _Connection, table: str, key: str, column: str, ids: Sequence[str]
) -> dict[str, str | None]:
    """Each id's values in ``table``, joined by commas in code-point order (None when it has none)."""
    out: dict[str, list[str]] = {}
    for part in _chunks(list(dict.fromkeys(ids))):
        marks = ", ".join("?" * len(part))
        for ident, value in db.execute(
            f"SELECT {key}, {column} FROM {table} WHERE {key} IN ({marks})", [*part]
        ).fetchall():
            out.setdefault(ident, []).append(value)
    # Sorted here rather than by the server: the same order on both backends whatever their plans.
    return {i: ",".join(sorted(v)) for i, v in out.items()}
