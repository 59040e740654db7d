"""The read indexes of m006 and the query rewrites that use them give the same rows, in the same
order, as the plain SQL they replace (frontwire/store/sqlite.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from frontwire.evaluate.apibench import synthetic_documents
from frontwire.store import open_store
from frontwire.store.sqlite import SQLiteStore, SQLQueries


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    docs = list(synthetic_documents(400, seed=3))
    # Spellings that fold alike only under Unicode case folding, and one unresolved spelling.
    docs[0].events[0].place, docs[0].events[0].place_id = "Straße", None
    docs[1].events[0].place, docs[1].events[0].place_id = "STRASSE", None
    docs[2].events[0].admin1 = "DNIPRÓ"
    s = open_store(tmp_path_factory.mktemp("idx") / "idx.db")
    assert isinstance(s, SQLiteStore)
    s.add_documents(docs[:50])
    s.add_documents(docs[50:])  # the triggers keep place_names as rows arrive
    yield s
    s.close()


def _plain(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, **kw: object) -> list[object]:
    with monkeypatch.context() as m:
        m.setattr(SQLiteStore, "_event_place", SQLQueries._event_place)
        return store.query_events(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("place", ["strasse", "Bakhmut", "DONETSK", "dnipró", "Klishchiivka", "nowhere"])
@pytest.mark.parametrize("limit", [3, 500])  # a short page walks the date order; a long one fetches
def test_event_place_filter_matches_fw_fold(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, place: str, limit: int
) -> None:
    got = store.query_events(place=place, limit=limit)
    assert got == _plain(store, monkeypatch, place=place, limit=limit)
    if place == "strasse":
        assert {r["place"] for r in got} == {"Straße", "STRASSE"}
    got = store.query_events(place=place, type_="Battles", limit=limit, offset=1)
    assert got == _plain(store, monkeypatch, place=place, type_="Battles", limit=limit, offset=1)


def test_place_spellings(store: SQLiteStore) -> None:
    assert sorted(store.place_spellings("strasse")) == ["STRASSE", "Straße"]
    assert set(store.place_spellings("dnipró")) == {"Dnipró", "DNIPRÓ"}
    assert store.place_spellings("donetsk") == ["Donetsk"]


def _plan(store: SQLiteStore, sql: str, params: list[object]) -> str:
    return " | ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_default_orders_walk_an_index(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, list[object]]] = []
    db = store.db

    class Spy:
        def execute(self, sql: str, params: list[object] = []) -> object:  # noqa: B006
            seen.append((sql, list(params)))
            return db.execute(sql, params)

    monkeypatch.setattr(store, "db", Spy())
    store.query_events()
    store.query_claims()
    store.query_claims(stance="hedged", speaker="zelensky")
    monkeypatch.setattr(store, "db", db)
    # The pages' own queries (not the counts that choose the speaker filter's plan).
    pages = [(sql, params) for sql, params in seen if sql.startswith(("SELECT e.*", "SELECT c.doc_id"))]
    plans = [_plan(store, sql, params) for sql, params in pages]
    assert len(plans) == 3
    assert "events_order" in plans[0] and "TEMP B-TREE" not in plans[0], plans[0]
    assert "SCAN d USING INDEX documents_order" in plans[1] and "claims_order" in plans[1], plans[1]
    assert "USE TEMP B-TREE FOR ORDER BY" not in plans[1], plans[1]
    # A speaker: the date walk when it is common, else its claims through the speaker indexes.
    walks = "SCAN d USING INDEX documents_order" in plans[2] and "TEMP B-TREE FOR ORDER BY" not in plans[2]
    fetches = "claims_speaker (speaker_name=?)" in plans[2] and "claims_speaker_text (speaker=?)" in plans[2]
    assert walks or fetches, plans[2]
    assert "SCAN c" not in plans[2], plans[2]


def test_default_orders_unchanged(store: SQLiteStore) -> None:
    events = store.query_events(limit=1000)
    key = [(r["date_start"] is None, r["date_start"] or "", r["doc_id"], r["start"]) for r in events]
    assert key == sorted(key) and events[-1]["date_start"] is None  # undated events last
    claims = store.query_claims(limit=2000)
    ck = [(-int(r["published"].replace("-", "")), r["doc_id"], r["start"], r["claim_id"]) for r in claims]
    assert ck == sorted(ck)
    hedged = store.query_claims(stance="hedged", limit=2000)
    assert hedged == [r for r in claims if r["stance"] == "hedged"]


def test_migration_fills_place_names_from_stored_rows(tmp_path: Path) -> None:
    from tests.store.old_schema import old_schema

    path = tmp_path / "old.db"
    with old_schema("m006"):
        old = open_store(path)
        old.add_documents(list(synthetic_documents(8, seed=1)))
        old.close()
    new = open_store(path)
    try:
        names = {r[0] for r in new.db.execute("SELECT name FROM place_names")}  # type: ignore[attr-defined]
        events = {r["place"] for r in new.query_events(limit=100)}
        assert events <= names
    finally:
        new.close()
