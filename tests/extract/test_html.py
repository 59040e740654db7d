"""Tests of frontwire/extract/html.py: body, metadata, cautious dates, bad pages."""

from __future__ import annotations

import pytest

from frontwire.config import Settings
from frontwire.errors import EmptyInput, ExtractError, UnsupportedFormat
from frontwire.extract.html import extract_html
from frontwire.extract.metadata import canonical_url, date_from_url
from frontwire.ingest.sniff import looks_binary
from frontwire.model import RawItem
from frontwire.resources import Resources
from tests.conftest import TEST_DATA

PAGE = (TEST_DATA / "extract" / "article.html").read_bytes()


def item(data: bytes, url: str | None = None, **hints: str) -> RawItem:
    return RawItem(source="page.html", data=data, kind="html", url=url, **hints)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources(Settings())


def test_html_keeps_body_drops_chrome(res: Resources) -> None:
    art = extract_html(item(PAGE), res)
    assert "hundreds of civilians waited to be evacuated" in art.text
    assert "no missions planned in the town that day" in art.text
    for chrome in ("Subscribe now", "cookies", "Other story about", "All rights reserved"):
        assert chrome not in art.text


def test_html_metadata(res: Resources) -> None:
    art = extract_html(item(PAGE), res)
    assert art.title == "Shelling hits Kramatorsk rail station"
    assert art.author == "Olena Test"
    assert art.outlet == "Example Front News"
    assert art.section == "Europe"
    # Tracking parameters do not make a new document: the id is the normalised canonical URL's hash.
    assert art.canonical_url == "https://news.example.org/2023/04/08/kramatorsk-station/"


def test_html_date_not_guessed_from_related_links(res: Resources) -> None:
    # The page states no date of its own; a related link carries /2023/03/01/ and the copyright 2023.
    # htmldate's extensive search would take one of those: we must not.
    page = PAGE.replace(
        b'<link rel="canonical" href="https://news.example.org/2023/04/08/kramatorsk-station/'
        b'?utm_source=rss">',
        b"",
    )
    art = extract_html(item(page), res)
    assert art.published is None and art.published_source is None


def test_html_date_from_url_path_and_given_hint(res: Resources) -> None:
    art = extract_html(item(PAGE, url="https://news.example.org/2023/04/08/kramatorsk-station/"), res)
    assert (art.published, art.published_source) == ("2023-04-08", "url")
    given = extract_html(item(PAGE, published="2023-04-09", published_source="given"), res)
    assert (given.published, given.published_source) == ("2023-04-09", "given")
    # A date given on the command line (--published) only fills in for a page that states none:
    # PAGE's canonical URL states 2023-04-08, which wins; with no canonical link the flag's date is used.
    flagged = extract_html(item(PAGE, published="2023-04-09", published_source="flag"), res)
    assert (flagged.published, flagged.published_source) == ("2023-04-08", "url")
    undated = PAGE.replace(
        b'<link rel="canonical" href="https://news.example.org/2023/04/08/kramatorsk-station/'
        b'?utm_source=rss">',
        b"",
    )
    bare = extract_html(item(undated, published="2023-04-09", published_source="flag"), res)
    assert (bare.published, bare.published_source) == ("2023-04-09", "given")


def test_html_empty_binary_and_articleless_pages(res: Resources) -> None:
    with pytest.raises(EmptyInput):
        extract_html(item(b"  \n "), res)
    with pytest.raises(UnsupportedFormat):
        extract_html(item(bytes(range(256)) * 20), res)
    with pytest.raises(ExtractError):
        extract_html(item(b"<html><body><nav><a href='/'>Home</a></nav></body></html>"), res)


def test_html_malformed_markup_still_extracts(res: Resources) -> None:
    broken = PAGE.replace(b"</p>", b"").replace(b"</article>", b"<div><span>")
    art = extract_html(item(broken), res)
    assert "cluster munitions" in art.text


def test_html_looks_binary_accepts_utf16_text() -> None:
    assert not looks_binary("<p>Kyiv</p>".encode("utf-16"))
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://x.org/2023/03/06/story", "2023-03-06"),
        ("https://x.org/news/2022-02-24-invasion", "2022-02-24"),
        ("https://x.org/2023/02/30/story", None),  # not a calendar date
        ("https://x.org/2023/03/story", None),  # month only: no day to state
        (None, None),
    ],
)
def test_metadata_date_from_url(url: str | None, want: str | None) -> None:
    assert date_from_url(url) == want


def test_metadata_canonical_url_rejects_non_http() -> None:
    assert canonical_url("file:///etc/passwd") is None
    assert canonical_url("https://EXAMPLE.org/a#frag") == "https://example.org/a"
