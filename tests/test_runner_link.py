"""The runner's after-commit step on the bundled multi-outlet examples: clusters, contradictions, reruns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from frontwire.config import load_settings
from frontwire.runner import run
from frontwire.store import open_store

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Statements of both sides on the Zaporizhzhia plant (3-4 March 2022) and the Bakhmut page.
PICK = ("zaporizhzhia", "2022-02-24")


def _inputs(tmp: Path) -> Path:
    folder = tmp / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "19fortyfive-bakhmut.txt", folder)
    lines = (EXAMPLES / "licensed" / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if any(k in json.loads(line)["id"] for k in PICK)]
    assert len(chosen) >= 5  # the two plant statements and the 24 February ones
    (folder / "statements.jsonl").write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return folder


def _state(db: Path) -> tuple[list[Any], list[Any]]:
    store = open_store(db)
    try:
        clusters = sorted((c["id"], tuple(sorted(c["events"]))) for c in store.clusters())
        contradictions = sorted((c["id"], c["kind"]) for c in store.contradictions())
        return clusters, contradictions
    finally:
        store.close()


def test_runner_links_each_batch_and_reruns_change_nothing(tmp_path: Path, resources: Any) -> None:
    folder = _inputs(tmp_path)
    db = tmp_path / "a.db"
    settings = load_settings(db=str(db))
    store = open_store(db)
    summary = run([str(folder)], store, settings, published="2023-03-07", resources=resources)
    store.close()
    assert summary.stored >= 6 and summary.link.events_linked > 0
    clusters, contradictions = _state(db)
    assert clusters
    kinds = {k for _, k in contradictions}
    # Ukrainian officials hold Bakhmut vs the ISW's withdrawal; each side blames the other for the plant.
    assert {"control", "responsibility"} <= kinds
    # A rerun adds nothing; a reprocess of the same inputs gives the same cluster and contradiction ids.
    store = open_store(db)
    again = run([str(folder)], store, settings, published="2023-03-07", resources=resources)
    assert again.stored == 0 and again.link.events_linked == 0
    redo = run([str(folder)], store, settings, published="2023-03-07", resources=resources, reprocess=True)
    store.close()
    assert redo.updated == summary.stored
    assert _state(db) == (clusters, contradictions)
    # A fresh store over the same inputs gives the same ids: they derive from the documents.
    other = tmp_path / "b.db"
    store = open_store(other)
    run([str(folder)], store, load_settings(db=str(other)), published="2023-03-07", resources=resources)
    store.close()
    assert _state(other) == (clusters, contradictions)
