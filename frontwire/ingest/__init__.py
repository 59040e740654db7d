"""Ingest: every kind of source (files, folders, globs, JSONL, RSS/Atom, WARC, URLs) -> RawItems, safely.

Entry point: :func:`iter_items`. Bad input never raises: it becomes an ``Outcome`` skip with the
error's reason code, in its place in the input order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from frontwire.config import Settings
from frontwire.errors import FetchError, FrontwireError
from frontwire.ingest.base import Context, Entries, skip
from frontwire.ingest.files import expand_input, iter_path
from frontwire.model import RawItem
from frontwire.pipeline import Outcome

if TYPE_CHECKING:
    from frontwire.ingest.web import Fetcher, FetchResult

__all__ = ["FetchResult", "Fetcher", "iter_items"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def __getattr__(name: str) -> Any:
    # The fetcher (and httpx, ~0.1 s to import) loads when a URL is read, not at every start-up.
    if name in ("Fetcher", "FetchResult"):
        from frontwire.ingest import web

        return getattr(web, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _iter_input(arg: str, ctx: Context) -> Entries:
    scheme = _SCHEME.match(arg)
    if scheme:
        if scheme.group(1).lower() in ("http", "https"):
            from frontwire.ingest.web import iter_url

            yield from iter_url(arg, ctx)
        else:
            yield skip(
                arg, FetchError(f"{arg}: scheme {scheme.group(1)!r} is not read (only http and https)")
            )
        return
    for source, found in expand_input(arg):
        if isinstance(found, FrontwireError):
            yield skip(source, found)
        else:
            yield from iter_path(found, source, ctx)


def iter_items(
    inputs: list[str],
    settings: Settings,
    follow: bool = False,
    fetcher: Fetcher | None = None,
) -> Iterator[RawItem | Outcome]:
    """Yield the RawItems of ``inputs`` (or a skip for each unreadable one), in input order.

    ``inputs`` mixes file paths, folders (read recursively, sorted), globs, and http(s) URLs;
    with ``follow`` a feed item (or a JSONL record with only a ``url``) is fetched from its link.
    ``fetcher`` replaces the default safe fetcher (tests pass one with a mock transport).
    """
    ctx = Context(settings=settings, follow=follow, given_fetcher=fetcher)
    try:
        for arg in inputs:
            yield from _iter_input(arg, ctx)
    finally:
        ctx.close()
