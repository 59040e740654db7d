"""frontwire.store.pg_server: a throw-away PostgreSQL server is started, holds stores, and is gone after."""

from __future__ import annotations

import os

import pytest

from frontwire.errors import ConfigError, StoreError
from frontwire.store import open_store, pg_server


def test_throwaway_postgres_starts_serves_and_is_removed() -> None:
    reason = pg_server.unavailable()
    if reason is not None:
        pytest.skip(reason)
    import psycopg

    with pg_server.throwaway_postgres() as server:
        folder = server.folder
        assert folder.is_dir() and str(folder).startswith("/tmp/fwpg-")
        if os.geteuid() == 0:  # PostgreSQL refuses root: the server's files belong to 'postgres'
            import pwd

            assert (folder / "data").stat().st_uid == pwd.getpwnam("postgres").pw_uid
        with psycopg.connect(server.url("postgres")) as conn:
            assert conn.execute("SHOW fsync").fetchone() == ("off",)
            assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        first, second = server.database(), server.database()
        assert first != second
        store = open_store(first, create=False)  # already migrated: no create needed
        try:
            assert store.counts()["documents"] == 0
        finally:
            store.close()
        empty = server.create("fw_empty")
        with pytest.raises(StoreError, match="no frontwire store"):
            open_store(empty, create=False)
        server.drop(first)
        with pytest.raises(StoreError, match="cannot connect"):
            open_store(first, create=False)
        url = server.url("postgres")
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_throwaway_postgres_without_binaries_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_server, "postgres_bindir", lambda: None)
    assert pg_server.unavailable() is not None
    with pytest.raises(ConfigError, match="initdb, pg_ctl"), pg_server.throwaway_postgres():
        pass
