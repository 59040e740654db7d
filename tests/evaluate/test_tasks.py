"""Tests of the task registry: not-built detection, published rows, and a run on a one-page data set."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from frontwire.errors import ConfigError
from frontwire.evaluate import run_eval
from frontwire.evaluate.tasks import NOT_BUILT, PUBLISHED, TASKS, stage_missing


def test_tasks_registry_lists_every_task() -> None:
    assert set(TASKS) == {
        "extraction-html", "extraction-text", "metadata", "claims", "timex", "geo", "events", "duplicates",
    }  # fmt: skip


def test_tasks_stage_missing_names_the_reason() -> None:
    assert "not importable" in (stage_missing("frontwire.no_such_stage", "extract") or "")
    assert "not defined" in (stage_missing("frontwire.errors", "extract") or "")
    assert stage_missing("frontwire.evaluate.extraction", "zyte_scores") is None


def test_tasks_unknown_task_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        run_eval(["nope"], tmp_path, None, quiet=True)


def test_tasks_events_shown_as_not_built(tmp_path: Path) -> None:
    out = run_eval(["events", "duplicates"], tmp_path, None, quiet=True)
    for task in ("events", "duplicates"):
        assert out["tasks"][task]["rows"][0]["kind"] == NOT_BUILT


def test_tasks_extraction_on_a_one_page_set(tmp_path: Path) -> None:
    d = tmp_path / "article-extraction-benchmark"
    (d / "html").mkdir(parents=True)
    (d / "README.md").write_text("# one page\n", encoding="utf-8")
    body = "The shelling of the town went on through the night and into the morning, officials said."
    html = f"<html><body><nav>Home | About</nav><article><p>{body}</p></article></body></html>"
    (d / "html" / "p.html.gz").write_bytes(gzip.compress(html.encode()))
    row = {"id": "p", "url": "https://example.org/p", "html_path": "html/p.html.gz", "articleBody": body}
    (d / "items.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = run_eval(["extraction-html"], tmp_path, tmp_path / "out.json", quiet=True)
    rows = out["tasks"]["extraction-html"]["rows"]
    zyte = [r for r in rows if r["dataset"] == "article-extraction-benchmark"]
    systems = {r["system"]: r for r in zyte}
    assert "trafilatura favor_precision" in systems
    assert any(r["kind"] == PUBLISHED for r in zyte)
    # The other extraction set is absent: said so, not skipped silently.
    assert any(r["dataset"] == "trafilatura-eval" and r["kind"] == "no data" for r in rows)
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["tasks"]["extraction-html"]
