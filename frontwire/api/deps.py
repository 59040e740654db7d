"""What the routes depend on: the per-thread store pool, the settings, the write token."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse

from frontwire.query import InvalidFilter, Page
from frontwire.store import Store, is_postgres_url, open_store


class StorePool:
    """One read-only store per server thread (a connection never crosses threads), and a short-lived
    writer for each write request; over a SQLite file or a ``postgresql://`` URL.

    On SQLite each thread holds a ``mode=ro`` connection to the file; on PostgreSQL a session of its
    own with ``default_transaction_read_only`` on (so the server holds up to one connection per
    worker thread, at most the thread pool's size, 40 by default).
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self.postgres = is_postgres_url(target)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Store] = []

    @property
    def backend(self) -> str:
        """``postgres`` or ``sqlite``."""
        return "postgres" if self.postgres else "sqlite"

    def _open_reader(self) -> Store:
        if self.postgres:
            from frontwire.store.postgres import PostgresStore

            return PostgresStore.reader(self.target)
        from frontwire.store.sqlite import SQLiteStore

        return SQLiteStore.reader(self.target)

    def reader(self) -> Store:
        """This thread's read-only store, opened on first use (and again if the PostgreSQL server
        closed its session: a restarted server costs one failed request per thread, not all)."""
        store: Store | None = getattr(self._local, "store", None)
        conn = getattr(store, "conn", None) if self.postgres else None
        if store is not None and conn is not None and conn.closed:
            self._forget(store)
            store = None
        if store is None:
            store = self._open_reader()
            self._local.store = store
            with self._lock:
                self._open.append(store)
        return store

    def _forget(self, store: Store) -> None:
        with self._lock:
            if store in self._open:
                self._open.remove(store)
        store.close()

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """A read-write store for one request, closed after it (writes are rare; both stores serialise
        them: SQLite's write lock, PostgreSQL's advisory write lock)."""
        store = open_store(self.target, create=False)
        try:
            yield store
        finally:
            store.close()

    def close(self) -> None:
        """Close every thread's connection (at shutdown)."""
        with self._lock:
            for store in self._open:
                store.close()
            self._open.clear()


@dataclass(slots=True)
class ApiState:
    """What ``create_app`` was given, and the processing resources once a write has loaded them."""

    db: str
    token: str | None
    max_body_bytes: int
    pool: StorePool
    resources: Any = None  # frontwire.resources.Resources, loaded by the first write
    lock: threading.Lock = field(default_factory=threading.Lock)  # one write processed at a time


def _state(request: Request) -> ApiState:
    state: ApiState = request.app.state.frontwire
    return state


State = Annotated[ApiState, Depends(_state)]


def require_token(request: Request) -> None:
    """Writes need ``Authorization: Bearer <token>``; with no token configured they are off."""
    state: ApiState = request.app.state.frontwire
    if not state.token:
        raise HTTPException(
            403, "writes are off: start the server with a token (FRONTWIRE_TOKEN) to allow them"
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(
            401, "this needs a token: send 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"}
        )
    if not hmac.compare_digest(given.strip().encode(), state.token.encode()):
        raise HTTPException(403, "the token is not the server's token")


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_parameters(request: Request) -> None:
    """A query parameter the route does not take is an error that lists those it takes (a typo in a
    filter name must not silently return everything)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names(dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        valid = sorted(allowed)
        raise InvalidFilter(
            unknown[0],
            f"unknown parameter {', '.join(map(repr, unknown))};"
            f" this endpoint takes: {', '.join(valid) or 'none'}",
            valid,
        )


def page_json(page: Page) -> JSONResponse:
    """A page as JSON, serialised as it is: its rows hold only JSON values (str, number, bool, None),
    and FastAPI's generic encoder, walking every value, took longer than the query itself."""
    return JSONResponse(page.to_json())
