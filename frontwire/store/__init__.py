"""The store: one interface (:class:`Store`), opened by :func:`open_store` from a path or URL."""

from __future__ import annotations

from pathlib import Path

from frontwire.errors import StoreError
from frontwire.store.base import AddResult, Row, Store

__all__ = ["AddResult", "Row", "Store", "is_postgres_url", "open_store"]


def is_postgres_url(target: str | Path) -> bool:
    """Whether ``target`` names a PostgreSQL database (``postgresql://...``) rather than a SQLite file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, create: bool = True) -> Store:
    """Open the store at a SQLite path or a ``postgresql://`` URL, creating and migrating it when ``create``.

    Query commands open with ``create=False`` so that a mistyped path is an error, not a new empty store.
    """
    text = str(target)
    if is_postgres_url(text):
        from frontwire.store.postgres import PostgresStore

        return PostgresStore(text, create=create)
    from frontwire.store.sqlite import SQLiteStore

    if text == ":memory:":
        return SQLiteStore(text)
    path = Path(text).expanduser()
    if not path.exists() and not create:
        raise StoreError(f"no store at {path}: run `frontwire run ...` first, or pass --db PATH")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the store folder {path.parent}: {exc}") from exc
    return SQLiteStore(path)
