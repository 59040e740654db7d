"""/docs: Swagger UI from the vendored files (frontwire/api/static/swagger-ui), no CDN; ReDoc off.

The slow test renders the page in headless Chromium (as tests/web/test_page.py does) and checks
that the operations show with no request off localhost.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from frontwire.api import DOCS_STATIC, create_app
from tests.api.test_app import make_store

CHROMIUM = Path(os.environ.get("FRONTWIRE_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> str:
    return make_store(tmp_path / "docs.db")


def test_docs_page_loads_only_local_files(db: str) -> None:
    client = TestClient(create_app(db))
    r = client.get("/docs")
    assert r.status_code == 200 and "SwaggerUIBundle" in r.text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", r.text) + re.findall(r"url: '([^']+)'", r.text)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "http://" not in r.text and "https://" not in r.text
    assert '"validatorUrl": null' in r.text  # no badge fetched from validator.swagger.io
    assert "connect-src 'self'" in r.headers["content-security-policy"]
    for u in urls:
        if u.startswith("/docs/assets/"):
            got = client.get(u)
            assert got.status_code == 200 and got.content == (DOCS_STATIC / u.rsplit("/", 1)[1]).read_bytes()
    assert client.get("/openapi.json").json()["paths"]["/events"]
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN: off
    assert (DOCS_STATIC / "LICENSE").is_file() and "5.35.0" in (DOCS_STATIC / "SOURCES.md").read_text()


@pytest.fixture
def server(db: str) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.mark.slow
def test_docs_page_renders_offline_in_chromium(server: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing (Debian package chromium; .ci/run installs it)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright missing (pip install -e '.[test]')"
    )
    requests: list[str] = []
    blocked: list[str] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1300, "height": 900})
            context.route("**/*", guard)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.goto(server + "/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=30_000)
            paths = page.eval_on_selector_all(
                ".opblock-summary-path", "els => els.map(e => e.getAttribute('data-path'))"
            )
            page.screenshot(path=str(tmp_path / "docs.png"), full_page=False)
        finally:
            browser.close()
    assert {"/events", "/claims", "/documents", "/health"} <= set(paths), paths
    assert not blocked, f"requests off localhost: {blocked}"
    assert not errors, errors
    assert any(u.endswith("/openapi.json") for u in requests)
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in requests if not u.startswith("data:"))
