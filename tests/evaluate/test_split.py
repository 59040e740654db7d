"""The one tune/check split of every evaluation set (frontwire.evaluate.split)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from frontwire.evaluate import events, run_eval
from frontwire.evaluate.split import is_check, part_of, split_items
from frontwire.evaluate.tasks import OURS, Row, _in_order


def test_split_rule_is_pinned_deterministic_and_about_30_percent() -> None:
    keys = [f"article-{i}" for i in range(3000)] + [f"https://example.org/{i}" for i in range(1000)]
    for k in keys[:200]:
        h = int(hashlib.sha256(("frontwire-split/1:" + k).encode()).hexdigest(), 16)
        assert is_check(k) == (h % 10 < 3)
    assert [is_check(k) for k in keys] == [is_check(k) for k in keys]
    share = sum(map(is_check, keys)) / len(keys)
    assert 0.27 < share < 0.33


def test_split_is_the_events_rule() -> None:
    keys = [str(i) for i in range(500)] + ["AP_20130322", "UW0067", "polnear-0001"]
    assert all(events.is_check(k) == is_check(k) for k in keys)


def test_split_items_disjoint_ordered_and_limited_per_part() -> None:
    items = [{"id": str(i)} for i in range(400)]
    parts = split_items(items, lambda x: x["id"])
    tune, check = parts["tune"], parts["check"]
    assert {x["id"] for x in tune}.isdisjoint({x["id"] for x in check})
    assert len(tune) + len(check) == len(items)
    assert [x["id"] for x in check] == [x["id"] for x in items if is_check(x["id"])]
    assert all(part_of(x["id"]) == "tune" for x in tune)
    limited = split_items(items, lambda x: x["id"], limit=5)
    assert limited["tune"] == tune[:5] and limited["check"] == check[:5]


def test_split_rows_ordered_by_system_then_part_and_labelled() -> None:
    rows = [
        Row("d", "a", OURS, part="check"),
        Row("d", "b", OURS, part="tune"),
        Row("d", "a", OURS, part="tune"),
    ]
    assert [(r.system, r.part) for r in _in_order(rows)] == [("a", "tune"), ("a", "check"), ("b", "tune")]
    assert rows[0].label == "a · check part"
    assert Row("d", "pub", "published").label == "pub"
    assert rows[0].to_json(0)["part"] == "check"


def test_split_claims_task_scores_both_parts(tmp_path: Path) -> None:
    d = tmp_path / "polnear"
    d.mkdir()
    (d / "README.md").write_text("# tiny\n", encoding="utf-8")
    text = 'The mayor said the bridge was closed. "We will rebuild it," she said.'
    ids = [f"a{i}" for i in range(12)]
    assert {is_check(i) for i in ids} == {True, False}
    rows = [
        {"id": i, "text": text, "primary_annotator": "x", "annotations": {"x": {"attributions": []}}}
        for i in ids
    ]
    (d / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = run_eval(["claims"], tmp_path, None, limit=2, quiet=True)
    ours = [r for r in out["tasks"]["claims"]["rows"] if r["kind"] == OURS]
    assert [r["part"] for r in ours] == ["tune", "check"]
    assert all(r["system"] == "frontwire" and r["counts"]["gold"] == 0 for r in ours)
    assert all(r["counts"]["predicted"] >= 2 for r in ours)  # two documents per part (--limit per part)
