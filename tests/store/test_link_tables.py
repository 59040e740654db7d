"""Tests of the link tables of the SQLite store (frontwire/store/sqlite_link.py) and of link_batch on them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from frontwire.link import link_batch
from frontwire.link.duplicates import fingerprint
from frontwire.model import Article, Document, Event

BODY = (
    "Russian forces shelled the eastern city of Kharkiv overnight, killing three civilians and damaging "
    "a school, the regional governor said on Tuesday. Air defence units shot down several drones over "
    "the region, while emergency crews worked through the morning to clear rubble from residential "
    "buildings."
)


def _event(doc: str, n: int, **changes: Any) -> Event:
    e = Event(
        id=f"{doc}-e{n}", event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack", plover_type="ASSAULT", plover_mode=None,
        actor1="Military Forces of Russia (2000-)", actor2=None, target=None, place="Kharkiv",
        place_id="geonames:706483", country="UA", admin1="Kharkivska", lat=49.99, lon=36.23, geo_precision=1,
        date="2023-03-06/2023-03-06", time_precision=1, date_from_published=False, fatalities=None,
        reported_by=None, stance=None, evidence=BODY[:40], start=0, end=40,
    )  # fmt: skip
    return replace(e, **changes)


def _doc(doc_id: str, text: str = BODY, outlet: str | None = None, events: int = 1, **art: Any) -> Document:
    article = Article(
        id=doc_id, source=f"{doc_id}.txt", text=text, outlet=outlet, published="2023-03-07", **art
    )
    return Document(article=article, events=[_event(doc_id, n) for n in range(events)])


def test_link_tables_same_text_from_another_outlet_is_kept_as_a_copy(store: Any) -> None:
    first = store.add_documents([_doc("d1", outlet="Outlet A")])
    assert first.stored == ["d1"]
    again = store.add_documents([_doc("d1", outlet="Outlet A")])  # a rerun: nothing new
    assert again.duplicates == ["d1"] and again.copies == []
    copy = store.add_documents([_doc("d1", outlet="Outlet B")])  # same text and id, another publisher
    assert len(copy.copies) == 1 and copy.duplicates == []
    row = next(r for r in store.documents() if r["id"] == copy.copies[0])
    assert row["duplicate_of"] == "d1" and row["outlet"] == "Outlet B"
    # The copy has no extractions of its own; a second identical copy adds nothing.
    assert store.counts()["events"] == 1
    assert store.add_documents([_doc("d1", outlet="Outlet B")]).duplicates == ["d1"]


def test_link_tables_fingerprint_bands_find_candidates(store: Any) -> None:
    store.add_documents([_doc("d1"), _doc("d2", text=BODY.replace("Kharkiv", "Sumy") * 2)])
    fp1, fp2 = fingerprint("d1", BODY), fingerprint("d2", BODY.replace("Kharkiv", "Sumy") * 2)
    assert fp1 is not None and fp2 is not None
    store.save_fingerprints([fp1, fp2], "test/1")
    found = {f.doc_id for f in store.fingerprint_candidates(fp1.bands)}
    assert "d1" in found
    assert store.fingerprint_candidates(fp1.bands, exclude=["d1", "d2"]) == []


def test_link_batch_clusters_corroboration_and_stale_clusters(store: Any, resources: Any) -> None:
    a = _doc("d1", outlet="Outlet A")
    b = _doc("d2", text=BODY + " Officials gave no further details.", outlet="Outlet B")
    other = _doc(
        "d3", text="Parliament passed the budget bill on Tuesday after a long debate. " * 5, outlet="C"
    )
    other.events = [_event("d3", 0, lat=48.59, lon=38.0, place="Bakhmut", place_id="geonames:713174")]
    store.add_documents([a, b, other])
    summary = link_batch(store, [a, b, other], resources)
    # b's text contains a's: a near-duplicate, so one independent source for the fused event.
    assert summary.duplicates == {"d2": "d1"}
    clusters = store.clusters()
    assert sorted(len(c["events"]) for c in clusters) == [1, 2]
    kharkiv = next(c for c in clusters if c["place"] == "Kharkiv")
    assert kharkiv["corroboration"] == 1 and kharkiv["outlets"] == ["Outlet A", "Outlet B"]
    assert store.clusters(min_sources=2) == []
    # Linking again changes nothing.
    assert link_batch(store, [a, b, other], resources).clusters_changed == 0
    assert store.clusters() == clusters
    # Replacing d3 with a version without events empties its cluster, which the next step drops.
    store.add_documents([replace(other, events=[])], replace=True)
    assert store.stale_clusters()
    dropped = link_batch(store, [replace(other, events=[])], resources).clusters_dropped
    assert dropped == 1 and [c["place"] for c in store.clusters()] == ["Kharkiv"]
    assert store.stale_clusters() == []
    # The stored document JSON carries the cluster id on its events.
    assert store.get("d1").events[0].cluster_id == kharkiv["id"]


def test_link_tables_claim_date_window_holds_only_the_bounds_given() -> None:
    from frontwire.store.sqlite_link import claim_date_window

    assert claim_date_window(None, None) == ("", [])
    clause, bounds = claim_date_window("2022-03-01", "2022-03-10")
    assert clause == " AND (f.date IS NULL OR (f.date >= ? AND f.date <= ?))"
    assert bounds == ["2022-03-01", "2022-03-10"]
    assert claim_date_window(None, "2022-03-10") == (" AND (f.date IS NULL OR (f.date <= ?))", ["2022-03-10"])
