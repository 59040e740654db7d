"""Shared fixtures (defined only here): resources, stores, paths to the bundled and shared data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontwire.store.pg_server import PostgresServer

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TEST_DATA = REPO / "tests" / "data"
# The shared evaluation data sits beside the repository on developer machines, not in CI.
SHARED_EVAL = Path(os.environ.get("FRONTWIRE_EVAL_DATA", REPO.parent / "shared" / "eval"))


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's FRONTWIRE_* settings or proxies (keep FRONTWIRE_EVAL_DATA)."""
    for key in list(os.environ):
        if (key.startswith("FRONTWIRE_") and key != "FRONTWIRE_EVAL_DATA") or key.lower().endswith("_proxy"):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def resources():  # type: ignore[no-untyped-def]
    """Process-wide Resources (loads spaCy on first use: tests using it are marked slow)."""
    from frontwire.resources import Resources

    return Resources()


@pytest.fixture(scope="session")
def lex():  # type: ignore[no-untyped-def]
    """The time-expression lexicon (no spaCy needed)."""
    from frontwire.timex import load_resources

    return load_resources()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    from frontwire.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def seed_text() -> str:
    return (EXAMPLES / "19fortyfive-bakhmut.txt").read_text(encoding="utf-8")


def shared_eval(name: str) -> Path:
    """Path of a shared evaluation data set, or skip the test when it is absent (CI)."""
    path = SHARED_EVAL / name
    if not path.is_dir():
        pytest.skip(f"evaluation data {path} not present")
    return path


# -- a throw-away PostgreSQL server for the PostgreSQL store (one per session) ---------------------
# The server itself is frontwire.store.pg_server (the bench starts one too); these are its fixtures.


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL (initdb + pg_ctl, a free port on 127.0.0.1, a temporary folder),
    stopped and removed at the end of the session. As root, the server runs as the ``postgres``
    user (PostgreSQL refuses root). Skips only when it cannot start here (no PostgreSQL binaries,
    no psycopg, or root without a ``postgres`` user)."""
    from frontwire.store.pg_server import throwaway_postgres, unavailable

    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """URL of an empty, migrated PostgreSQL store database of its own, dropped after the test."""
    url = postgres_server.database()
    yield url
    postgres_server.drop(url)
