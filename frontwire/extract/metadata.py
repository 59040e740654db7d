"""Article metadata helpers shared by the HTML and text extractors: URLs, dates, outlet names."""

from __future__ import annotations

import re
from datetime import date

from courlan import normalize_url

# /2023/03/06/ (or -) in a URL path: a day-precise publication date many CMSs put there.
_URL_DAY = re.compile(r"/(20\d\d|19\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")


def canonical_url(url: str | None) -> str | None:
    """Normalised URL (lower-case host, no fragment, no tracking parameters), or None."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        return str(normalize_url(url, strict=True))
    except (ValueError, TypeError):
        return url


def date_from_url(url: str | None) -> str | None:
    """The day a URL path states (``/2023/03/06/``), as ISO, when it is a real calendar date."""
    if not url:
        return None
    m = _URL_DAY.search(url)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def iso_date(value: str | None) -> str | None:
    """Keep an ISO date/datetime string as given if it parses, else None (never a guessed default)."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        from datetime import datetime

        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    import dateparser

    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date().isoformat() if parsed else None
