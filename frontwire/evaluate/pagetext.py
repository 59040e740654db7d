"""Whole HTML page -> the plain text a scraper dump gives (every visible block, chrome included)."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree, html

# Elements whose text is never shown on the page.
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "iframe"}
)
# Elements that start a new block (a new line of the dump); everything else is inline.
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "option",
        "p", "pre", "section", "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul", "button", "label", "textarea",
    }
)  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b\u2028\u2029]+")


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


class _Dump:
    """Accumulates inline text into blocks; a block boundary closes the current line."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.parts: list[str] = []

    def text(self, s: str | None) -> None:
        if s:
            self.parts.append(s)

    def newline(self) -> None:
        self.parts.append("\n")

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        self.parts = []
        lines = [_SPACE.sub(" ", line).strip() for line in raw.split("\n")]
        block = "\n".join(line for line in lines if line)
        if block:
            self.blocks.append(block)


def _walk(el: Any, out: _Dump) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag or tag.lower() in _INVISIBLE or _hidden(el):
        # Comments, processing instructions and invisible elements: skip them but keep their tail.
        out.text(el.tail)
        return
    tag = tag.lower()
    block = tag in _BLOCK
    if block:
        out.flush()
    if tag == "br":
        out.newline()
    out.text(el.text)
    for child in el:
        _walk(child, out)
    if block:
        out.flush()
    out.text(el.tail)


def html_to_page_text(html_source: str) -> str:
    """All visible text of a page, one block per line and a blank line between blocks.

    ``<br>`` gives a line break inside a block. Scripts, styles and other invisible elements are
    dropped; navigation, footers and captions are kept, as a copy-paste or scraper dump keeps them.
    """
    if not html_source or not html_source.strip():
        return ""
    parser = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(html_source.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    out = _Dump()
    body = root.find("body")
    _walk(body if body is not None else root, out)
    out.flush()
    return "\n\n".join(out.blocks)
