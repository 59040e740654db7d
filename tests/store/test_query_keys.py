"""The query commands that read m010's keys and per-day summaries give the rows of the plain SQL
(the fw_fold filters over every row, grouped and sorted): entities and places --since/--until,
places --name and places --mentions --name through the place mention spellings, --outlet through
the outlet spellings, documents --sort title through title_key, claims --sort speaker by spelling
groups, events --sort published walking the documents, search with the page's snippets only."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontwire.store import open_store
from frontwire.store.sqlite import SQLiteStore, _order, _rows
from tests.store.test_summaries import as_sets, changed, corpus, plain_place_mentions


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    docs = corpus(200, seed=11)
    # Titles and outlets that fold alike only under Unicode case folding, and no title at all.
    for i, title in enumerate(["Straße news", "STRASSE NEWS", "Éclair", "éclair", None, "zebra", "Zebra"]):
        docs[i].article.title = title
    docs[7].article.outlet, docs[8].article.outlet = "Die Straße", "DIE STRASSE"
    # A place mention whose text names what its place's name does not, and an unresolved one.
    i = next(i for i in range(9, 40) if docs[i].places[0].place_id)
    docs[i].places[0] = dataclasses.replace(docs[i].places[0], text="Kyiv-Pechersk")
    docs[i + 1].places[0] = dataclasses.replace(
        docs[i + 1].places[0], text="KYIVSKA", place_id=None, name=None
    )
    # Claims with neither speaker nor speaker name (sort last by speaker).
    for c in docs[i + 2].claims + docs[i + 3].claims:
        c.speaker, c.speaker_name = None, None
    s = open_store(tmp_path_factory.mktemp("keys") / "keys.db")
    assert isinstance(s, SQLiteStore)
    s.add_documents(docs[:150])
    s.add_documents([changed(d, i) for i, d in enumerate(docs[20:30])], replace=True)
    s.add_documents(docs[150:])
    yield s
    s.close()


def _page(
    store: SQLiteStore, sql: str, params: list[Any], kind: str, kw: dict[str, Any]
) -> list[dict[str, Any]]:
    sql += _order(kind, kw.get("sort")) + " LIMIT ? OFFSET ?"
    return _rows(store.db.execute(sql, [*params, kw.get("limit", 100), kw.get("offset", 0)]))


def _period(column: str, since: str | None, until: str | None) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if since:
        where.append(f"{column} >= ?")
        params.append(since)
    if until:
        where.append(f"substr({column}, 1, 10) <= ?")  # the day counts, whatever its time
        params.append(until)
    return where, params


def plain_entities(store: SQLiteStore, **kw: Any) -> list[dict[str, Any]]:
    where, params = _period("d.published", kw.get("since"), kw.get("until"))
    if kw.get("type_"):
        where.append("e.type = ?")
        params.append(kw["type_"])
    if kw.get("outlet"):
        where.append("fw_fold(d.outlet) = ?")
        params.append(kw["outlet"].casefold())
    sql = (
        "SELECT e.id, e.name, e.type, count(*) AS mentions, count(DISTINCT m.doc_id) AS documents,"
        " group_concat(DISTINCT m.role) AS roles, group_concat(DISTINCT d.outlet) AS outlets,"
        " min(d.published) AS first_published, max(d.published) AS last_published"
        " FROM entities e JOIN mentions m ON m.entity_id = e.id JOIN documents d ON d.id = m.doc_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY e.id"
    )
    return as_sets(_page(store, sql, params, "entities", kw), "roles", "outlets")


def plain_places(store: SQLiteStore, **kw: Any) -> list[dict[str, Any]]:
    where, params = _period("d.published", kw.get("since"), kw.get("until"))
    if kw.get("name"):
        where.append("(instr(fw_fold(p.name), ?) > 0 OR instr(fw_fold(pm.text), ?) > 0)")
        params += [kw["name"].casefold()] * 2
    sql = (
        "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, count(*) AS mentions,"
        " count(DISTINCT pm.doc_id) AS documents, group_concat(DISTINCT d.outlet) AS outlets,"
        " min(d.published) AS first_published, max(d.published) AS last_published"
        " FROM place_mentions pm JOIN places p ON p.id = pm.place_id JOIN documents d ON d.id = pm.doc_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY p.id"
    )
    return as_sets(_page(store, sql, params, "places", kw), "outlets")


PERIODS = [
    {"since": "2022-03-01"},
    {"until": "2022-06-30"},
    {"since": "2022-02-01", "until": "2022-04-15"},
    {"since": "2031-01-01"},
]
PAGES = [{}, {"limit": 5, "offset": 3}, {"sort": "name"}, {"sort": "-date"}, {"sort": "documents"}]


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("page", PAGES)
def test_entities_and_places_in_a_period(
    store: SQLiteStore, period: dict[str, Any], page: dict[str, Any]
) -> None:
    for kw in ({}, {"type_": "PERSON"}):
        got = as_sets(store.entities(**kw, **period, **page), "roles", "outlets")
        assert got == plain_entities(store, **kw, **period, **page), kw
    if period == PERIODS[0] and not page:
        assert store.query_places("pechersk") and store.place_mentions("kyivska")  # the cases are there
    got_places = as_sets(store.query_places(**period, **page), "outlets")
    assert got_places == plain_places(store, **period, **page)


@pytest.mark.parametrize("name", ["kyiv", "KYIV", "bakhm", "pechersk", "kyivska", "nowhere"])
@pytest.mark.parametrize("page", PAGES)
def test_places_by_name(store: SQLiteStore, name: str, page: dict[str, Any]) -> None:
    assert as_sets(store.query_places(name, **page), "outlets") == plain_places(store, name=name, **page)


@pytest.mark.parametrize("name", ["kyiv", "pechersk", "kyivska", "nowhere"])
@pytest.mark.parametrize("page", [{"limit": 3}, {"limit": 2000}, {"limit": 7, "offset": 4}, {"sort": "name"}])
def test_place_mentions_by_name(store: SQLiteStore, name: str, page: dict[str, Any]) -> None:
    assert store.place_mentions(name, **page) == plain_place_mentions(store, name=name, **page)
    doc = store.db.execute("SELECT doc_id FROM place_mentions WHERE text = 'KYIVSKA'").fetchone()[0]
    assert store.place_mentions(name, doc) == plain_place_mentions(store, name=name, doc_id=doc)


@pytest.mark.parametrize("outlet", ["die strasse", "DIE STRAßE", "nobody's"])
def test_outlet_spellings(store: SQLiteStore, outlet: str) -> None:
    key = outlet.casefold()
    docs = _page(
        store,
        "SELECT d.id FROM documents d WHERE fw_fold(d.outlet) = ?",
        [key],
        "documents",
        {"limit": 1000},
    )
    assert [r["id"] for r in store.documents(outlet=outlet, limit=1000)] == [r["id"] for r in docs]
    assert as_sets(store.entities(outlet=outlet), "roles", "outlets") == plain_entities(store, outlet=outlet)
    claims = _page(
        store,
        "SELECT c.doc_id, c.claim_id FROM claims c JOIN documents d ON d.id = c.doc_id"
        " WHERE fw_fold(d.outlet) = ?",
        [key],
        "claims",
        {},
    )
    assert [(r["doc_id"], r["claim_id"]) for r in store.query_claims(outlet=outlet)] == [
        (r["doc_id"], r["claim_id"]) for r in claims
    ]
    if outlet != "nobody's":
        assert docs, "the spellings fold to the outlet"


@pytest.mark.parametrize(
    "page", [{"limit": 1000}, {"limit": 5, "offset": 2}, {"sort": "-title", "limit": 20}]
)
def test_documents_by_title(store: SQLiteStore, page: dict[str, Any]) -> None:
    kw = {"sort": "title", **page}
    plain = _page(store, "SELECT d.id FROM documents d", [], "documents", kw)
    assert [r["id"] for r in store.documents(**kw)] == [r["id"] for r in plain]


CLAIM_COLUMNS = (
    "SELECT c.doc_id, c.claim_id, c.speaker, c.speaker_name, c.cue, c.direct, c.stance, c.content,"
    " c.start, c.end, c.said_on, c.parent, c.extractor, c.confidence, d.outlet, d.title, d.published"
    " FROM claims c JOIN documents d ON d.id = c.doc_id"
)


@pytest.mark.parametrize(
    "kw",
    [
        {"sort": "speaker"},
        {"sort": "-speaker"},
        {"sort": "speaker", "limit": 5000},
        {"sort": "-speaker", "limit": 5000},
        {"sort": "speaker", "limit": 7, "offset": 30},
        {"sort": "speaker", "stance": "hedged"},
        {"sort": "speaker", "since": "2022-05-01", "limit": 300},
    ],
)
def test_claims_by_speaker(store: SQLiteStore, kw: dict[str, Any]) -> None:
    where, params = _period("d.published", kw.get("since"), None)
    if kw.get("stance"):
        where.append("c.stance = ?")
        params.append(kw["stance"])
    sql = CLAIM_COLUMNS + (" WHERE " + " AND ".join(where) if where else "")
    plain = _page(store, sql, params, "claims", kw)
    for r in plain:
        r["direct"] = bool(r["direct"])
    assert store.query_claims(**kw) == plain
    if kw.get("limit") == 5000:
        assert any(r["speaker"] is None and r["speaker_name"] is None for r in plain[-5:])


@pytest.mark.parametrize("kw", [{}, {"type_": "Battles"}, {"limit": 3, "offset": 2}, {"limit": 5000}])
def test_events_by_published(store: SQLiteStore, kw: dict[str, Any]) -> None:
    got = store.query_events(sort="published", **kw)
    ids = [(r["doc_id"], r["id"]) for r in got]
    sql = "SELECT e.doc_id, e.id FROM events e JOIN documents d ON d.id = e.doc_id"
    params: list[Any] = []
    if kw.get("type_"):
        sql += " WHERE e.event_type = ?"
        params.append(kw["type_"])
    plain = _page(store, sql, params, "events", {**kw, "sort": "published"})
    assert ids == [(r["doc_id"], r["id"]) for r in plain]
    assert got == store.query_events(sort="published", **kw, place=None)


@pytest.mark.parametrize(
    ("sort", "limit", "offset"),
    [(None, 30, 0), ("date", 30, 0), (None, 7, 5), ("-rank", 9, 3), ("rank", 500, 0), ("date", 4, 11)],
)
def test_search_pages_as_the_plain_query(
    store: SQLiteStore, sort: str | None, limit: int, offset: int
) -> None:
    """The ranked page is taken on the index side before its documents are read (no filter given):
    the same rows, ranks, snippets and order as the plain join, ties in storage order."""
    word = "Bakhmut"
    got = store.search(word, limit=limit, offset=offset, sort=sort)
    plain = _rows(
        store.db.execute(
            "SELECT d.id, d.title, d.published, d.outlet, snippet(documents_fts, 1, '[', ']', ' … ', 12)"
            " AS snippet, bm25(documents_fts) AS rank FROM documents_fts JOIN documents d"
            " ON d.rowid = documents_fts.rowid WHERE documents_fts MATCH ?"
            + _order("search", sort)
            + " LIMIT ? OFFSET ?",
            [word, limit, offset],
        )
    )
    assert got == plain and got


def test_search_breaks_equal_ranks_by_storage_order(tmp_path: Path) -> None:
    docs = corpus(12, seed=5)
    for d in docs[4:]:  # eight re-publications of one text under new ids: equal bm25 ranks
        d.article.text, d.article.title = docs[3].article.text, docs[3].article.title
    s = open_store(tmp_path / "ties.db")
    s.add_documents(docs)
    word = next(w for w in docs[3].article.text.split() if w.isalpha() and len(w) > 6)
    stored = [r[0] for r in s.db.execute("SELECT id FROM documents ORDER BY rowid")]
    copies = [i for i in stored if i in {d.id for d in docs[3:]}]
    hits = [h for h in s.search(word, limit=50) if h["id"] in copies]
    assert len({h["rank"] for h in hits}) == 1 and len(hits) == 9
    assert [h["id"] for h in hits] == copies
    # Paging through the tie gives each copy once, in the same order.
    paged = [h["id"] for k in range(0, 50, 4) for h in s.search(word, limit=4, offset=k) if h["id"] in copies]
    assert paged == copies
    s.close()


def test_upgrade_to_m010_keeps_the_reads(tmp_path: Path) -> None:
    from tests.store.old_schema import old_schema
    from tests.store.test_summaries import assert_summaries_match

    path = tmp_path / "m009.db"
    docs = corpus(30, seed=3)
    docs[0].article.title = "Straße"
    with old_schema("m010"):
        old = open_store(path)
        old.add_documents(docs)
        old.close()
    s = open_store(path)
    assert isinstance(s, SQLiteStore)
    try:
        assert_summaries_match(s)
        assert s.db.execute("SELECT title_key FROM documents WHERE title = 'Straße'").fetchone() == (
            "strasse",
        )
        for period in PERIODS:
            got = as_sets(s.entities(**period), "roles", "outlets")
            assert got == plain_entities(s, **period)
    finally:
        s.close()
