"""HTML pages -> Article with trafilatura (body, precision-first) and htmldate (cautious dates)."""

from __future__ import annotations

from typing import Any

import trafilatura
from lxml import etree

from frontwire.errors import EmptyInput, ExtractError, UnsupportedFormat
from frontwire.extract.metadata import canonical_url, date_from_url, iso_date
from frontwire.model import Article, RawItem, document_id, sha256_hex
from frontwire.resources import Resources

EXTRACTOR = "extract.trafilatura/1"

# htmldate's extensive search guesses dates from related-article links and copyright lines
# (notes/dependencies.md section 3): we accept only dates the page states about itself.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes or many control characters in the first 4 kB."""
    head = data[:4096]
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says it is text.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05


def _meta(tree: Any, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{key}"]/@content')
            if found and found[0].strip():
                return str(found[0]).strip()
    return None


def extract_html(item: RawItem, resources: Resources) -> Article:
    """Extract body and metadata of an HTML page; raises ExtractError when there is no article."""
    data = item.data
    if not data.strip():
        raise EmptyInput(f"{item.source}: empty page")
    if looks_binary(data):
        raise UnsupportedFormat(f"{item.source}: binary content, not HTML")
    tree = trafilatura.utils.load_html(data)
    if tree is None:
        raise ExtractError(f"{item.source}: HTML could not be parsed")
    # Read what trafilatura's metadata mangles or drops before it prunes the tree.
    site_name = _meta(tree, "og:site_name", "application-name")
    section = _meta(tree, "article:section", "section")
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=item.url,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, etree.LxmlError) as exc:
        raise ExtractError(f"{item.source}: {exc}") from exc
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    words = len(text.split())
    if words < resources.settings.min_article_words:
        raise ExtractError(f"{item.source}: no article text found in the page ({words} words)")
    boilerplate = []
    limit = resources.settings.max_text_chars
    if len(text) > limit:
        from frontwire.model import Boilerplate

        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        boilerplate.append(Boilerplate(start=cut, end=len(text), text="", reason="truncated"))
        text = text[:cut].rstrip()

    page_url = getattr(result, "url", None) or item.url
    canon = canonical_url(page_url) or canonical_url(item.url)
    published, published_source = None, None
    if item.published:
        published, published_source = iso_date(item.published), item.published_source or "given"
    if not published and getattr(result, "date", None):
        published = iso_date(result.date)
        # htmldate also reads the URL path: name that source when it is where the date came from.
        published_source = (
            "url" if published and published in (date_from_url(item.url), date_from_url(canon)) else "html"
        )
    if not published:
        published = date_from_url(item.url or page_url)
        published_source = "url" if published else None
    categories = getattr(result, "categories", None) or []
    return Article(
        id=document_id(canon, text),
        source=item.source,
        text=text,
        url=item.url or page_url,
        canonical_url=canon,
        outlet=item.outlet or site_name or getattr(result, "sitename", None),
        title=item.title or getattr(result, "title", None),
        author=item.author or getattr(result, "author", None),
        section=item.section or section or (categories[0] if categories else None),
        published=published,
        published_source=published_source,
        language=getattr(result, "language", None),
        raw_sha256=sha256_hex(data),
        fetched_at=item.fetched_at,
        boilerplate=boilerplate,
        extractor=EXTRACTOR,
    )
