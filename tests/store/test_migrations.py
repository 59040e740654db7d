"""Migrations: applied once, in order, even when several processes open one fresh file at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from frontwire.store.migrations import MIGRATIONS
from frontwire.store.sqlite import SQLiteStore


def _open(path: str, start: multiprocessing.synchronize.Barrier) -> None:  # type: ignore[name-defined]
    start.wait(timeout=60)
    SQLiteStore(path).close()


def test_concurrent_first_opens_apply_each_migration_once(tmp_path: Path) -> None:
    path = str(tmp_path / "fresh.db")
    ctx = multiprocessing.get_context("spawn")
    workers = 6
    start = ctx.Barrier(workers)
    procs = [ctx.Process(target=_open, args=(path, start)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    # Before the fix the losers of the race failed with "table documents already exists".
    assert [proc.exitcode for proc in procs] == [0] * workers
    db = sqlite3.connect(path)
    names = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == sorted(name for name, _ in MIGRATIONS)


def test_reopening_a_migrated_store_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    from frontwire.store.migrations import migrate

    assert migrate(db) == []


def test_postgres_read_write_open_applies_pending_migrations(postgres_server) -> None:  # type: ignore[no-untyped-def]
    # A store an older frontwire left (its newest migration not applied yet), opened by a command
    # that does not create stores (create=False): brought up to date, as SQLite is on every open.
    import psycopg
    import pytest

    from frontwire.store import postgres as pg
    from frontwire.store.pg_migrations import PG_MIGRATIONS

    newest = max(name for name, _ in PG_MIGRATIONS)
    url = postgres_server.create("fw_pending_migration")
    try:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(pg, "PG_MIGRATIONS", [x for x in PG_MIGRATIONS if x[0] != newest])
            # The older frontwire staged no table the newest migration adds (m010: outlet_names).
            m.setattr(pg, "_STAGED", tuple(t for t in pg._STAGED if t.name != "outlet_names"))
            pg.PostgresStore(url).close()
        with psycopg.connect(url) as conn:
            before = {r[0] for r in conn.execute("SELECT name FROM migrations")}
        assert newest not in before
        pg.PostgresStore(url, create=False).close()
        with psycopg.connect(url) as conn:
            after = {r[0] for r in conn.execute("SELECT name FROM migrations")}
        assert after == {name for name, _ in PG_MIGRATIONS}
        # A database holding no store is still refused by a non-creating open, and left empty.
        empty = postgres_server.create("fw_no_store")
        with pytest.raises(Exception, match="no frontwire store"):
            pg.PostgresStore(empty, create=False)
        with psycopg.connect(empty) as conn:
            assert conn.execute("SELECT to_regclass('migrations')").fetchone() == (None,)
        postgres_server.drop(empty)
    finally:
        postgres_server.drop(url)
