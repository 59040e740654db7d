"""Tests of the task registry: not-built detection, published rows, and a run on a one-page data set."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from frontwire.errors import ConfigError
from frontwire.evaluate import run_eval
from frontwire.evaluate.tasks import BASELINE, NO_DATA, OURS, PUBLISHED, TASKS, stage_missing


def test_tasks_registry_lists_every_task() -> None:
    assert set(TASKS) == {
        "extraction-html", "extraction-text", "metadata", "claims", "timex", "geo", "events", "duplicates",
        "link",
    }  # fmt: skip


def test_tasks_stage_missing_names_the_reason() -> None:
    assert "not importable" in (stage_missing("frontwire.no_such_stage", "extract") or "")
    assert "not defined" in (stage_missing("frontwire.errors", "extract") or "")
    assert stage_missing("frontwire.evaluate.extraction", "zyte_scores") is None


def test_tasks_unknown_task_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        run_eval(["nope"], tmp_path, None, quiet=True)


def test_tasks_duplicates_and_events_without_data(tmp_path: Path) -> None:
    out = run_eval(["events", "duplicates"], tmp_path, None, quiet=True)
    assert out["tasks"]["duplicates"]["rows"][0]["kind"] == NO_DATA
    kinds = {(r["dataset"], r["kind"]) for r in out["tasks"]["events"]["rows"]}
    assert kinds == {("case2021-task2-acled", NO_DATA), ("plover-gsr", NO_DATA)}


@pytest.mark.slow
def test_tasks_events_scores_check_and_tune_parts(tmp_path: Path) -> None:
    from frontwire.evaluate.events import is_check

    d = tmp_path / "case2021-task2-acled"
    d.mkdir()
    (d / "README.md").write_text("# tiny\n", encoding="utf-8")
    shelling = "Russian artillery shelled the town of {} overnight, damaging houses."
    protest = "Hundreds of students marched peacefully through {} to demand lower fees."
    rows = []
    for n in range(24):
        town = f"Town{n}"
        sub, etype, text = (
            ("Shelling/artillery/missile attack", "Explosions/Remote violence", shelling.format(town))
            if n % 2
            else ("Peaceful protest", "Protests", protest.format(town))
        )
        rows.append({"id": str(n), "text": text, "label": "X", "first_subtask": 1,
                     "acled_event_type": etype, "acled_sub_event_type": sub})  # fmt: skip
    (d / "snippets.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    check_n = sum(is_check(r["id"]) for r in rows)
    assert 0 < check_n < len(rows)  # both parts are present in this set
    out = run_eval(["events"], tmp_path, None, quiet=True)
    case = {r["system"]: r for r in out["tasks"]["events"]["rows"] if r["dataset"] == "case2021-task2-acled"}
    check = case["frontwire classifier · check part"]
    assert check["counts"]["n"] == check_n
    # Two well-separated classes: the committed classifier and the baseline trained here get them all.
    assert check["metrics"]["weighted.f1"] == 1.0
    assert case["TF-IDF + linear SVM · check part"]["metrics"]["weighted.f1"] == 1.0
    # The tune part is scored by the build's cross-validation (model_cv.json), not in-sample.
    assert all("in-sample" not in (r.get("note") or "") for r in case.values())
    assert {r["kind"] for r in out["tasks"]["events"]["rows"]} >= {OURS, BASELINE, PUBLISHED, NO_DATA}


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
