"""Tests of frontwire/ingest/__init__.py: iter_items over a mix of every kind of input, in order."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from frontwire.config import Settings
from frontwire.ingest import Fetcher, iter_items
from frontwire.ingest.base import Context
from frontwire.model import RawItem
from frontwire.pipeline import Outcome
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "ingest"


def _warc(path: Path) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    body = io.BytesIO(b"<html><body><p>Archived report.</p></body></html>")
    writer.write_record(
        writer.create_warc_record("https://a.example/x", "response", payload=body, http_headers=headers)
    )
    path.write_bytes(buf.getvalue())


def test_ingest_mixed_inputs_in_input_order(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Type": "text/html"}, content=b"<html><p>Web page</p></html>"
        )

    fetcher = Fetcher(
        Settings(), transport=httpx.MockTransport(handler), resolver=lambda h, p: ["93.184.216.34"]
    )
    inputs = [
        str(DATA / "atom.xml"),
        "https://news.example/page",
        str(warc),
        "/does/not/exist.html",
        str(DATA / "page.html"),
        "ftp://files.example/a.txt",
    ]
    out = list(iter_items(inputs, Settings(), fetcher=fetcher))
    assert [e.source for e in out] == [
        f"{inputs[0]}#1",
        inputs[1],
        f"{warc}#1",
        inputs[3],
        inputs[4],
        inputs[5],
    ]
    kinds = [e.kind if isinstance(e, RawItem) else e.skip_reason for e in out]
    assert kinds == ["article", "html", "html", "not_found", "html", "fetch_failed"]


def test_ingest_is_deterministic(tmp_path: Path) -> None:
    inputs = [str(DATA), str(DATA / "*.xml")]
    first = list(iter_items(inputs, Settings()))
    second = list(iter_items(inputs, Settings()))
    assert first == second
    assert all(isinstance(e, RawItem | Outcome) for e in first)


def test_ingest_closes_only_the_fetcher_it_made() -> None:
    given = Fetcher(Settings(), transport=httpx.MockTransport(lambda r: httpx.Response(204)))
    ctx = Context(settings=Settings(), given_fetcher=given)
    assert ctx.fetcher() is given
    ctx.close()
    assert not given._client.is_closed  # the caller's fetcher stays usable
    own = Context(settings=Settings())
    made = own.fetcher()
    assert own.fetcher() is made  # made once, on first use
    own.close()
    assert made._client.is_closed
    given.close()
