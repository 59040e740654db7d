"""Tests of frontwire/api: routing, validation, error shape, auth, body limit, paging, GeoJSON (RFC 7946)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from frontwire.api import create_app
from frontwire.errors import StoreError
from frontwire.model import Document
from frontwire.store import open_store
from tests.store.test_events import shelling, withdrawal
from tests.test_query import DOC_A, DOC_B, TEXT, _doc

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its httpx-based test client
    from fastapi.testclient import TestClient

TOKEN = "s3cret-token"


def two_documents() -> list[Document]:
    """A (Kyiv Independent, 7 March) and B (Meduza, 20 March): two events each, one claim each."""
    b = _doc(DOC_B, "Meduza", "2023-03-20")
    b.article.text = TEXT
    b.events = [shelling(date="2023-03-19/2023-03-19", stance="asserted"), withdrawal()]
    return [_doc(DOC_A, "Kyiv Independent", "2023-03-07"), b]


def make_store(target: str | Path, documents: list[Document] | None = None) -> str:
    """A store at a SQLite path or a PostgreSQL URL holding ``documents`` (by default the two of
    :func:`two_documents`: four events); its path or URL."""
    store = open_store(target)
    store.add_documents(two_documents() if documents is None else documents)
    store.close()
    return str(target)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return make_store(tmp_path / "api.db")


@pytest.fixture
def client(db: str) -> Any:
    with TestClient(create_app(db, TOKEN, max_body_bytes=1000)) as c:
        yield c


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert isinstance(body["error"]["reason"], str) and isinstance(body["error"]["message"], str)
    return dict(body["error"])


def test_app_missing_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        create_app(str(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()


def test_app_health_and_openapi(client: Any) -> None:
    health = client.get("/health").json()
    assert health["ok"] is True and health["writes"] is True and health["counts"]["events"] == 4
    spec = client.get("/openapi.json").json()
    paths = ["/documents", "/documents/{doc_id}", "/events", "/clusters", "/claims", "/entities"]
    paths += ["/places", "/contradictions", "/search", "/health", "/report"]
    for path in paths:
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/documents"]
    assert client.get("/docs").status_code == 200


def test_app_list_shape_and_paging(client: Any) -> None:
    first = client.get("/events", params={"limit": 3}).json()
    assert set(first) == {"items", "limit", "offset", "next_offset"}
    assert (first["limit"], first["offset"], first["next_offset"], len(first["items"])) == (3, 0, 3, 3)
    rest = client.get("/events", params={"limit": 3, "offset": first["next_offset"]}).json()
    assert rest["next_offset"] is None and len(rest["items"]) == 1
    whole = client.get("/events").json()["items"]
    assert [(e["doc_id"], e["id"]) for e in first["items"] + rest["items"]] == [
        (e["doc_id"], e["id"]) for e in whole
    ]
    assert client.get("/events", params={"limit": 100000}).json()["limit"] == 500  # capped


def test_app_filters_match_the_cli_names(client: Any) -> None:
    def doc_ids(path: str, **params: Any) -> set[str]:
        r = client.get(path, params=params)
        assert r.status_code == 200, r.text
        return {row["doc_id"] for row in r.json()["items"]}

    assert doc_ids("/events", type="explosions/remote violence", outlet="meduza") == {DOC_B}
    assert doc_ids("/events", sub_type="change to group/activity", doc=DOC_A[:12]) == {DOC_A}
    assert doc_ids("/events", since="2023-03-10", until="2023-03-31") == {DOC_B}
    assert doc_ids("/events", place="bakhmut", actor="WAGNER", stance="hedged") == {DOC_A}
    assert doc_ids("/claims", stance="Hedged", speaker="prigozhin", since="2023-03-10") == {DOC_B}
    assert doc_ids("/times", doc=DOC_B[:8]) == {DOC_B}
    assert doc_ids("/places", mentions="1", name="bakh") == {DOC_A, DOC_B}
    assert doc_ids("/entities", mentions="true", name="prigozhin", outlet="Kyiv Independent") == {DOC_A}
    people = client.get("/entities", params={"type": "person"}).json()["items"]
    assert [(p["name"], p["mentions"], p["documents"]) for p in people] == [("Yevgeny Prigozhin", 2, 2)]
    docs = client.get("/documents", params={"sort": "-date"}).json()["items"]
    assert [d["id"] for d in docs] == [DOC_A, DOC_B]
    found = client.get("/search", params={"q": "Bakhmut", "sort": "date"}).json()["items"]
    assert [d["id"] for d in found] == [DOC_B, DOC_A]


@pytest.mark.parametrize(
    ("path", "params", "parameter", "listed"),
    [
        ("/events", {"type": "FOO"}, "type", "Battles"),
        ("/events", {"sub_type": "drone"}, "sub_type", "Air/drone strike"),
        ("/claims", {"stance": "maybe"}, "stance", "hedged"),
        ("/entities", {"type": "PEOPLE"}, "type", "PERSON"),
        ("/events", {"since": "March"}, "since", None),
        ("/events", {"sort": "loudest"}, "sort", "date"),
        ("/events", {"doc": "ffff"}, "doc", None),
        ("/events", {"tpye": "Battles"}, "tpye", "type"),  # a misspelt filter is no silent "everything"
        ("/events", {"format": "kml"}, "format", "geojson"),
        ("/contradictions", {"kind": "lies"}, "kind", "control"),
    ],
)
def test_app_bad_filters_are_422_listing_valid_values(
    client: Any, path: str, params: dict[str, str], parameter: str, listed: str | None
) -> None:
    error = _error(client.get(path, params=params), 422)
    assert error["parameter"] == parameter
    if listed:
        assert listed in error["valid"] and listed in error["message"]


def test_app_errors_have_one_shape(client: Any) -> None:
    assert _error(client.get("/documents/ffff"), 404)["reason"] == "not_found"
    assert _error(client.get("/nowhere"), 404)["reason"] == "not_found"
    assert _error(client.get("/events", params={"limit": "many"}), 422)["reason"] == "invalid_parameter"
    assert "full-text" in _error(client.get("/search", params={"q": '"unbalanced'}), 422)["message"]
    assert _error(client.get("/search"), 422)["reason"] == "invalid_parameter"  # q is required
    assert _error(client.delete("/documents"), 405)["reason"] == "method_not_allowed"


def test_app_document_json_by_short_id(client: Any) -> None:
    doc = client.get(f"/documents/{DOC_A[:10]}").json()
    assert doc["id"] == DOC_A and doc["outlet"] == "Kyiv Independent" and doc["text"] == TEXT
    assert {"entities", "claims", "times", "places", "events"} <= set(doc)


def _valid_feature_collection(body: dict[str, Any]) -> list[dict[str, Any]]:
    """RFC 7946 sections 3.1.2, 3.2, 3.3: the parts a GeoJSON reader relies on."""
    assert body["type"] == "FeatureCollection" and isinstance(body["features"], list)
    for f in body["features"]:
        assert f["type"] == "Feature" and isinstance(f["properties"], dict)
        assert isinstance(f["id"], str | int)
        geometry = f["geometry"]
        if geometry is not None:
            lon, lat = geometry["coordinates"]
            assert geometry["type"] == "Point" and -180 <= lon <= 180 and -90 <= lat <= 90
    return list(body["features"])


def test_app_events_as_geojson(client: Any) -> None:
    by_param = client.get("/events", params={"format": "geojson"})
    by_accept = client.get("/events", headers={"Accept": "application/geo+json"})
    for r in (by_param, by_accept):
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    features = _valid_feature_collection(by_param.json())
    assert by_param.json() == by_accept.json()
    bakhmut = next(f for f in features if f["properties"]["place"] == "Bakhmut")
    assert bakhmut["geometry"]["coordinates"] == [37.999, 48.594]  # [lon, lat], not [lat, lon]
    assert bakhmut["id"] == f"{bakhmut['properties']['doc_id']}:{bakhmut['properties']['id']}"
    assert by_param.json()["next_offset"] is None
    _valid_feature_collection(client.get("/clusters", params={"format": "geojson"}).json())
    _valid_feature_collection(client.get("/places", params={"format": "geojson"}).json())


def test_app_writes_need_the_token(client: Any, db: str) -> None:
    body = {"text": "Shelling hit Bakhmut on Monday, officials said. " * 5}
    missing = client.post("/documents", json=body)
    assert (
        _error(missing, 401)["reason"] == "unauthorized" and missing.headers["www-authenticate"] == "Bearer"
    )
    wrong = client.post("/documents", json=body, headers={"Authorization": "Bearer nope"})
    assert _error(wrong, 403)["reason"] == "forbidden"
    with TestClient(create_app(db)) as off:  # no token configured: writes are off
        error = _error(off.post("/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"}), 403)
        assert "writes are off" in error["message"]
        assert off.get("/health").json()["writes"] is False


def test_app_body_limit_and_refused_bodies(client: Any) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = client.post("/documents", content=b"x" * 2000, headers={**auth, "Content-Type": "text/plain"})
    assert _error(big, 413)["reason"] == "too_large"
    for content, ctype in [
        (b"{not json", "application/json"),
        (b'{"nothing": 1}', "application/json"),
        (b'{"url": "ftp://example.org/x"}', "application/json"),
        (b'{"text": "a", "published": "last Tuesday"}', "application/json"),
        (b"%PDF-1.4", "application/pdf"),
    ]:
        _error(client.post("/documents", content=content, headers={**auth, "Content-Type": ctype}), 422)


def test_app_post_url_goes_through_the_safe_fetcher(client: Any) -> None:
    r = client.post(
        "/documents", json={"url": "http://127.0.0.1:9/admin"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert _error(r, 422)["reason"] == "blocked_address"


def test_app_report_route(client: Any) -> None:
    r = client.get("/report", params={"place": "Bakhmut"})
    assert r.status_code in (200, 501)
    if r.status_code == 501:
        assert _error(r, 501)["reason"] == "not_built"


def test_app_reader_connections_are_read_only(db: str) -> None:
    from frontwire.api.deps import StorePool

    pool = StorePool(db)
    reader: Any = pool.reader()
    with pytest.raises(Exception, match=r"readonly|read-only|query_only|attempt to write"):
        reader.db.execute("DELETE FROM documents")
    assert pool.reader() is reader  # one per thread, reused
    pool.close()


@pytest.mark.slow
def test_app_post_text_runs_the_pipeline(client: Any, resources: Any) -> None:
    client.app.state.frontwire.resources = resources  # the session's models
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = (
        "Russian forces shelled Kherson on Monday, killing two civilians, regional governor Oleksandr "
        'Prokudin said. "The city was hit eleven times," Prokudin said on Telegram.'
    )
    body = {"text": text, "published": "2023-03-07", "outlet": "Test Wire", "title": "Kherson shelled"}
    first = client.post("/documents", json=body, headers=auth)
    assert first.status_code == 201, first.text
    result = first.json()
    assert result["status"] == "stored" and result["counts"]["claims"] >= 1
    stored = client.get(f"/documents/{result['id'][:12]}").json()
    assert stored["outlet"] == "Test Wire" and stored["published"] == "2023-03-07"
    again = client.post("/documents", json=body, headers=auth)
    assert (
        again.status_code == 200
        and again.json()["status"] == "duplicate"
        and again.json()["id"] == result["id"]
    )
    html = f"<html><head><title>Kherson</title></head><body><article><p>{text}</p></article></body></html>"
    page = client.post(
        "/documents", content=html.encode(), params={"published": "2023-03-08", "url": "https://example.org/k"},
        headers={**auth, "Content-Type": "text/html"},
    )  # fmt: skip
    assert page.status_code in (200, 201), page.text
