"""The query parameters the read endpoints share, declared once (names as the CLI options)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from frontwire.query import MAX_LIMIT

Doc = Annotated[
    str | None, Query(description="A document id, or a unique prefix (the short id tables print).")
]
Outlet = Annotated[str | None, Query(description="The outlet's name (any case).")]
Since = Annotated[
    str | None,
    Query(
        description="From this day, YYYY-MM-DD: the publication day (the event's date on events, clusters)."
    ),
]
Until = Annotated[str | None, Query(description="Up to this day, YYYY-MM-DD (inclusive).")]
Place = Annotated[str | None, Query(description="A place's name or its region (admin1), any case.")]
Sort = Annotated[
    str | None, Query(description="A sort key (see the error for the valid ones); '-key' reverses.")
]
Limit = Annotated[int, Query(description=f"Rows per page (at most {MAX_LIMIT}; more is capped).")]
Offset = Annotated[int, Query(description="Rows to skip: the previous page's next_offset.")]
Format = Annotated[
    str | None,
    Query(description="'geojson' for an RFC 7946 FeatureCollection (or Accept: application/geo+json)."),
]


def capped(limit: int) -> int:
    """The page size actually served: larger requests get the largest page."""
    return min(limit, MAX_LIMIT)
