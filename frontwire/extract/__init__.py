"""Extraction stage: RawItem -> Article (clean body text plus metadata).

Entry point: :func:`article`. HTML goes through trafilatura (``html.py``); plain-text dumps through
our own line classifier (``text.py``); items that arrive already extracted (JSONL ``text``, RSS
content) get the same text cleaning so that stray site chrome is still removed.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from frontwire.errors import TimeBudgetExceeded
from frontwire.model import Article, RawItem
from frontwire.resources import Resources


@contextmanager
def time_budget(seconds: float, source: str) -> Iterator[None]:
    """Raise TimeBudgetExceeded in the block once ``seconds`` have passed (a real-time alarm).

    The alarm interrupts Python code at once and a long C call (lxml) as soon as it returns; the
    pre-parse guards (``html.check_markup``) keep each C call short. Outside the main thread, where
    signals cannot be received, the block runs without a budget.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        # Fire again soon: a library's `except Exception` may swallow this one.
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        raise TimeBudgetExceeded(f"{source}: extraction took over {seconds:g} s (input_time_budget)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def article(item: RawItem, resources: Resources) -> Article:
    """Extract the article of one item; raises ExtractError/InputError subclasses when there is none."""
    with time_budget(resources.settings.input_time_budget, item.source):
        if item.kind == "html":
            from frontwire.extract.html import extract_html

            return extract_html(item, resources)
        from frontwire.extract.text import extract_text

        return extract_text(item, resources)
