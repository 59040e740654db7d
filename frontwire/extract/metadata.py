"""Article metadata helpers shared by the HTML and text extractors: URLs, dates, outlet names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from html import unescape
from importlib import resources as importlib_resources
from typing import Any
from urllib.parse import urlsplit

from frontwire.model import RawItem

# /2023/03/06/ (or -) in a URL path: a day-precise publication date many CMSs put there.
_URL_DAY = re.compile(r"/(20\d\d|19\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")


def canonical_url(url: str | None) -> str | None:
    """Normalised URL (lower-case host, no fragment, no tracking parameters), or None."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    from courlan import normalize_url  # here: importing courlan costs a start-up ~0.1 s

    try:
        return str(normalize_url(url, strict=True))
    except (ValueError, TypeError):
        return url


def date_from_url(url: str | None) -> str | None:
    """The day a URL path states (``/2023/03/06/``), as ISO, when it is a real calendar date."""
    if not url:
        return None
    m = _URL_DAY.search(url)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


# RawItem.published_source of a date given on the command line (--published): a fallback only.
FLAG = "flag"


def given_date(item: RawItem, *, fallback: bool = False) -> tuple[str | None, str | None]:
    """The publication date the container or the user supplied, as (ISO date, 'given'), if it parses.

    A container's date (a JSONL field, a feed item) comes before the page's own; a date given on the
    command line (``--published``, marked ``flag``) only stands in for pages that state none, so it
    is returned only with ``fallback``. A hint that does not parse is dropped, never kept as a label
    without a value.
    """
    if (item.published_source == FLAG) != fallback:
        return None, None
    value = iso_date(item.published)
    return (value, "given") if value else (None, None)


def page_canonical(page_url: str | None, item_url: str | None) -> str | None:
    """The page's self-declared URL (rel=canonical, og:url), when it can be trusted to name this article.

    Some sites point rel=canonical at their home page or another host; taking that as the article's
    identity would merge different articles into one id.
    """
    if not page_url:
        return None
    page, item = urlsplit(page_url), urlsplit(item_url) if item_url else None
    if page.path in ("", "/"):
        return None
    if item is not None and item.hostname and page.hostname:
        same_site = page.hostname.removeprefix("www.") == item.hostname.removeprefix("www.")
        if not same_site:
            return None
    return page_url


# Publication dates outside this range are placeholders or junk (9999-12-31, 0001-01-01), not dates.
MIN_PUBLISHED_YEAR = 1900


def plausible_date(value: str | None) -> str | None:
    """``value`` (an ISO date or datetime) when its year could be a publication's, else None."""
    if not value or len(value) < 4 or not value[:4].isdigit():
        return None
    year = int(value[:4])
    return value if MIN_PUBLISHED_YEAR <= year <= date.today().year + 1 else None


# A numeric date in any order: 07/03/2023, 7.3.2023, 2023/03/07.
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\s*$")
DATE_ORDERS = ("DMY", "MDY", "YMD")


def given_day(value: str, date_order: str | None = None) -> str:
    """A publication date supplied with the input, as ISO; refused rather than guessed.

    ISO dates and written-out dates with their year ("7 March 2023") are read as they are. A numeric
    date is read in ``date_order`` (DMY, MDY or YMD); without one, only when its order is certain (a
    four-digit first part, or a part over 12). Anything else raises InvalidDate / AmbiguousDate.
    """
    from frontwire.errors import AmbiguousDate, InvalidDate

    date_order = date_order.upper() if date_order else None
    if re.fullmatch(r"\s*\d{4}\s*", value) and plausible_date(value.strip()):
        return value.strip()  # a bare year: ISO 8601 at year precision, nothing guessed
    m = _NUMERIC_DATE.match(value)
    if m and not (len(m.group(1)) == 4 and "-" in value):
        a, b, c = m.groups()
        if len(a) == 4:
            order = "YMD"
        elif len(c) != 4:
            raise AmbiguousDate(f"{value!r}: a two-digit year; write the year in full (e.g. 2023-03-07)")
        elif date_order in ("DMY", "MDY"):
            order = date_order
        elif int(a) > 12 >= int(b):
            order = "DMY"
        elif int(b) > 12 >= int(a):
            order = "MDY"
        elif a.lstrip("0") == b.lstrip("0"):
            order = "DMY"  # 05/05/2023 reads the same either way
        else:
            raise AmbiguousDate(
                f"{value!r} could be day/month or month/day: give --date-order DMY or MDY, or an ISO date"
            )
        parts = dict(zip(order, (a, b, c), strict=True))
        try:
            day = date(int(parts["Y"]), int(parts["M"]), int(parts["D"])).isoformat()
        except ValueError as exc:
            raise InvalidDate(f"{value!r} is not a calendar date ({exc})") from exc
        checked = plausible_date(day)
        if checked is None:
            raise InvalidDate(f"{value!r} is outside the plausible range of publication dates")
        return checked
    parsed = iso_date(value)
    if parsed is None:
        raise InvalidDate(f"{value!r} is not a date with a year (e.g. 2023-03-07 or 7 March 2023)")
    return parsed


def iso_date(value: str | None) -> str | None:
    """Keep an ISO date/datetime string as given if it parses and is plausible, else None (never a
    guessed default)."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return plausible_date(date.fromisoformat(value).isoformat())
        return plausible_date(datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat())
    except ValueError:
        pass
    # A written-out date ("March 7, 2023", "7 Mar 2023") must state its year: "yesterday" or
    # "Monday" would be resolved against the machine's clock, which is inventing a date.
    if not re.search(r"\b(1[89]|2\d)\d\d\b", value):
        return None
    import dateparser

    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={
            "PARSERS": ["absolute-time", "custom-formats", "timestamp"],
            "REQUIRE_PARTS": ["day", "month", "year"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return plausible_date(parsed.date().isoformat()) if parsed else None


# -- page metadata from an HTML tree ----------------------------------------------------------------
#
# trafilatura's extract_metadata costs about a quarter of an HTML extraction: it deep-copies the page for
# the author search, runs regex callbacks over every element (author, categories, tags) and reads the
# licence, all of which we either don't use or can read from <meta>/JSON-LD for most pages. Here the
# cheap sources are read first in one pass over <head>, and the heavier searches run only for the
# fields still missing; where we fall back, we keep trafilatura's and htmldate's own rules.


@dataclass(slots=True)
class PageMeta:
    """Metadata of one HTML page; ``date_source`` says where the date came from (url/meta/jsonld/htmldate)."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    date_source: str | None = None
    sitename: str | None = None
    section: str | None = None
    url: str | None = None


@dataclass(slots=True)
class _Tier:
    tags: frozenset[str]
    equals: dict[str, frozenset[str]]
    contains: dict[str, str]
    search: dict[str, re.Pattern[str]]
    element: str | None = None

    def matches(self, el: Any) -> bool:
        tag = el.tag if isinstance(el.tag, str) else ""
        if self.element and tag == self.element:
            return True
        if self.tags and tag not in self.tags:
            return False
        get = el.get
        return (
            any(get(a) in vals for a, vals in self.equals.items())
            or any(sub in (get(a) or "") for a, sub in self.contains.items())
            or any((v := get(a)) is not None and p.search(v) for a, p in self.search.items())
        )


def _tier(spec: dict[str, Any]) -> _Tier:
    return _Tier(
        tags=frozenset(spec.get("tags", ())),
        equals={k: frozenset(v) for k, v in spec.get("equals", {}).items()},
        contains=dict(spec.get("contains", {})),
        search={k: re.compile(v) for k, v in spec.get("search", {}).items()},
        element=spec.get("element"),
    )


@dataclass(slots=True)
class _Rules:
    title_names: frozenset[str]
    author_names: frozenset[str]
    author_properties: frozenset[str]
    date_keys: frozenset[str]
    date_itemprops: frozenset[str]
    sitename_keys: tuple[str, ...]
    publisher_names: frozenset[str]
    sitename_backup_names: frozenset[str]
    section_keys: tuple[str, ...]
    url_keys: tuple[str, ...]
    jsonld_date_keys: tuple[str, ...]
    url_date: re.Pattern[str]
    head_keys: frozenset[str]
    byline_attributes: tuple[str, ...]
    byline_pattern: re.Pattern[str]
    byline_element: str
    byline_tiers: list[_Tier]
    byline_discard: _Tier
    byline_discard_always: frozenset[str]
    byline_max_chars: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """frontwire/data/html_metadata.json plus trafilatura's/htmldate's own key lists, loaded once."""
    from htmldate.core import DATE_ATTRIBUTES, ITEMPROP_ATTRS_ORIGINAL
    from htmldate.extractors import COMPLETE_URL
    from trafilatura.metadata import (
        METANAME_AUTHOR,
        METANAME_PUBLISHER,
        METANAME_TITLE,
        PROPERTY_AUTHOR,
        TWITTER_ATTRS,
    )

    raw = json.loads(
        importlib_resources.files("frontwire").joinpath("data/html_metadata.json").read_text("utf-8")
    )
    byline = raw["byline"]
    return _Rules(
        title_names=frozenset(METANAME_TITLE),
        author_names=frozenset(METANAME_AUTHOR),
        author_properties=frozenset(PROPERTY_AUTHOR),
        date_keys=frozenset(DATE_ATTRIBUTES),
        date_itemprops=frozenset(ITEMPROP_ATTRS_ORIGINAL),
        sitename_keys=tuple(raw["sitename_keys"]),
        publisher_names=frozenset(METANAME_PUBLISHER),
        sitename_backup_names=frozenset(TWITTER_ATTRS),
        section_keys=tuple(raw["section_keys"]),
        url_keys=tuple(raw["url_keys"]),
        jsonld_date_keys=tuple(raw["jsonld_date_keys"]),
        url_date=COMPLETE_URL,
        head_keys=frozenset(
            {"og:title", "og:author", "og:article:author", "author", "headline"}
            | set(PROPERTY_AUTHOR)
            | set(METANAME_AUTHOR)
            | set(METANAME_TITLE)
        ),
        byline_attributes=tuple(byline["candidate_attributes"]),
        byline_pattern=re.compile(byline["candidate_pattern"]),
        byline_element=byline["candidate_element"],
        byline_tiers=[_tier(t) for t in byline["tiers"]],
        byline_discard=_tier(byline["discard"]),
        byline_discard_always=frozenset(byline["discard"]["always_tags"]),
        byline_max_chars=int(byline["max_chars"]),
    )


def _clean(value: Any) -> str | None:
    """Text of a metadata value as trafilatura leaves it: entities decoded, tags and extra spaces gone."""
    if not isinstance(value, str):
        return None
    from trafilatura.utils import HTML_STRIP_TAGS, line_processing

    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(unescape(HTML_STRIP_TAGS.sub("", value))) or None


@dataclass(slots=True)
class _HeadMeta:
    """Every <meta> of the page in document order, keyed by its lower-cased name/property/itemprop."""

    values: dict[str, list[str]] = field(default_factory=dict)
    # (attribute, key, content, whether the meta sits in <head>)
    order: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.values.get(key, ()):
                if value.strip():
                    return value.strip()
        return None


def read_meta_tags(tree: Any) -> _HeadMeta:
    """One pass over the page's <meta> elements (og:, twitter:, article:, dc., itemprop ...)."""
    head = _HeadMeta()
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            content = el.get("datetime")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                key = key.strip().lower()
                head.values.setdefault(key, []).append(content)
                parent = el.getparent()
                head.order.append((attr, key, content, parent is not None and parent.tag == "head"))
                break
    return head


def read_json_ld(tree: Any) -> list[Any]:
    """The parsed JSON-LD blocks of the page (blocks that are not valid JSON are left out)."""
    blocks = []
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() not in ("application/ld+json", "application/settings+json"):
            continue
        if not el.text or not el.text.strip():
            continue
        try:
            blocks.append(json.loads(el.text, strict=False))
        except ValueError:
            blocks.append(_JsonText(el.text))
    return blocks


class _JsonText(str):
    """A JSON-LD block that is not valid JSON: trafilatura's regex reader still gets it."""


def _jsonld_items(blocks: list[Any]) -> Iterator[dict[str, Any]]:
    stack = [b for b in blocks if not isinstance(b, _JsonText)]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            yield item
            if isinstance(item.get("@graph"), list):
                stack[:0] = item["@graph"]


def jsonld_date(blocks: list[Any], keys: tuple[str, ...] = ("datePublished", "dateCreated")) -> str | None:
    """The first publication date a JSON-LD block states (datePublished before dateCreated)."""
    for key in keys:
        for item in _jsonld_items(blocks):
            value = item.get(key)
            if isinstance(value, str) and (day := _day(value)):
                return day
    return None


def _day(value: str | None) -> str | None:
    """YYYY-MM-DD of a stated date/datetime when it is plausible for a web page (1995 .. tomorrow)."""
    if not value:
        return None
    value = value.strip()
    m = _ISO_DAY.match(value)
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    else:
        # htmldate's own fast parser (no dateparser, no free-text guessing) for other formats
        from htmldate.extractors import try_date_expr

        found = try_date_expr(
            value, "%Y-%m-%d", False, datetime(1995, 1, 1), datetime.now() + timedelta(days=1)
        )
        if not found:
            return None
        day = date.fromisoformat(found)
    return day.isoformat() if date(1995, 1, 1) <= day <= date.today() + timedelta(days=1) else None


_ISO_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:$|[T ]\d)")


def _meta_date(head: _HeadMeta, rules: _Rules) -> str | None:
    """htmldate's header rule for original dates: the first published-date meta in document order,
    a creation date (CMS record, often later than the publication) only when no other is stated."""
    created = None
    for attr, key, content, _ in head.order:
        if (attr == "itemprop" and key in rules.date_itemprops) or (
            attr != "itemprop" and key in rules.date_keys
        ):
            if not (day := _day(content)):
                continue
            if "creat" not in key:
                return day
            created = created or day
    return created


def _url_day(url: str | None, rules: _Rules) -> str | None:
    m = rules.url_date.search(url) if url else None
    return _day(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}") if m else None


def read_byline(tree: Any) -> str | None:
    """Author from the page's byline markup: trafilatura's extract_author rules without copying the tree."""
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.utils import trim

    rules = _rules()
    candidates = _byline_candidates(tree, rules)
    if not candidates:
        return None
    for tier in rules.byline_tiers:
        for el in candidates:
            if not tier.matches(el) or _discarded_in_tree(el, rules):
                continue
            content = trim(" ".join(_kept_text(el, rules)))
            if content and 2 < len(content) < rules.byline_max_chars:
                return normalize_authors(None, content)
    return None


def _byline_candidates(tree: Any, rules: _Rules) -> list[Any]:
    # One walk of the tree with a plain substring regex: an XPath with twenty contains() tests or
    # regex callbacks costs several times more on a large page.
    from lxml.etree import Element

    search, attrs, element = rules.byline_pattern.search, rules.byline_attributes, rules.byline_element
    found = []
    for el in tree.iter(Element):
        values = el.values()
        if values:
            get = el.get
            for a in attrs:
                v = get(a)
                if v and search(v):
                    found.append(el)
                    break
        elif el.tag == element:
            found.append(el)
    return found


def _is_discarded(el: Any, rules: _Rules) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag in rules.byline_discard_always or rules.byline_discard.matches(el)


def _discarded_in_tree(el: Any, rules: _Rules) -> bool:
    # trafilatura prunes these sections (comments, sidebars, figures, dates) before its author search.
    node = el
    while node is not None:
        if _is_discarded(node, rules):
            return True
        node = node.getparent()
    return False


def _kept_text(el: Any, rules: _Rules) -> Iterator[str]:
    """itertext() of an element without the text of pruned descendants (their tails stay)."""
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str) and not _is_discarded(child, rules):
            yield from _kept_text(child, rules)
        if child.tail:
            yield child.tail


def _canonical_link(tree: Any) -> str | None:
    # tree.iter(tag) filters in C; trafilatura's './/head//link' path walks every element in Python.
    for el in tree.iter("link"):
        if (el.get("rel") or "").strip().lower() == "canonical":
            href = (el.get("href") or "").strip()
            if href.startswith("//"):
                href = "https:" + href
            return href if href.lower().startswith(("http://", "https://")) else None
    return None


def page_metadata(tree: Any, url: str | None = None, date_params: dict[str, Any] | None = None) -> PageMeta:
    """Title, author, date, site name, section and URL of a page, cheapest sources first."""
    from trafilatura.json_metadata import (
        extract_json,
        extract_json_parse_error,
        normalize_authors,
        normalize_json,
    )
    from trafilatura.metadata import (
        JSON_MINIFY,
        extract_catstags,
        extract_sitename,
        extract_title,
    )
    from trafilatura.settings import Document

    rules = _rules()
    head = read_meta_tags(tree)
    blocks = read_json_ld(tree)
    meta = PageMeta()

    # title and author as trafilatura's examine_meta + extract_meta_json read them
    og_title = og_author = name_title = None
    meta_authors: list[str] = []
    for attr, key, content, in_head in head.order:
        if not in_head or not (text := _clean(content) if key in rules.head_keys else None):
            continue
        if attr == "property":
            if key == "og:title":
                og_title = text
            elif key in ("og:author", "og:article:author"):
                og_author = text
            elif key in rules.author_properties:
                meta_authors.append(text)
        elif attr == "name":
            if key in rules.author_names:
                meta_authors.append(text)
            elif key in rules.title_names:
                name_title = name_title or text
        elif key == "author":
            meta_authors.append(text)
        elif key == "headline":
            name_title = name_title or text
    doc = Document()
    doc.title = og_title or name_title
    doc.author = normalize_authors(None, og_author) if og_author else None
    for text in meta_authors:
        doc.author = normalize_authors(doc.author, text)
    if doc.author and " " not in doc.author:
        doc.author = None
    # a publisher tag is the JSON-LD reader's starting point: it may replace a URL or a shorter name
    doc.sitename = next(
        (
            text
            for a, k, c, in_head in head.order
            if in_head
            and (
                (a == "property" and k == "article:publisher") or (a == "name" and k in rules.publisher_names)
            )
            and (text := _clean(c))
        ),
        None,
    )
    for block in blocks:
        try:
            if isinstance(block, _JsonText):
                # trafilatura's crude reader expects the block minified and unescaped, as it makes it
                doc = extract_json_parse_error(normalize_json(JSON_MINIFY.sub(r"\1", block)), doc)
            else:
                doc = extract_json(block, doc)
        except (AttributeError, TypeError, KeyError, ValueError):  # odd JSON-LD shapes: skip the block
            continue
    meta.title = _clean(doc.title) or _clean(extract_title(tree))
    meta.author = _clean(doc.author) or _clean(read_byline(tree))

    # URL: og:url / twitter:url, else the canonical link, else the one we were given
    for key in rules.url_keys:
        candidate = head.first(key)
        if candidate and candidate.lower().startswith(("http://", "https://")):
            meta.url = candidate
            break
    meta.url = meta.url or _canonical_link(tree) or url

    # date: htmldate's order (URL path, then meta, then JSON-LD); its full search only when all are silent
    if day := _url_day(meta.url, rules):
        meta.date, meta.date_source = day, "url"
    if not meta.date and (day := _meta_date(head, rules)):
        meta.date, meta.date_source = day, "meta"
    if not meta.date and (day := jsonld_date(blocks, rules.jsonld_date_keys)):
        meta.date, meta.date_source = day, "jsonld"
    if not meta.date:
        from htmldate import find_date

        found = find_date(tree, url=meta.url, **(date_params or {}))
        meta.date = _day(found) if found else None
        meta.date_source = "htmldate" if meta.date else None

    # site name: og:site_name, publisher tags and JSON-LD, twitter:site, a dotted part of <title>, host
    # The page's own og:site_name/application-name stays as written; other sources get trafilatura's
    # clean-up (no @handle, capitalised).
    sitename = head.first(*rules.sitename_keys)
    if not sitename:
        backups = [
            c.strip()
            for a, k, c, in_head in head.order
            if in_head
            and a == "name"
            and (k in rules.sitename_backup_names or "twitter:app:name" in k)
            and c.strip()
        ]
        sitename = _clean(doc.sitename) or (backups[-1] if backups else None)
        sitename = sitename or extract_sitename(tree)
        if sitename:
            sitename = sitename.lstrip("@")
            if sitename and "." not in sitename and not sitename[0].isupper():
                sitename = sitename.title()
        elif meta.url and (m := re.match(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)", meta.url)):
            sitename = m[1]
    meta.sitename = _clean(sitename)

    # section: article:section meta, JSON-LD articleSection, category links (only if the page has any)
    section = head.first(*rules.section_keys) or next(iter(doc.categories or []), None)
    if not section and tree.xpath("boolean(//a[contains(@href, '/categor')])"):
        section = next(iter(extract_catstags("category", tree)), None)
    if not section:
        section = next(
            (
                c
                for a, k, c, in_head in head.order
                if in_head and a == "name" and "subject" in k and c.strip()
            ),
            None,
        )
    meta.section = _clean(section)
    return meta
