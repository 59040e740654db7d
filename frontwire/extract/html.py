"""HTML pages -> Article: trafilatura for the body (precision-first), our cheap readers for metadata."""

from __future__ import annotations

import re

import trafilatura
from lxml import etree

from frontwire.config import Settings
from frontwire.errors import BinaryContent, EmptyInput, ExtractError, TooComplex, UnsupportedFormat
from frontwire.extract.metadata import (
    PageMeta,
    canonical_url,
    date_from_url,
    given_date,
    page_canonical,
    page_metadata,
    plausible_date,
)
from frontwire.extract.text import word_count
from frontwire.ingest.sniff import decode_html, looks_binary
from frontwire.model import Article, RawItem, document_id, sha256_hex
from frontwire.resources import Resources

EXTRACTOR = "extract.trafilatura/1"

# htmldate's extensive search guesses dates from related-article links and copyright lines
# (notes/dependencies.md section 3): we accept only dates the page states about itself.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


_LONG_TAG = re.compile(rb"<[a-zA-Z][^<>]{8000,}")
# Wrappers whose nesting carries no text: libxml2 stops at depth 256 and drops everything deeper.
_WRAPPER_TAG = re.compile(
    r"</?(?:div|span|section|font|center|table|tbody|thead|tr|td|th|ul|ol|li|dl|dd|dt|b|i|u|em|strong|small)\b[^<>]*>",
    re.I,
)
_DEEP = 255


def check_markup(data: bytes, settings: Settings, source: str) -> None:
    """Refuse, before parsing, the shapes that make lxml blow up (all checks are linear in the size)."""
    tags = data.count(b"<")
    if tags > settings.max_html_tags:
        raise TooComplex(f"{source}: {tags} tags, over the limit of {settings.max_html_tags} (max_html_tags)")
    limit = settings.max_element_attributes
    for m in _LONG_TAG.finditer(data):
        attributes = len(m.group().split()) - 1
        if attributes > limit:
            raise TooComplex(
                f"{source}: an element with about {attributes} attributes, over the limit of {limit} "
                "(max_element_attributes)"
            )


def _body(markup: str, url: str | None) -> tuple[str, PageMeta]:
    """(body text, the parsed tree) of a page; raises ExtractError when lxml cannot read it."""
    tree = trafilatura.utils.load_html(markup)
    if tree is None:
        raise ExtractError("no article text (the markup holds no parsable page)")
    # Metadata first: the body extraction prunes the tree. page_metadata reads <meta>/JSON-LD and runs
    # the heavier searches only for missing fields, which is cheaper than trafilatura's with_metadata.
    meta = page_metadata(tree, url, _DATE_PARAMS)
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
        )
    except (ValueError, etree.LxmlError) as exc:
        raise ExtractError(str(exc)) from exc
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    return text, meta


def extract_html(item: RawItem, resources: Resources) -> Article:
    """Extract body and metadata of an HTML page; raises ExtractError when there is no article."""
    data = item.data
    if not data.strip():
        raise EmptyInput(f"{item.source}: empty page")
    if looks_binary(data):
        raise UnsupportedFormat(f"{item.source}: binary content, not HTML")
    check_markup(data, resources.settings, item.source)
    markup = decode_html(data, item.content_type)
    if markup is None:
        raise BinaryContent(f"{item.source}: bytes that read as no text in any encoding")
    try:
        text, meta = _body(markup, item.url)
    except ExtractError as exc:
        raise ExtractError(f"{item.source}: {exc}") from exc
    # CJK is written without spaces: its words are counted by characters, as for text dumps.
    words = word_count(text)
    if words < resources.settings.min_article_words and len(_WRAPPER_TAG.findall(markup)) > _DEEP:
        # Maybe content nested deeper than the parser goes: drop the wrappers and read it again.
        flat_text, flat_meta = _body(_WRAPPER_TAG.sub(" ", markup), item.url)
        if word_count(flat_text) > words:
            text, meta, words = flat_text, flat_meta, word_count(flat_text)
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
    if not published and plausible_date(meta.date):
        published = meta.date
        # htmldate also reads the URL path: name that source when it is where the date came from.
        in_url = published in (date_from_url(item.url), date_from_url(canon))
        published_source = "url" if meta.date_source == "url" or in_url else "html"
    if not published:
        published = date_from_url(item.url or page_url)
        published_source = "url" if published else None
    if not published:
        published, published_source = given_date(item, fallback=True)
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
