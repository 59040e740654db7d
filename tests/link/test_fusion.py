"""Tests of frontwire/link/fusion.py: which reports are one event, the fused record, corroboration."""

from __future__ import annotations

from dataclasses import replace

from frontwire.link.fusion import Cluster, EventView, assign, cluster_id, distance, fuse, km

KHARKIV = (49.99, 36.23)
BAKHMUT = (48.59, 38.00)

SHELLING = "Shelling/artillery/missile attack"
BASE = EventView(
    id="e1", doc_id="d1", event_type="Explosions/Remote violence", sub_event_type=SHELLING,
    actor1="Military Forces of Russia (2000-)", actor2=None, place="Kharkiv", place_id="geonames:706483",
    admin1="Kharkivska", lat=KHARKIV[0], lon=KHARKIV[1], geo_precision=1, date_start="2023-03-06",
    date_end="2023-03-06", time_precision=1, fatalities=(None, 3, None), feature="city",
    published="2023-03-06", outlets=("Outlet A",), independent_key="outlet a", claimed_by_party=False,
    confidence=0.8,
)  # fmt: skip


def test_fusion_km_is_great_circle() -> None:
    # 1.4 degrees of latitude (156 km) and 1.77 of longitude at 49.3 N (129 km): about 202 km.
    assert 195 < km(*KHARKIV, *BAKHMUT) < 210


def test_fusion_same_event_from_another_outlet_matches() -> None:
    other = replace(BASE, id="e2", doc_id="d2", lat=50.0, lon=36.25, time_precision=2,
                    date_start="2023-03-07", date_end="2023-03-07", outlets=("Outlet B",),
                    independent_key="outlet b")  # fmt: skip
    assert distance(BASE, other) is not None


def test_fusion_careless_merges_are_refused() -> None:
    # Same place, another day (both exact days); same day, another town; another type; no place.
    assert distance(BASE, replace(BASE, id="x", date_start="2023-03-09", date_end="2023-03-09")) is None
    assert distance(BASE, replace(BASE, id="x", lat=BAKHMUT[0], lon=BAKHMUT[1], place="Bakhmut")) is None
    assert distance(BASE, replace(BASE, id="x", event_type="Battles", sub_event_type="Armed clash")) is None
    assert distance(BASE, replace(BASE, id="x", lat=None, lon=None)) is None
    # Placed only in a country: no single location to fuse on.
    ukraine = replace(BASE, place="Ukraine", feature="country", geo_precision=3, lat=49.0, lon=32.0)
    assert distance(ukraine, replace(ukraine, id="x", doc_id="d2")) is None
    # Conflicting actors: Ukraine's shelling is not Russia's.
    assert distance(BASE, replace(BASE, id="x", actor1="Military Forces of Ukraine (2019-)")) is None


def test_fusion_assign_and_fuse_keep_disagreements_and_count_independent_outlets() -> None:
    a = BASE
    b = replace(BASE, id="e2", doc_id="d2", fatalities=(None, 5, None), outlets=("Outlet B",),
                independent_key="outlet b", geo_precision=2, confidence=0.6)  # fmt: skip
    # A wire copy of b's report, re-published by Outlet C: a publisher, not an independent source.
    c = replace(b, id="e3", doc_id="d3", outlets=("Outlet C",), independent_key="outlet b")
    far = replace(BASE, id="e4", doc_id="d4", lat=BAKHMUT[0], lon=BAKHMUT[1], place="Bakhmut")
    clusters = assign([a, b, c, far], [])
    assert sorted(len(k.members) for k in clusters) == [1, 3]
    big = next(k for k in clusters if len(k.members) == 3)
    assert big.id == cluster_id("e1")  # founded by the first event in date, document order
    fused = fuse(big)
    assert fused.corroboration == 2
    assert fused.outlets == ["Outlet A", "Outlet B", "Outlet C"]
    assert fused.place == "Kharkiv" and fused.geo_precision == 1  # the most precise member
    assert fused.disagreements["fatalities"] == [3, 5]
    assert fused.fatalities is not None and fused.fatalities["best"] == 5  # two reports say 5
    assert not fused.claimed_only


def test_fusion_incremental_update_keeps_the_cluster_id() -> None:
    [first] = assign([BASE], [])
    later = replace(BASE, id="e9", doc_id="d9", outlets=("Outlet Z",), independent_key="outlet z")
    [changed] = assign([later], [Cluster(first.id, list(first.members))])
    assert changed.id == first.id and len(changed.members) == 2


def test_fusion_claimed_only_when_every_report_is_a_party_claim() -> None:
    claimed = replace(BASE, claimed_by_party=True)
    assert fuse(Cluster("k", [claimed, replace(claimed, id="e2", doc_id="d2")])).claimed_only
    assert not fuse(Cluster("k", [claimed, replace(BASE, id="e2", doc_id="d2")])).claimed_only
