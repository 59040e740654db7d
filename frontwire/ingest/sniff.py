"""Content sniffing: what the bytes are (gzip, WARC, feed, HTML, JSONL, text, binary), not what names say."""

from __future__ import annotations

import codecs
import json
import re
from typing import Literal

Format = Literal["empty", "gzip", "warc", "binary", "feed", "xml", "html", "jsonl", "json", "text"]

# How many leading bytes the sniffer looks at; enough to get past an XML prolog, a long <head> start
# or a first JSONL line of ordinary size.
HEAD_BYTES = 65536

GZIP_MAGIC = b"\x1f\x8b"
WARC_MAGIC = b"WARC/"

# Signatures of binary formats met among downloaded "articles" (PDFs, images, archives, fonts,
# executables); the byte heuristics below catch most others.
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"PK\x03\x04",
    b"\x7fELF",
    b"\xfd7zXZ",
    b"Rar!\x1a",
    b"7z\xbc\xaf",
    b"wOFF",
    b"wOF2",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"\x1a\x45\xdf\xa3",
    b"BZh9",
)

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*", re.I | re.S)
_ROOT = re.compile(r"<([a-zA-Z][\w:.-]*)")
_DOCTYPE_HTML = re.compile(r"<!doctype\s+html", re.I)
_HTML_DOC_TAG = re.compile(r"<(?:html|head|body)[\s>]", re.I)
# Tags that show a text is HTML markup rather than prose that happens to contain a '<'.
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|hr|article|section|header|footer|nav|main|aside|figure|figcaption|h[1-6]|"
    r"ul|ol|li|table|tr|td|th|meta|title|link|script|style|img|strong|em|b|i|blockquote|time)\b[^<>]*>",
    re.I,
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf"})


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` declares, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def head_text(head: bytes) -> str:
    """Best-effort text of a head of bytes for pattern checks (BOM-aware, never raises)."""
    encoding = bom_encoding(head)
    text = head.decode(encoding or "utf-8", errors="replace")
    return text.lstrip("\ufeff")


def _legacy_byte(err: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: read each byte that is not UTF-8 as Windows-1252 (the usual culprit)."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("frontwire-cp1252", _legacy_byte)

# A well-formed multi-byte UTF-8 sequence: text containing one is UTF-8, whatever else crept in.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_bytes(data: bytes) -> str:
    """Decode text whose encoding nobody declared: BOM, else UTF-8, else a detected charset, else Latin-1.

    Mixed text (UTF-8 with stray Windows-1252 bytes pasted in, common in scraped dumps) keeps its
    UTF-8 and reads only the stray bytes as Windows-1252, instead of mis-decoding the whole text.
    """
    encoding = bom_encoding(data)
    if encoding:
        return data.decode(encoding, errors="replace").lstrip("\ufeff")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        return data.decode("utf-8", errors="frontwire-cp1252")
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("latin-1")  # every byte maps to a character: the last resort never fails


# Control bytes that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def binary_signature(head: bytes) -> bool:
    """True when ``head`` starts with the signature of a known binary format."""
    return head.startswith(_BINARY_MAGIC)


def looks_binary(head: bytes) -> bool:
    """True for bytes that are not text: a binary signature, NUL bytes or many control characters."""
    if not head:
        return False
    if binary_signature(head):
        return True
    if bom_encoding(head) in {"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}:
        return False  # UTF-16/32 text is full of NULs; its BOM says it is text
    sample = head[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def _is_json_object(line: str) -> bool:
    line = line.strip()
    if not line.startswith("{") or not line.endswith("}"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):  # bad JSON, a huge integer, deep nesting
        return False


def json_lines(text: str, whole: bool) -> tuple[int, int]:
    """(lines that are JSON objects, non-blank lines) among the complete lines of ``text``; the last
    line counts only when ``text`` is the whole input (``whole``), else it may be cut."""
    lines = text.split("\n")
    if not whole and len(lines) > 1:
        lines = lines[:-1]
    objects = blank = 0
    for line in lines:
        if not line.strip():
            blank += 1
        elif _is_json_object(line):
            objects += 1
    return objects, len(lines) - blank


def _is_json_document(stripped: str, whole: bool) -> bool:
    """A JSON array or value that is no JSON Lines (a one-line array of records is no article)."""
    if not stripped.startswith("["):
        return False
    if re.match(r"\[\s*[\[{\]]", stripped):
        return True
    if not whole:
        return False
    try:
        json.loads(stripped)
    except (ValueError, RecursionError):
        return False
    return True


def sniff(head: bytes, whole: bool | None = None) -> Format:
    """Classify content from its first bytes (pass up to ``HEAD_BYTES``); ``whole`` says ``head`` is
    the entire input (by default: when it is shorter than ``HEAD_BYTES``)."""
    if whole is None:
        whole = len(head) < HEAD_BYTES
    if not head.strip():
        return "empty"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(WARC_MAGIC):
        return "warc"
    if binary_signature(head):
        return "binary"
    # Before the binary test: a NUL or control bytes in one JSONL line must cost that line only.
    if head.lstrip()[:1] == b"{" or b"\n{" in head:
        objects, lines = json_lines(head_text(head), whole)
        if objects and objects * 2 >= lines:
            return "jsonl"
    if looks_binary(head):
        return "binary"
    text = head_text(head)
    if not text.strip():
        return "empty"
    stripped = text.lstrip()
    if stripped.startswith("<"):
        prolog = _PROLOG.match(stripped)
        rest = stripped[prolog.end() if prolog else 0 :]
        root = _ROOT.match(rest)
        name = root.group(1).lower() if root else ""
        if name in _FEED_ROOTS:
            return "feed"
        if name == "html" or _DOCTYPE_HTML.search(stripped[:2048]) or _HTML_DOC_TAG.search(text):
            return "html"
        if len(_HTML_TAG.findall(text[:16384])) >= 2:
            return "html"
        return "xml" if stripped.startswith("<?xml") else "text"
    if _is_json_document(stripped, whole):
        return "json"
    if _HTML_DOC_TAG.search(text) or len(_HTML_TAG.findall(text[:16384])) >= 5:
        return "html"  # a page with some leading junk before its markup
    return "text"


def media_type(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type header ('' when absent)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
TEXT_TYPES = frozenset({"text/plain"})
# Types that say nothing about the content: the bytes decide.
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
