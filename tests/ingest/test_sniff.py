"""Tests of frontwire/ingest/sniff.py: formats told apart by their bytes, not their names."""

from __future__ import annotations

import gzip

import pytest

from frontwire.ingest.sniff import decode_bytes, looks_binary, media_type, sniff


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b" \r\n\t ", "empty"),
        (gzip.compress(b"<html></html>"), "gzip"),
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary"),
        (bytes(range(256)), "binary"),
        (b'<?xml version="1.0"?>\n<!-- a comment -->\n<rss version="2.0"><channel/></rss>', "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "feed"),
        (b"<!DOCTYPE html>\n<html lang=en><p>x</p>", "html"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "html"),
        (b"<p>One paragraph.</p>", "html"),
        (b"\xef\xbb\xbf<html><body>bom first</body></html>", "html"),
        (b"garbage line\n<html><head><title>t</title></head><body>x</body></html>", "html"),
        (b'<?xml version="1.0"?><urlset><url/></urlset>', "xml"),
        (b'{"text": "one"}\n{"text": "two"}\n', "jsonl"),
        (b'{"html": "<html><body><p>x</p></body></html>"}\n', "jsonl"),
        (b"{not json at all}\nmore", "text"),
        (b"Officials said on Monday that <10 shells fell.", "text"),
        ("Офіційні особи заявили".encode("cp1251"), "text"),
        ("Officials said.".encode("utf-16"), "text"),
    ],
)
def test_sniff_classifies_by_content(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


def test_sniff_looks_binary_tolerates_text_controls() -> None:
    assert not looks_binary(b"Line one\r\n\tLine two\x0c\n")
    assert looks_binary(b"text\x00with a NUL")
    assert not looks_binary("UTF-16 text".encode("utf-16"))


def test_sniff_decode_bytes_handles_each_encoding() -> None:
    assert decode_bytes("caf\u00e9".encode()) == "caf\u00e9"
    assert decode_bytes("\ufeffbom".encode()) == "bom"
    assert decode_bytes("wide".encode("utf-16")) == "wide"
    assert (
        decode_bytes("The caf\u00e9 said \u201cno\u201d".encode("cp1252"))
        == "The caf\u00e9 said \u201cno\u201d"
    )


def test_sniff_media_type_strips_parameters() -> None:
    assert media_type("Text/HTML; charset=UTF-8") == "text/html"
    assert media_type(None) == ""
