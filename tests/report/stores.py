"""A small hand-made store for the export and report tests: two outlets reporting one shelling of
Bakhmut (fused into one cluster), an attack on civilians, an undated and unplaced drone strike, a
negated event, and two claims about Soledar that contradict each other."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from frontwire.link import link_batch
from frontwire.model import Article, Claim, Document, Event, PlaceMention

BAKHMUT = ("geonames:713174", 48.59419, 37.99886, "Donetsk")
KRAMATORSK = ("geonames:704508", 48.72305, 37.55629, "Donetsk")
SOLEDAR = ("geonames:694423", 48.68333, 38.08333, "Donetsk")
PLACES = {"Bakhmut": BAKHMUT, "Kramatorsk": KRAMATORSK, "Soledar": SOLEDAR}
SCRIPT = "<script>alert('x')</script>"

TEXT_A = (
    "Wagner Group fighters shelled Bakhmut on Monday, killing 4 Ukrainian soldiers, officials said. "
    "Russia's defence ministry said Russian forces captured Soledar. "
    f"Russian troops shelled a school {SCRIPT} in Kramatorsk, the mayor said. "
    "Ukrainian forces did not withdraw from Soledar."
)
TEXT_B = (
    "Mercenaries of the Wagner Group shelled Bakhmut on Monday. "
    "Ukrainian officials said Ukrainian forces still hold Soledar. "
    "A drone strike was reported overnight."
)


def _sentence(text: str, start_word: str) -> tuple[int, int]:
    start = text.index(start_word)
    return start, text.index(".", start) + 1


def _event(doc_id: str, n: int, text: str, first_word: str, **changes: Any) -> Event:
    start, end = _sentence(text, first_word)
    pid, lat, lon, admin1 = BAKHMUT
    e = Event(
        id=f"{doc_id}-e{n}",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        plover_type="ASSAULT",
        plover_mode="heavy-weapons",
        actor1="Wagner Group",
        actor2=None,
        target=None,
        place="Bakhmut",
        place_id=pid,
        country="UA",
        admin1=admin1,
        lat=lat,
        lon=lon,
        geo_precision=1,
        date="2023-03-06/2023-03-06",
        time_precision=1,
        date_from_published=False,
        fatalities=None,
        reported_by=None,
        stance=None,
        evidence=text[start:end],
        start=start,
        end=end,
        trigger="shelled",
        confidence=0.8,
    )
    return replace(e, **changes)


def _places(text: str) -> list[PlaceMention]:
    out = []
    for name, (pid, lat, lon, admin1) in PLACES.items():
        pos = text.find(name)
        while pos >= 0:
            out.append(PlaceMention(name, pos, pos + len(name), name, pid, "UA", admin1, lat, lon, "city", 1))
            pos = text.find(name, pos + 1)
    return sorted(out, key=lambda p: p.start)


def _claim(cid: str, text: str, speaker: str, content: str, stance: str = "asserted") -> Claim:
    s, c = text.index(speaker), text.index(content)
    cue = text.index("said", s)
    return Claim(
        id=cid, speaker=speaker, speaker_start=s, speaker_end=s + len(speaker), speaker_name=speaker,
        speaker_entity_id=None, cue="said", cue_start=cue, cue_end=cue + 4, direct=False, stance=stance,
        content=content, start=c, end=c + len(content),
    )  # fmt: skip


def documents() -> list[Document]:
    a = Document(
        article=Article(
            id="a" * 64,
            source="a.html",
            text=TEXT_A,
            url="https://outlet-a.example/bakhmut",
            outlet="Outlet A",
            title="Shelling in Donetsk <b>region</b>",
            published="2023-03-07",
        )
    )
    a.places = _places(TEXT_A)
    a.claims = [_claim("c1", TEXT_A, "Russia's defence ministry", "Russian forces captured Soledar")]
    kpid, klat, klon, _ = KRAMATORSK
    spid, slat, slon, _ = SOLEDAR
    a.events = [
        _event(
            a.id,
            0,
            TEXT_A,
            "Wagner",
            actor2="Military Forces of Ukraine (2019-)",
            fatalities={"low": None, "best": 4, "high": None},
        ),
        _event(
            a.id,
            1,
            TEXT_A,
            "Russian troops",
            event_type="Violence against civilians",
            sub_event_type="Attack",
            actor1="Military Forces of Russia (2000-)",
            actor2="Civilians",
            target="a school",
            place="Kramatorsk",
            place_id=kpid,
            lat=klat,
            lon=klon,
        ),
        _event(
            a.id,
            2,
            TEXT_A,
            "Ukrainian forces did",
            event_type="Strategic developments",
            sub_event_type="Non-violent transfer of territory",
            actor1="Military Forces of Ukraine (2019-)",
            place="Soledar",
            place_id=spid,
            lat=slat,
            lon=slon,
            modality="negated",
        ),
    ]
    b = Document(
        article=Article(
            id="b" * 64, source="b.txt", text=TEXT_B, url=None, outlet="Outlet B", published="2023-03-08"
        )
    )
    b.places = _places(TEXT_B)
    b.claims = [_claim("c1", TEXT_B, "Ukrainian officials", "Ukrainian forces still hold Soledar")]
    unplaced = dict.fromkeys(("actor1", "place", "place_id", "country", "admin1", "lat", "lon"))
    b.events = [
        _event(b.id, 0, TEXT_B, "Mercenaries"),
        _event(
            b.id,
            1,
            TEXT_B,
            "A drone",
            sub_event_type="Air/drone strike",
            geo_precision=None,
            date=None,
            time_precision=None,
            **unplaced,
        ),
    ]
    return [a, b]


def fill(store: Any, resources: Any) -> list[Document]:
    """Store the documents and run the link stage on them (clusters, contradictions)."""
    docs = documents()
    store.add_documents(docs)
    link_batch(store, docs, resources)
    return docs
