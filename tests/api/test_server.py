"""frontwire/api under a real uvicorn server on a free port, queried with httpx from several threads."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn

from frontwire.api import create_app
from tests.api.test_app import make_store
from tests.test_query import DOC_A, DOC_B


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A uvicorn server in a thread, on 127.0.0.1 and a free port; its base URL."""
    db = make_store(tmp_path / "served.db")
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_server_serves_queries_over_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        assert client.get("/health").json()["counts"]["documents"] == 2
        events = client.get("/events", params={"outlet": "Meduza"}).json()
        assert {e["doc_id"] for e in events["items"]} == {DOC_B}
        geo = client.get("/events", params={"format": "geojson"})
        assert geo.headers["content-type"].startswith("application/geo+json")
        assert geo.json()["type"] == "FeatureCollection"
        assert client.get(f"/documents/{DOC_A[:12]}").json()["id"] == DOC_A
        assert client.get("/claims", params={"stance": "nope"}).status_code == 422


def test_server_answers_many_threads_at_once(server: str) -> None:
    paths = ["/events", "/claims", "/entities", "/places", "/times", "/documents", "/search?q=Bakhmut"] * 12

    def fetch(path: str) -> tuple[str, int, int]:
        with httpx.Client(base_url=server, timeout=20) as client:
            r = client.get(path)
            return path, r.status_code, len(r.json()["items"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(fetch, paths))
    assert all(status == 200 for _, status, _ in results), results
    # The same query gives the same answer from every thread.
    by_path: dict[str, set[int]] = {}
    for path, _, n in results:
        by_path.setdefault(path, set()).add(n)
    assert all(len(ns) == 1 for ns in by_path.values()), by_path
    assert by_path["/events"] == {4} and by_path["/documents"] == {2}
