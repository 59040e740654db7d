"""Tests of frontwire/ingest/warc.py: HTML responses become items; a cut file ends in a skip, not a crash."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from frontwire.config import Settings
from frontwire.ingest import iter_items
from frontwire.model import RawItem
from frontwire.pipeline import Outcome


def page(n: int) -> bytes:
    words = " ".join(f"w{n}x{i}" for i in range(300))  # varied, so gzip cannot shrink it to nothing
    return f"<html><body><p>Report {n}: {words}</p></body></html>".encode()


def build_warc(gz: bool) -> bytes:
    """warcinfo, then: HTML 200, image, HTML 404, HTML 200 (gzip-encoded body), request, HTML 200."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "frontwire tests"}))

    def response(url: str, body: bytes, ctype: str, status: str = "200 OK", date: str | None = None) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date} if date else None
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict=warc_headers
        )
        writer.write_record(record)

    response("https://news.example/1", page(1), "text/html; charset=utf-8", date="2023-03-07T10:00:00Z")
    response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
    response("https://news.example/missing", b"<html>gone</html>", "text/html", status="404 Not Found")
    response("https://news.example/2", page(2), "application/xhtml+xml")
    req = writer.create_warc_record(
        "https://news.example/3", "request", payload=io.BytesIO(b"GET /3 HTTP/1.1\r\n\r\n")
    )
    writer.write_record(req)
    response("https://news.example/3", page(3), "text/html")
    return buf.getvalue()


def run(path: Path, **settings: object) -> list[RawItem | Outcome]:
    return list(iter_items([str(path)], Settings(**settings)))  # type: ignore[arg-type]


@pytest.mark.parametrize(("gz", "name"), [(False, "crawl.warc"), (True, "crawl.warc.gz")])
def test_warc_html_responses_become_items(tmp_path: Path, gz: bool, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(build_warc(gz))
    out = run(path)
    assert all(isinstance(e, RawItem) for e in out)
    assert [e.url for e in out] == [
        "https://news.example/1",
        "https://news.example/2",
        "https://news.example/3",
    ]
    assert [e.data for e in out] == [page(1), page(2), page(3)]
    assert all(e.kind == "html" for e in out)
    # Sources number the records of the file: warcinfo is 1, the image 3, the 404 page 4, the request 6.
    assert [e.source for e in out] == [f"{path}#2", f"{path}#5", f"{path}#7"]
    first = out[0]
    assert isinstance(first, RawItem)
    assert first.fetched_at == "2023-03-07T10:00:00Z" and first.content_type == "text/html; charset=utf-8"


def test_warc_is_sniffed_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "crawl.bin"
    path.write_bytes(build_warc(True))
    assert len(run(path)) == 3


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_warc_truncated_yields_records_read_then_a_skip(tmp_path: Path, gz: bool, fraction: float) -> None:
    data = build_warc(gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: int(len(data) * fraction)])
    out = run(path)
    items = [e for e in out if isinstance(e, RawItem)]
    assert len(items) < 3
    full = {page(1), page(2), page(3)}
    assert all(item.data in full for item in items)  # no half-read record slips through
    last = out[-1]
    assert (
        isinstance(last, Outcome) and last.skip_reason == "malformed_container" and last.source == str(path)
    )
    assert out[:-1] == items


def test_warc_record_over_limit_is_skipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(build_warc(False))
    out = run(path, max_input_bytes=len(page(1)) - 1)  # the whole file is far bigger: not limited as a whole
    assert [getattr(e, "skip_reason", None) for e in out] == ["too_large"] * 3
    assert out[0].source == f"{path}#2"


def test_warc_without_html_records_is_empty(tmp_path: Path) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "tests"}))
    path = tmp_path / "nothing.warc.gz"
    path.write_bytes(buf.getvalue())
    (entry,) = run(path)
    assert isinstance(entry, Outcome) and entry.skip_reason == "empty"


def test_warc_garbage_after_magic_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\nthis is not a header block\r\n\r\n" + bytes(range(256)))
    out = run(path)
    assert isinstance(out[-1], Outcome) and out[-1].skip_reason == "malformed_container"
