"""frontwire/api over a PostgreSQL store: the same answers as over a SQLite store of the same
documents, token-protected writes, read-only per-thread sessions (a real throw-away server)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontwire.api import create_app
from frontwire.api.deps import StorePool
from frontwire.errors import StoreError
from frontwire.evaluate.apibench import synthetic_documents
from frontwire.model import Document
from frontwire.store.pg_server import PostgresServer
from tests.api.test_app import TOKEN, make_store, two_documents
from tests.test_query import DOC_A, DOC_B

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its httpx-based test client
    from fastapi.testclient import TestClient

SYNTHETIC = 120  # events of varied types, places (one non-ASCII), outlets, speakers and stances


def documents() -> list[Document]:
    """The two hand-made documents and 30 synthetic ones (fresh objects each call)."""
    return [*two_documents(), *synthetic_documents(SYNTHETIC, seed=3)]


@pytest.fixture(scope="module")
def clients(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, Any]]:
    """A TestClient over a SQLite store and one over a PostgreSQL store of the same documents."""
    lite = make_store(tmp_path_factory.mktemp("api") / "api.db", documents())
    url = make_store(postgres_server.database(), documents())
    try:
        with TestClient(create_app(lite, TOKEN)) as a, TestClient(create_app(url, TOKEN)) as b:
            yield a, b
    finally:
        postgres_server.drop(url)


@pytest.fixture
def pg(clients: tuple[Any, Any]) -> Any:
    return clients[1]


CASES = [
    ("/events", {}),
    ("/events", {"limit": 500}),
    ("/events", {"limit": 10, "offset": 40}),
    ("/events", {"type": "explosions/remote violence", "outlet": "meduza"}),
    ("/events", {"type": "Battles", "since": "2022-06-01", "until": "2022-12-31", "limit": 500}),
    ("/events", {"place": "donetsk", "limit": 500}),
    ("/events", {"place": "DNIPRÓ"}),  # Unicode case folding on both
    ("/events", {"place": "bakhmut", "actor": "WAGNER", "stance": "hedged"}),
    ("/events", {"sub_type": "air/drone strike", "sort": "-date", "limit": 7, "offset": 7}),
    ("/events", {"doc": DOC_A[:12]}),
    ("/events", {"format": "geojson", "outlet": "Reuters"}),
    ("/events", {"type": "FOO"}),  # the same 422 listing the valid values
    ("/claims", {}),
    ("/claims", {"limit": 500}),
    ("/claims", {"stance": "Hedged", "speaker": "prigozhin", "since": "2023-03-10"}),
    ("/claims", {"stance": "denied", "limit": 500}),
    ("/claims", {"speaker": "zelensky", "sort": "-date", "limit": 500}),
    ("/claims", {"outlet": "ap", "since": "2022-09-01", "until": "2023-06-30"}),
    ("/claims", {"place": "kharkiv", "limit": 500}),
    ("/claims", {"stance": "maybe"}),
]


@pytest.mark.parametrize(("path", "params"), CASES)
def test_postgres_api_answers_as_sqlite(clients: tuple[Any, Any], path: str, params: dict[str, Any]) -> None:
    lite, pg = clients
    a, b = lite.get(path, params=params), pg.get(path, params=params)
    assert (a.status_code, a.headers["content-type"]) == (b.status_code, b.headers["content-type"])
    assert a.status_code == (422 if params.get("type") == "FOO" or params.get("stance") == "maybe" else 200)
    assert a.json() == b.json()  # the same rows, in the same order, with the same values
    if a.status_code == 200:
        assert a.json().get("items", a.json().get("features"))  # never two empty answers


def _events(docs: list[Document]) -> list[tuple[Document, Any]]:
    return [(d, e) for d in docs for e in d.events]


def test_postgres_api_filters_select_the_expected_rows(pg: Any) -> None:
    docs = documents()

    def got(path: str, **params: Any) -> set[tuple[str, str]]:
        r = pg.get(path, params={"limit": 500, **params})
        assert r.status_code == 200, r.text
        assert r.json()["next_offset"] is None  # all on one page
        key = "id" if path == "/events" else "claim_id"
        return {(row["doc_id"], row[key]) for row in r.json()["items"]}

    every = got("/events")
    assert len(every) == 4 + SYNTHETIC
    battles = {
        (d.id, e.id)
        for d, e in _events(docs)
        if e.event_type == "Battles" and e.date and "2022-06-01" <= e.date[:10] <= "2022-12-31"
    }
    assert battles and got("/events", type="battles", since="2022-06-01", until="2022-12-31") == battles
    meduza = {
        (d.id, e.id)
        for d, e in _events(docs)
        if e.event_type == "Explosions/Remote violence" and d.article.outlet == "Meduza"
    }
    assert (DOC_B, "e1") in meduza
    assert got("/events", type="Explosions/Remote violence", outlet="MEDUZA") == meduza
    # A place or its region: every event here with admin1 Donetsk (all four of A and B among them).
    donetsk = {(d.id, e.id) for d, e in _events(docs) if e.admin1 == "Donetsk"}
    assert {(DOC_A, "e1"), (DOC_A, "e2"), (DOC_B, "e1"), (DOC_B, "e2")} <= donetsk
    assert got("/events", place="Donetsk") == donetsk
    accented = {(d.id, e.id) for d, e in _events(docs) if e.place == "Dnipró"}
    assert got("/events", place="DNIPRÓ") == accented  # casefold("DNIPRÓ") == "dnipró", not "dnipro"
    denied = {(d.id, c.id) for d in docs for c in d.claims if c.stance == "denied"}
    assert denied and got("/claims", stance="denied") == denied
    zelensky = {
        (d.id, c.id)
        for d in docs
        for c in d.claims
        if "zelensky" in (c.speaker_name or "").casefold() or "zelensky" in c.speaker.casefold()
    }
    assert zelensky and got("/claims", speaker="Zelensky") == zelensky
    # A's and B's one claim each (Prigozhin, hedged); only B is published after 10 March.
    prigozhin = got("/claims", speaker="prigozhin", stance="hedged")
    assert {(DOC_A, "c1"), (DOC_B, "c1")} <= prigozhin
    assert {k for k in got("/claims", speaker="prigozhin", since="2023-03-10") if k[0] in (DOC_A, DOC_B)} == {
        (DOC_B, "c1")
    }


def test_postgres_api_health_names_the_store(clients: tuple[Any, Any]) -> None:
    lite, pg = clients
    a, b = lite.get("/health").json(), pg.get("/health").json()
    assert (a["store"], b["store"]) == ("sqlite", "postgres")
    assert a["counts"] == b["counts"] and b["counts"]["events"] == 4 + SYNTHETIC
    assert b["counts"]["documents"] == 2 + SYNTHETIC // 4 and b["writes"] is True
    doc = pg.get(f"/documents/{DOC_B[:10]}").json()
    assert doc == lite.get(f"/documents/{DOC_B[:10]}").json() and doc["outlet"] == "Meduza"
    search = {"q": "Bakhmut", "sort": "date", "limit": 500}
    assert [d["id"] for d in pg.get("/search", params=search).json()["items"]] == [
        d["id"] for d in lite.get("/search", params=search).json()["items"]
    ]


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json()["error"])


def test_postgres_api_writes_need_the_token(pg: Any, postgres_url: str) -> None:
    body = {"text": "Shelling hit Bakhmut on Monday, officials said. " * 5}
    missing = pg.post("/documents", json=body)
    assert _error(missing, 401)["reason"] == "unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = pg.post("/documents", json=body, headers={"Authorization": "Bearer nope"})
    assert _error(wrong, 403)["reason"] == "forbidden"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    # With the token the request gets past the check (here to the body's own validation).
    assert _error(pg.post("/documents", json={"nothing": 1}, headers=auth), 422)["reason"] == "bad_input"
    make_store(postgres_url)
    with TestClient(create_app(postgres_url)) as off:  # no token configured: writes are off
        assert "writes are off" in _error(off.post("/documents", json=body, headers=auth), 403)["message"]
        assert off.get("/health").json()["counts"]["documents"] == 2  # nothing was written


@pytest.mark.slow
def test_postgres_api_write_runs_the_pipeline_into_postgres(
    postgres_url: str, tmp_path: Path, resources: Any
) -> None:
    text = (
        "Russian forces shelled Kherson on Monday, killing two civilians, regional governor Oleksandr "
        'Prokudin said. "The city was hit eleven times," Prokudin said on Telegram.'
    )
    body = {"text": text, "published": "2023-03-07", "outlet": "Test Wire", "title": "Kherson shelled"}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    answers = []
    for target in (make_store(tmp_path / "w.db"), make_store(postgres_url)):
        with TestClient(create_app(target, TOKEN)) as client:
            client.app.state.frontwire.resources = resources  # the session's models
            assert client.get("/health").json()["counts"]["documents"] == 2
            first = client.post("/documents", json=body, headers=auth)
            assert first.status_code == 201, first.text
            assert first.json()["status"] == "stored" and first.json()["counts"]["claims"] >= 1
            doc_id = first.json()["id"]
            assert client.get("/health").json()["counts"]["documents"] == 3  # read by a reader session
            stored = client.get(f"/documents/{doc_id[:12]}").json()
            assert (stored["outlet"], stored["published"], stored["title"]) == (
                "Test Wire", "2023-03-07", "Kherson shelled",
            )  # fmt: skip
            again = client.post("/documents", json=body, headers=auth)
            assert again.status_code == 200 and again.json()["status"] == "duplicate"
            assert again.json()["id"] == doc_id
            answers.append((first.json(), stored))
    (lite_post, lite_doc), (pg_post, pg_doc) = answers
    assert pg_post == lite_post  # the same id, status and counts on both stores
    assert pg_doc == lite_doc


def test_postgres_app_needs_an_existing_store(postgres_server: PostgresServer) -> None:
    url = postgres_server.create("fw_not_a_store")
    try:
        with pytest.raises(StoreError, match="no frontwire store"):
            create_app(url)
        import psycopg

        with psycopg.connect(url) as conn:  # the check made no tables
            assert conn.execute("SELECT to_regclass('migrations')").fetchone() == (None,)
    finally:
        postgres_server.drop(url)
    with pytest.raises(StoreError, match="cannot connect"):
        create_app(postgres_server.url("fw_no_such_database"))


def test_postgres_pool_sessions_are_read_only_and_reopen(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    import psycopg

    make_store(postgres_url)
    pool = StorePool(postgres_url)
    reader: Any = pool.reader()
    assert pool.backend == "postgres" and pool.reader() is reader  # one per thread, reused
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        reader.db.execute("DELETE FROM documents")
    # The server ends the session (a restart, an idle timeout): that store fails once, the next is new.
    pid = reader.conn.info.backend_pid
    postgres_server.admin(f"SELECT pg_terminate_backend({pid})")
    with pytest.raises(psycopg.OperationalError):
        reader.counts()
    again: Any = pool.reader()
    assert again is not reader and again.counts()["documents"] == 2
    with pool.writer() as writer:
        assert writer.counts()["events"] == 4
    pool.close()
    assert again.conn.closed
