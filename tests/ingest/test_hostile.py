"""Hostile inputs at the ingest layer (issue 14): each one is a named skip and the rest still read."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from frontwire.config import Settings
from frontwire.ingest import iter_items
from frontwire.ingest.base import safe_text
from frontwire.model import RawItem
from frontwire.pipeline import Outcome

PAGE = (
    b"<html><head><title>Kharkiv</title></head><body><article><p>Kharkiv came under missile attack "
    b"overnight, the regional governor said on Tuesday morning.</p></article></body></html>"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(inputs: list[str], **settings: object) -> list[RawItem | Outcome]:
    return list(iter_items(inputs, Settings(**settings)))  # type: ignore[arg-type]


def reasons(entries: list[RawItem | Outcome]) -> dict[str, str | None]:
    return {e.source: (e.skip_reason if isinstance(e, Outcome) else "item") for e in entries}


def test_hostile_symlink_loop_and_outside_links_are_skips(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_bytes(PAGE)
    (folder / "loop1.html").symlink_to(folder / "loop2.html")
    (folder / "loop2.html").symlink_to(folder / "loop1.html")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "up").symlink_to(tmp_path)  # a folder outside the input
    (folder / "gone.html").symlink_to(folder / "nothing-here.html")
    got = reasons(run([str(folder)]))
    assert got == {
        str(folder / "a.html"): "item",
        str(folder / "gone.html"): "not_found",
        str(folder / "loop1.html"): "unreadable",
        str(folder / "loop2.html"): "unreadable",
        str(folder / "passwd.txt"): "symlink_outside_input",
        str(folder / "up"): "symlink_outside_input",
    }


def test_hostile_file_name_not_utf8_is_read_and_storable(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9-\xff.html"
    with open(name, "wb") as fh:
        fh.write(PAGE)
    (entry,) = run([str(tmp_path)])
    assert isinstance(entry, RawItem) and entry.data == PAGE
    entry.source.encode("utf-8")  # what the store needs; the bytes are kept as escapes
    assert entry.source.endswith("caf\\xe9-\\xff.html")
    assert safe_text("ok") == "ok" and safe_text("\ud800").encode()


def test_hostile_unreadable_folder_is_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.html").write_bytes(PAGE)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.html").write_bytes(PAGE)
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")  # chmod does not stop root: fake it
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr("frontwire.ingest.files.os.scandir", scandir)
    got = reasons(run([str(tmp_path)]))
    assert got == {str(tmp_path / "a.html"): "item", str(tmp_path / "locked"): "unreadable"}


@pytest.mark.skipif(IS_ROOT, reason="root reads every folder")
def test_hostile_explicit_path_in_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.html").write_bytes(PAGE)
    locked.chmod(0)
    try:
        (entry,) = run([str(locked / "a.html")])
    finally:
        locked.chmod(0o755)
    assert isinstance(entry, Outcome) and entry.skip_reason == "unreadable"


def test_hostile_explicit_path_permission_error_is_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: Path) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "is_dir", denied)
    (entry,) = run([str(tmp_path / "x" / "a.html")])
    assert isinstance(entry, Outcome) and entry.skip_reason == "unreadable"


def test_hostile_empty_folder_is_nothing_to_read(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (entry,) = run([str(tmp_path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "nothing_to_read"


def test_hostile_bare_gz_name_is_read_by_content(tmp_path: Path) -> None:
    (tmp_path / "page.gz").write_bytes(gzip.compress(PAGE))
    (tmp_path / "junk.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    got = run([str(tmp_path)])
    expected = {str(tmp_path / "junk.gz"): "malformed_container", str(tmp_path / "page.gz"): "item"}
    assert reasons(got) == expected


ARTICLE = {"text": "Kharkiv came under missile attack overnight, the regional governor said."}


def test_hostile_jsonl_lines_stand_alone(tmp_path: Path) -> None:
    lines = [
        b"[1, 2, 3]",  # a first line that is no object
        json.dumps(ARTICLE).encode(),
        b'{"text": "a NUL \x00 in the line"}',
        b'{"text": "Odesa port was hit", "n": ' + b"9" * 5000 + b"}",
        b'{"text": 42, "title": ["not", "a", "string"]}',
        b"\x01\x02\x03\x04 control junk",
        json.dumps({**ARTICLE, "title": "second"}).encode(),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    got = run([str(path)])
    assert [e.skip_reason if isinstance(e, Outcome) else "item" for e in got] == [
        "malformed_container",
        "item",
        "malformed_container",
        "item",
        "empty",
        "malformed_container",
        "item",
    ]
    assert got[3].data == b"Odesa port was hit"  # type: ignore[union-attr]


def test_hostile_jsonl_without_jsonl_name_is_still_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(b"not json\n" + json.dumps(ARTICLE).encode() + b"\n" + json.dumps(ARTICLE).encode())
    got = run([str(path)])
    assert [e.skip_reason if isinstance(e, Outcome) else "item" for e in got] == [
        "malformed_container",
        "item",
        "item",
    ]


def test_hostile_one_line_json_array_is_no_article(tmp_path: Path) -> None:
    for name in ("records.txt", "records.jsonl"):
        path = tmp_path / name
        path.write_text(json.dumps([ARTICLE, ARTICLE]), encoding="utf-8")
        got = run([str(path)])
        assert all(isinstance(e, Outcome) for e in got), name


def test_hostile_feed_with_internal_dtd_keeps_its_items(tmp_path: Path) -> None:
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{lol}<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>Wire</title>'
        "<item><title>A &lol9; &x;</title><description>Odesa port was hit overnight.</description></item>"
        "</channel></rss>"
    )
    path = tmp_path / "feed.xml"
    path.write_text(feed, encoding="utf-8")
    got = run([str(path)])
    assert isinstance(got[0], RawItem) and got[0].data == b"Odesa port was hit overnight."
    assert b"root:" not in got[0].data and "root:" not in (got[0].title or "")


def test_hostile_warc_gz_cut_in_its_trailer_is_reported(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://x.example/", "response", payload=io.BytesIO(PAGE), http_headers=http
        )
    )
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(buf.getvalue()[:-4])
    got = run([str(path)])
    assert isinstance(got[0], RawItem)
    assert isinstance(got[-1], Outcome) and got[-1].skip_reason == "malformed_container"
