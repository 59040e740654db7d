"""The HTTP API (FastAPI): read endpoints over the store, token-protected writes, and the web page.

Entry point: :func:`create_app`. Every read goes through :mod:`frontwire.query` (the CLI's query
layer), on one read-only store connection per server thread (a SQLite file or a PostgreSQL
database); errors are JSON
``{"error": {"status", "reason", "message"}}``.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from frontwire import __version__, query
from frontwire.api import errors
from frontwire.api.deps import ApiState, State, StorePool, known_parameters
from frontwire.api.params import Place, Since, Until
from frontwire.api.routes import documents, records

__all__ = ["create_app"]

# Request bodies of POST /documents over this are refused (413): the run's own input limit.
MAX_BODY_BYTES = 5_000_000


def create_app(db: str, token: str | None = None, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The API over the store at ``db`` (which must exist: ``frontwire run`` makes it).

    Args:
        db: the store: a SQLite path or a ``postgresql://`` URL.
        token: the bearer token that ``POST /documents`` needs; None or empty turns writes off.
        max_body_bytes: the largest request body taken (413 above it).

    Raises:
        StoreError: there is no store at ``db``, or it cannot be opened.
    """
    from frontwire.store import is_postgres_url, open_store

    # Opened once read-write here (applying any pending migration); the threads then read only.
    if is_postgres_url(db):
        from frontwire.store.postgres import PostgresStore

        # First a read-only look that it holds a store (a mistyped database name is an error, not a
        # new empty store; a read-write open without migrating fails on a table a pending migration
        # adds), then the open that migrates, as a SQLite open does.
        PostgresStore.reader(db).close()
        open_store(db, create=True).close()
    else:
        open_store(db, create=False).close()
    pool = StorePool(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="frontwire",
        version=__version__,
        summary="Conflict news as a structured, source-attributed record: documents, entities, claims, "
        "times, places, events, clusters and contradictions.",
        dependencies=[Depends(known_parameters)],
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI (no CDN)
        redoc_url=None,
    )
    app.state.frontwire = ApiState(db=db, token=token or None, max_body_bytes=max_body_bytes, pool=pool)
    errors.install(app)
    _mount_docs(app)
    app.include_router(documents.router)
    app.include_router(records.router)

    @app.get("/health", tags=["meta"], summary="Liveness, record counts, and whether writes are on")
    def health(state: State) -> dict[str, Any]:
        return {
            "ok": True,
            "version": __version__,
            "writes": state.token is not None,
            "store": state.pool.backend,
            "counts": state.pool.reader().counts(),
        }

    @app.get("/report", tags=["meta"], summary="A situation report (frontwire.report), Markdown or HTML")
    def report(
        state: State,
        place: Place = None,
        since: Since = None,
        until: Until = None,
        format: Annotated[str, Query(description="md or html")] = "md",
    ) -> Response:
        try:
            module = importlib.import_module("frontwire.report")
            build = module.situation_report
        except (ImportError, AttributeError):
            return errors.error_response(501, "not_built", "situation reports are not built in this version")
        if format not in ("md", "html"):
            raise query.InvalidFilter("format", f"unknown format {format!r}; valid: md, html", ["md", "html"])
        first, last = query.period(since, until)
        out = build(state.pool.reader(), place, first, last, fmt=format)
        if isinstance(out, str):
            return (
                HTMLResponse(out) if format == "html" else PlainTextResponse(out, media_type="text/markdown")
            )
        return JSONResponse(out)

    if not _mount_web(app):

        @app.get("/", tags=["meta"], summary="Where to start")
        def root() -> dict[str, Any]:
            return {
                "name": "frontwire",
                "version": __version__,
                "docs": "/docs",
                "openapi": "/openapi.json",
                "endpoints": sorted(
                    {
                        str(getattr(r, "path", ""))
                        for r in app.routes
                        if getattr(r, "include_in_schema", False)
                    }
                ),
            }

    return app


# The interactive API docs: Swagger UI from static/swagger-ui (vendored from npm, see SOURCES.md),
# so /docs works with no internet. No online validator badge, no OAuth redirect page.
DOCS_STATIC = Path(__file__).resolve().parent / "static" / "swagger-ui"
DOCS_ASSETS = "/docs/assets"
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def _mount_docs(app: FastAPI) -> None:
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    app.mount(DOCS_ASSETS, StaticFiles(directory=DOCS_STATIC), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters={"validatorUrl": None},
        )
        # The page's one inline script starts Swagger UI; everything else comes from this origin.
        page.headers["Content-Security-Policy"] = DOCS_CSP
        page.headers["X-Content-Type-Options"] = "nosniff"
        page.headers["Referrer-Policy"] = "no-referrer"
        return page


def _mount_web(app: FastAPI) -> bool:
    """Let frontwire.web add the page (GET / and /static/...) when it is installed."""
    try:
        web = importlib.import_module("frontwire.web")
    except ImportError:
        return False
    mount = getattr(web, "mount", None)
    if mount is None:
        return False
    mount(app)
    return True
