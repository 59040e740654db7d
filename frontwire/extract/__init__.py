"""Extraction stage: RawItem -> Article (clean body text plus metadata).

Entry point: :func:`article`. HTML goes through trafilatura (``html.py``); plain-text dumps through
our own line classifier (``text.py``); items that arrive already extracted (JSONL ``text``, RSS
content) get the same text cleaning so that stray site chrome is still removed.
"""

from __future__ import annotations

from frontwire.model import Article, RawItem
from frontwire.resources import Resources


def article(item: RawItem, resources: Resources) -> Article:
    """Extract the article of one item; raises ExtractError/InputError subclasses when there is none."""
    if item.kind == "html":
        from frontwire.extract.html import extract_html

        return extract_html(item, resources)
    from frontwire.extract.text import extract_text

    return extract_text(item, resources)
