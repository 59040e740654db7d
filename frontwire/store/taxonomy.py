"""ACLED's 6 event types and 25 sub-event types (DESIGN section 4), as queries validate them.

The names are read from ``frontwire/data/events/acled_types.csv``, the one table the events stage,
its scorer and the store share. Lookups are case-insensitive and give the canonical spelling, so
``--type battles`` and ``--sub-type "air/drone strike"`` find the stored events.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources as importlib_resources


@cache
def event_types() -> dict[str, tuple[str, ...]]:
    """Each ACLED event type with its sub-event types, in the table's order."""
    path = importlib_resources.files("frontwire").joinpath("data", "events", "acled_types.csv")
    out: dict[str, list[str]] = {}
    for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
        out.setdefault(row["event_type"], []).append(row["sub_event_type"])
    return {type_: tuple(subs) for type_, subs in out.items()}


@cache
def sub_event_types() -> dict[str, str]:
    """ACLED sub-event type -> its event type (each sub-type belongs to exactly one type)."""
    return {sub: type_ for type_, subs in event_types().items() for sub in subs}


@cache
def _folded() -> tuple[dict[str, str], dict[str, str]]:
    return {t.casefold(): t for t in event_types()}, {s.casefold(): s for s in sub_event_types()}


def event_type(value: str) -> str | None:
    """The canonical ACLED event type for ``value`` (any case), or None when it is not one."""
    return _folded()[0].get(value.strip().casefold())


def sub_event_type(value: str) -> str | None:
    """The canonical ACLED sub-event type for ``value`` (any case), or None when it is not one."""
    return _folded()[1].get(value.strip().casefold())
