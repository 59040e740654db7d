"""Tests of frontwire/query.py: filter checks that list the valid values, short ids, filters, sorts, pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from frontwire import query
from frontwire.errors import NotFound
from frontwire.model import Entity, Mention, TimeExpression, entity_id
from frontwire.query import InvalidFilter
from frontwire.store import open_store
from frontwire.store.base import QueryError
from tests.store.test_events import TEXT, make_doc, shelling, withdrawal

DOC_A = "ab" * 32
DOC_B = "cd" * 32


def _doc(doc_id: str, outlet: str, published: str, **article: Any) -> Any:
    doc = make_doc(doc_id, outlet=outlet, published=published, raw_sha256=f"raw-{doc_id}", **article)
    eid = entity_id("PERSON", "Yevgeny Prigozhin")
    start = TEXT.index("Prigozhin")
    doc.entities = [Entity(id=eid, name="Yevgeny Prigozhin", type="PERSON", aliases=["Prigozhin"])]
    doc.mentions = [
        Mention(text="Prigozhin", start=start, end=start + 9, entity_id=eid, name="Yevgeny Prigozhin",
                type="PERSON", role="Wagner chief")
    ]  # fmt: skip
    monday = TEXT.index("on Monday")
    doc.times = [
        TimeExpression(text="on Monday", start=monday, end=monday + 9, type="DATE",
                       value="2023-03-06/2023-03-06", precision="day")
    ]  # fmt: skip
    return doc


@pytest.fixture
def two(tmp_path: Path) -> Any:
    """A store of two documents: A (Kyiv Independent, 7 March) and B (Meduza, 20 March, text differs)."""
    store = open_store(tmp_path / "q.db")
    b = _doc(DOC_B, "Meduza", "2023-03-20")
    b.article.text = TEXT  # same offsets; the id differs, so it is another document
    b.events = [shelling(date="2023-03-19/2023-03-19", stance="asserted"), withdrawal()]
    store.add_documents([_doc(DOC_A, "Kyiv Independent", "2023-03-07"), b])
    yield store
    store.close()


def _ids(page: query.Page, key: str = "doc_id") -> list[Any]:
    return [r[key] for r in page.items]


def test_query_entity_types_match_the_nlp_stage() -> None:
    from frontwire.nlp import ENTITY_LABELS

    assert set(query.ENTITY_TYPES) == set(ENTITY_LABELS)


def test_query_contradiction_kinds_are_the_models() -> None:
    from frontwire.link.contradictions import load_rules

    rules = load_rules()
    assert set(rules.confidence) == set(query.CONTRADICTION_KINDS)


@pytest.mark.parametrize(
    ("call", "name", "listed"),
    [
        (lambda s: query.events(s, type_="FOO"), "type", "Strategic developments"),
        (lambda s: query.events(s, sub_type="drone strike"), "sub_type", "Air/drone strike"),
        (
            lambda s: query.events(s, type_="Battles", sub_type="Arrests"),
            "sub_type",
            "Strategic developments",
        ),
        (lambda s: query.claims(s, stance="maybe"), "stance", "asserted, hedged, denied"),
        (lambda s: query.entities(s, type_="PEOPLE"), "type", "ARMED_GROUP"),
        (lambda s: query.clusters(s, type_="Shelling"), "type", "Shelling/artillery/missile attack"),
        (lambda s: query.contradictions(s, kind="lies"), "kind", "casualties"),
        (lambda s: query.events(s, sort="fatal"), "sort", "confidence"),
        (lambda s: query.skips(s, reason="because"), "reason", "too_large"),
    ],
)
def test_query_unknown_values_list_the_valid_ones(two: Any, call: Any, name: str, listed: str) -> None:
    with pytest.raises(InvalidFilter) as info:
        call(two)
    assert info.value.name == name and listed in str(info.value)
    assert info.value.status == 422 and info.value.valid


def test_query_names_are_case_insensitive(two: Any) -> None:
    assert len(query.claims(two, stance="HEDGED").items) == 2  # issue 10: 'Hedged' failed
    assert len(query.claims(two, stance=" hedged ").items) == 2
    assert query.claims(two, stance="Denied").items == []
    assert _ids(query.entities(two, type_="person"), "name") == ["Yevgeny Prigozhin"]
    assert _ids(query.events(two, type_="battles")) == []
    assert len(query.events(two, sub_type="SHELLING/ARTILLERY/MISSILE ATTACK").items) == 2


@pytest.mark.parametrize(
    ("since", "until", "name"),
    [("2023-3-1", None, "since"), (None, "2023-02-30", "until"), ("2023-03-09", "2023-03-01", "since")],
)
def test_query_period_must_be_days_in_order(two: Any, since: Any, until: Any, name: str) -> None:
    with pytest.raises(InvalidFilter) as info:
        query.claims(two, since=since, until=until)
    assert info.value.name == name


def test_query_short_ids_are_accepted_everywhere(two: Any) -> None:
    short = DOC_A[:12]
    assert set(_ids(query.events(two, doc=short))) == {DOC_A}
    assert set(_ids(query.claims(two, doc=short))) == {DOC_A}
    assert set(_ids(query.times(two, doc=short))) == {DOC_A}
    assert _ids(query.entities(two, doc=short), "documents") == [1]
    assert _ids(query.places(two, doc=short), "documents") == [1]
    assert query.document(two, short).id == DOC_A
    assert query.document(two, DOC_A.upper()[:8]).id == DOC_A
    with pytest.raises(InvalidFilter, match="no stored document"):
        query.claims(two, doc="ffff")
    with pytest.raises(NotFound):
        query.document(two, "ffff")


def test_query_ambiguous_prefix_is_an_error(tmp_path: Path) -> None:
    store = open_store(tmp_path / "amb.db")
    store.add_documents([make_doc("abc1"), make_doc("abd2", raw_sha256="r2", text=TEXT + " More.")])
    with pytest.raises(InvalidFilter, match="several"):
        query.events(store, doc="ab")
    assert {r["doc_id"] for r in query.events(store, doc="abc").items} == {"abc1"}
    store.close()


def test_query_filters_outlet_period_place_speaker(two: Any) -> None:
    assert set(_ids(query.claims(two, outlet="meduza"))) == {DOC_B}
    assert set(_ids(query.claims(two, since="2023-03-10"))) == {DOC_B}
    assert set(_ids(query.claims(two, until="2023-03-07"))) == {DOC_A}  # inclusive
    assert set(_ids(query.claims(two, place="BAKHMUT"))) == {DOC_A, DOC_B}  # named in the content
    assert query.claims(two, place="Soledar").items == []  # outside the claim's span
    assert len(query.claims(two, speaker="prigoz").items) == 2
    assert query.claims(two, speaker="%").items == []  # no LIKE wildcards from input
    assert set(_ids(query.events(two, outlet="Kyiv Independent", since="2023-03-01"))) == {DOC_A}
    assert set(_ids(query.events(two, stance="asserted"))) == {DOC_B}
    assert _ids(query.documents(two, place="donetsk"), "id") == [DOC_B, DOC_A]  # newest first
    assert _ids(query.documents(two, outlet="Meduza"), "id") == [DOC_B]
    assert _ids(query.times(two, since="2023-03-15")) == [DOC_B]


def test_query_rows_carry_provenance(two: Any) -> None:
    claim = query.claims(two, outlet="Meduza").items[0]
    assert (claim["doc_id"], claim["outlet"], claim["published"]) == (DOC_B, "Meduza", "2023-03-20")
    when = query.times(two, doc=DOC_A).items[0]
    assert (when["outlet"], when["published"], when["value"]) == (
        "Kyiv Independent",
        "2023-03-07",
        "2023-03-06/2023-03-06",
    )
    place = query.places(two).items[0]
    assert place["outlets"].split(",") == sorted(place["outlets"].split(",")) or place["outlets"]
    assert (place["first_published"], place["last_published"], place["documents"]) == (
        "2023-03-07",
        "2023-03-20",
        2,
    )


def test_query_mentions_behind_places_and_entities(two: Any) -> None:
    behind = query.mentions_of_places(two, name="bakh")
    assert [(r["doc_id"], r["outlet"], r["text"]) for r in behind.items] == [
        (DOC_B, "Meduza", "Bakhmut"),
        (DOC_A, "Kyiv Independent", "Bakhmut"),
    ]
    people = query.mentions_of_entities(two, name="prigozhin", sort="doc")
    assert [(r["doc_id"], r["role"], r["published"]) for r in people.items] == [
        (DOC_A, "Wagner chief", "2023-03-07"),
        (DOC_B, "Wagner chief", "2023-03-20"),
    ]
    assert query.mentions_of_entities(two, name="kyrylenko").items == []


def test_query_pages_are_stable_and_say_what_follows(two: Any) -> None:
    whole = query.events(two, limit=10)
    assert whole.next_offset is None and len(whole.items) == 4
    seen = []
    offset: int | None = 0
    while offset is not None:
        page = query.events(two, limit=3, offset=offset)
        seen += [(r["doc_id"], r["id"]) for r in page.items]
        offset = page.next_offset
    assert seen == [(r["doc_id"], r["id"]) for r in whole.items]
    # Undated events last; then dated by day.
    assert [r["date_start"] for r in whole.items] == ["2023-03-06", "2023-03-19", None, None]
    assert [r["date_start"] for r in query.events(two, sort="-date").items][:2] == [
        "2023-03-19",
        "2023-03-06",
    ]
    with pytest.raises(InvalidFilter):
        query.events(two, limit=0)
    with pytest.raises(InvalidFilter):
        query.events(two, limit=501)
    with pytest.raises(InvalidFilter):
        query.events(two, offset=-1)


def test_query_search_syntax_error_and_date_sort(two: Any) -> None:
    with pytest.raises(QueryError, match="invalid full-text query"):
        query.search(two, '"unbalanced')
    with pytest.raises(InvalidFilter):
        query.search(two, "   ")
    assert _ids(query.search(two, "Bakhmut", sort="date"), "id") == [DOC_B, DOC_A]
    assert _ids(query.search(two, "Bakhmut", outlet="meduza"), "id") == [DOC_B]


def test_query_geojson_is_rfc7946(two: Any) -> None:
    page = query.events(two)
    fc = query.geojson(page.items, lambda r: f"{r['doc_id']}:{r['id']}", next_offset=None)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 4
    first = fc["features"][0]
    assert first["type"] == "Feature" and first["geometry"] == {
        "type": "Point",
        "coordinates": [37.999, 48.594],
    }
    assert (
        "lat" not in first["properties"] and first["properties"]["event_type"] == "Explosions/Remote violence"
    )
    located = replace(withdrawal(), lat=None, lon=None)
    assert (
        query.geojson([{"lat": located.lat, "lon": located.lon}], lambda r: "x")["features"][0]["geometry"]
        is None
    )
