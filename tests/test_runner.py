"""Tests of frontwire/runner.py: summaries, idempotent reruns, resuming an interrupted run, the pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontwire import runner
from frontwire.config import Settings
from frontwire.store import open_store

ARTICLES = {
    "a.txt": "Kharkiv came under missile attack on Tuesday night, the regional governor said.\n\n"
    "Three apartment blocks were damaged and emergency crews worked through the night to clear the rubble.",
    "b.txt": "Ukrainian forces pushed back an assault near Avdiivka, the General Staff said in a report.\n\n"
    "The statement said the fighting lasted several hours and that the attackers withdrew before dawn.",
    "c.txt": "Officials in Zaporizhzhia said power was restored to most of the city after a drone strike.\n\n"
    "Engineers repaired two substations, and the mayor asked residents to limit their use of electricity.",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "junk.html").write_bytes(bytes(range(256)) * 16)
    return folder


@pytest.mark.slow
def test_runner_summary_and_idempotent_rerun(corpus: Path, tmp_path: Path, resources) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "r.db")
    first = runner.run([str(corpus)], store, Settings(), resources=resources)
    assert first.stored == 3 and first.duplicates == 0
    assert dict(first.skipped) == {"empty": 1, "unsupported_format": 1}
    again = runner.run([str(corpus)], store, Settings(), resources=resources)
    assert again.stored == 0 and again.duplicates == 3
    assert store.counts()["documents"] == 3
    assert {r["reason"] for r in store.skips()} == {"empty", "unsupported_format"}


@pytest.mark.slow
def test_runner_interrupted_run_resumes_without_duplicates(
    corpus: Path, tmp_path: Path, resources, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "r.db")
    monkeypatch.setattr(runner, "BATCH_SIZE", 1)
    real_add = store.add_documents
    calls = {"n": 0}

    def add_then_die(docs, replace=False):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the user pressed Ctrl-C during the second write
        return real_add(docs, replace)

    monkeypatch.setattr(store, "add_documents", add_then_die)
    with pytest.raises(KeyboardInterrupt):
        runner.run([str(corpus)], store, Settings(), resources=resources)
    assert store.counts()["documents"] == 1  # the first batch was committed, the second rolled back
    monkeypatch.setattr(store, "add_documents", real_add)
    resumed = runner.run([str(corpus)], store, Settings(), resources=resources)
    assert resumed.stored == 2 and resumed.duplicates == 1
    assert store.counts()["documents"] == 3


@pytest.mark.slow
def test_runner_pool_gives_the_same_store_as_one_process(corpus: Path, tmp_path: Path, resources) -> None:  # type: ignore[no-untyped-def]
    one = open_store(tmp_path / "one.db")
    pool = open_store(tmp_path / "pool.db")
    runner.run([str(corpus)], one, Settings(), resources=resources)
    summary = runner.run([str(corpus)], pool, Settings(workers=2), resources=resources)
    assert summary.stored == 3
    for key in ("documents", "mentions", "claims", "times", "place_mentions"):
        assert one.counts()[key] == pool.counts()[key], key
    ids = sorted(r["id"] for r in one.documents())
    assert ids == sorted(r["id"] for r in pool.documents())
    assert one.get(ids[0]).to_json()["claims"] == pool.get(ids[0]).to_json()["claims"]


def test_runner_set_hints_only_fills_gaps() -> None:
    from frontwire.model import RawItem

    item = RawItem(source="x", data=b"", kind="text", published="2022-01-01", published_source="feed")
    kept = runner.set_hints(item, "2023-03-07", "https://e.org/x")
    assert (kept.published, kept.published_source, kept.url) == ("2022-01-01", "feed", "https://e.org/x")
    filled = runner.set_hints(RawItem(source="x", data=b"", kind="text"), "2023-03-07", None)
    # Marked as a command-line fallback: the page's own date, when it states one, still wins.
    assert (filled.published, filled.published_source) == ("2023-03-07", "flag")


def test_collection_pauses_for_the_first_batch_only(monkeypatch):
    import gc

    from frontwire import runner
    from frontwire.resources import Resources

    monkeypatch.setattr(runner, "_FROZEN", False)
    monkeypatch.setattr(runner, "_PAUSED", False)
    assert gc.isenabled()
    res = Resources()
    seen: list[bool] = []

    def fake_process(batch, resources):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        resources.__dict__["nlp"] = object()  # the first batch loads the model
        return ([], {})

    monkeypatch.setattr(runner, "process", fake_process)
    gc.unfreeze()
    try:
        out = list(runner.InProcess(res).map_batches([[], [], []]))
        assert len(out) == 3
        assert seen == [False, True, True]  # paused while loading, collecting after the first batch
        assert gc.isenabled() and gc.get_freeze_count() > 0
        runner.pause_collection()  # once frozen there is nothing to pause for
        assert gc.isenabled()
        # A run whose first batch fails still leaves the collector on.
        monkeypatch.setattr(runner, "_FROZEN", False)

        def failing(batch, resources):  # type: ignore[no-untyped-def]
            raise RuntimeError("bad batch")

        monkeypatch.setattr(runner, "process", failing)
        with pytest.raises(RuntimeError):
            list(runner.InProcess(Resources()).map_batches([[]]))
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_settle_freezes_the_loaded_resources_once(monkeypatch):
    import gc

    from frontwire import runner
    from frontwire.resources import Resources

    monkeypatch.setattr(runner, "_FROZEN", False)
    gc.unfreeze()
    try:
        res = Resources()
        runner.settle(res)  # nothing loaded yet (every input a duplicate): nothing to freeze
        assert gc.get_freeze_count() == 0
        res.__dict__["nlp"] = [object() for _ in range(10)]  # as the first batch leaves it
        runner.settle(res)
        frozen = gc.get_freeze_count()
        assert frozen >= 10
        junk = [object() for _ in range(100)]
        runner.settle(res)  # once per process: later batches' objects stay collectable
        assert gc.get_freeze_count() == frozen
        del junk
    finally:
        gc.unfreeze()
