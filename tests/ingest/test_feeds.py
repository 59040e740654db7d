"""Tests of frontwire/ingest/feeds.py: RSS and Atom entries as articles, followed links, broken feeds."""

from __future__ import annotations

from pathlib import Path

import httpx

from frontwire.config import Settings
from frontwire.ingest import Fetcher, iter_items
from frontwire.ingest.feeds import html_to_text
from frontwire.model import RawItem
from frontwire.pipeline import Outcome
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "ingest"
RSS = DATA / "rss.xml"
ATOM = DATA / "atom.xml"


def run(inputs: list[str], follow: bool = False, fetcher: Fetcher | None = None) -> list[RawItem | Outcome]:
    return list(iter_items(inputs, Settings(), follow=follow, fetcher=fetcher))


def test_feeds_rss_items_become_articles_with_hints() -> None:
    first, second, third = run([str(RSS)])
    assert [e.source for e in (first, second, third)] == [f"{RSS}#1", f"{RSS}#2", f"{RSS}#3"]
    assert isinstance(first, RawItem) and first.kind == "article"
    # content:encoded wins over the description; markup and scripts are gone, paragraphs kept.
    assert first.data.decode() == (
        "Regional officials said on Monday that artillery fire hit the river crossing overnight.\n"
        "No casualties were reported, the officials added."
    )
    assert first.title == "Shelling reported near the river crossing"
    assert first.author == "Olena Marchenko" and first.outlet == "Eastern Front Wire"
    assert first.url == "https://wire.example/2023/03/07/river-crossing"
    assert first.published == "2023-03-07T07:15:00+00:00"  # 09:15 at +02:00, in UTC
    assert first.published_source == "feed"
    assert isinstance(second, RawItem)
    assert second.data.decode() == "Delegations met again on Wednesday & agreed to continue."
    assert second.author is None
    # The third item has neither content nor summary.
    assert isinstance(third, Outcome) and third.skip_reason == "empty"


def test_feeds_atom_entry() -> None:
    (entry,) = run([str(ATOM)])
    assert isinstance(entry, RawItem) and entry.kind == "article"
    assert entry.data.decode() == "Witnesses said a convoy of trucks moved west along the highway."
    assert entry.title == "Convoy seen moving west" and entry.author == "Petro Kovalenko"
    assert entry.url == "https://notes.example/convoy" and entry.outlet == "Field Notes"
    assert entry.published == "2023-03-06T21:30:00+00:00" and entry.published_source == "feed"


def test_feeds_follow_fetches_each_link_as_html() -> None:
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        requested.append(path)
        if path.endswith("gallery"):
            return httpx.Response(404)
        body = f"<html><body><p>Full story at {path}</p></body></html>".encode()
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=body)

    fetcher = Fetcher(
        Settings(), transport=httpx.MockTransport(handler), resolver=lambda h, p: ["93.184.216.34"]
    )
    first, second, third = run([str(RSS)], follow=True, fetcher=fetcher)
    assert requested == ["/2023/03/07/river-crossing", "/2023/03/08/talks", "/2023/03/08/gallery"]
    assert isinstance(first, RawItem) and first.kind == "html" and b"river-crossing" in first.data
    assert first.source == f"{RSS}#1" and first.url == "https://wire.example/2023/03/07/river-crossing"
    assert first.title == "Shelling reported near the river crossing" and first.published_source == "feed"
    assert first.fetched_at is not None
    assert isinstance(second, RawItem) and second.kind == "html"
    assert isinstance(third, Outcome) and third.skip_reason == "fetch_failed" and third.source == f"{RSS}#3"


def test_feeds_follow_refuses_links_to_private_addresses(tmp_path: Path) -> None:
    feed = tmp_path / "evil.rss"
    feed.write_text(
        '<rss version="2.0"><channel><title>x</title>'
        "<item><title>a</title><link>http://169.254.169.254/latest/meta-data/</link></item>"
        "</channel></rss>"
    )
    fetcher = Fetcher(Settings(), transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    (entry,) = run([str(feed)], follow=True, fetcher=fetcher)
    assert isinstance(entry, Outcome) and entry.skip_reason == "blocked_address"


def test_feeds_truncated_feed_yields_items_then_a_skip(tmp_path: Path) -> None:
    data = RSS.read_bytes()
    cut = data.index(b"<item>", data.index(b"<item>") + 1) + 40  # inside the second item
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    out = run([str(path)])
    assert isinstance(out[0], RawItem) and out[0].title == "Shelling reported near the river crossing"
    last = out[-1]
    assert (
        isinstance(last, Outcome) and last.skip_reason == "malformed_container" and last.source == str(path)
    )


def test_feeds_malformed_feed_without_items_is_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>x</tit')
    (entry,) = run([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "malformed_container"


def test_feeds_feed_without_items_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "quiet.rss"
    path.write_text('<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    (entry,) = run([str(path)])
    assert isinstance(entry, Outcome) and entry.skip_reason == "empty"


def test_feeds_legacy_encoded_feed_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.xml"
    text = (
        '<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel>'
        "<title>Caf\u00e9 Wire</title><item><title>Caf\u00e9</title>"
        "<description>The caf\u00e9 stayed open \u2013 officials said.</description>"
        "</item></channel></rss>"
    )
    path.write_bytes(text.encode("cp1252"))
    (entry,) = run([str(path)])
    assert isinstance(entry, RawItem) and entry.outlet == "Caf\u00e9 Wire"
    assert entry.data.decode("utf-8") == "The caf\u00e9 stayed open \u2013 officials said."


def test_feeds_html_to_text_keeps_blocks_and_drops_code() -> None:
    markup = "<div>Intro<p>First &amp; <i>second</i></p><ul><li>one</li><li>two</li></ul>"
    markup += "a<br>b<style>x{}</style></div>"
    assert html_to_text(markup) == "Intro\nFirst & second\none\ntwo\na\nb"
    assert html_to_text("plain   words\n\n here") == "plain words\nhere"
