"""Content sniffing: what the bytes are (gzip, WARC, feed, HTML, JSONL, text, binary), not what names say."""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
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

# The prolog may hold a doctype with an internal subset (<!DOCTYPE rss [ <!ENTITY ...> ]>).
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\]\s*)?>)*", re.I | re.S)
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
    encoding = bom_encoding(head) or _utf16_without_bom(head)
    text = head.decode(encoding or "utf-8", errors="replace")
    return text.lstrip("\ufeff")


def _legacy_byte(err: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: read each byte that is not UTF-8 as Windows-1252 (the usual culprit)."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("frontwire-cp1252", _legacy_byte)

# A well-formed multi-byte UTF-8 sequence, and one of three or four bytes (a chance pair of legacy
# bytes is easily well-formed; a longer sequence rarely is).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UTF8_LONG = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(128, 256))

# Single-byte code pages of Latin script: the detector often cannot tell them apart (Latin-1 text
# comes out as cp1250), so among them the decoding with fewest stray symbols wins, then Windows-1252.
_LATIN_PAGES = frozenset(
    {
        "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1257", "iso8859_4", "iso8859_10",
        "iso8859_13", "iso8859_14", "iso8859_16", "iso8859_3", "iso8859_9", "cp1254", "cp1258",
        "hp_roman8", "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "cp850", "cp858",
        "cp437", "cp775", "cp852", "cp1006",
    }
)  # fmt: skip
# Character classes that real prose hardly holds but a wrong decoding is full of.
_ODD_CATEGORIES = frozenset({"So", "Sk", "No", "Co", "Cn", "Cs", "Cc"})
_SAMPLE_CHARS = 20_000
# ASCII that prose seldom uses and random bytes hit as often as any letter.
_ODD_ASCII = frozenset("~\\|^`{}<>[]@#$%*_=+")


# A capital between two lower-case letters ("dépĻche"): how a wrong Latin page shows in prose.
_MID_WORD_CAPITAL = re.compile(r"(?<=[^\W\d_])[^\W\d_](?=[^\W\d_])")


def _oddness(text: str) -> int:
    sample = text[:_SAMPLE_CHARS]
    odd = sum(1 for c in sample if c not in "\t\n\r\f" and unicodedata.category(c) in _ODD_CATEGORIES)
    for m in _MID_WORD_CAPITAL.finditer(sample):
        i = m.start()
        if sample[i].isupper() and sample[i - 1].islower() and sample[i + 1].islower():
            odd += 1
    return odd


def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    word = name.split(" ", 1)[0]
    if word in ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC"):
        return "CJK"  # Japanese mixes three of these in every sentence
    return word


def plausible_text(text: str) -> bool:
    """Whether decoded bytes read as text in some language rather than as random bytes decoded.

    Random bytes decode (in some code page) to symbols glued to letters, or to letters of several
    unrelated scripts; prose has few symbols and letters of one script (plus Latin for names).
    """
    sample = text[:_SAMPLE_CHARS]
    visible = [c for c in sample if not c.isspace()]
    if not visible:
        return False
    odd = sum(1 for c in visible if c in _ODD_ASCII or unicodedata.category(c) in _ODD_CATEGORIES)
    letters = [c for c in visible if c.isalpha()]
    if odd * 10 > len(visible) or len(letters) * 2 < len(visible):
        return False
    scripts: dict[str, int] = {}
    for c in letters:
        if c > "\u024f":  # beyond Latin: count its script
            key = _script(c)
            scripts[key] = scripts.get(key, 0) + 1
    if scripts:
        top = max(scripts.values())
        if top * 100 < sum(scripts.values()) * 85:
            return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 byte order of BOM-less text whose NULs (the high bytes of ASCII) sit in one parity."""
    sample = data[:8192]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even + odd < 2:
        return None
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= 2 and other * 4 <= nuls:
            try:
                text = sample.decode(encoding)
            except UnicodeDecodeError:
                if len(data) > len(sample):  # the sample may cut a surrogate pair
                    try:
                        text = sample[:-2].decode(encoding)
                    except UnicodeDecodeError:
                        continue
                else:
                    continue
            if "\x00" not in text and plausible_text(text):
                return encoding
    return None


def _detect(data: bytes) -> str | None:
    """The charset charset-normalizer finds for undeclared, non-UTF-8 bytes (None: not text at all)."""
    import charset_normalizer

    results = list(charset_normalizer.from_bytes(data))
    if not results:
        return None
    best = results[0]
    if best.encoding not in _LATIN_PAGES:
        return str(best.encoding)
    # Among the Latin pages the detector scores nearly alike, read each decoding: fewest stray symbols,
    # then the more coherent language, then Windows-1252 (the most common) win.
    candidates = [
        (m.encoding, m.coherence)
        for m in results
        if m.encoding in _LATIN_PAGES and m.chaos <= best.chaos + 0.001
    ]
    if "cp1252" not in {e for e, _ in candidates}:
        candidates.append(("cp1252", best.coherence))
    scored = []
    for index, (encoding, coherence) in enumerate(candidates):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((_oddness(text), -round(coherence, 2), encoding != "cp1252", index, encoding))
    return min(scored)[-1] if scored else str(best.encoding)


def _mixed_utf8(data: bytes) -> str | None:
    """UTF-8 text with lines pasted from a legacy source (common in scraped dumps), decoded line by line:
    None unless the well-formed UTF-8 lines are real evidence, not a chance pair of legacy bytes."""
    lines = data.splitlines(keepends=True)
    utf8_high = other_high = 0
    evidence = False
    legacy: list[bytes] = []
    for line in lines:
        high = len(line) - len(line.translate(None, _HIGH_BYTES))
        if not high:
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_high += high
            legacy.append(line)
            continue
        utf8_high += high
        if _UTF8_LONG.search(line) or len(_UTF8_MULTIBYTE.findall(line)) >= 2:
            evidence = True
    if not utf8_high or not (evidence or utf8_high * 4 >= utf8_high + other_high):
        return None
    encoding = _detect(b"".join(legacy)) or "cp1252"
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            if encoding in _LATIN_PAGES:  # stray Windows-1252 bytes inside otherwise UTF-8 text
                out.append(line.decode("utf-8", errors="frontwire-cp1252"))
            else:
                out.append(line.decode(encoding, errors="replace"))
    return "".join(out)


def detect_text(data: bytes, check: bool = True) -> str | None:
    """Decode text whose encoding nobody declared, or None when the bytes are no text in any encoding.

    BOM, else UTF-8, else UTF-16 without a BOM, else UTF-8 with legacy lines pasted in, else the
    charset charset-normalizer detects; with ``check`` the result of a guess must read as text
    (``plausible_text``; markup is no prose, so pages are not checked).
    """
    encoding = bom_encoding(data)
    if encoding:
        return data.decode(encoding, errors="replace").lstrip("\ufeff")
    # Before UTF-8: BOM-less UTF-16 of ASCII or Cyrillic is often well-formed UTF-8 (NULs and all).
    wide = _utf16_without_bom(data)
    if wide:
        return data[: len(data) // 2 * 2].decode(wide, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8(data)
    if mixed is not None:
        return mixed
    detected = _detect(data)
    if detected is None:
        return None
    try:
        text = data.decode(detected, errors="replace")
    except LookupError:
        return None
    return text if not check or plausible_text(text) else None


_META_CHARSET = re.compile(rb"""<meta\b[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})""")
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # as browsers do (WHATWG): pages labelled Latin-1 are written in Windows-1252
    if name.startswith(("utf-16", "utf-32")):
        return None  # a page read as bytes that says UTF-16 is lying (a BOM would have said so)
    return name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset an HTTP header, a <meta> or an XML declaration in the page's first bytes declares."""
    if content_type and (param := _CHARSET_PARAM.search(content_type)):
        codec = _codec(param.group(1))
        if codec:
            return codec
    head = data[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        if m := pattern.search(head):
            codec = _codec(m.group(1).decode("ascii", "replace"))
            if codec:
                return codec
    return None


def decode_html(data: bytes, content_type: str | None = None) -> str | None:
    """A page's text: BOM, else its declared charset when the bytes decode in it (labels lie: a page
    that says UTF-8 but is Windows-1251 is detected instead), else as ``detect_text``."""
    if bom_encoding(data):
        return detect_text(data, check=False)
    declared = declared_charset(data, content_type)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    return detect_text(data, check=False)


def decode_bytes(data: bytes) -> str:
    """Decode text whose encoding nobody declared (as ``detect_text``); never fails: bytes that are
    no text come out as Latin-1, where every byte maps to a character."""
    text = detect_text(data)
    return text if text is not None else data.decode("latin-1")


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
    if _utf16_without_bom(head):
        return False
    sample = head[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def json_int(digits: str) -> int | str:
    """JSON integer parser: Python refuses to convert one of more than 4,300 digits (ValueError); no
    article field is such a number, so it is kept as its digits rather than losing the line."""
    return int(digits) if len(digits) <= 4000 else digits


def _is_json_object(line: str) -> bool:
    line = line.strip()
    if not line.startswith("{") or not line.endswith("}"):
        return False
    try:
        return isinstance(json.loads(line, parse_int=json_int), dict)
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
        # Prose almost never has whole lines that are JSON objects: a few of them make a JSONL dump,
        # however many of its other lines are broken.
        if objects and (objects * 3 >= lines or objects >= 3):
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
