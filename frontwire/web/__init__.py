"""The web page: one static ``index.html`` with its JS and CSS, served beside the HTTP API.

``mount(app)`` adds ``GET /`` (the page) and ``/static/...`` (the files of ``static/``: the page's
script and style, the vendored map library and the offline basemap, see ``static/vendor/SOURCES.md``).
The page talks only to the API on its own origin; everything it shows is inserted as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # FastAPI is the API's dependency; importing this module needs none
    from fastapi import FastAPI

STATIC = Path(__file__).resolve().parent / "static"

# Scripts, styles, data and images only from this origin; no inline script or style element, no
# frames, no plugins. Leaflet positions its layers through element.style (CSSOM), which style-src
# does not govern.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def mount(app: FastAPI) -> None:
    """Serve the page at ``/`` and its files at ``/static`` on ``app``."""
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    index = STATIC / "index.html"

    def page() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8", headers=HEADERS)

    app.add_api_route("/", page, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
