"""The store: one interface (:class:`Store`), opened by :func:`open_store` from a path or URL."""

from __future__ import annotations

from pathlib import Path

from frontwire.errors import ConfigError
from frontwire.store.base import AddResult, Row, Store

__all__ = ["AddResult", "Row", "Store", "open_store"]


def open_store(target: str | Path) -> Store:
    """Open (creating and migrating as needed) the store at a SQLite path or database URL."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        # The shared PostgreSQL backend belongs to the serving/scale work (DESIGN section 5).
        raise ConfigError("the PostgreSQL store is not available in this version; use a SQLite path")
    from frontwire.store.sqlite import SQLiteStore

    if text != ":memory:":
        Path(text).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(Path(text).expanduser() if text != ":memory:" else text)
