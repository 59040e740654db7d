"""Tests of frontwire/ingest/files.py: paths, folders, globs, sniffing over names, gzip, the size limit."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

from frontwire.config import Settings
from frontwire.ingest import iter_items
from frontwire.ingest.files import expand_input
from frontwire.model import RawItem
from frontwire.pipeline import Outcome
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "ingest"
PAGE = (DATA / "page.html").read_bytes()


def run(inputs: list[str], **settings: object) -> list[RawItem | Outcome]:
    return list(iter_items(inputs, Settings(**settings)))  # type: ignore[arg-type]


def only(inputs: list[str], **settings: object) -> RawItem | Outcome:
    (entry,) = run(inputs, **settings)
    return entry


def test_files_html_and_text_files_keep_their_bytes() -> None:
    page, note = run([str(DATA / "page.html"), str(DATA / "note.txt")])
    assert isinstance(page, RawItem) and page.kind == "html" and page.data == PAGE
    assert page.source == str(DATA / "page.html") and page.url is None
    assert isinstance(note, RawItem) and note.kind == "text"
    assert note.data == (DATA / "note.txt").read_bytes()


def test_files_source_is_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.html").write_bytes(PAGE)
    assert only(["./a.html"]).source == "./a.html"


def test_files_txt_holding_html_is_read_as_html() -> None:
    entry = only([str(DATA / "page-disguised.txt")])
    assert isinstance(entry, RawItem) and entry.kind == "html"


def test_files_html_holding_plain_text_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_text("Officials said the bridge was repaired.\nWork took three weeks.\n", encoding="utf-8")
    entry = only([str(path)])
    assert isinstance(entry, RawItem) and entry.kind == "text"


def test_files_binary_junk_named_html_is_unsupported(tmp_path: Path) -> None:
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 16)
    png = tmp_path / "picture.htm"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"IHDR" + b"\x7f" * 100)
    a, b = run([str(junk), str(png)])
    assert isinstance(a, Outcome) and a.skip_reason == "unsupported_format"
    assert isinstance(b, Outcome) and b.skip_reason == "unsupported_format"


def test_files_utf16_text_with_bom_is_text_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("Officials said the bridge was repaired.".encode("utf-16"))
    entry = only([str(path)])
    assert isinstance(entry, RawItem) and entry.kind == "text"


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_files_empty_or_blank_file_is_skipped_as_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    entry = only([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "empty"


def test_files_huge_sparse_file_is_too_large_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with open(path, "wb") as fh:
        fh.truncate(6_000_000)  # sparse: 6 MB on paper, nothing on disk
    entry = only([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "too_large"
    assert "5000000" in (entry.message or "")  # the limit is in the message


def test_files_size_limit_follows_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    entry = only([str(path)], max_input_bytes=100)
    assert isinstance(entry, Outcome) and entry.skip_reason == "too_large"
    assert "100 bytes" in (entry.message or "")
    assert isinstance(only([str(path)], max_input_bytes=len(PAGE)), RawItem)  # exactly at the limit is fine


def test_files_missing_path_is_not_found() -> None:
    entry = only(["/nonexistent/frontwire/story.html"])
    assert isinstance(entry, Outcome) and entry.skip_reason == "not_found"


def test_files_glob_without_match_is_not_found(tmp_path: Path) -> None:
    entry = only([str(tmp_path / "*.html")])
    assert isinstance(entry, Outcome) and entry.skip_reason == "not_found"


def test_files_device_or_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    entry = only([str(fifo)])  # reading a FIFO would block forever
    assert isinstance(entry, Outcome) and entry.skip_reason == "unsupported_format"


def _tree(root: Path) -> None:
    (root / "b" / "deeper").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".hidden").mkdir()
    names = ["z.html", "a/2.txt", "a/1.html", "b/deeper/x.htm", "b/y.txt", "m.txt"]
    names += [".hidden/h.html", "a/.dot.html"]  # hidden: never walked
    for rel in names:
        (root / rel).write_bytes(PAGE)
    (root / "a" / "picture.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # not a document name: not walked
    (root / "README").write_text("notes")


def test_files_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    sources = [e.source for e in run([str(tmp_path)])]
    expected = ["a/1.html", "a/2.txt", "b/deeper/x.htm", "b/y.txt", "m.txt", "z.html"]
    assert sources == [str(tmp_path / rel) for rel in expected]


def test_files_glob_order_is_sorted_and_recursive(tmp_path: Path) -> None:
    _tree(tmp_path)
    sources = [e.source for e in run([str(tmp_path / "**" / "*.txt"), str(tmp_path / "*.html")])]
    expected = ["a/2.txt", "b/y.txt", "m.txt", "z.html"]  # the first pattern's matches, then the second's
    assert sources == [str(tmp_path / rel) for rel in expected]


def test_files_expand_input_reports_each_kind(tmp_path: Path) -> None:
    _tree(tmp_path)
    [(source, path)] = list(expand_input(str(tmp_path / "m.txt")))
    assert source == str(tmp_path / "m.txt") and path == tmp_path / "m.txt"
    assert len(list(expand_input(str(tmp_path)))) == 6


def test_files_mixed_inputs_keep_input_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    inputs = [str(tmp_path / "z.html"), "/nonexistent.txt", str(tmp_path / "a"), str(DATA / "note.txt")]
    sources = [e.source for e in run(inputs)]
    assert sources == [inputs[0], inputs[1], str(tmp_path / "a/1.html"), str(tmp_path / "a/2.txt"), inputs[3]]


def test_files_gzipped_html_and_text(tmp_path: Path) -> None:
    html = tmp_path / "page.html.gz"
    html.write_bytes(gzip.compress(PAGE))
    text = tmp_path / "note.txt.gz"
    text.write_bytes(gzip.compress(b"Officials said the bridge was repaired."))
    a, b = run([str(html), str(text)])
    assert isinstance(a, RawItem) and a.kind == "html" and a.data == PAGE
    assert isinstance(b, RawItem) and b.kind == "text"
    assert b.data == b"Officials said the bridge was repaired."


def test_files_truncated_gzip_is_malformed_container(tmp_path: Path) -> None:
    packed = gzip.compress(PAGE * 20)
    path = tmp_path / "cut.html.gz"
    path.write_bytes(packed[: len(packed) // 2])
    entry = only([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "malformed_container"


def test_files_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<p>" + b" " * 3_000_000))  # 3 MB unpacked from a few kB
    entry = only([str(path)], max_input_bytes=1_000_000)
    assert path.stat().st_size < 10_000
    assert isinstance(entry, Outcome) and entry.skip_reason == "too_large"


def test_files_gzip_of_junk_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt.gz"
    path.write_bytes(gzip.compress(bytes(range(256)) * 4))
    entry = only([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "unsupported_format"


def test_files_xml_that_is_not_a_feed_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>')
    entry = only([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "unsupported_format"


def test_files_unreadable_file_is_a_skip_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.html"
    path.write_bytes(PAGE)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("frontwire.ingest.files.open", denied, raising=False)  # works under root too
    entry = only([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "unreadable"
    assert "permission" in (entry.message or "")


def test_files_folder_walk_follows_file_links_inside_only(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.html").write_bytes(PAGE)
    (tmp_path / "real" / "loop").symlink_to(tmp_path)  # a folder link back up: would loop forever
    (tmp_path / "real" / "b.html").symlink_to(tmp_path / "real" / "a.html")  # inside: read
    (tmp_path / "real" / "c.html").symlink_to(DATA / "page.html")  # outside the folder: never read
    entries = run([str(tmp_path)])
    assert [e.source for e in entries] == [str(tmp_path / "real" / n) for n in ("a.html", "b.html", "c.html")]
    assert [isinstance(e, RawItem) for e in entries] == [True, True, False]
    outside = entries[2]
    assert isinstance(outside, Outcome) and outside.skip_reason == "symlink_outside_input"


def test_files_feed_file_named_txt_is_read_as_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    shutil.copy(DATA / "rss.xml", path)
    entries = run([str(path)])
    assert [e.source for e in entries][:2] == [f"{path}#1", f"{path}#2"]
