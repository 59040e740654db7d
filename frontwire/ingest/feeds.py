"""RSS and Atom feeds -> one item per entry: its content as text, or (``follow``) the page it links to."""

from __future__ import annotations

import io
import re
import time
import xml.sax
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from frontwire.errors import EmptyInput, FrontwireError, MalformedContainer
from frontwire.ingest.base import Context, Entries, add_hints, skip
from frontwire.model import RawItem

# Elements after which the text of an HTML fragment breaks a line.
_BLOCKS = (
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table", "ul", "ol",
    "section", "article", "figure", "figcaption", "header", "footer", "pre", "dd", "dt", "hr",
)  # fmt: skip


_INTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.I | re.S)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (feed content): tags dropped, one line per block, entities decoded."""
    if "<" not in markup and "&" not in markup:
        return "\n".join(" ".join(line.split()) for line in markup.splitlines() if line.strip())
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(markup.split())
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter(*_BLOCKS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _iso(parsed: time.struct_time | None) -> str | None:
    # feedparser normalises every date it understands to a UTC struct_time.
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _entry_text(entry: Any) -> str:
    """The longest of the entry's content blocks, else its summary, as plain text."""
    candidates: list[tuple[str, str]] = []
    for block in entry.get("content") or []:
        value = block.get("value") or ""
        candidates.append((value, block.get("type") or "text/html"))
    if not any(value.strip() for value, _ in candidates):
        detail = entry.get("summary_detail") or {}
        candidates = [(entry.get("summary") or "", detail.get("type") or "text/html")]
    value, ctype = max(candidates, key=lambda c: len(c[0]))
    if "html" in ctype:
        return html_to_text(value)
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def iter_feed(
    data: bytes,
    source: str,
    ctx: Context,
    *,
    base_url: str | None = None,
    content_type: str | None = None,
    fetched_at: str | None = None,
) -> Entries:
    """Yield one item (or skip) per feed entry, sources ``<feed>#<n>``; a broken feed ends with a skip."""
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    if base_url:
        headers["content-location"] = base_url  # base for relative links
    # An internal DTD is never honoured: its entities are how a feed explodes (billion laughs) or
    # reaches for local files; without it the entries are still read (undefined entities are dropped).
    data = _INTERNAL_DTD.sub(b"", data, count=1)
    # Bytes go in as a stream: feedparser treats a str or bytes argument as a URL or a file name.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # Only XML errors mean the feed is broken; encoding overrides and the like are warnings.
    broken = isinstance(problem, xml.sax.SAXException)
    entries = parsed.get("entries") or []
    if not entries:
        if broken or not parsed.get("version"):
            detail = f" ({problem})" if problem else ""
            yield skip(source, MalformedContainer(f"{source}: not a readable RSS/Atom feed{detail}"))
        else:
            yield skip(source, EmptyInput(f"{source}: the feed has no items"))
        return
    feed_info = parsed.get("feed") or {}
    outlet = _clean(feed_info.get("title"))
    for n, entry in enumerate(entries, start=1):
        item_source = f"{source}#{n}"
        link = _clean(entry.get("link"))
        published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        hints = {
            "title": _clean(entry.get("title")),
            "author": _clean(entry.get("author")),
            "outlet": outlet,
            "published": published,
            "published_source": "feed" if published else None,
        }
        if ctx.follow and link:
            from frontwire.ingest.web import fetch_page

            try:
                page = fetch_page(link, item_source, ctx)
            except FrontwireError as exc:
                yield skip(item_source, exc)
                continue
            yield add_hints(page, **hints)
            continue
        text = _entry_text(entry)
        if not text.strip():
            yield skip(item_source, EmptyInput(f"{item_source}: the feed item has no content or summary"))
            continue
        item = RawItem(
            source=item_source,
            data=text.encode("utf-8", errors="replace"),
            kind="article",
            url=link,
            content_type="text/plain; charset=utf-8",
            fetched_at=fetched_at,
        )
        yield add_hints(item, **hints)
    if broken:
        yield skip(
            source,
            MalformedContainer(
                f"{source}: the feed is not well-formed ({problem}); {len(entries)} items were read"
            ),
        )
