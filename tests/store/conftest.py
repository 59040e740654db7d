"""The store suite runs on both backends: ``store`` is a SQLite file or a PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    from frontwire.store import open_store

    target = tmp_path / "test.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    s = open_store(target)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[object]:
    """A SQLite store, for tests of SQLite itself (its query planner, its trace callback)."""
    from frontwire.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()
