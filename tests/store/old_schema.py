"""A store as an older frontwire left it: only the migrations before ``before`` applied, and
documents written without what later migrations added (for the upgrade tests)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from frontwire.store import migrations, rows, summaries
from frontwire.store import sqlite as sqlite_store


def _m008_days(self: summaries.Delta, db: Any) -> None:
    """The days as m008 kept them: documents per day only, no per-day roles or outlets."""
    for kind in summaries.KINDS:
        key = summaries._KEY[kind]
        changes = sorted((i, day, n) for (k, i, day), (n, _) in self.days.items() if k == kind and n)
        db.executemany(
            f"INSERT INTO {kind}_days ({key}, published, n) VALUES (?, ?, ?)"
            f" ON CONFLICT ({key}, published) DO UPDATE SET n = {kind}_days.n + excluded.n",
            changes,
        )
        db.executemany(
            f"DELETE FROM {kind}_days WHERE {key} = ? AND published = ? AND n <= 0",
            [(i, day) for i, day, n in changes if n < 0],
        )


def _before_m010(tables: tuple[rows.Table, ...]) -> tuple[rows.Table, ...]:
    """The tables as written before m010: no outlet spellings, documents without title_key."""
    out = []
    for t in tables:
        if t.name == "outlet_names":
            continue
        if t.name == "documents":
            rows_of = t.rows
            t = dataclasses.replace(
                t, columns=t.columns[:-1], rows=lambda d, f=rows_of: [r[:-1] for r in f(d)]
            )
        out.append(t)
    return tuple(out)


@contextmanager
def old_schema(before: str) -> Iterator[None]:
    """Within the block, stores migrate only up to ``before`` (exclusive) and write as they did."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", [x for x in migrations.MIGRATIONS if x[0] < before])
        tables = rows.TABLES
        if before <= "m010":
            tables = _before_m010(tables)
            m.setattr(summaries.Delta, "write_days", _m008_days)
            m.setattr(summaries.Delta, "write_texts", lambda self, db: None)  # no place_texts yet
        if before <= "m008":
            # m008's summaries and speaker spellings did not exist: nothing written to them.
            m.setattr(summaries.Delta, "write", lambda self, db: None)
            m.setattr(summaries.Delta, "remove", lambda self, db, doc_id: None)
            tables = tuple(t for t in tables if t.name != "speaker_names")
        elif before <= "m009":
            m.setattr(summaries.Delta, "write_speakers", lambda self, db: None)  # no speaker_days yet
        m.setattr(rows, "TABLES", tables)
        m.setattr(sqlite_store, "_INSERTS", {
            t.name: f"INSERT {'OR IGNORE ' if t.ignore else ''}INTO {t.name} ({rows.quoted(t.columns)})"
            f" VALUES ({', '.join('?' * len(t.columns))})"
            for t in (*tables, rows.VERSIONS)
        })  # fmt: skip
        yield
