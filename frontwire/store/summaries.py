"""Per-entity and per-place counts kept on write (m008), so that ``entities`` and ``places`` with no
filter on mentions or documents read a row per entity or place instead of grouping every mention.

Both SQL stores run the same statements, in the write's own transaction: ``add(db, ids)`` after the
documents' rows are written, ``add(db, ids, -1)`` before they are deleted (the rows are read back
from the tables, so the counts are exactly the ``count(DISTINCT ...)`` of what is stored). Each
summary holds what the grouped query gives:

- ``entity_stats`` / ``place_stats``: mentions, documents, first and last ``published``;
- ``entity_roles``: mentions per role; ``entity_outlets`` / ``place_outlets``: documents per outlet;
  ``entity_days`` / ``place_days``: documents per ``published`` value (for first and last after a
  delete). Rows whose count reaches zero are removed; NULL roles, outlets and dates are not kept
  (``group_concat``, ``min`` and ``max`` skip them).

Place counts cover resolved mentions only (``place_id`` set), as ``query_places`` joins the places.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

# SQLite's old default limit on host parameters is 999; a batch is far smaller.
CHUNK = 500


class _Executes(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


# (summary table, key column, mention table, alias and the condition a counted mention meets)
_SOURCES = (
    ("entity", "entity_id", "mentions m", "m.entity_id", "TRUE"),
    ("place", "place_id", "place_mentions m", "m.place_id", "m.place_id IS NOT NULL"),
)


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


def add(db: _Executes, doc_ids: Sequence[str], sign: int = 1) -> None:
    """Count the stored mentions of these documents in (``sign`` 1) or out of (-1) the summaries.

    ``sign`` -1 must run while the documents' rows are still there (before their delete)."""
    if sign not in (1, -1):
        raise ValueError("sign must be 1 or -1")
    neg = "" if sign == 1 else "-"
    for part in _chunks(list(doc_ids)):
        marks = ", ".join("?" * len(part))
        for kind, key, table, expr, cond in _SOURCES:
            src = f" FROM {table} JOIN documents d ON d.id = m.doc_id WHERE m.doc_id IN ({marks}) AND {cond}"
            touched = f"SELECT {expr}{src}"
            stats = f"{kind}_stats"
            # The earliest and latest date only move outwards on insert (NULL < x is NULL: kept).
            first, last = (
                (
                    f"CASE WHEN {stats}.first_published IS NULL OR excluded.first_published < {stats}.first_published"
                    f" THEN excluded.first_published ELSE {stats}.first_published END",
                    f"CASE WHEN {stats}.last_published IS NULL OR excluded.last_published > {stats}.last_published"
                    f" THEN excluded.last_published ELSE {stats}.last_published END",
                )
                if sign == 1
                else (f"{stats}.first_published", f"{stats}.last_published")
            )
            db.execute(
                f"INSERT INTO {stats} ({key}, mentions, documents, first_published, last_published)"
                f" SELECT {expr}, {neg}count(*), {neg}count(DISTINCT m.doc_id), min(d.published), max(d.published)"
                f"{src} GROUP BY {expr}"
                f" ON CONFLICT ({key}) DO UPDATE SET mentions = {stats}.mentions + excluded.mentions,"
                f" documents = {stats}.documents + excluded.documents,"
                f" first_published = {first}, last_published = {last}",
                [*part],
            )
            for facet, column, value, count in _facets(kind):
                db.execute(
                    f"INSERT INTO {facet} ({key}, {column}, n) SELECT {expr}, {value}, {neg}{count}"
                    f"{src} AND {value} IS NOT NULL GROUP BY {expr}, {value}"
                    f" ON CONFLICT ({key}, {column}) DO UPDATE SET n = {facet}.n + excluded.n",
                    [*part],
                )
            if sign == 1:
                continue
            for facet, _, _, _ in _facets(kind):
                db.execute(f"DELETE FROM {facet} WHERE {key} IN ({touched}) AND n <= 0", [*part])
            # A removed date may have been the first or last one: read them again from the days.
            days = f"{kind}_days"
            db.execute(
                f"UPDATE {stats} SET first_published = (SELECT min(x.published) FROM {days} x"
                f" WHERE x.{key} = {stats}.{key}), last_published = (SELECT max(x.published) FROM {days} x"
                f" WHERE x.{key} = {stats}.{key}) WHERE {key} IN ({touched})",
                [*part],
            )
            db.execute(f"DELETE FROM {stats} WHERE {key} IN ({touched}) AND mentions <= 0", [*part])


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
    db: _Executes, table: str, key: str, column: str, ids: Sequence[str]
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
