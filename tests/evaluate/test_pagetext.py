"""Tests of frontwire/evaluate/pagetext.py: a whole HTML page as a scraper's text dump."""

from __future__ import annotations

from frontwire.evaluate.pagetext import html_to_page_text

PAGE = """<!doctype html><html><head><title>Head title</title><style>p {color: red}</style>
<script>var tracking = "do not show";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Station reopens</h1>
<p>The station <b>reopened</b> on Saturday.<br>Trains run again.</p>
<div hidden>secret menu</div><div style="display: none">also hidden</div>
<noscript>Enable JavaScript</noscript><template><p>template text</p></template>
<figure><img src="x.jpg"><figcaption>Photo: Example Agency</figcaption></figure></article>
<footer>&copy; 2023 Example News</footer></body></html>"""


def test_pagetext_keeps_all_visible_text_in_blocks() -> None:
    text = html_to_page_text(PAGE)
    blocks = text.split("\n\n")
    assert blocks[0] == "Home World"
    assert "Station reopens" in blocks
    assert "The station reopened on Saturday.\nTrains run again." in blocks
    assert "Photo: Example Agency" in blocks
    assert blocks[-1] == "© 2023 Example News"


def test_pagetext_drops_invisible_elements() -> None:
    text = html_to_page_text(PAGE)
    for hidden in (
        "do not show",
        "color: red",
        "Head title",
        "secret menu",
        "also hidden",
        "Enable JavaScript",
        "template text",
    ):
        assert hidden not in text


def test_pagetext_empty_and_fragment_input() -> None:
    assert html_to_page_text("") == ""
    assert html_to_page_text("   ") == ""
    assert html_to_page_text("<p>One</p><p>Two</p>") == "One\n\nTwo"


def test_pagetext_declared_encoding_in_str_input() -> None:
    page = '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Café déjà vu</p></body></html>'
    assert html_to_page_text(page) == "Café déjà vu"
