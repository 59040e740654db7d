"""Link scaling (``frontwire bench --link-sizes``): one batch of new documents linked against stores
of growing size, each step timed, the store lookups' query plans checked.

The stores are synthetic but shaped like a year of war coverage, and built without spaCy: texts from
a fixed-seed Zipf word generator around templated event sentences; about 5 % re-publications of an
earlier text under another outlet's header and footer (some trimmed, 1 % exact copies); events with
ACLED's Ukraine mix of types at real Ukrainian places (the gazetteer's, weighted to the front-line
provinces and by population), dated over one year, most of them reports of a happening that other
documents of nearby days report too (popular happenings are reported many times, so clusters
form); a few claims per document, some of them about control of a place or casualty counts.

A store of N documents is documents 0..N-1 of one deterministic stream, written with
``add_documents`` and linked with ``link_batch`` in date order, in batches (a daily ingest). The
measured batch is the same for every size: its re-publications copy documents every store holds.
It is linked twice per store, from a fresh copy each time: ``spread`` (dated over the whole year,
a backfill: the worst case for the date windows) and ``recent`` (dated in the store's last week,
the daily ingest). Step times come from wrapping link_batch's own steps, so the path timed is the
runner's (``frontwire.runner.after_commit``).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import shutil
import sqlite3
import tempfile
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from frontwire.model import Article, Claim, Document, Event, PlaceMention, sha256_hex

SEED = 20230224
YEAR = date(2023, 1, 1)
DAYS = 365
BUILD_BATCH = 1000  # documents per commit + link step while a store is built
COMMIT_BATCH = 16  # documents per add_documents call when the measured batch is committed (as the runner)
REPUBLISHED = 0.05  # share of documents that re-publish an earlier text
EXACT_COPY = 0.2  # share of those that copy it byte for byte (same text, another URL)
RECENT_DAYS = 7

RU, UA = "Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"
CIVILIANS, PROTESTERS = "Civilians (Ukraine)", "Protesters (Ukraine)"
# (event type, sub-event type, share, actor1, actor2, sentence template): shares after ACLED's coding
# of the war in Ukraine (remote violence dominates). {place} is the place mention, {when} the date.
KINDS: tuple[tuple[str, str, float, str | None, str | None, str], ...] = (
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.58, RU, CIVILIANS,
     "Russian forces shelled {place} {when}, killing {n} civilians"),
    ("Explosions/Remote violence", "Air/drone strike", 0.17, RU, None,
     "Russian drones struck {place} {when}, damaging several buildings"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 0.02, None, CIVILIANS,
     "a landmine exploded near {place} {when}, killing {n} civilians"),
    ("Battles", "Armed clash", 0.12, UA, RU,
     "Ukrainian forces clashed with Russian troops near {place} {when}"),
    ("Battles", "Government regains territory", 0.01, UA, RU,
     "Ukrainian forces recaptured {place} {when}"),
    ("Battles", "Non-state actor overtakes territory", 0.01, RU, UA,
     "Russian forces captured {place} {when}"),
    ("Strategic developments", "Disrupted weapons use", 0.04, UA, RU,
     "air defences shot down drones over {place} {when}"),
    ("Strategic developments", "Arrests", 0.01, UA, None,
     "security services detained a suspected informant in {place} {when}"),
    ("Strategic developments", "Looting/property destruction", 0.01, RU, None,
     "Russian troops looted homes in {place} {when}"),
    ("Violence against civilians", "Attack", 0.015, RU, CIVILIANS,
     "Russian soldiers shot {n} civilians in {place} {when}"),
    ("Violence against civilians", "Abduction/forced disappearance", 0.005, RU, CIVILIANS,
     "Russian forces abducted {n} residents of {place} {when}"),
    ("Protests", "Peaceful protest", 0.02, PROTESTERS, None,
     "residents protested in {place} {when}"),
)  # fmt: skip
KIND_CUM = list(accumulate(k[2] for k in KINDS))
# Front-line provinces carry most events; the rest of the country gets strikes now and then.
FRONT = {"Donetsk": 30, "Luhansk": 10, "Kharkiv": 14, "Zaporizhzhya Oblast": 12, "Kherson Oblast": 12,
         "Dnipropetrovsk Oblast": 6, "Sumy": 6, "Mykolayiv Oblast": 3, "Chernihiv": 2, "Odessa": 2,
         "Kyiv City": 2, "Kyiv": 1}  # fmt: skip
OUTLETS = ("Reuters", "Associated Press", "Kyiv Independent", "Ukrainska Pravda", "Ukrinform", "TASS",
           "RIA Novosti", "Interfax", "BBC", "The Guardian", "Al Jazeera", "CNN", "Meduza", "Novaya Gazeta",
           "Kyiv Post", "Euromaidan Press", "Deutsche Welle", "France 24", "New Voice of Ukraine", "RBC",
           "Suspilne", "Hromadske", "Anadolu", "Xinhua", "Yahoo News", "MSN", "Radio Liberty",
           "Politico", "Newsweek", "The Independent")  # fmt: skip
OUTLET_CUM = list(accumulate(1.0 / (i + 2) for i in range(len(OUTLETS))))
SPEAKERS = (
    ("the General Staff of the Armed Forces of Ukraine", "UA"),
    ("Donetsk Governor Pavlo Kyrylenko", "UA"),
    ("Ukrainian officials", "UA"),
    ("Russia's defence ministry", "RU"),
    ("the Kremlin", "RU"),
    ("the Institute for the Study of War", None),
    ("the regional governor", None),
)


def _rng(*key: object) -> random.Random:
    return random.Random(hashlib.blake2b(repr((SEED, *key)).encode(), digest_size=8).digest())


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    place_id: str
    admin1: str
    lat: float
    lon: float
    feature: str


@dataclass(frozen=True, slots=True)
class Plan:
    """What document k of a stream is, decided cheaply (to sort a store by date before building it)."""

    day: int
    original: int | None  # store index of the text it re-publishes
    exact: bool


class World:
    """Places, words and happenings of the synthetic year (all fixed by the seed)."""

    def __init__(self, gazetteer: Any) -> None:
        g = gazetteer
        places: list[Place] = []
        weights: list[float] = []
        admin: dict[str, Place] = {}
        for i in range(g.n_cities):
            if g.cc[i] != "UA":
                continue
            region = g.admin1_names.get(g.a1[i])
            if not region:
                continue
            pop = int(g.pop[i])
            feature = "city" if pop >= 100_000 else "town" if pop >= 10_000 else "village"
            places.append(Place(g.names[i], f"geonames:{g.gid[i]}", region, g.lat[i], g.lon[i], feature))
            weights.append(FRONT.get(region, 0.3) * (1.0 + math.sqrt(pop) / 30.0))
        if not places:
            raise ValueError("the gazetteer holds no Ukrainian places")
        for code, region in g.admin1_names.items():
            rec = g.admin1_record.get(code)
            if code.startswith("UA.") and rec is not None:
                admin[region] = Place(
                    region, f"geonames:{g.gid[rec]}", region, g.lat[rec], g.lon[rec], "admin1"
                )
        self.places = places
        self.place_cum = list(accumulate(weights))
        self.admin = admin
        rng = _rng("words")
        syllables = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ia", "ou")]
        vocab: set[str] = set()
        while len(vocab) < 6000:
            vocab.add("".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
        self.words = sorted(vocab)
        rng.shuffle(self.words)
        self.word_cum = list(accumulate(1.0 / (r + 1) ** 1.05 for r in range(len(self.words))))

    def place(self, rng: random.Random) -> Place:
        return self.places[bisect(self.place_cum, rng.random() * self.place_cum[-1])]

    def sentence(self, rng: random.Random) -> str:
        words = rng.choices(self.words, cum_weights=self.word_cum, k=rng.randint(8, 24))
        return " ".join(words).capitalize() + "."

    def happening(self, day: int, slot: int) -> tuple[int, Place, int]:
        """Happening ``slot`` of ``day``: (kind index, place, true fatalities)."""
        rng = _rng("happening", day, slot)
        kind = bisect(KIND_CUM, rng.random() * KIND_CUM[-1])
        return kind, self.place(rng), rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 9, 14))


def plan(stream: str, k: int, base: int, recent: int | None = None) -> Plan:
    """Document ``k`` of ``stream``: its day and whether it re-publishes store document ``original``.

    The store stream copies any earlier document; the batch streams copy one of the first ``base``
    store documents (held by every store); ``recent`` (a last day) dates a batch in its last week.
    """
    rng = _rng("plan", stream, k)
    limit = k if stream == "store" else base
    if limit > 0 and rng.random() < REPUBLISHED:
        original = rng.randrange(limit)
        day = min(DAYS - 1, plan("store", original, base).day + rng.randint(0, 3))
        return Plan(day, original, rng.random() < EXACT_COPY)
    if recent is not None:
        return Plan(rng.randint(max(0, recent - RECENT_DAYS + 1), recent), None, False)
    return Plan(rng.randrange(DAYS), None, False)


def _iso(day: int) -> str:
    return (YEAR + timedelta(days=day)).isoformat()


class _Text:
    """A text built piece by piece, with the offsets of what it holds."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def _body(world: World, stream: str, k: int, day: int, doc_id: str) -> tuple[str, list[Any]]:
    """An original report: its body text and its events, claims and place mentions (offsets into it)."""
    rng = _rng("doc", stream, k)
    t = _Text()
    places: list[PlaceMention] = []
    claims: list[Claim] = []
    events: list[Event] = []
    n_events = rng.choices((0, 1, 2, 3, 4), weights=(25, 40, 20, 10, 5))[0]
    for _ in range(rng.randint(1, 3)):
        t.add(world.sentence(rng) + " ")
    seen: set[tuple[int, int]] = set()
    for _ in range(n_events):
        # Most reports are of a happening other documents of the days around report too; the
        # low slots of a day are its big stories (reported many times), the rest the long tail.
        hday = max(0, day - rng.choice((0, 0, 0, 1, 1, 2, 3)))
        slot = int(math.exp(rng.random() * math.log(3000))) - 1 if rng.random() < 0.6 else 10_000 + k
        if (hday, slot) in seen:
            continue
        seen.add((hday, slot))
        kind_i, place, true_n = world.happening(hday, slot)
        etype, sub, _, actor1, actor2, template = KINDS[kind_i]
        precision = rng.choices((1, 2, 3), weights=(85, 10, 5))[0]
        shown = place if precision < 3 else world.admin.get(place.admin1, place)
        timed = rng.choices((1, 2, 0), weights=(70, 20, 10))[0]  # day, a few days, none (published)
        if timed == 1:
            when, start_day, end_day, tprec = f"on {(YEAR + timedelta(days=hday)):%A}", hday, hday, 1
        elif timed == 2:
            when, start_day, end_day, tprec = (
                "over the past days",
                max(0, hday - 2),
                min(DAYS - 1, hday + 1),
                2,
            )
        else:
            when, start_day, end_day, tprec = "today", day, day, 1
        n = max(1, true_n + rng.choice((0, 0, 0, 1, -1, 2)))
        head, _, tail = template.partition("{place}")
        head = head.format(when=when, n=n)
        tail = tail.format(when=when, n=n)
        speaker = rng.choice(SPEAKERS) if rng.random() < 0.4 else None
        s_start = s_end = None
        sentence_start = t.pos
        if speaker:
            s_start, s_end = t.add(_cap(speaker[0]))
            t.add(" said ")
        content_start = t.pos
        t.add(head)
        p_start, p_end = t.add(shown.name)
        t.add(tail)
        content_end = t.pos
        t.add(". ")
        places.append(PlaceMention(shown.name, p_start, p_end, shown.name, shown.place_id, "UA", shown.admin1,
                                   shown.lat, shown.lon, shown.feature, precision))  # fmt: skip
        claim_id = None
        if speaker and s_start is not None:
            claim_id = f"c{len(claims) + 1}"
            claims.append(_claim(claim_id, speaker[0], s_start, s_end, t, content_start, content_end))
        evidence = t.text()[sentence_start : t.pos - 1]
        modality = rng.choices((None, "future", "negated"), weights=(96, 2, 2))[0]
        events.append(
            Event(
                id=sha256_hex(f"{doc_id}|{sentence_start}|{sub}")[:16], event_type=etype, sub_event_type=sub,
                plover_type=None, plover_mode=None, actor1=actor1 if rng.random() < 0.9 else None,
                actor2=actor2 if rng.random() < 0.7 else None, target=None, place=shown.name,
                place_id=shown.place_id, country="UA", admin1=shown.admin1, lat=shown.lat, lon=shown.lon,
                geo_precision=precision, date=f"{_iso(start_day)}/{_iso(end_day)}", time_precision=tprec,
                date_from_published=timed == 0,
                fatalities={"low": n, "best": n, "high": n} if "{n}" in template else None,
                reported_by=claim_id, stance="asserted" if claim_id else None, evidence=evidence,
                start=sentence_start, end=t.pos - 1, trigger=None, modality=modality, confidence=0.6,
            )
        )  # fmt: skip
        if kind_i in (3, 4, 5) and rng.random() < 0.5:
            # A side's word on who holds the place: the other side's capture claims contradict it.
            who, side = rng.choice([s for s in SPEAKERS if s[1]])
            content = f"{'Ukrainian' if side == 'UA' else 'Russian'} forces still hold {place.name}"
            if rng.random() < 0.4:
                content = f"{'Russian' if side == 'UA' else 'Ukrainian'} forces withdrew from {place.name}"
            s_start, s_end = t.add(_cap(who))
            t.add(" said ")
            c_start, c_end = t.add(content)
            t.add(". ")
            p_start = c_end - len(place.name)
            places.append(PlaceMention(place.name, p_start, c_end, place.name, place.place_id, "UA",
                                       place.admin1, place.lat, place.lon, place.feature, 1))  # fmt: skip
            claims.append(_claim(f"c{len(claims) + 1}", who, s_start, s_end, t, c_start, c_end))
        for _ in range(rng.randint(1, 4)):
            t.add(world.sentence(rng) + " ")
    for _ in range(rng.randint(6, 20)):
        t.add(world.sentence(rng) + " ")
    return t.text().rstrip(), [places, claims, events]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def _claim(cid: str, speaker: str, s_start: int, s_end: int | None, t: _Text, start: int, end: int) -> Claim:
    return Claim(
        id=cid,
        speaker=_cap(speaker),
        speaker_start=s_start,
        speaker_end=s_end,
        speaker_name=speaker,
        speaker_entity_id=None,
        cue="said",
        cue_start=s_end + 1 if s_end else 0,
        cue_end=s_end + 5 if s_end else 0,
        direct=False,
        stance="asserted",
        content=t.text()[start:end],
        start=start,
        end=end,
    )


def _shift(items: Sequence[Any], by: int, doc_id: str) -> list[Any]:
    """Copies of spans moved ``by`` characters (a re-publication's header); events get new ids."""
    out = []
    for x in items:
        fields = {f: getattr(x, f) for f in x.__slots__}
        for f in ("start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end"):
            if fields.get(f) is not None and f in fields:
                fields[f] += by
        if isinstance(x, Event):
            fields["id"] = sha256_hex(f"{doc_id}|{fields['start']}|{x.sub_event_type}")[:16]
        out.append(type(x)(**fields))
    return out


def document(world: World, stream: str, k: int, base: int, recent: int | None = None) -> Document:
    """Document ``k`` of ``stream`` (deterministic)."""
    p = plan(stream, k, base, recent)
    rng = _rng("meta", stream, k)
    outlet = OUTLETS[bisect(OUTLET_CUM, rng.random() * OUTLET_CUM[-1])]
    url = f"https://{re.sub(r'[^a-z]+', '', outlet.lower())}.example/{stream}/{k}"
    doc_id = sha256_hex(url)
    if p.original is None:
        text, (places, claims, events) = _body(world, stream, k, p.day, doc_id)
    else:
        src = document(world, "store", p.original, base)
        if p.exact:
            text, places, claims = src.text, src.places, src.claims
            events = _shift(src.events, 0, doc_id)
        else:
            # Another outlet's header and footer around the copy; some copies drop the last paragraph.
            header = (
                f"{outlet.upper()} - Originally published by {src.article.outlet}. {world.sentence(rng)} "
            )
            body = src.text
            if rng.random() < 0.3:
                body = body[: max(body.rfind(". ", 0, int(len(body) * 0.85)) + 1, 1)]
            footer = f" Follow {outlet} on Telegram for the latest news. {world.sentence(rng)}"
            text = header + body + footer
            keep = len(body)
            places = _shift([x for x in src.places if x.end <= keep], len(header), doc_id)
            claims = _shift([x for x in src.claims if x.end <= keep], len(header), doc_id)
            events = _shift([x for x in src.events if x.end <= keep], len(header), doc_id)
            ids = {c.id for c in claims}
            events = [e if e.reported_by in ids or e.reported_by is None else _unclaimed(e) for e in events]
    published = f"{_iso(p.day)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    art = Article(id=doc_id, source=url, text=text, url=url, canonical_url=url, outlet=outlet,
                  title=f"{outlet} report {stream} {k}", published=published, published_source="given",
                  language="en", extractor="bench.synthetic/1")  # fmt: skip
    return Document(article=art, places=list(places), claims=list(claims), events=list(events))


def _unclaimed(e: Event) -> Event:
    fields = {f: getattr(e, f) for f in e.__slots__}
    fields.update(reported_by=None, stance=None)
    return Event(**fields)


def store_order(n: int, base: int) -> list[int]:
    """Store documents 0..n-1 in the order a daily ingest writes them (by day)."""
    return sorted(range(n), key=lambda k: (plan("store", k, base).day, k))


def batch_documents(world: World, size: int, base: int, mode: str) -> list[Document]:
    """The measured batch (the same for every store size): ``spread`` over the year, or ``recent``."""
    return [document(world, mode, k, base, DAYS - 1 if mode == "recent" else None) for k in range(size)]


# -- building and measuring --------------------------------------------------------------------------


# Indexes the fast build adds while it writes (the link writes scan without them; see the plans).
_BUILD_INDEXES = (
    ("linkbench_events_id", "events(id)"),
    ("linkbench_claim_fact_places_claim", "claim_fact_places(doc_id, claim_id)"),
)


def build_store(
    path: Path, n: int, base: int, world: World, resources: Any, exact: bool = False, batch: int = BUILD_BATCH
) -> dict[str, float]:
    """Write and link store documents 0..n-1 in date order, ``batch`` at a time, as the runner would.

    ``exact`` links each batch with ``link_batch`` itself. Otherwise (fast, the same result) each
    batch runs the same steps with one change: an event's candidate clusters come from an
    in-memory grid of cluster anchors (type, 1.5 degrees of latitude, 2.5 of longitude, 40 days),
    which holds every cluster ``fusion.distance`` can accept, instead of the store's box query,
    whose union over a batch is what ``fusion.assign`` compares every event with; claims are compared
    only with the claims that share a place key (compare() needs a shared place); and while the
    store is built, temporary indexes serve the link writes' lookups (dropped after). The test
    checks that both builds leave identical link tables.
    """
    from frontwire.store import open_store

    store: Any = open_store(path)
    gen_s = commit_s = link_s = 0.0
    grid, stored = _Grid(), _Facts()
    try:
        if not exact:
            for name, on in _BUILD_INDEXES:
                store.db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")
        order = store_order(n, base)
        for i in range(0, n, batch):
            t0 = time.perf_counter()
            docs = [document(world, "store", k, base) for k in order[i : i + batch]]
            t1 = time.perf_counter()
            result = store.add_documents(docs)
            t2 = time.perf_counter()
            written = set(result.stored) | set(result.updated)
            docs = [d for d in docs if d.id in written]
            if exact:
                from frontwire.link import link_batch

                link_batch(store, docs, resources)
            else:
                _fast_link(store, docs, resources, grid, stored)
            t3 = time.perf_counter()
            gen_s, commit_s, link_s = gen_s + t1 - t0, commit_s + t2 - t1, link_s + t3 - t2
        for name, _ in _BUILD_INDEXES:
            store.db.execute(f"DROP INDEX IF EXISTS {name}")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return {"generate_s": gen_s, "commit_s": commit_s, "link_s": link_s, "seconds": gen_s + commit_s + link_s}


class _Grid:
    """Cluster ids by event type and anchor cell, to find every cluster ``fusion.distance`` can accept.

    Anchors of geo precision 1-2 lie in a fine grid (reach 40 km), the others in a coarse one (reach
    150 km); a cluster is listed under every day cell its anchor's widened date window touches.
    """

    FINE, COARSE, DAY = (0.4, 0.6), (1.4, 2.4), 4

    def __init__(self) -> None:
        self.cells: dict[tuple[Any, ...], set[str]] = {}
        self.where: dict[str, list[tuple[Any, ...]]] = {}

    @staticmethod
    def _days(e: Any, widen: int) -> range:
        from frontwire.link.fusion import WIDEN_DAYS

        extra = WIDEN_DAYS.get(e.time_precision or 3, 15) + widen
        lo = (date.fromisoformat(e.date_start) - YEAR).days - extra
        hi = (date.fromisoformat(e.date_end) - YEAR).days + extra
        return range(lo // _Grid.DAY, hi // _Grid.DAY + 1)

    @staticmethod
    def _usable(e: Any) -> bool:
        return e.lat is not None and e.lon is not None and bool(e.date_start) and bool(e.date_end)

    def near(self, e: Any) -> set[str]:
        from frontwire.link.fusion import MAX_KM, WIDEN_DAYS

        if not self._usable(e):
            return set()
        out: set[str] = set()
        days = self._days(e, max(WIDEN_DAYS.values()))
        for grid, size in (("fine", self.FINE), ("coarse", self.COARSE)):
            reach = MAX_KM[3] if grid == "coarse" or (e.geo_precision or 3) == 3 else MAX_KM[2]
            dlat = reach / 110.5
            dlon = reach / (111.3 * max(0.05, math.cos(math.radians(min(89.0, abs(e.lat) + dlat)))))
            la = range(math.floor((e.lat - dlat) / size[0]), math.floor((e.lat + dlat) / size[0]) + 1)
            lo = range(math.floor((e.lon - dlon) / size[1]), math.floor((e.lon + dlon) / size[1]) + 1)
            for a in la:
                for b in lo:
                    for d in days:
                        out |= self.cells.get((grid, e.event_type, a, b, d), set())
        return out

    def put(self, cluster: Any) -> None:
        for cell in self.where.pop(cluster.id, []):
            self.cells[cell].discard(cluster.id)
        a = cluster.anchor
        if not self._usable(a):
            return
        grid, size = ("fine", self.FINE) if (a.geo_precision or 3) < 3 else ("coarse", self.COARSE)
        cells = [(grid, a.event_type, math.floor(a.lat / size[0]), math.floor(a.lon / size[1]), d)
                 for d in self._days(a, 0)]  # fmt: skip
        for cell in cells:
            self.cells.setdefault(cell, set()).add(cluster.id)
        self.where[cluster.id] = cells


class _Facts:
    """Stored claim facts by place key (place ids and case-folded names, as claim_fact_places)."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Any]] = {}

    @staticmethod
    def keys(f: Any) -> set[str]:
        return set(f.places) | {n.casefold() for n in f.place_names}

    def add(self, facts: Sequence[Any]) -> None:
        for f in facts:
            for k in self.keys(f):
                self.by_key.setdefault(k, []).append(f)


def _fast_link(store: Any, docs: Sequence[Document], resources: Any, grid: _Grid, stored: _Facts) -> None:
    """link_batch's steps with in-memory candidates (see build_store)."""
    import frontwire.link as link
    from frontwire.link import contradictions, fusion

    ids = [d.id for d in docs]
    if not ids:
        return
    link._link_duplicates(store, ids)
    party = resources.link_rules.is_party
    new = store.events_to_link(ids, party)
    pool: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    founded: dict[str, int] = {}  # clusters this batch founded, in order (assign's pool lists them last)
    for e in sorted(new, key=lambda e: (e.date_start or "9999", e.doc_id, e.id)):
        near = grid.near(e)
        missing = sorted(near - set(pool))
        if missing:
            pool.update((c.id, c) for c in store.load_clusters(missing, party))
        order = sorted(near, key=lambda cid: (founded.get(cid, -1), cid))
        for c in fusion.assign([e], [pool[cid] for cid in order]):
            if c.id not in pool:
                founded[c.id] = len(founded)
            pool[c.id] = changed[c.id] = c
            grid.put(c)
    store.save_clusters([fusion.fuse(c) for c in changed.values()])
    # Claims: what _link_claims compares (each new claim with the batch's later claims and with the
    # stored ones in the window), restricted to the pairs that share a place, which compare() needs.
    rules = resources.link_rules
    facts = [f for d in docs for f in contradictions.claim_facts(d, rules)]
    if not facts:
        return
    store.save_claim_facts(facts)
    dates = sorted(f.date for f in facts if f.date)
    since, until = rules.window(dates[0], dates[-1]) if dates else (None, None)
    batch = set(ids)
    folded: dict[str, list[int]] = {}
    for i, f in enumerate(facts):
        for k in set(f.places) | {contradictions._fold(n, rules) for n in f.place_names}:
            folded.setdefault(k, []).append(i)
    found: dict[str, Any] = {}
    for i, x in enumerate(facts):
        later = sorted({j for k in set(x.places) | {contradictions._fold(n, rules) for n in x.place_names}
                        for j in folded[k] if j > i})  # fmt: skip
        seen: set[str] = set()
        olds = []
        for k in sorted(_Facts.keys(x)):
            for y in stored.by_key.get(k, []):
                if y.key() in seen or y.doc_id in batch:
                    continue
                if y.date is not None and ((since and y.date < since) or (until and y.date > until)):
                    continue
                seen.add(y.key())
                olds.append(y)
        for y in [facts[j] for j in later] + olds:
            for hit in contradictions.compare(x, y, rules):
                found.setdefault(hit.id, hit)
    if found:
        store.save_contradictions(
            sorted(found.values(), key=lambda c: (c.kind, c.a.doc_id, c.a.claim_id, c.b.doc_id, c.b.claim_id))
        )
    stored.add(facts)


def _timer(times: dict[str, float], counts: dict[str, int], key: str) -> Callable[[Any], Any]:
    def wrap(fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                out = fn(*args, **kwargs)
            finally:
                times[key] = times.get(key, 0.0) + time.perf_counter() - t0
            if isinstance(out, (list, dict)):
                counts[key] = counts.get(key, 0) + len(out)
            return out

        return timed

    return wrap


def timed_link(store: Any, documents: Sequence[Document], resources: Any) -> dict[str, Any]:
    """``link_batch`` with each step timed (its own functions wrapped, nothing else changed)."""
    import frontwire.link as link
    from frontwire.link import fusion

    times: dict[str, float] = {}
    counts: dict[str, int] = {}
    steps = [
        (link, "_link_duplicates", "duplicates"),
        (link, "_link_claims", "contradictions"),
        (fusion, "assign", "fusion_assign"),
        (store, "fingerprint_candidates", "fingerprint_lookup"),
        (store, "candidate_clusters", "cluster_lookup"),
        (store, "events_to_link", "events_read"),
        (store, "save_clusters", "clusters_write"),
        (store, "claim_fact_candidates", "claim_lookup"),
    ]
    with _all_patched([(obj, name, _timer(times, counts, key)) for obj, name, key in steps]):
        t0, c0 = time.perf_counter(), time.process_time()
        summary = link.link_batch(store, documents, resources)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
    dup, claims = times.get("duplicates", 0.0), times.get("contradictions", 0.0)
    return {
        "seconds": total,
        "cpu_s": cpu,  # this process (SQLite runs in it): steadier than wall time on a busy machine
        "duplicates_s": dup,
        "fusion_s": total - dup - claims,
        "contradictions_s": claims,
        "parts_s": {k: v for k, v in times.items() if k not in ("duplicates", "contradictions")},
        "returned": counts,
        "summary": {"duplicates": len(summary.duplicates), "clusters_changed": summary.clusters_changed,
                    "events_linked": summary.events_linked, "contradictions": summary.contradictions},
    }  # fmt: skip


@contextmanager
def _all_patched(items: Sequence[tuple[Any, str, Callable[[Any], Any]]]) -> Iterator[None]:
    saved = []
    try:
        for obj, name, wrap in items:
            own = not isinstance(obj, type) and name in vars(obj)
            saved.append((obj, name, getattr(obj, name), own))
            setattr(obj, name, wrap(getattr(obj, name)))
        yield
    finally:
        for obj, name, old, own in reversed(saved):
            if isinstance(obj, type) or own or not hasattr(type(obj), name):
                setattr(obj, name, old)
            else:
                delattr(obj, name)  # an instance attribute shadowing a method: drop it


_STATE = (
    "SELECT id, duplicate_of FROM documents ORDER BY id",
    "SELECT doc_id, id, cluster_id FROM events ORDER BY doc_id, id",
    "SELECT * FROM clusters ORDER BY id",
    "SELECT id FROM stale_clusters ORDER BY id",
    "SELECT doc_id, signature, shingles, extractor FROM fingerprints ORDER BY doc_id",
    "SELECT band, doc_id FROM fingerprint_bands ORDER BY band, doc_id",
    "SELECT doc_id, claim_id, date, facts_json FROM claim_facts ORDER BY doc_id, claim_id",
    "SELECT place, doc_id, claim_id FROM claim_fact_places ORDER BY place, doc_id, claim_id",
    "SELECT * FROM contradictions ORDER BY id",
)


def link_state(db: sqlite3.Connection) -> str:
    """A digest of everything the link stage writes (to check that a rerun changes nothing)."""
    h = hashlib.blake2b(digest_size=16)
    for sql in _STATE:
        h.update(sql.encode())
        for row in db.execute(sql):
            h.update(repr(row).encode())
    return h.hexdigest()


def _copy_store(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        s = Path(str(src) + suffix)
        if s.exists():
            shutil.copyfile(s, Path(str(dst) + suffix))


def measure_batch(
    path: Path, documents: list[Document], resources: Any, rerun: bool, trace: list[str] | None = None
) -> dict[str, Any]:
    """Commit the batch (as the runner: COMMIT_BATCH per transaction), link it, and optionally link again."""
    from frontwire.store import open_store

    store: Any = open_store(path)
    try:
        t0 = time.perf_counter()
        written: set[str] = set()
        for i in range(0, len(documents), COMMIT_BATCH):
            result = store.add_documents(documents[i : i + COMMIT_BATCH])
            written |= set(result.stored) | set(result.updated)
        commit_s = time.perf_counter() - t0
        docs = [d for d in documents if d.id in written]
        if trace is not None:
            store.db.set_trace_callback(trace.append)
        out = timed_link(store, docs, resources)
        store.db.set_trace_callback(None)
        out.update(commit_s=commit_s, docs=len(docs), events=sum(len(d.events) for d in docs))
        if rerun:
            before = link_state(store.db)
            again = timed_link(store, docs, resources)
            out["rerun"] = {"seconds": again["seconds"], "unchanged": link_state(store.db) == before,
                            "summary": again["summary"]}  # fmt: skip
    finally:
        store.close()
    return out


def store_counts(path: Path) -> dict[str, float]:
    db = sqlite3.connect(path)
    try:
        out: dict[str, float] = {}
        for table in ("documents", "events", "clusters", "fingerprints", "claim_facts", "contradictions"):
            out[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        out["duplicates"] = int(
            db.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL").fetchone()[0]
        )
        out["mb"] = round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6, 1)
        return out
    finally:
        db.close()


# -- query plans -----------------------------------------------------------------------------------

_LITERAL = re.compile(r"x'[0-9a-fA-F]*'|'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|-\d+(?:\.\d+)?\b")
_LIST = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)")
_SKIP = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


def statement_shape(sql: str) -> str:
    """The statement with its literals as ``?`` and its IN lists as ``(?, ...)``."""
    return _LIST.sub("(?, ...)", _LITERAL.sub("?", " ".join(sql.split())))


def query_plans(db: sqlite3.Connection, statements: Sequence[str]) -> list[dict[str, Any]]:
    """EXPLAIN QUERY PLAN of each distinct statement the link step ran; full table scans flagged."""
    shapes: dict[str, dict[str, Any]] = {}
    for sql in statements:
        if _SKIP.match(sql):
            continue
        shape = statement_shape(sql)
        if shape in shapes:
            shapes[shape]["runs"] += 1
            continue
        try:
            plan_rows = db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            lines = [str(r[-1]) for r in plan_rows]
        except sqlite3.Error as exc:
            lines = [f"(no plan: {exc})"]
        scans = [
            line for line in lines
            if line.startswith("SCAN ") and not line.startswith(("SCAN CONSTANT ROW", "SCAN json_each"))
        ]  # fmt: skip
        shapes[shape] = {"query": shape, "runs": 1, "plan": lines, "full_scans": scans}
    return list(shapes.values())


# Lookups a foreign key or a cascade makes that EXPLAIN QUERY PLAN does not show: the child table
# searched when a parent row goes (INSERT OR REPLACE deletes the old row first).
HIDDEN_LOOKUPS = (
    ("claim_facts replaced or deleted -> ON DELETE CASCADE into claim_fact_places",
     "SELECT 1 FROM claim_fact_places WHERE doc_id = 'd' AND claim_id = 'c'"),
    ("fingerprints/documents deleted -> ON DELETE CASCADE into fingerprint_bands",
     "SELECT 1 FROM fingerprint_bands WHERE doc_id = 'd'"),
    ("documents deleted -> ON DELETE CASCADE into contradictions (b side)",
     "SELECT 1 FROM contradictions WHERE b_doc = 'd'"),
    ("documents deleted -> ON DELETE CASCADE into claim_facts",
     "SELECT 1 FROM claim_facts WHERE doc_id = 'd'"),
)  # fmt: skip


def hidden_plans(db: sqlite3.Connection) -> list[dict[str, Any]]:
    out = []
    for why, sql in HIDDEN_LOOKUPS:
        lines = [str(r[-1]) for r in db.execute("EXPLAIN QUERY PLAN " + sql)]
        out.append({"query": sql, "why": why, "plan": lines,
                    "full_scans": [x for x in lines if x.startswith("SCAN ")]})  # fmt: skip
    return out


def cluster_range(db: sqlite3.Connection, documents: Sequence[Document], sample: int = 200) -> dict[str, Any]:
    """How much of clusters_cell the candidate-cluster lookup walks per event (sampled events).

    The lookup bounds (event_type = ?, cell IN (the 3 x 3 neighbour cells), date_end >= ?) with the
    index; date_start <= ? is checked in the index entries walked.
    """
    from frontwire.link.fusion import WIDEN_DAYS, neighbour_cells

    events = [e for d in documents for e in d.events if e.lat is not None and e.date and e.modality is None]
    events = events[:: max(1, len(events) // sample)][:sample]
    walked = returned = 0
    for e in events:
        start, _, end = (e.date or "").partition("/")
        widen = timedelta(days=WIDEN_DAYS.get(e.time_precision or 3, WIDEN_DAYS[3]) + WIDEN_DAYS[3])
        lo = (date.fromisoformat(start) - widen).isoformat()
        hi = (date.fromisoformat(end or start) + widen).isoformat()
        assert e.lat is not None and e.lon is not None
        cells = neighbour_cells(e.lat, e.lon)
        marks = ",".join("?" * len(cells))
        w, r = db.execute(
            f"SELECT count(*), sum(date_start <= ?) FROM clusters WHERE event_type = ? AND cell IN ({marks})"
            " AND date_end >= ?",
            (hi, e.event_type, *cells, lo),
        ).fetchone()
        walked, returned = walked + w, returned + (r or 0)
    n = max(1, len(events))
    total = int(db.execute("SELECT count(*) FROM clusters").fetchone()[0])
    return {"events_sampled": len(events), "clusters": total, "index_entries_walked": walked / n,
            "rows_returned": returned / n}  # fmt: skip


# -- the whole measurement -------------------------------------------------------------------------


def run(
    sizes: Sequence[int],
    batch: int = 1000,
    rerun: int = 10_000,
    workdir: Path | None = None,
    exact: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build each store, link the batch (spread and recent) against a fresh copy of it, time every step.

    The batch is linked a second time (the rerun must change nothing) against stores of up to
    ``rerun`` documents.
    """
    say = progress or (lambda _msg: None)
    from frontwire.resources import Resources

    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1 or batch < 1:
        raise ValueError("link sizes and the batch must be positive")
    resources = Resources()
    t0 = time.perf_counter()
    world = World(resources.gazetteer)
    _ = resources.link_rules
    setup_s = time.perf_counter() - t0
    base = sizes[0]
    out: dict[str, Any] = {
        "sizes": sizes,
        "batch": batch,
        "setup_s": setup_s,
        "runs": {},
        "modes": ["spread", "recent"],
    }
    with tempfile.TemporaryDirectory(prefix="frontwire-linkbench-", dir=workdir) as tmp:
        root = Path(tmp)
        for n in sizes:
            path = root / f"store-{n}.db"
            say(f"building a store of {n:,} documents")
            build = build_store(path, n, base, world, resources, exact=exact)
            say(f"built in {build['seconds']:.0f} s")
            run_n: dict[str, Any] = {"build": build, "counts": store_counts(path), "modes": {}}
            for mode in out["modes"]:
                docs = batch_documents(world, batch, base, mode)
                copy = root / f"store-{n}-{mode}.db"
                _copy_store(path, copy)
                if mode == "spread":
                    db = sqlite3.connect(copy)
                    try:
                        run_n["cluster_range"] = cluster_range(db, docs)
                    finally:
                        db.close()
                trace: list[str] | None = [] if n == base and mode == "spread" else None
                run_n["modes"][mode] = got = measure_batch(copy, docs, resources, n <= rerun, trace)
                say(f"{mode} batch against {n:,}: linked in {got['seconds']:.1f} s")
                if trace is not None:
                    db = sqlite3.connect(copy)
                    try:
                        out["plans"] = query_plans(db, trace)
                        out["hidden_plans"] = hidden_plans(db)
                    finally:
                        db.close()
                for p in root.glob(copy.name + "*"):
                    p.unlink()
            out["runs"][str(n)] = run_n
            for p in root.glob(path.name + "*"):
                p.unlink()
    return out


def growth_exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float | None:
    """log(t_last / t_first) / log(n_last / n_first): 1 is per-batch time linear in the store."""
    if len(sizes) < 2 or sizes[-1] == sizes[0] or seconds[0] <= 0 or seconds[-1] <= 0:
        return None
    return math.log(seconds[-1] / seconds[0]) / math.log(sizes[-1] / sizes[0])
