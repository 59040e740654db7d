"""Tests of frontwire/store/sqlite.py: idempotent writes, migrations, queries, FTS."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from frontwire.errors import NotFound
from frontwire.model import (
    Article,
    Boilerplate,
    Claim,
    Document,
    Entity,
    Mention,
    PlaceMention,
    TimeExpression,
    entity_id,
)
from frontwire.store import migrations, open_store

TEXT = "Kyrylenko said Bakhmut is under fire on Monday."


def make_doc(doc_id: str = "d1", text: str = TEXT, raw: str = "r1") -> Document:
    eid = entity_id("PERSON", "Pavlo Kyrylenko")
    pid = "geonames:713174"
    doc = Document(
        article=Article(
            id=doc_id,
            source=f"{doc_id}.txt",
            text=text,
            title="Bakhmut under fire",
            published="2023-03-07",
            raw_sha256=raw,
            boilerplate=[Boilerplate(start=0, end=15, text="Connect with us", reason="social")],
        ),
        entities=[Entity(id=eid, name="Pavlo Kyrylenko", type="PERSON", aliases=["Kyrylenko"])],
        mentions=[
            Mention(text="Kyrylenko", start=0, end=9, name="Pavlo Kyrylenko", type="PERSON", entity_id=eid)
        ],
        times=[
            TimeExpression(
                text="on Monday",
                start=37,
                end=46,
                type="DATE",
                value="2023-03-06/2023-03-06",
                precision="day",
            )
        ],
        places=[
            PlaceMention(
                text="Bakhmut",
                start=15,
                end=22,
                name="Bakhmut",
                place_id=pid,
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
                speaker="Kyrylenko",
                speaker_start=0,
                speaker_end=9,
                speaker_name="Pavlo Kyrylenko",
                speaker_entity_id=eid,
                cue="said",
                cue_start=10,
                cue_end=14,
                direct=False,
                stance="asserted",
                content="Bakhmut is under fire on Monday",
                start=15,
                end=46,
            )
        ],
    )
    return doc


def test_sqlite_offsets_of_fixture_are_exact() -> None:
    doc = make_doc()
    for rec in [*doc.mentions, *doc.times, *doc.places]:
        assert doc.text[rec.start : rec.end] == rec.text
    assert doc.text[15:46] == doc.claims[0].content


def test_sqlite_add_is_idempotent(store) -> None:  # type: ignore[no-untyped-def]
    first = store.add_documents([make_doc()])
    again = store.add_documents([make_doc()])
    assert first.stored == ["d1"] and first.duplicates == []
    assert again.stored == [] and again.duplicates == ["d1"]
    counts = store.counts()
    assert counts["documents"] == 1 and counts["mentions"] == 1 and counts["claims"] == 1


def test_sqlite_roundtrip_keeps_the_document_json(store) -> None:  # type: ignore[no-untyped-def]
    doc = make_doc()
    store.add_documents([doc])
    back = store.get("d1").to_json()
    want = doc.to_json()
    for key in ("id", "text", "title", "published", "boilerplate", "claims", "times"):
        assert back[key] == want[key], key
    assert back["entities"][0]["name"] == "Pavlo Kyrylenko"
    assert back["places"][0]["lat"] == pytest.approx(48.594)


def test_sqlite_get_missing_raises_not_found(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        store.get("nope")


def test_sqlite_same_text_other_id_is_marked_duplicate(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc("d1")])
    # Re-publication: same body (different case/spacing), other URL-derived id.
    store.add_documents([make_doc("d2", text=TEXT.upper().replace(" ", "  "), raw="r2")])
    rows = {r["id"]: r for r in store.documents()}
    assert rows["d2"]["duplicate_of"] == "d1"
    assert rows["d1"]["duplicate_of"] is None


def test_sqlite_queries_filter(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    assert [r["name"] for r in store.entities(type_="person")] == ["Pavlo Kyrylenko"]
    assert store.entities(type_="GPE") == []
    assert len(store.query_claims(speaker="kyrylenko")) == 1
    assert store.query_claims(stance="hedged") == []
    assert store.query_places(name="bakh")[0]["country"] == "UA"
    assert store.query_times()[0]["value"] == "2023-03-06/2023-03-06"
    assert store.has_raw("r1") == "d1" and store.has_raw("zz") is None


def test_sqlite_search_ranks_and_refuses_bad_syntax(store) -> None:  # type: ignore[no-untyped-def]
    from frontwire.store.base import QueryError

    store.add_documents([make_doc()])
    hits = store.search("bakhmut")
    assert [h["id"] for h in hits] == ["d1"]
    assert "[Bakhmut]" in hits[0]["snippet"]
    # Invalid FTS5 syntax is an error that says so (issue 10), not a silent fallback.
    with pytest.raises(QueryError, match="invalid full-text query"):
        store.search('"unbalanced')
    assert store.search("Odesa") == []


def test_sqlite_injection_is_inert(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    assert store.query_claims(speaker="x' OR '1'='1") == []
    assert store.counts()["documents"] == 1


def test_sqlite_skips_are_recorded_and_cleared_on_success(store) -> None:  # type: ignore[no-untyped-def]
    store.record_skip("d1.txt", "empty", "nothing there")
    assert store.skips()[0]["reason"] == "empty"
    store.add_documents([make_doc()])  # same source later succeeds
    assert store.skips() == []


def test_sqlite_migrations_run_once_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    open_store(path).close()
    open_store(path).close()
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM migrations ORDER BY name")]
    # Every registered migration ran, once, in name order.
    assert names == sorted(name for name, _ in migrations.MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_failed_batch_stores_nothing(store) -> None:  # type: ignore[no-untyped-def]
    bad = make_doc("d9")
    bad.claims[0].stance = "maybe"  # violates the CHECK constraint
    from frontwire.errors import StoreError

    with pytest.raises(StoreError):
        store.add_documents([make_doc("d8", raw="r8"), bad])
    assert store.counts()["documents"] == 0


def test_sqlite_dangling_operator_is_a_syntax_error(store) -> None:  # type: ignore[no-untyped-def]
    from frontwire.store.base import QueryError

    store.add_documents([make_doc()])
    for query in ("Bakhmut OR", "kyrylenko AND"):
        with pytest.raises(QueryError, match="FTS5 syntax"):
            store.search(query)
    assert [h["id"] for h in store.search('"Bakhmut" OR "nowhere"')] == ["d1"]


def test_sqlite_changed_page_under_same_id_replaces_the_old_version(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    store.add_documents([make_doc("d2", text=TEXT + " ", raw="r2")])  # re-publication of d1's text
    new_text = "Kyrylenko said Bakhmut held through the night."
    updated = make_doc(text=new_text, raw="r1b")
    updated.claims = []
    result = store.add_documents([updated])
    assert result.updated == ["d1"] and result.stored == [] and result.duplicates == []
    assert store.get("d1").text == new_text
    assert store.counts()["documents"] == 2
    # d1's old extractions went with its old version; d2's stay.
    assert store.query_claims(doc_id="d1") == [] and len(store.query_claims(doc_id="d2")) == 1
    assert store.search("night")[0]["id"] == "d1" and store.search("fire")[0]["id"] == "d2"


def test_sqlite_replace_reprocesses_same_text(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc()])
    again = make_doc()
    again.article.published = "2023-03-08"
    result = store.add_documents([again], replace=True)
    assert result.updated == ["d1"]
    assert store.get("d1").article.published == "2023-03-08"


def test_sqlite_find_ids_by_prefix(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc("abc1"), make_doc("abd2", raw="r2")])
    assert store.find_ids("abc") == ["abc1"]
    assert sorted(store.find_ids("ab")) == ["abc1", "abd2"]
    assert store.find_ids("a%") == store.find_ids("a")  # LIKE wildcards in input are not patterns


def test_sqlite_query_open_does_not_create(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from frontwire.errors import StoreError

    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "typo.db", create=False)
    assert not (tmp_path / "typo.db").exists()
