"""Tests of the events table (migration m003) and Store.query_events in frontwire/store/sqlite.py."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from frontwire.model import Article, Claim, Document, Event, PlaceMention
from frontwire.store import migrations, open_store

TEXT = (
    "Wagner Group fighters shelled Bakhmut on Monday, killing 3 to 5 soldiers, Prigozhin claimed. "
    "Ukrainian forces may withdraw from Soledar."
)
SHELL = TEXT.index("Wagner")
SHELL_END = TEXT.index("Ukrainian") - 1
WITHDRAW = TEXT.index("Ukrainian")
BAKHMUT = "geonames:713174"
SOLEDAR = "geonames:697889"


def shelling(**changes: object) -> Event:
    event = Event(
        id="e1",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        plover_type="ASSAULT",
        plover_mode="heavy-weapons",
        actor1="Wagner Group",
        actor2="Military Forces of Ukraine (2019-)",
        target=None,
        place="Bakhmut",
        place_id=BAKHMUT,
        country="UA",
        admin1="Donetsk",
        lat=48.594,
        lon=37.999,
        geo_precision=1,
        date="2023-03-06/2023-03-06",
        time_precision=1,
        date_from_published=False,
        fatalities={"low": 3, "best": 4, "high": 5},
        reported_by="c1",
        stance="hedged",
        evidence=TEXT[SHELL:SHELL_END],
        start=SHELL,
        end=SHELL_END,
        trigger="shelled",
        modality=None,
        extractor="events.rules/1",
        confidence=0.8,
    )
    return replace(event, **changes)  # type: ignore[arg-type]


def withdrawal(**changes: object) -> Event:
    # Nulls wherever a field can be null: no actor2, no fatalities, no claim, no date of its own.
    event = Event(
        id="e2",
        event_type="Strategic developments",
        sub_event_type="Change to group/activity",
        plover_type="RETREAT",
        plover_mode=None,
        actor1="Military Forces of Ukraine (2019-)",
        actor2=None,
        target=None,
        place="Soledar",
        place_id=SOLEDAR,
        country="UA",
        admin1="Donetsk",
        lat=48.683,
        lon=38.087,
        geo_precision=2,
        date=None,
        time_precision=None,
        date_from_published=True,
        fatalities=None,
        reported_by=None,
        stance=None,
        evidence=TEXT[WITHDRAW:],
        start=WITHDRAW,
        end=len(TEXT),
        modality="future",
    )
    return replace(event, **changes)  # type: ignore[arg-type]


def make_doc(doc_id: str = "d1", events: list[Event] | None = None, **article: object) -> Document:
    fields: dict[str, object] = {
        "id": doc_id,
        "source": f"{doc_id}.txt",
        "text": TEXT,
        "title": "Bakhmut shelled",
        "outlet": "Kyiv Independent",
        "published": "2023-03-07",
        "raw_sha256": f"raw-{doc_id}",
    }
    fields.update(article)
    bakhmut = TEXT.index("Bakhmut")
    return Document(
        article=Article(**fields),  # type: ignore[arg-type]
        places=[
            PlaceMention(
                text="Bakhmut",
                start=bakhmut,
                end=bakhmut + 7,
                name="Bakhmut",
                place_id=BAKHMUT,
                country="UA",
                admin1="Donetsk",
                lat=48.594,
                lon=37.999,
                feature="city",
                precision=1,
            )
        ],
        claims=[
            Claim(
                id="c1",
                speaker="Prigozhin",
                speaker_start=TEXT.index("Prigozhin"),
                speaker_end=TEXT.index("Prigozhin") + 9,
                speaker_name="Yevgeny Prigozhin",
                speaker_entity_id=None,
                cue="claimed",
                cue_start=TEXT.index("claimed"),
                cue_end=TEXT.index("claimed") + 7,
                direct=False,
                stance="hedged",
                content=TEXT[SHELL : TEXT.index(", Prigozhin")],
                start=SHELL,
                end=TEXT.index(", Prigozhin"),
            )
        ],
        events=[shelling(), withdrawal()] if events is None else events,
    )


def ids(rows: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(r["doc_id"], r["id"]) for r in rows]


def test_events_fixture_offsets_are_exact() -> None:
    doc = make_doc()
    for e in doc.events:
        assert doc.text[e.start : e.end] == e.evidence
    assert doc.text[doc.places[0].start : doc.places[0].end] == "Bakhmut"


def test_events_roundtrip_is_exact(store) -> None:  # type: ignore[no-untyped-def]
    doc = make_doc()
    store.add_documents([doc])
    back = store.get("d1")
    assert back.events == doc.events  # both events, every field, in the document's order
    assert Document.from_json(back.to_json()).to_json()["events"] == doc.to_json()["events"]
    assert back.events[0].fatalities == {"low": 3, "best": 4, "high": 5}
    assert back.events[1].fatalities is None and back.events[1].date_from_published is True


def test_events_partial_fatalities_come_back_with_all_three_keys(store) -> None:  # type: ignore[no-untyped-def]
    stated = {"low": None, "best": 2, "high": None}
    store.add_documents([make_doc(events=[shelling(fatalities=stated), withdrawal(fatalities={"high": 9})])])
    back = store.get("d1").events
    assert back[0].fatalities == stated  # the canonical form round-trips exactly
    assert back[1].fatalities == {"low": None, "best": None, "high": 9}


def test_events_all_null_fatalities_are_none(store) -> None:  # type: ignore[no-untyped-def]
    nulls = {"low": None, "best": None, "high": None}
    store.add_documents([make_doc(events=[shelling(fatalities=nulls)])])
    assert store.get("d1").events[0].fatalities is None  # no stated number: unknown, not a count


def test_events_unknown_fatality_key_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    from frontwire.errors import StoreError

    with pytest.raises(StoreError, match="low/best/high"):
        store.add_documents([make_doc(events=[shelling(fatalities={"dead": 2})])])
    assert store.counts()["documents"] == 0


def test_events_rerun_keeps_one_copy(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    again = store.add_documents([make_doc()])
    assert again.duplicates == ["d1"]
    assert store.counts()["events"] == 2
    # Replacing with the same events (a reprocess) still leaves one row per event id.
    store.add_documents([make_doc()], replace=True)
    assert store.counts()["events"] == 2


def test_events_duplicate_event_id_in_one_document_is_stored_once(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc(events=[shelling(), shelling()])])
    assert store.counts()["events"] == 1


def test_events_replacing_a_document_replaces_its_events(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    store.add_documents([make_doc("d2", text=TEXT + " More.")])
    store.add_documents([make_doc(events=[withdrawal(id="e9")])], replace=True)
    assert [e.id for e in store.get("d1").events] == ["e9"]
    assert ids(store.query_events(doc_id="d1")) == [("d1", "e9")]
    assert len(store.query_events(doc_id="d2")) == 2  # the other document's events stay


def test_events_place_without_a_mention_gets_a_places_row(store) -> None:  # type: ignore[no-untyped-def]
    # Soledar has no place mention in the document: the event writes its places row itself.
    store.add_documents([make_doc()])
    assert store.query_places(name="soledar") == []  # no mention of it, so not a mentioned place
    row = store.db.execute("SELECT name, admin1 FROM places WHERE id = ?", (SOLEDAR,)).fetchone()
    assert row == ("Soledar", "Donetsk")
    soledar = store.query_events(place="Soledar")
    assert [r["id"] for r in soledar] == ["e2"] and soledar[0]["place_name"] == "Soledar"


def test_events_rows_carry_provenance(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    row = store.query_events(sub_type="shelling/artillery/missile attack")[0]
    assert row["doc_id"] == "d1" and row["outlet"] == "Kyiv Independent"
    assert row["title"] == "Bakhmut shelled" and row["published"] == "2023-03-07"
    assert row["evidence"] == TEXT[SHELL:SHELL_END] and (row["start"], row["end"]) == (SHELL, SHELL_END)
    assert row["extractor"] == "events.rules/1" and row["confidence"] == pytest.approx(0.8)
    assert row["date_start"] == row["date_end"] == "2023-03-06"
    assert row["fatalities"] == {"low": 3, "best": 4, "high": 5}
    assert (row["reported_by"], row["stance"], row["reported_by_speaker"]) == (
        "c1",
        "hedged",
        "Yevgeny Prigozhin",
    )
    assert row["place_name"] == "Bakhmut" and row["lat"] == pytest.approx(48.594)
    assert row["modality"] is None
    assert store.query_events(type_="strategic developments")[0]["modality"] == "future"


def test_events_filter_by_type_and_sub_type(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    assert ids(store.query_events(type_="Battles")) == []
    assert ids(store.query_events(type_="EXPLOSIONS/REMOTE VIOLENCE")) == [("d1", "e1")]
    assert ids(store.query_events(sub_type="change to group/activity")) == [("d1", "e2")]
    # A sub-type under another event type matches nothing.
    assert store.query_events(type_="Battles", sub_type="Change to group/activity") == []
    assert store.query_events(sub_type="Air/drone strike") == []


def test_events_filter_by_place_name_or_admin1(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    assert [r["id"] for r in store.query_events(place="bakhmut")] == ["e1"]
    assert [r["id"] for r in store.query_events(place="DONETSK")] == ["e1", "e2"]  # both in the oblast
    assert store.query_events(place="Bakh") == []  # whole names, not prefixes
    assert store.query_events(place="Kharkiv") == []


def test_events_filter_by_actor_either_side(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    assert [r["id"] for r in store.query_events(actor="wagner")] == ["e1"]  # actor1
    # Ukraine is actor2 of the shelling and actor1 of the withdrawal.
    assert [r["id"] for r in store.query_events(actor="forces of ukraine")] == ["e1", "e2"]
    assert store.query_events(actor="Hamas") == []
    assert store.query_events(actor="x' OR '1'='1") == []  # parameters, not SQL


@pytest.fixture
def dated(store):  # type: ignore[no-untyped-def]
    """Four events: a day (Mar 6), a week (Feb 27-Mar 5), a later day (Mar 10), an undated one."""
    store.add_documents(
        [
            make_doc(
                events=[
                    shelling(id="day", date="2023-03-06/2023-03-06"),
                    shelling(id="week", date="2023-02-27/2023-03-05", start=SHELL + 1),
                    shelling(id="later", date="2023-03-10/2023-03-10", start=SHELL + 2),
                    withdrawal(id="undated"),
                ]
            )
        ]
    )
    return store


def test_events_period_keeps_overlapping_intervals(dated) -> None:  # type: ignore[no-untyped-def]
    # The week starts before the period and ends inside it: it overlaps, so it is in.
    assert [r["id"] for r in dated.query_events(since="2023-03-01", until="2023-03-06")] == ["week", "day"]
    # Boundaries are inclusive on both sides.
    assert [r["id"] for r in dated.query_events(since="2023-03-05", until="2023-03-05")] == ["week"]
    assert [r["id"] for r in dated.query_events(since="2023-03-06")] == ["day", "later"]
    assert [r["id"] for r in dated.query_events(until="2023-02-27")] == ["week"]
    assert dated.query_events(since="2023-03-07", until="2023-03-09") == []
    assert dated.query_events(until="2023-02-26") == []


def test_events_ordering_limit_offset(dated) -> None:  # type: ignore[no-untyped-def]
    # By first day, undated last.
    assert [r["id"] for r in dated.query_events()] == ["week", "day", "later", "undated"]
    assert [r["id"] for r in dated.query_events(limit=2)] == ["week", "day"]
    assert [r["id"] for r in dated.query_events(limit=2, offset=2)] == ["later", "undated"]
    assert dated.query_events(offset=4) == []


def test_events_ordering_ties_by_document_then_offset(store) -> None:  # type: ignore[no-untyped-def]
    same_day = "2023-03-06/2023-03-06"
    store.add_documents(
        [
            make_doc(
                "b", events=[shelling(id="b-late", start=50, date=same_day), shelling(id="b-early", start=5)]
            ),
            make_doc("a", text=TEXT + " ", events=[shelling(id="a-only", start=90, date=same_day)]),
        ]
    )
    assert ids(store.query_events()) == [("a", "a-only"), ("b", "b-early"), ("b", "b-late")]


def test_events_bad_period_date_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        store.query_events(since="March 2023")
    with pytest.raises(ValueError):
        store.query_events(until="2023-02-30")


def test_events_filters_become_indexed_sql(sqlite_store) -> None:  # type: ignore[no-untyped-def]
    # SQLite's planner (its trace callback and EXPLAIN QUERY PLAN); PostgreSQL's: the test below.
    store = sqlite_store
    store.add_documents([make_doc()])
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    store.query_events(sub_type="Agreement")
    store.db.set_trace_callback(None)
    sql = statements[-1]  # as executed, parameters filled in
    where = sql.rsplit(" WHERE ", 1)[1].split(" ORDER BY ")[0]
    # Only the filter given is in the statement, and the sub-type brings its event type along.
    assert "IS NULL" not in where and "instr" not in where and "date_" not in where
    assert "e.event_type = 'Strategic developments'" in where
    plan = " ".join(str(r[-1]) for r in store.db.execute("EXPLAIN QUERY PLAN " + sql))
    assert "events_type" in plan, plan


def test_events_filters_become_indexed_sql_on_postgres(postgres_url: str) -> None:
    from frontwire.store.postgres import PostgresStore

    store = PostgresStore(postgres_url)
    try:
        store.add_documents([make_doc()])
        statements: list[str] = []
        execute = store.db.execute

        def traced(sql: str, params=()):  # type: ignore[no-untyped-def]
            statements.append(sql)
            return execute(sql, params)

        store.db.execute = traced  # type: ignore[method-assign]
        store.query_events(sub_type="Agreement")
        store.db.execute = execute  # type: ignore[method-assign]
        sql = statements[-1]
        where = sql.rsplit(" WHERE ", 1)[1].split(" ORDER BY ")[0]
        assert "IS NULL" not in where and "instr" not in where and "date_" not in where
        assert where.count("e.event_type = ?") == 1 and "e.sub_event_type = ?" in where
        store.conn.execute("SET enable_seqscan = off")  # a one-document table: ask whether the index serves
        params = ["Strategic developments", "Agreement", 100, 0]
        plan = " ".join(r[0] for r in store.db.execute("EXPLAIN " + sql, params).fetchall())
        assert "events_type" in plan, plan
    finally:
        store.close()


def test_events_migration_keeps_documents_of_the_previous_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", [x for x in migrations.MIGRATIONS if x[0] < "m003"])
        assert migrations.migrate(old) == ["m001_documents", "m002_claims_times_places"]
    # A document as the previous version stored it, with a row in the JSON seam.
    old.execute(
        "INSERT INTO documents (id, source, text, text_sha256, title) VALUES (?, ?, ?, ?, ?)",
        ("old1", "old.txt", "Old text.", "sha-old", "Old title"),
    )
    old.execute("INSERT INTO events (doc_id, seq, event_json) VALUES ('old1', 0, '{}')")
    old.close()

    store = open_store(path)
    try:
        names = [r[0] for r in store.db.execute("SELECT name FROM migrations ORDER BY name")]
        # Every registered migration ran, once, in name order.
        assert names == sorted(name for name, _ in migrations.MIGRATIONS)
        kept = store.get("old1")
        assert kept.article.title == "Old title" and kept.events == []
        assert store.counts()["documents"] == 1 and store.counts()["events"] == 0
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(events)")}
        assert {"date_start", "fatalities_best", "place_id", "event_type"} <= columns
        assert "event_json" not in columns
        store.add_documents([make_doc()])  # the new table takes events
        assert store.get("d1").events == make_doc().events
    finally:
        store.close()


def test_events_taxonomy_is_acled_six_types_and_25_sub_types() -> None:
    from frontwire.store import taxonomy

    types = taxonomy.event_types()
    # DESIGN section 4: 3 battles, 6 explosions, 3 violence against civilians, 3 protests, 2 riots,
    # 8 strategic developments.
    assert {t: len(subs) for t, subs in types.items()} == {
        "Battles": 3,
        "Explosions/Remote violence": 6,
        "Violence against civilians": 3,
        "Protests": 3,
        "Riots": 2,
        "Strategic developments": 8,
    }
    assert len(taxonomy.sub_event_types()) == 25  # no sub-type under two types
    assert taxonomy.event_type(" riots ") == "Riots"
    assert taxonomy.sub_event_type("AIR/DRONE STRIKE") == "Air/drone strike"
    assert taxonomy.sub_event_types()["Attack"] == "Violence against civilians"
    assert taxonomy.event_type("Shelling") is None and taxonomy.sub_event_type("Battles") is None
