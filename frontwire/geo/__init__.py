"""geo stage: place mentions resolved to a gazetteer (GeoNames + curated supplement) with coordinates."""

from __future__ import annotations

from typing import Any

from frontwire.config import Settings
from frontwire.geo.gazetteer import Gazetteer, build_gazetteer
from frontwire.geo.resolve import EXTRACTOR
from frontwire.geo.resolve import extract as _extract
from frontwire.geo.resolve import resolve_name as _resolve_name
from frontwire.model import Document, PlaceMention

__all__ = ["EXTRACTOR", "Gazetteer", "extract", "load_gazetteer", "resolve_name"]


def load_gazetteer(settings: Settings | None = None) -> Gazetteer:
    """Build the process-wide gazetteer (use ``Resources.gazetteer``, which calls this once)."""
    return build_gazetteer(settings)


def extract(document: Document, resources: Any) -> list[PlaceMention]:
    """The geo stage: every place mention of the document with its gazetteer record and precision."""
    return _extract(document, resources.gazetteer)


def resolve_name(
    name: str, resources: Any, country: str | None = None, admin1: str | None = None
) -> PlaceMention | None:
    """Gazetteer lookup of one name with optional country (ISO-2 or name) and admin1 context, or None."""
    return _resolve_name(resources.gazetteer, name, country=country, admin1=admin1)
