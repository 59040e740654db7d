"""HTML pages -> Article: trafilatura for the body (precision-first), our cheap readers for metadata."""

from __future__ import annotations

import trafilatura
from lxml import etree

from frontwire.errors import EmptyInput, ExtractError, UnsupportedFormat
from frontwire.extract.metadata import canonical_url, date_from_url, given_date, page_canonical, page_metadata
from frontwire.ingest.sniff import looks_binary
from frontwire.model import Article, RawItem, document_id, sha256_hex
from frontwire.resources import Resources

EXTRACTOR = "extract.trafilatura/1"

# htmldate's extensive search guesses dates from related-article links and copyright lines
# (notes/dependencies.md section 3): we accept only dates the page states about itself.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def extract_html(item: RawItem, resources: Resources) -> Article:
    """Extract body and metadata of an HTML page; raises ExtractError when there is no article."""
    data = item.data
    if not data.strip():
        raise EmptyInput(f"{item.source}: empty page")
    if looks_binary(data):
        raise UnsupportedFormat(f"{item.source}: binary content, not HTML")
    tree = trafilatura.utils.load_html(data)
    if tree is None:
        raise ExtractError(f"{item.source}: no article text (the markup holds no parsable page)")
    # Metadata first: the body extraction prunes the tree. page_metadata reads <meta>/JSON-LD and runs
    # the heavier searches only for missing fields, which is cheaper than trafilatura's with_metadata.
    meta = page_metadata(tree, item.url, _DATE_PARAMS)
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=item.url,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
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

    page_url = page_canonical(meta.url, item.url) or item.url
    canon = canonical_url(page_url) or canonical_url(item.url)
    published, published_source = given_date(item)
    if not published and meta.date:
        published = meta.date
        # htmldate also reads the URL path: name that source when it is where the date came from.
        in_url = published in (date_from_url(item.url), date_from_url(canon))
        published_source = "url" if meta.date_source == "url" or in_url else "html"
    if not published:
        published = date_from_url(item.url or page_url)
        published_source = "url" if published else None
    return Article(
        id=document_id(canon, text),
        source=item.source,
        text=text,
        url=item.url or page_url,
        canonical_url=canon,
        outlet=item.outlet or meta.sitename,
        title=item.title or meta.title,
        author=item.author or meta.author,
        section=item.section or meta.section,
        published=published,
        published_source=published_source,
        language=None,
        raw_sha256=sha256_hex(data),
        fetched_at=item.fetched_at,
        boilerplate=boilerplate,
        extractor=EXTRACTOR,
    )
