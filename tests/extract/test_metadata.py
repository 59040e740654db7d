"""Tests of frontwire/extract/metadata.py: the cheap HTML metadata readers and their fallbacks."""

from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from frontwire.extract.metadata import (
    PageMeta,
    given_date,
    iso_date,
    jsonld_date,
    page_canonical,
    page_metadata,
    read_byline,
    read_json_ld,
    read_meta_tags,
)
from frontwire.model import RawItem
from tests.conftest import TEST_DATA

_BODY = "<p>" + "Shelling hit the station in the morning, officials said. " * 12 + "</p>"


def page(head: str, body: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}{_BODY}</article></body></html>"


def meta_of(head: str, body: str = "", url: str | None = None) -> PageMeta:
    return page_metadata(load_html(page(head, body)), url, {"extensive_search": False, "original_date": True})


def test_metadata_og_tags_give_title_site_section_and_url() -> None:
    head = (
        '<meta property="og:title" content="Drones hit Odesa port">'
        '<meta property="og:site_name" content="the Harbour Post">'
        '<meta property="article:section" content="World">'
        '<meta property="og:url" content="https://harbour.example/odesa-port">'
        "<title>Drones hit Odesa port | Harbour Post</title>"
    )
    meta = meta_of(head)
    assert meta.title == "Drones hit Odesa port"
    # The page's own site name stays as written (no capitalisation of "the").
    assert meta.sitename == "the Harbour Post"
    assert meta.section == "World"
    assert meta.url == "https://harbour.example/odesa-port"


def test_metadata_jsonld_author_list_and_date() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Grain corridor talks resume",'
        ' "author": [{"@type": "Person", "name": "Anna Kovalenko"}, {"@type": "Person", "name": "Mark Lee"}],'
        ' "datePublished": "2023-07-20T08:30:00+03:00", "dateModified": "2023-07-22T10:00:00+03:00"}'
        "</script>"
    )
    meta = meta_of(head)
    assert meta.title == "Grain corridor talks resume"
    assert meta.author == "Anna Kovalenko; Mark Lee"
    # The publication day as stated, not the modification day.
    assert (meta.date, meta.date_source) == ("2023-07-20", "jsonld")


def test_metadata_jsonld_graph_and_broken_block() -> None:
    graph = (
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "x"},'
        ' {"@type": "Article", "datePublished": "2022-02-24"}]}'
    )
    blocks = read_json_ld(load_html(page(f'<script type="application/ld+json">{graph}</script>')))
    assert jsonld_date(blocks) == "2022-02-24"
    # An unescaped quote makes the block invalid JSON: it is kept for the crude reader, not dropped.
    broken = '{"@type": "Article", "headline": "Bridge "hit" again"}'
    blocks = read_json_ld(load_html(page(f'<script type="application/ld+json">{broken}</script>')))
    assert len(blocks) == 1 and jsonld_date(blocks) is None


def test_metadata_meta_author_and_published_time() -> None:
    head = (
        '<meta name="author" content="Olena Shevchenko">'
        '<meta property="article:modified_time" content="2023-05-02T12:00:00Z">'
        '<meta property="article:published_time" content="2023-05-01T06:15:00Z">'
    )
    meta = meta_of(head)
    assert meta.author == "Olena Shevchenko"
    # htmldate's rule for original dates: a modification date is never the publication date.
    assert (meta.date, meta.date_source) == ("2023-05-01", "meta")


def test_metadata_time_element_through_htmldate() -> None:
    body = (
        '<p class="byline">By Ivan Petrenko</p><time class="published" datetime="2023-03-06">6 March</time>'
    )
    meta = meta_of("<title>Night strikes on Kharkiv</title>", body)
    assert (meta.date, meta.date_source) == ("2023-03-06", "htmldate")
    assert meta.author == "Ivan Petrenko"


def test_metadata_no_date_is_not_guessed_from_links_or_copyright() -> None:
    body = '<a href="https://x.example/2023/03/01/other-story/">Other story</a><footer>© 2023 X</footer>'
    assert meta_of("<title>Ceasefire holds</title>", body).date is None


def test_metadata_date_from_page_url_path() -> None:
    meta = meta_of('<link rel="canonical" href="https://x.example/2023/04/08/kramatorsk/">')
    assert (meta.date, meta.date_source) == ("2023-04-08", "url")


def test_metadata_byline_skips_pruned_sections() -> None:
    body = (
        '<div class="sidebar"><span class="author">Sidebar Person</span></div>'
        '<div class="author-name">Maria <time>today</time>Bondarenko</div>'
    )
    # The sidebar's author box is not the article's; the <time> inside the byline is dropped.
    assert read_byline(load_html(page("", body))) == "Maria Bondarenko"
    assert read_byline(load_html(page("", "<p>No byline here at all.</p>"))) is None


def test_metadata_rel_author_link() -> None:
    body = '<p>Words by <a rel="author" href="/staff/jb">Jack Buckby</a></p>'
    assert meta_of("", body).author == "Jack Buckby"


def test_metadata_single_word_meta_author_is_not_a_name() -> None:
    # trafilatura's rule: a one-word meta author ("admin", a brand) is dropped for the byline.
    body = '<span class="byline">Taras Melnyk</span>'
    assert meta_of('<meta name="author" content="admin">', body).author == "Taras Melnyk"


def test_metadata_read_meta_tags_keys_lower_case_in_order() -> None:
    head = read_meta_tags(
        load_html(page('<meta name="Author" content="A B"><meta property="OG:Title" content="T">'))
    )
    assert [(a, k) for a, k, _, _ in head.order] == [("name", "author"), ("property", "og:title")]
    assert head.first("og:title") == "T"


def test_metadata_fixture_page() -> None:
    tree = load_html((TEST_DATA / "extract" / "article.html").read_bytes())
    meta = page_metadata(tree, None, {"extensive_search": False, "original_date": True})
    assert meta.title == "Shelling hits Kramatorsk rail station"
    assert meta.author == "Olena Test"
    assert meta.section == "Europe"


@pytest.mark.parametrize("value", ["yesterday", "3 days ago", "Monday", "today", "notadate", "2023"])
def test_metadata_iso_date_never_resolves_against_the_clock(value: str) -> None:
    assert iso_date(value) is None


@pytest.mark.parametrize(
    ("value", "want"),
    [("March 7, 2023", "2023-03-07"), ("7 Mar 2023", "2023-03-07"), ("2023-03-07", "2023-03-07")],
)
def test_metadata_iso_date_reads_stated_dates(value: str, want: str) -> None:
    assert iso_date(value) == want


def test_metadata_given_date_drops_unparseable_hints() -> None:
    assert given_date(RawItem(source="x", data=b"", kind="text", published="soon")) == (None, None)
    hint = RawItem(source="x", data=b"", kind="text", published="2023-03-07", published_source="feed")
    assert given_date(hint) == ("2023-03-07", "given")


@pytest.mark.parametrize(
    ("page", "item", "want"),
    [
        (
            "https://news.example.org/a/story",
            "https://www.news.example.org/a/story?x=1",
            "https://news.example.org/a/story",
        ),
        (
            "https://news.example.org/",
            "https://news.example.org/a/story",
            None,
        ),  # home page: not this article
        ("https://other.example.com/a/story", "https://news.example.org/a/story", None),  # another site
        ("https://news.example.org/a/story", None, "https://news.example.org/a/story"),
        (None, "https://news.example.org/a/story", None),
    ],
)
def test_metadata_page_canonical_is_trusted_only_for_this_article(page, item, want) -> None:  # type: ignore[no-untyped-def]
    assert page_canonical(page, item) == want


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("2023-03-07", None, "2023-03-07"),
        ("7 March 2023", None, "2023-03-07"),
        ("2023/03/07", None, "2023-03-07"),  # a four-digit first part is the year
        ("13/03/2023", None, "2023-03-13"),  # 13 is no month
        ("03/13/2023", None, "2023-03-13"),
        ("05/05/2023", None, "2023-05-05"),  # the same either way
        ("07/03/2023", "DMY", "2023-03-07"),
        ("07/03/2023", "MDY", "2023-07-03"),
        ("7.3.2023", "dmy", "2023-03-07"),
    ],
)
def test_metadata_given_day_reads_only_what_is_certain(value: str, order: str | None, expected: str) -> None:
    from frontwire.extract.metadata import given_day

    assert given_day(value, order) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("07/03/2023", "ambiguous_date"), ("07/03/23", "ambiguous_date"), ("garbage", "invalid_date"),
     ("31/02/2023", "invalid_date"), ("Monday", "invalid_date")],
)  # fmt: skip
def test_metadata_given_day_refuses_ambiguous_and_invalid(value: str, reason: str) -> None:
    from frontwire.errors import InvalidDate
    from frontwire.extract.metadata import given_day

    with pytest.raises(InvalidDate) as caught:
        given_day(value)
    assert caught.value.reason == reason
