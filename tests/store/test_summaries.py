"""The counts kept on write (m008, frontwire/store/summaries.py) are the grouped counts of the stored
rows after inserts, replaces and deletes, on both backends; an old store gets them on upgrade; the
queries that read them (and the speaker filter through speaker_names) give the rows the grouped
SQL gives."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontwire.evaluate.apibench import synthetic_documents
from frontwire.model import Document
from frontwire.store import open_store
from frontwire.store.sqlite import SQLiteStore, _order, _rows
from tests.store.old_schema import old_schema

ROLES = [None, None, None, "President", "Kremlin spokesman", "head, of a group", "Präsident"]


def corpus(n: int = 40, seed: int = 5) -> list[Document]:
    """Synthetic documents with mention roles, some with no outlet or no date, and a few mentions
    sharing one entity within a document."""
    rng = random.Random(seed)
    docs = list(synthetic_documents(n * 3, seed=seed, per_doc=3))
    for i, doc in enumerate(docs):
        doc.mentions = [dataclasses.replace(m, role=rng.choice(ROLES)) for m in doc.mentions]
        if i % 7 == 3:
            doc.article.outlet = None
        if i % 9 == 4:
            doc.article.published = None
    return docs


def changed(doc: Document, seed: int) -> Document:
    """A new version of ``doc``: half its mentions and place mentions, another outlet and date."""
    rng = random.Random(seed)
    art = dataclasses.replace(
        doc.article,
        text=doc.article.text + " Updated.",
        outlet=rng.choice(["AP", None]),
        published=rng.choice(["2021-01-01", "2030-12-31", None]),
    )
    return dataclasses.replace(
        doc,
        article=art,
        mentions=doc.mentions[::2],
        places=doc.places[1::2],
        events=[],
        claims=doc.claims[:1],
    )


def _set(store: Any, sql: str) -> set[tuple[Any, ...]]:
    return {tuple(r) for r in store.db.execute(sql).fetchall()}


# The summaries as the grouped queries over the raw tables give them.
EXPECTED = {
    "entity_stats": "SELECT m.entity_id, count(*), count(DISTINCT m.doc_id), min(d.published),"
    " max(d.published) FROM mentions m JOIN documents d ON d.id = m.doc_id GROUP BY m.entity_id",
    "entity_roles": "SELECT entity_id, role, count(*) FROM mentions WHERE role IS NOT NULL"
    " GROUP BY entity_id, role",
    "entity_outlets": "SELECT m.entity_id, d.outlet, count(DISTINCT m.doc_id) FROM mentions m"
    " JOIN documents d ON d.id = m.doc_id WHERE d.outlet IS NOT NULL GROUP BY m.entity_id, d.outlet",
    "entity_days": "SELECT m.entity_id, d.published, count(DISTINCT m.doc_id), count(*) FROM mentions m"
    " JOIN documents d ON d.id = m.doc_id WHERE d.published IS NOT NULL GROUP BY m.entity_id, d.published",
    "entity_day_roles": "SELECT m.entity_id, d.published, m.role, count(*) FROM mentions m"
    " JOIN documents d ON d.id = m.doc_id WHERE d.published IS NOT NULL AND m.role IS NOT NULL"
    " GROUP BY m.entity_id, d.published, m.role",
    "entity_day_outlets": "SELECT m.entity_id, d.published, d.outlet, count(DISTINCT m.doc_id)"
    " FROM mentions m JOIN documents d ON d.id = m.doc_id"
    " WHERE d.published IS NOT NULL AND d.outlet IS NOT NULL"
    " GROUP BY m.entity_id, d.published, d.outlet",
    "place_stats": "SELECT m.place_id, count(*), count(DISTINCT m.doc_id), min(d.published),"
    " max(d.published) FROM place_mentions m JOIN documents d ON d.id = m.doc_id"
    " WHERE m.place_id IS NOT NULL GROUP BY m.place_id",
    "place_outlets": "SELECT m.place_id, d.outlet, count(DISTINCT m.doc_id) FROM place_mentions m"
    " JOIN documents d ON d.id = m.doc_id WHERE m.place_id IS NOT NULL AND d.outlet IS NOT NULL"
    " GROUP BY m.place_id, d.outlet",
    "place_days": "SELECT m.place_id, d.published, count(DISTINCT m.doc_id), count(*) FROM place_mentions m"
    " JOIN documents d ON d.id = m.doc_id WHERE m.place_id IS NOT NULL AND d.published IS NOT NULL"
    " GROUP BY m.place_id, d.published",
    "place_day_outlets": "SELECT m.place_id, d.published, d.outlet, count(DISTINCT m.doc_id)"
    " FROM place_mentions m JOIN documents d ON d.id = m.doc_id"
    " WHERE m.place_id IS NOT NULL AND d.published IS NOT NULL AND d.outlet IS NOT NULL"
    " GROUP BY m.place_id, d.published, d.outlet",
    # (the folding as Python's casefold: the writer's on both backends, SQLite's fw_fold)
    "place_texts": "SELECT text, coalesce(place_id, ''), count(*) FROM place_mentions"
    " GROUP BY text, coalesce(place_id, '')",
    "speaker_days": "SELECT name, published, sum(a), sum(b) FROM (SELECT c.speaker_name AS name, d.published,"
    " 1 AS a, 0 AS b FROM claims c JOIN documents d ON d.id = c.doc_id"
    " UNION ALL SELECT c.speaker, d.published, 0, 1 FROM claims c JOIN documents d ON d.id = c.doc_id) s"
    " WHERE name IS NOT NULL AND published IS NOT NULL GROUP BY name, published",
}


def assert_summaries_match(store: Any) -> None:
    for table, sql in EXPECTED.items():
        columns = "text, place_id, n" if table == "place_texts" else "*"
        assert _set(store, f"SELECT {columns} FROM {table}") == _set(store, sql), table
    assert all(f == t.casefold() for t, f in _set(store, "SELECT text, folded FROM place_texts"))
    outlets = {r[0] for r in _set(store, "SELECT outlet FROM documents WHERE outlet IS NOT NULL")}
    assert outlets <= {r[0] for r in _set(store, "SELECT name FROM outlet_names")}
    assert all(f == n.casefold() for n, f in _set(store, "SELECT name, folded FROM outlet_names"))
    spellings = "SELECT speaker FROM claims WHERE speaker IS NOT NULL UNION SELECT speaker_name FROM claims"
    stored = {r[0] for r in _set(store, "SELECT name FROM speaker_names")}
    assert {r[0] for r in _set(store, spellings) if r[0] is not None} <= stored


def grouped_entities(store: Any, sort: str | None = None, type_: str | None = None) -> list[dict[str, Any]]:
    """entities() as the grouped SQL over every mention gives it (roles and outlets as sets)."""
    where = " WHERE e.type = ?" if type_ else ""
    rows = _rows(
        store.db.execute(
            "SELECT e.id, e.name, e.type, count(*) AS mentions, count(DISTINCT m.doc_id) AS documents,"
            " group_concat(DISTINCT m.role) AS roles, group_concat(DISTINCT d.outlet) AS outlets,"
            " min(d.published) AS first_published, max(d.published) AS last_published"
            " FROM entities e JOIN mentions m ON m.entity_id = e.id JOIN documents d ON d.id = m.doc_id"
            + where + " GROUP BY e.id" + _order("entities", sort) + " LIMIT 1000",
            [type_] if type_ else [],
        )
    )  # fmt: skip
    return rows


def grouped_places(store: Any, sort: str | None = None) -> list[dict[str, Any]]:
    return _rows(
        store.db.execute(
            "SELECT p.id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, count(*) AS mentions,"
            " count(DISTINCT pm.doc_id) AS documents, group_concat(DISTINCT d.outlet) AS outlets,"
            " min(d.published) AS first_published, max(d.published) AS last_published"
            " FROM place_mentions pm JOIN places p ON p.id = pm.place_id JOIN documents d ON d.id = pm.doc_id"
            " GROUP BY p.id" + _order("places", sort) + " LIMIT 1000"
        )
    )


def as_sets(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Rows with their comma lists as sorted lists (the grouped SQL lists them in no set order)."""
    return [{**r, **{k: sorted(r[k].split(",")) if r[k] else None for k in keys}} for r in rows]


def assert_reads_match(store: Any) -> None:
    for sort in ("mentions", "-mentions", "documents", "name", "type", "date", "-date"):
        got = store.entities(sort=sort, limit=1000)
        assert as_sets(got, "roles", "outlets") == as_sets(
            grouped_entities(store, sort), "roles", "outlets"
        ), sort
        for r in got:  # one order on both backends: code-point order
            for k, table, column in (
                ("roles", "entity_roles", "role"),
                ("outlets", "entity_outlets", "outlet"),
            ):
                values = sorted(
                    v for (v,) in _set(store, f"SELECT {column} FROM {table} WHERE entity_id = '{r['id']}'")
                )
                assert r[k] == (",".join(values) or None), r
    assert as_sets(store.entities("PERSON", limit=1000), "roles", "outlets") == as_sets(
        grouped_entities(store, type_="PERSON"), "roles", "outlets"
    )
    for sort in ("mentions", "documents", "name", "country", "-date"):
        got = store.query_places(sort=sort, limit=1000)
        assert as_sets(got, "outlets") == as_sets(grouped_places(store, sort), "outlets"), sort
    assert list(store.entities(limit=5, offset=3)) == list(store.entities(limit=1000)[3:8])


def test_summaries_follow_inserts_replaces_and_deletes(store: Any) -> None:
    docs = corpus()
    for i in range(0, 30, 16):
        store.add_documents(docs[i : i + 16])
    assert_summaries_match(store)
    assert_reads_match(store)
    # New versions: fewer mentions, another outlet and date (their old rows leave the counts).
    store.add_documents([changed(d, i) for i, d in enumerate(docs[:6])], replace=True)
    assert_summaries_match(store)
    # Within one batch: a new document, replaced again in the same batch, and a stored one replaced
    # twice (the first new version never reaches the counts).
    fresh, twice = docs[30], docs[6]
    store.add_documents([fresh, changed(fresh, 1), changed(twice, 2), changed(twice, 3)], replace=True)
    assert_summaries_match(store)
    # Updated text under the same id replaces without --reprocess; a duplicate changes nothing.
    store.add_documents([changed(docs[7], 4), docs[8]])
    store.add_documents(docs[30:])
    assert_summaries_match(store)
    assert_reads_match(store)
    # A document replaced by one with no mentions at all: its entities may leave the summaries.
    bare = [dataclasses.replace(changed(d, 5), mentions=[], places=[]) for d in docs]
    store.add_documents(bare, replace=True)
    assert_summaries_match(store)
    assert store.entities() == [] and store.query_places() == []


@pytest.fixture
def old_store_path(tmp_path: Path) -> Iterator[Path]:
    """A SQLite store as frontwire left it before m008, holding documents."""
    path = tmp_path / "old.db"
    with old_schema("m008"):
        old = open_store(path)
        old.add_documents(corpus(20, seed=2))
        assert old.db.execute("SELECT 1 FROM migrations WHERE name LIKE 'm008%'").fetchone() is None  # type: ignore[attr-defined]
        old.close()
    yield path


def test_old_store_upgrades_with_its_summaries(old_store_path: Path) -> None:
    store = open_store(old_store_path)
    try:
        assert_summaries_match(store)
        assert_reads_match(store)
        store.add_documents([changed(d, i) for i, d in enumerate(corpus(20, seed=2)[:5])], replace=True)
        assert_summaries_match(store)
    finally:
        store.close()


def test_m008_store_upgrades_with_its_speaker_days(tmp_path: Path) -> None:
    path = tmp_path / "m008.db"
    with old_schema("m009"):
        old = open_store(path)
        old.add_documents(corpus(20, seed=4))
        assert _set(old, "SELECT name FROM migrations WHERE name LIKE 'm009%'") == set()
        old.close()
    store = open_store(path)
    try:
        assert_summaries_match(store)
        assert _set(store, "SELECT count(*) FROM speaker_days") != {(0,)}
    finally:
        store.close()


def test_old_postgres_store_upgrades_with_its_summaries(postgres_server: Any) -> None:
    from frontwire.store import postgres

    postgres_url = postgres_server.create("fw_old_m007")  # empty: migrated below, to m007 only
    try:
        _upgrade_postgres(postgres, postgres_url)
    finally:
        postgres_server.drop(postgres_url)


def _upgrade_postgres(postgres: Any, postgres_url: str) -> None:
    with old_schema("m008"), pytest.MonkeyPatch.context() as m:
        m.setattr(postgres, "PG_MIGRATIONS", [x for x in postgres.PG_MIGRATIONS if x[0] < "m008"])
        m.setattr(
            postgres,
            "_STAGED",
            tuple(t for t in postgres._STAGED if t.name not in ("speaker_names", "outlet_names")),
        )
        old = open_store(postgres_url)
        old.add_documents(corpus(20, seed=2))
        assert old.db.execute("SELECT count(*) FROM migrations WHERE name LIKE 'm008%'").fetchone()[0] == 0  # type: ignore[attr-defined]
        old.close()
    store = open_store(postgres_url)
    try:
        assert_summaries_match(store)
        assert_reads_match(store)
        store.add_documents([changed(d, i) for i, d in enumerate(corpus(20, seed=2)[:5])], replace=True)
        assert_summaries_match(store)
    finally:
        store.close()


SPEAKERS = ["zelensky", "ZELENSKY", "kremlin", "a", "strasse", "straße", "präsident", "nobody at all", "he"]


@pytest.fixture(scope="module")
def speaker_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    docs = corpus(300, seed=7)
    # Spellings that fold alike only under Unicode case folding.
    docs[0].claims[0].speaker, docs[1].claims[0].speaker_name = "Herr STRASSE", "Frau Straße"
    docs[2].claims[0].speaker, docs[2].claims[0].speaker_name = "PRÄSIDENT Selenskyj", None
    s = open_store(tmp_path_factory.mktemp("speakers") / "s.db")
    assert isinstance(s, SQLiteStore)
    s.add_documents(docs)
    yield s
    s.close()


def plain_claims(store: SQLiteStore, key: str, **kw: Any) -> list[dict[str, Any]]:
    """claims --speaker as the plain fw_fold SQL over every claim (the filter before m008)."""
    sql = (
        "SELECT c.doc_id, c.claim_id, c.speaker, c.speaker_name, c.cue, c.direct, c.stance, c.content,"
        " c.start, c.end, c.said_on, c.parent, c.extractor, c.confidence, d.outlet, d.title, d.published"
        " FROM claims c JOIN documents d ON d.id = c.doc_id"
        " WHERE (instr(fw_fold(c.speaker_name), ?) > 0 OR instr(fw_fold(c.speaker), ?) > 0)"
    )
    params: list[Any] = [key.casefold()] * 2
    if kw.get("stance"):
        sql += " AND c.stance = ?"
        params.append(kw["stance"])
    sql += _order("claims", kw.get("sort")) + " LIMIT ? OFFSET ?"
    rows = _rows(store.db.execute(sql, [*params, kw.get("limit", 100), kw.get("offset", 0)]))
    for r in rows:
        r["direct"] = bool(r["direct"])
    return rows


@pytest.mark.parametrize("speaker", SPEAKERS)
@pytest.mark.parametrize("limit", [3, 2000])  # a short page may walk the date order; a long one fetches
def test_speaker_filter_matches_fw_fold(speaker_store: SQLiteStore, speaker: str, limit: int) -> None:
    assert speaker_store.query_claims(speaker, limit=limit) == plain_claims(
        speaker_store, speaker, limit=limit
    )
    for kw in ({"stance": "hedged", "offset": 1}, {"sort": "speaker"}, {"sort": "-confidence", "offset": 2}):
        got = speaker_store.query_claims(speaker, limit=limit, **kw)  # type: ignore[arg-type]
        assert got == plain_claims(speaker_store, speaker, limit=limit, **kw), kw
    if speaker == "strasse":
        assert {"Herr STRASSE", "Frau Straße"} <= {
            r["speaker"] if "STRASSE" in (r["speaker"] or "") else r["speaker_name"]
            for r in speaker_store.query_claims(speaker, limit=2000)
        }


def test_speaker_filter_matches_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    def docs() -> list[Document]:
        out = corpus(60, seed=7)
        out[0].claims[0].speaker = "Herr STRASSE"
        return out

    store, lite = open_store(postgres_url), open_store(tmp_path / "lite.db")
    try:
        store.add_documents(docs())
        lite.add_documents(docs())
        for speaker in SPEAKERS:
            for kw in ({}, {"stance": "asserted"}, {"sort": "speaker", "limit": 500}):
                got = store.query_claims(speaker, **kw)  # type: ignore[arg-type]
                assert got == lite.query_claims(speaker, **kw), (speaker, kw)  # type: ignore[arg-type]
    finally:
        store.close()
        lite.close()


# (aliases as the queries name them; "e" is the entities there, one row per entity like the summaries)
BIG = {"mentions", "m", "place_mentions", "pm", "claims", "c", "documents", "d", "times", "t"}


def _plan(store: SQLiteStore, sql: str, params: list[Any]) -> str:
    return " | ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_query_commands_read_no_big_table_whole(
    speaker_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = speaker_store
    some = store.documents(limit=1)[0]["id"]
    popular = store.db.execute(
        "SELECT entity_id FROM entity_stats ORDER BY mentions DESC LIMIT 1"
    ).fetchone()[0]
    place = store.db.execute("SELECT place_id FROM place_stats ORDER BY mentions DESC LIMIT 1").fetchone()[0]
    seen: list[tuple[str, list[Any]]] = []
    db = store.db

    class Spy:
        def execute(self, sql: str, params: Any = ()) -> Any:
            seen.append((sql, list(params)))
            return db.execute(sql, params)

    calls = {
        "entities": lambda: store.entities(),
        "entities --type": lambda: store.entities("PERSON"),
        "entities --doc": lambda: store.entities(None, some),
        "places": lambda: store.query_places(),
        "places --doc": lambda: store.query_places(None, some),
        "claims --speaker": lambda: store.query_claims("zelensky"),
        "claims --speaker rare": lambda: store.query_claims("präsident"),
        "documents": lambda: store.documents(),
        "documents --place": lambda: store.documents(place="Bakhmut"),
        "entities --mentions": lambda: store.entity_mentions(),
        "places --mentions": lambda: store.place_mentions(),
        "times --sort date": lambda: store.query_times(sort="date"),
        "entities --mentions --entity": lambda: store.entity_mentions(entity_id=popular, limit=3),
        "places --mentions --place": lambda: store.place_mentions(place_id=place, limit=3),
    }
    for name, call in calls.items():
        seen.clear()
        monkeypatch.setattr(store, "db", Spy())
        call()
        monkeypatch.setattr(store, "db", db)
        for sql, params in seen:
            lines = _plan(store, sql, params).split(" | ")
            # A page computed first, then read again (a co-routine), holds only the page's rows.
            pages = {x.split()[1] for x in lines if x.startswith(("CO-ROUTINE ", "MATERIALIZE "))}
            if "SCAN d USING INDEX documents_order" in lines:
                # Walking the documents, each one's rows are read by its key, never by an index
                # that holds every row of an entity or place (that would read them per document).
                assert not any("mentions_entity" in x or "place_mentions_place" in x for x in lines), (
                    name,
                    lines,
                )
            for line in lines:
                # No full scan of a table that grows with the documents (a summary or the speaker
                # spellings may be scanned); the date walk of documents stops at the page's end.
                table = line.split()[1] if line.startswith("SCAN ") else None
                if table in BIG and not (line == f"SCAN {table}" and table in pages):
                    assert line == "SCAN d USING INDEX documents_order", (name, sql, line)


# -- the date walks and the place filter of documents give the rows of the plain SQL ---------------
def _plain(
    store: SQLiteStore, select: str, where: list[str], params: list[Any], kind: str, kw: dict[str, Any]
) -> Any:
    order = _order(kind, kw.get("sort"))
    sql = select + (" WHERE " + " AND ".join(where) if where else "") + order + " LIMIT ? OFFSET ?"
    return _rows(store.db.execute(sql, [*params, kw.get("limit", 100), kw.get("offset", 0)]))


def plain_entity_mentions(store: SQLiteStore, **kw: Any) -> Any:
    where, params = [], []
    if kw.get("name"):
        where.append("(instr(fw_fold(e.name), ?) > 0 OR e.id IN (SELECT entity_id FROM entity_aliases"
                     " WHERE instr(fw_fold(alias), ?) > 0))")  # fmt: skip
        params += [kw["name"].casefold()] * 2
    if kw.get("type_"):
        where.append("e.type = ?")
        params.append(kw["type_"])
    if kw.get("entity_id"):
        where.append("m.entity_id = ?")
        params.append(kw["entity_id"])
    if kw.get("since"):
        where.append("d.published >= ?")
        params.append(kw["since"])
    select = (
        "SELECT m.entity_id, e.name, e.type, m.text, m.role, m.doc_id, m.start, m.end, m.extractor,"
        " m.confidence, d.outlet, d.title, d.published"
        " FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN documents d ON d.id = m.doc_id"
    )
    return _plain(store, select, where, params, "entity_mentions", kw)


def plain_place_mentions(store: SQLiteStore, **kw: Any) -> Any:
    where, params = [], []
    if kw.get("name"):
        where.append("(instr(fw_fold(p.name), ?) > 0 OR instr(fw_fold(pm.text), ?) > 0)")
        params += [kw["name"].casefold()] * 2
    if kw.get("place_id"):
        where.append("pm.place_id = ?")
        params.append(kw["place_id"])
    if kw.get("doc_id"):
        where.append("pm.doc_id = ?")
        params.append(kw["doc_id"])
    select = (
        "SELECT pm.place_id, p.name, p.country, p.admin1, p.lat, p.lon, pm.text, pm.precision,"
        " pm.doc_id, pm.start, pm.end, pm.extractor, pm.confidence, d.outlet, d.title, d.published"
        " FROM place_mentions pm LEFT JOIN places p ON p.id = pm.place_id"
        " JOIN documents d ON d.id = pm.doc_id"
    )
    return _plain(store, select, where, params, "place_mentions", kw)


def plain_documents(store: SQLiteStore, **kw: Any) -> Any:
    where, params = [], []
    if kw.get("place"):
        where.append("d.id IN (SELECT pm.doc_id FROM place_mentions pm JOIN places p ON p.id = pm.place_id"
                     " WHERE fw_fold(p.name) = ? OR fw_fold(p.admin1) = ?)")  # fmt: skip
        params += [kw["place"].casefold()] * 2
    select = (
        "SELECT d.id, d.url, d.published, d.outlet, d.title, d.author, d.source, d.duplicate_of,"
        " length(d.text) AS chars, (SELECT count(*) FROM mentions m WHERE m.doc_id = d.id) AS mentions,"
        " (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claims FROM documents d"
    )
    return _plain(store, select, where, params, "documents", kw)


PAGES = [{"limit": 3}, {"limit": 7, "offset": 5}, {"limit": 3000}, {"sort": "-date"}, {"sort": "name"}]


@pytest.mark.parametrize("page", PAGES)
def test_mention_listings_give_the_plain_rows(speaker_store: SQLiteStore, page: dict[str, Any]) -> None:
    store = speaker_store
    some = store.db.execute("SELECT entity_id FROM mentions LIMIT 1 OFFSET 40").fetchone()[0]
    rare = store.db.execute(
        "SELECT entity_id FROM entity_stats ORDER BY mentions, entity_id LIMIT 1"
    ).fetchone()[0]
    for kw in ({}, {"name": "zelensk"}, {"type_": "PERSON"}, {"entity_id": some}, {"entity_id": rare},
               {"name": "nobody"}, {"since": "2023-01-01"}):  # fmt: skip
        assert store.entity_mentions(**kw, **page) == plain_entity_mentions(store, **kw, **page), kw
    pid = store.db.execute(
        "SELECT place_id FROM place_mentions WHERE place_id IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    for kw in ({}, {"name": "bakhm"}, {"place_id": pid}, {"name": "nowhere"}):
        assert store.place_mentions(**kw, **page) == plain_place_mentions(store, **kw, **page), kw
    times = {**page, "sort": page.get("sort", "date").replace("name", "value")}
    plain = _plain(store, "SELECT t.doc_id, t.text, t.start, t.end, t.type, t.value, t.precision, t.anchor,"
                   " t.extractor, t.confidence, d.outlet, d.title, d.published FROM times t"
                   " JOIN documents d ON d.id = t.doc_id", [], [], "times", times)  # fmt: skip
    assert store.query_times(**times) == plain


@pytest.mark.parametrize(
    "page", [{"limit": 3}, {"limit": 50, "offset": 2}, {"limit": 3000}, {"sort": "title", "limit": 100}]
)
@pytest.mark.parametrize("place", [None, "Bakhmut", "donetsk", "DONETSK OBLAST", "Kyïv", "nowhere"])
def test_documents_give_the_plain_rows(
    speaker_store: SQLiteStore, page: dict[str, Any], place: str | None
) -> None:
    kw = {**page, "place": place} if place else page
    assert speaker_store.documents(**kw) == plain_documents(speaker_store, **kw)
