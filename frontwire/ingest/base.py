"""What every ingest reader shares: the run context (settings, lazy fetcher) and how a skip is made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from frontwire.config import Settings
from frontwire.errors import FrontwireError
from frontwire.model import RawItem
from frontwire.pipeline import Outcome

if TYPE_CHECKING:
    from frontwire.ingest.web import Fetcher

Entry: TypeAlias = RawItem | Outcome
Entries: TypeAlias = Iterator[Entry]


def safe_text(text: str) -> str:
    """``text`` as storable UTF-8: file-name bytes that are not UTF-8 (surrogate escapes) become ``\\xNN``.

    A path from the file system may hold any bytes; SQLite (and every later reader) needs valid UTF-8.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is no file-name escape (from JSON, say)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def skip(source: str, exc: FrontwireError) -> Outcome:
    """The Outcome of an input that could not be read: its reason code and message."""
    return Outcome(source=safe_text(source), skip_reason=exc.reason, message=safe_text(str(exc)))


@dataclass(slots=True)
class Context:
    """One ingest run: its settings, whether feed links are followed, and the fetcher (made on first use)."""

    settings: Settings
    follow: bool = False
    given_fetcher: Fetcher | None = None
    _own_fetcher: Fetcher | None = field(default=None, repr=False)

    def fetcher(self) -> Fetcher:
        if self.given_fetcher is not None:
            return self.given_fetcher
        if self._own_fetcher is None:
            from frontwire.ingest.web import Fetcher

            self._own_fetcher = Fetcher(self.settings)
        return self._own_fetcher

    def close(self) -> None:
        # Only the fetcher we made is ours to close; a caller's stays open for its next use.
        if self._own_fetcher is not None:
            self._own_fetcher.close()
            self._own_fetcher = None


def add_hints(item: RawItem, **hints: str | None) -> RawItem:
    """Fill the item's empty hint fields (title, author, ...) from a container's metadata."""
    for name, value in hints.items():
        if value and getattr(item, name) is None:
            setattr(item, name, value)
    return item
