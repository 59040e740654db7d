"""Both backends: extractor versions and --reprocess-stale, the write mapping, search syntax and
results, and two concurrent writers on one PostgreSQL store (a real server, no mocks)."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path
from typing import Any

import pytest

from frontwire.model import Article, Document
from frontwire.store import open_store
from frontwire.store.rows import TABLES, VERSIONS, document_rows, installed_versions
from tests.store.test_sqlite import make_doc

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_versions_are_stored_per_document_and_key_idempotence(store: Any) -> None:
    store.add_documents([make_doc()])
    assert store.stored_versions("d1") == installed_versions()
    assert store.stale_documents(installed_versions()) == set()
    upgraded = {**installed_versions(), "claims": "claims.rules/2"}
    assert store.stale_documents(upgraded) == {"r1"}
    # The same item made by other extractor versions replaces the stored one; made again, it is a duplicate.
    store.versions = upgraded
    assert store.add_documents([make_doc()]).updated == ["d1"]
    assert store.stored_versions("d1") == upgraded and store.stale_documents(upgraded) == set()
    assert store.add_documents([make_doc()]).duplicates == ["d1"]
    assert store.counts()["claims"] == 1


def test_documents_without_versions_are_stale(store: Any) -> None:
    store.add_documents([make_doc(), make_doc("d2", text="Another text entirely.", raw="r2")])
    store.db.execute("DELETE FROM document_versions WHERE doc_id = ?", ("d2",))
    assert store.stale_documents(installed_versions()) == {"r2"}


def test_write_mapping_covers_every_table_in_order() -> None:
    doc = make_doc()
    rows = document_rows(doc, installed_versions())
    assert list(rows) == [*(t.name for t in TABLES), VERSIONS.name]
    for t in TABLES:
        assert all(len(r) == len(t.columns) for r in rows[t.name]), t.name
    assert len(rows["documents"]) == 1 and len(rows["document_versions"]) == len(installed_versions())


def test_same_batch_duplicates_and_replacements_match_sqlite(store: Any) -> None:
    # Within one batch: an id twice (the second with new text replaces the first), a re-publication
    # pointing at the first body written, a copy from another outlet.
    a = make_doc("a1", raw="ra")
    a2 = make_doc("a1", text="A new version of the page.", raw="ra2")
    b = make_doc("b1", text=a.text + "  ", raw="rb")
    c = make_doc("a1", text="A new version of the page.", raw="rc")
    c.article.outlet = "Other outlet"
    result = store.add_documents([a, b, a2, c])
    assert result.stored == ["a1", "b1"] and result.updated == ["a1"] and len(result.copies) == 1
    rows = {r["id"]: r for r in store.documents()}
    assert rows["b1"]["duplicate_of"] == "a1"  # the first body written was a1's (since replaced)
    assert rows[result.copies[0]]["duplicate_of"] == "a1"
    assert store.get("a1").text == "A new version of the page."
    assert store.counts()["documents"] == 3


SEARCH_DOCS = {
    "s1": ("Wagner fighters near Bakhmut", "Wagner Group fighters shelled Bakhmut; ammunition ran short."),
    "s2": ("Kyïv e-mail", "Officials in Kyïv sent an e-mail about the ceasefire talks in Paris."),
    "s3": ("Soledar", "Ukrainian forces may withdraw from Soledar, a spokesman said on Monday."),
    "s4": ("Talks", "The ceasefire held overnight near Bakhmut and Soledar."),
}
SEARCHES = {
    "bakhmut": ["s1", "s4"],
    "Wagner AND ammunition": ["s1"],
    "ceasefire NOT paris": ["s4"],
    "soledar OR paris": ["s2", "s3", "s4"],
    "kyiv": ["s2"],  # Latin diacritics removed, as unicode61 remove_diacritics 2
    '"e mail"': ["s2"],
    "cease*": ["s2", "s4"],
    "title:soledar": ["s3"],
    "-title:soledar": ["s3", "s4"],
    "NEAR(ceasefire soledar, 5)": ["s4"],  # five tokens between them
    "NEAR(ceasefire soledar, 4)": [],
    "NEAR(ceasefire paris, 1)": [],
    '"held overnight" bakhmut': ["s4"],
    "withdraw + from": ["s3"],
    "(bakhmut OR kyiv) AND NOT": None,  # dangling operator
    "bakhmut,": None,
    "nosuchcolumn:x": None,
}


@pytest.mark.parametrize("query", list(SEARCHES))
def test_search_syntax_and_results_are_the_same_on_both(store: Any, query: str) -> None:
    from frontwire.store.base import QueryError

    store.add_documents(
        [
            Document(article=Article(id=i, source=f"{i}.txt", text=text, title=title, raw_sha256=i))
            for i, (title, text) in SEARCH_DOCS.items()
        ]
    )
    want = SEARCHES[query]
    if want is None:
        with pytest.raises(QueryError, match="FTS5 syntax"):
            store.search(query)
    else:
        assert sorted(h["id"] for h in store.search(query)) == want


# -- two writers at once ---------------------------------------------------------------------------
def _writer(url: str, inputs: list[str], out: Any) -> None:
    from frontwire.config import Settings
    from frontwire.runner import run

    store = open_store(url)
    try:
        summary = run(inputs, store, Settings(db=url))
        out.put((summary.stored, summary.duplicates, summary.updated, summary.copies))
    finally:
        store.close()


def _snapshot(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    keys = {
        "documents": "id, text_sha256, duplicate_of",
        "mentions": 'doc_id, start, "end", extractor',
        "claims": "doc_id, claim_id",
        "times": 'doc_id, start, "end"',
        "place_mentions": 'doc_id, start, "end"',
        "events": "doc_id, id",
        "document_versions": "doc_id, stage, extractor",
    }
    return {
        t: sorted(tuple(r) for r in store.db.execute(f"SELECT {cols} FROM {t}").fetchall())
        for t, cols in keys.items()
    }


@pytest.mark.slow
def test_two_concurrent_writers_lose_nothing_and_duplicate_nothing(
    postgres_server: Any, tmp_path: Path, resources: Any
) -> None:
    from frontwire.config import Settings
    from frontwire.runner import run

    pages = sorted((EXAMPLES / "licensed").glob("*.html"))
    assert len(pages) >= 6
    folder = tmp_path / "in"
    folder.mkdir()
    for p in [*pages, EXAMPLES / "19fortyfive-bakhmut.txt"]:
        shutil.copy(p, folder / p.name)
    files = sorted(str(p) for p in folder.iterdir())
    first, second = files[: len(files) * 2 // 3], files[len(files) // 3 :]  # a third in both
    assert set(first) & set(second) and set(first) | set(second) == set(files)

    shared = postgres_server.database()
    reference = postgres_server.database()
    try:
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        procs = [ctx.Process(target=_writer, args=(shared, part, out)) for part in (first, second)]
        for p in procs:
            p.start()
        results = [out.get(timeout=600) for _ in procs]
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
        ref_store = open_store(reference)
        try:
            ref = run(files, ref_store, Settings(db=reference), resources=resources)
            want = _snapshot(ref_store)
        finally:
            ref_store.close()
        store = open_store(shared)
        try:
            got = _snapshot(store)
            assert got == want  # every document and extraction once, as one run over all the inputs
            ids = [r[0] for r in got["documents"]]
            assert len(ids) == len(set(ids)) == ref.stored + ref.copies
            # Each document was stored by exactly one of the writers; the other saw it as a duplicate.
            assert sum(r[0] + r[3] for r in results) == ref.stored + ref.copies
            assert sum(r[2] for r in results) == 0
        finally:
            store.close()
    finally:
        postgres_server.drop(shared)
        postgres_server.drop(reference)


@pytest.mark.slow
def test_run_reprocess_stale_redoes_only_documents_of_other_versions(
    store: Any, tmp_path: Path, resources: Any
) -> None:
    from frontwire.config import Settings
    from frontwire.runner import run

    folder = tmp_path / "in"
    folder.mkdir()
    page = sorted((EXAMPLES / "licensed").glob("*.html"))[0]
    for p in (page, EXAMPLES / "19fortyfive-bakhmut.txt"):
        shutil.copy(p, folder / p.name)
    settings = Settings(db=str(tmp_path / "unused.db"))

    def go(**kw: Any) -> tuple[int, int, int]:
        s = run([str(folder)], store, settings, resources=resources, link=False, **kw)
        return s.stored, s.duplicates, s.updated

    assert go() == (2, 0, 0)
    assert go(reprocess_stale=True) == (0, 2, 0)  # nothing stale: nothing processed again
    before = store.counts()
    (old,) = [r["id"] for r in store.documents() if r["source"].endswith(".txt")]
    # As if the claims stage was upgraded since this document was stored.
    store.db.execute(
        "UPDATE document_versions SET extractor = ? WHERE doc_id = ? AND stage = ?",
        ("claims.rules/0", old, "claims"),
    )
    assert go() == (0, 2, 0)  # a plain rerun still skips stored inputs
    assert go(reprocess_stale=True) == (0, 1, 1)
    assert store.stored_versions(old) == installed_versions()
    assert store.counts() == before
    assert go(reprocess_stale=True) == (0, 2, 0)
