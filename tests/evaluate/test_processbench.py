"""Tests of the whole-process bench: the goal arithmetic on given figures, and one tiny real run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontwire.errors import ConfigError
from frontwire.evaluate import processbench as pb


def _runs(fw: list[float], sp: list[float], rss: float = 500.0) -> dict[str, list[dict[str, float]]]:
    return {
        "frontwire": [{"seconds": s, "peak_rss_mb": rss} for s in fw],
        "spacy": [{"seconds": s, "peak_rss_mb": 200.0} for s in sp],
    }


def test_process_rows_goals() -> None:
    proc = {
        "sizes": [1, 100],
        "repeats": 3,
        # Start-up: median 1.1 s (goal <= 1.2 s met); 100 articles: spaCy 11 s / frontwire 10 s = 1.1x.
        "runs": {
            "1": _runs([1.1, 1.0, 5.0], [0.9, 1.0, 0.8]),
            "100": _runs([10.0, 9.0, 12.0], [11.0, 11.0, 10.0]),
        },
        "cold_start": {"seconds": 7.0},
        "python_s": 0.02,
        "parts": {"import spacy": 0.5, "spacy.load (the model)": 0.5},
    }
    store = {
        "store_docs": 1000,
        "sample": 100,
        "source_docs": 10,
        "empty_rate": 1000.0,
        "full_rate": 700.0,  # 30 % slower: missed
        "build_s": 2.0,
        "mb": 5.0,
        "replace_ms": 1.0,
        "queries_ms": {"entities": (150.0, 100), "places": (20.0, 100), "claims": (float("nan"), "Err: x")},
    }
    rows = {r["figure"]: r for r in pb.process_rows(proc, store)}
    start = rows["start-up: frontwire run, 1 article(s), whole process s"]
    assert start["value"] == pytest.approx(1.1) and start["meets_goal"] is True
    # As a ratio: 1.1 s against spaCy's 0.9 s is 1.22x, over 1.2 s / 0.99 s = 1.21x.
    ratio = rows["start-up against the spaCy script's (x)"]
    assert ratio["value"] == pytest.approx(1.1 / 0.9) and ratio["meets_goal"] is False
    speed = rows["speed vs spaCy full alone, 100 articles (x)"]
    assert speed["value"] == pytest.approx(1.1) and speed["meets_goal"] is True
    assert rows["peak RSS MB (frontwire run, any size)"]["meets_goal"] is True
    assert rows["store write docs/s, 100 into a store of ~1,000"]["meets_goal"] is False
    assert rows["replace one document ms at 1,000"]["meets_goal"] is True
    assert rows["query entities ms at 1,000"]["meets_goal"] is False
    assert rows["query places ms at 1,000"]["meets_goal"] is True
    assert rows["query claims ms at 1,000"]["meets_goal"] is None  # failed: reported, not judged
    slow = dict(proc, runs={"1": _runs([1.5], [1.0], rss=2000.0), "100": _runs([12.0], [11.0])})
    rows = {r["figure"]: r for r in pb.process_rows(slow, None)}
    assert rows["start-up: frontwire run, 1 article(s), whole process s"]["meets_goal"] is False
    assert rows["speed vs spaCy full alone, 100 articles (x)"]["meets_goal"] is False
    assert rows["peak RSS MB (frontwire run, any size)"]["meets_goal"] is False
    assert rows["start-up against the spaCy script's (x)"]["meets_goal"] is False  # 1.5x
    near = dict(proc, runs={"1": _runs([1.2], [1.0]), "100": _runs([10.0], [11.0])})
    rows = {r["figure"]: r for r in pb.process_rows(near, None)}
    assert rows["start-up against the spaCy script's (x)"]["meets_goal"] is True  # 1.2x <= 1.21x


def test_store_rows_time_every_query_command(tmp_path: Path) -> None:
    from frontwire.evaluate.apibench import synthetic_documents
    from frontwire.store import open_store

    store = open_store(tmp_path / "s.db")
    try:
        docs = list(synthetic_documents(30, seed=1))
        store.add_documents(docs)
        queries = pb.store_queries(store, docs[3].id)
        timed = {name: pb._timed_call(fn, 1) for name, fn in queries.items()}
    finally:
        store.close()
    # Named as typed on the command line, one per query command and filter the bench covers.
    commands = {name.split()[0] for name in queries}
    assert commands == {"documents", "document", "entities", "claims", "places", "events", "times", "search",
                        "clusters", "contradictions", "skips"}  # fmt: skip
    assert timed["documents"][1] == len(docs) and timed["documents --outlet reuters"][1] == 0
    assert timed[f"document {docs[3].id[:12]}"][1] == 1
    figures = {"store_docs": 10, "source_docs": 3, "sample": 2, "empty_rate": 10.0, "full_rate": 9.0,
               "build_s": 1.0, "replace_ms": 1.0, "mb": 1.0,
               "queries_ms": {**timed, "slow one": (150.0, 3)}}  # fmt: skip
    rows = {r["figure"]: r for r in pb._store_rows(figures)}
    for name in queries:
        assert rows[f"query {name} ms at 10"]["meets_goal"] is (timed[name][0] < 100)
    assert rows["query slow one ms at 10"]["meets_goal"] is False


def test_process_sizes_and_inputs(tmp_path: Path) -> None:
    assert pb.parse_sizes("100, 1,1_000") == [1, 100, 1000]
    for bad in ("", "0,5", "x"):
        with pytest.raises(ConfigError):
            pb.parse_sizes(bad)
    rows = [{"id": f"a{i}", "text": f"Text {i}.", "published": "2023-01-02"} for i in range(3)]
    paths = pb.write_inputs(rows, [1, 3], tmp_path)
    lines = paths[3].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and json.loads(lines[0]) == rows[0]
    assert len(paths[1].read_text(encoding="utf-8").splitlines()) == 1


def test_timed_reports_the_childs_own_peak_memory(tmp_path: Path) -> None:
    import sys

    small = pb.timed([sys.executable, "-c", "pass"], pb._env(), tmp_path)
    big = pb.timed([sys.executable, "-c", "x = bytearray(200_000_000); x[::4096] = b'1' * len(x[::4096])"],
                   pb._env(), tmp_path)  # fmt: skip
    assert small["rc"] == 0 and big["rc"] == 0
    assert big["peak_rss_mb"] > small["peak_rss_mb"] + 150
    assert pb.timed([sys.executable, "-c", "raise SystemExit(3)"], pb._env(), tmp_path)["rc"] == 3


@pytest.mark.slow
def test_process_bench_tiny_real_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate(
        [
            "Russian forces shelled Kharkiv on Monday, the regional governor Oleh Syniehubov said.",
            "Ukrainian troops advanced near Bakhmut, according to the General Staff in Kyiv.",
            "Two drones were shot down over Odesa overnight, the air force said on Tuesday.",
        ]
    ):
        (corpus / f"{i}.txt").write_text(text, encoding="utf-8")
    out = pb.run_process_bench([1, 3], 1, 40, corpus, tmp_path / "out.json", keep_store=tmp_path / "s.db")
    rows = {r["figure"]: r for r in out["rows"]}
    assert rows["start-up: frontwire run, 1 article(s), whole process s"]["value"] > 0
    assert rows["speed vs spaCy full alone, 3 articles (x)"]["value"] > 0
    store = out["raw"]["store"]
    assert store["store_docs"] == 40 and store["source_docs"] == 3
    from frontwire.store import open_store

    s = open_store(str(tmp_path / "s.db"), create=False)
    try:
        assert len(s.find_ids("", limit=1000)) == 40  # every copy is its own document
    finally:
        s.close()
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["rows"]
    assert any(name.startswith("stage events") for name in out["raw"]["process"]["parts"])


def test_measure_store_samples_each_end_and_reaches_the_size(tmp_path: Path) -> None:
    """Write rates are medians of fresh empty stores (after an untimed write) and of the last writes
    into the full one, which end at the size asked for; replace and queries run there."""
    from frontwire.evaluate.apibench import synthetic_documents
    from frontwire.store import open_store

    src_path = tmp_path / "src.db"
    src = open_store(src_path)
    try:
        src.add_documents(list(synthetic_documents(6, seed=2)))
    finally:
        src.close()
    kept = tmp_path / "kept.db"
    out = pb.measure_store(src_path, 40, tmp_path, repeats=1, sample=4, keep=kept, progress=lambda _: None)
    assert out["store_docs"] == 40 and out["sample"] == 4
    assert len(out["empty_rates"]) == len(out["full_rates"]) == pb.WRITE_SAMPLES
    assert out["empty_rate"] == sorted(out["empty_rates"])[pb.WRITE_SAMPLES // 2]
    store = open_store(kept, create=False)
    try:
        assert len(store.find_ids("", limit=1000)) == 40  # the scratch stores' documents are not in it
    finally:
        store.close()
    assert not list(tmp_path.glob("store-empty-*"))
    assert "documents" in out["queries_ms"] and out["replace_ms"] > 0
