"""One event from many reports: fusing events of different documents into clusters.

Two reports are of the same real-world event when their types are compatible, their places lie
within a distance that grows with the coarser geo precision, their date intervals overlap once
widened by their time precision, and their actors do not conflict. A new event joins the closest
compatible cluster or founds one; the cluster id derives from the founding event, so it is stable
across reruns and incremental updates. The fused record takes the most precise member's place and
date and keeps every disagreement (places, dates, fatality counts) beside it.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from frontwire.model import EventCluster, sha256_hex

EXTRACTOR = "link.fusion/1"
# Farthest two reports of one event may be placed, by the coarser geo precision (ACLED 1-3).
MAX_KM = {1: 15.0, 2: 40.0, 3: 150.0}
# Days a date interval is widened by on each side, by ACLED time precision (2: a few days; 3: a month).
WIDEN_DAYS = {1: 0, 2: 3, 3: 15}
# Event types whose sub-types are alternative descriptions of one happening (a "strike" reported as
# missile or air strike; a clash reported as the town's capture); other types need the same sub-type.
SUB_TYPES_INTERCHANGEABLE = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


@dataclass(frozen=True, slots=True)
class EventView:
    """What fusion needs of one stored event and its document."""

    id: str
    doc_id: str
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    place: str | None
    place_id: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    date_start: str | None
    date_end: str | None
    time_precision: int | None
    fatalities: tuple[int | None, int | None, int | None] | None  # (low, best, high)
    feature: str | None  # the place's gazetteer feature ('city', 'admin1', 'country', ...)
    published: str | None
    outlets: tuple[str, ...]  # the document's outlet and those of its stored copies
    independent_key: str  # the original's outlet (or id): wire copies and forwards count once
    claimed_by_party: bool  # the event is only a claim by a party to the conflict
    confidence: float = 0.5


@dataclass(slots=True)
class Cluster:
    """A cluster being built: its id, its members and the fused record used for matching.

    Members join through ``add``, which keeps the anchor and the member documents up to date (fusion
    asks for them at every comparison).
    """

    id: str
    members: list[EventView] = field(default_factory=list)
    _anchor: EventView | None = field(default=None, repr=False, compare=False)
    _docs: set[str] | None = field(default=None, repr=False, compare=False)

    def add(self, e: EventView) -> None:
        self.members.append(e)
        if self._docs is not None:
            self._docs.add(e.doc_id)
        if self._anchor is not None and _precision_key(e) < _precision_key(self._anchor):
            self._anchor = e

    def has_document(self, doc_id: str) -> bool:
        if self._docs is None:
            self._docs = {m.doc_id for m in self.members}
        return doc_id in self._docs

    @property
    def anchor(self) -> EventView:
        """The most precise member: the one fusion compares new reports with."""
        if self._anchor is None:
            self._anchor = min(self.members, key=_precision_key)
        return self._anchor


def _precision_key(e: EventView) -> tuple[int, int, float, str]:
    return (e.geo_precision or 9, e.time_precision or 9, -e.confidence, e.id)


# Grid cells for candidate lookups: 1.5 degrees of latitude (167 km) by 3 of longitude (193 km at
# 50 N, 150 km at 60 N), so every place within MAX_KM[3] of an event lies in its cell or a neighbour.
CELL_LAT, CELL_LON = 1.5, 3.0


def cell(lat: float, lon: float) -> int:
    return math.floor(lat / CELL_LAT) * 1000 + math.floor(lon / CELL_LON)


def neighbour_cells(lat: float, lon: float) -> list[int]:
    row, col = math.floor(lat / CELL_LAT), math.floor(lon / CELL_LON)
    return [(row + dr) * 1000 + (col + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def cluster_id(founding_event_id: str) -> str:
    return "k" + sha256_hex(f"cluster|{founding_event_id}")[:15]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _window(e: EventView) -> tuple[date, date] | None:
    if not e.date_start or not e.date_end:
        return None
    return _widened(e.date_start, e.date_end, e.time_precision)


@functools.lru_cache(maxsize=65536)
def _widened(start: str, end: str, precision: int | None) -> tuple[date, date]:
    # Cached: fusion compares each new event with every cluster in reach, and parsing dates dominated.
    widen = timedelta(days=WIDEN_DAYS.get(precision or 3, 15))
    return date.fromisoformat(start) - widen, date.fromisoformat(end) + widen


def distance(a: EventView, b: EventView) -> float | None:
    """A match score (km, smaller is closer) when ``a`` and ``b`` can report one event; else None."""
    if a.event_type != b.event_type:
        return None
    if a.event_type not in SUB_TYPES_INTERCHANGEABLE and a.sub_event_type != b.sub_event_type:
        return None
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None  # an event with no place is never fused: "somewhere" matches anything
    if "country" in (a.feature, b.feature):
        return None  # nor one placed only in a country: "in Ukraine" locates no single event
    wa, wb = _window(a), _window(b)
    if wa is None or wb is None or wa[1] < wb[0] or wb[1] < wa[0]:
        return None
    actors_a, actors_b = {a.actor1, a.actor2} - {None}, {b.actor1, b.actor2} - {None}
    if actors_a and actors_b and not actors_a & actors_b:
        return None
    coarse = max(a.geo_precision or 3, b.geo_precision or 3)
    d = km(a.lat, a.lon, b.lat, b.lon)
    if d > MAX_KM[coarse]:
        return None
    if coarse == 3 and (a.sub_event_type != b.sub_event_type or not actors_a & actors_b):
        return None  # province-level reports: only the same kind of event by the same actor
    return d


def _week(day: str) -> int:
    return date.fromisoformat(day).toordinal() // 7


def assign(new: Sequence[EventView], clusters: Iterable[Cluster]) -> list[Cluster]:
    """Put each new event into the closest compatible cluster or a new one; returns the clusters changed.

    Events are taken in date then id order, so the same batch always fuses the same way. Clusters are
    bucketed by event type, the grid cell and the week of their anchor, so an event is compared only
    with the clusters that could be within reach in space and time, not with every candidate.
    """
    Key = tuple[str, int, int]
    buckets: dict[Key, list[Cluster]] = {}

    def key(c: Cluster) -> Key | None:
        a = c.anchor
        if a.lat is None or a.lon is None or not a.date_start:
            return None  # never fused (no place or no date): kept out of the buckets
        return a.event_type, cell(a.lat, a.lon), _week(a.date_start)

    def reach(e: EventView) -> list[Key]:
        window = _window(e)
        if e.lat is None or e.lon is None or window is None:
            return []
        # A cluster's anchor window is widened by at most WIDEN_DAYS[3] on each side.
        lo = (window[0] - timedelta(days=WIDEN_DAYS[3])).toordinal() // 7
        hi = (window[1] + timedelta(days=WIDEN_DAYS[3])).toordinal() // 7
        return [(e.event_type, c, w) for c in neighbour_cells(e.lat, e.lon) for w in range(lo - 1, hi + 1)]

    def put(c: Cluster) -> None:
        k = key(c)
        if k is not None:
            buckets.setdefault(k, []).append(c)

    for c in clusters:
        if c.members:
            put(c)
    changed: dict[str, Cluster] = {}
    for e in sorted(new, key=lambda e: (e.date_start or "9999", e.doc_id, e.id)):
        best: tuple[float, Cluster] | None = None
        for k in reach(e):
            for c in buckets.get(k, ()):
                if c.has_document(e.doc_id):
                    continue  # one document's sentences are its own events (the stage split them)
                d = distance(e, c.anchor)
                if d is not None and (best is None or d < best[0]):
                    best = (d, c)
        if best is None:
            target = Cluster(cluster_id(e.id))
            target.add(e)
            put(target)
        else:
            target = best[1]
            before = key(target)
            target.add(e)
            after = key(target)
            if after != before:  # a more precise member moved the anchor
                if before is not None:
                    buckets[before].remove(target)
                put(target)
        changed[target.id] = target
    return list(changed.values())


def fuse(cluster: Cluster) -> EventCluster:
    """The cluster's fused record: the most precise member's place and date, disagreements kept."""
    members = sorted(cluster.members, key=_precision_key)
    top = members[0]
    sub_counts = Counter(m.sub_event_type for m in members)
    sub = max(sub_counts, key=lambda s: (sub_counts[s], s == top.sub_event_type))
    dated = [m for m in members if m.date_start]
    narrow = min(dated, key=lambda m: (m.time_precision or 9, m.date_start, m.date_end)) if dated else None
    counts = [m.fatalities for m in members if m.fatalities is not None]
    best_counts = Counter(c[1] for c in counts if c[1] is not None)
    fatalities = None
    if counts:
        # The count most independent reports give; the others stay in the disagreements.
        chosen = max(best_counts, key=lambda n: (best_counts[n], n)) if best_counts else None
        src = next((c for c in counts if c[1] == chosen), counts[0])
        fatalities = {"low": src[0], "best": src[1], "high": src[2]}
    disagreements: dict[str, list[object]] = {}
    for key, values in (
        ("place", sorted({m.place for m in members if m.place})),
        ("date", sorted({f"{m.date_start}/{m.date_end}" for m in dated})),
        ("fatalities", sorted(best_counts)),
        ("sub_event_type", sorted(sub_counts)),
    ):
        if len(values) > 1:
            disagreements[key] = list(values)
    outlets = sorted({o for m in members for o in m.outlets})
    published = sorted(m.published[:10] for m in members if m.published)
    return EventCluster(
        id=cluster.id,
        event_type=top.event_type,
        sub_event_type=sub,
        place=top.place,
        place_id=top.place_id,
        lat=top.lat,
        lon=top.lon,
        geo_precision=top.geo_precision,
        date=f"{narrow.date_start}/{narrow.date_end}" if narrow else None,
        time_precision=narrow.time_precision if narrow else None,
        fatalities=fatalities,
        events=[m.id for m in members],
        documents=sorted({m.doc_id for m in members}),
        outlets=outlets,
        corroboration=len({m.independent_key for m in members}),
        claimed_only=all(m.claimed_by_party for m in members),
        first_reported=published[0] if published else None,
        disagreements=disagreements,
        extractor=EXTRACTOR,
    )
