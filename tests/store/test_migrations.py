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
