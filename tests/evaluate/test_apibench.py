"""frontwire bench --api on a tiny store: every query has its p50/p99 over HTTP and without, and a goal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frontwire.evaluate import apibench


def test_synthetic_documents_are_fixed_by_the_seed() -> None:
    a = [d.to_json() for d in apibench.synthetic_documents(10, seed=5)]
    b = [d.to_json() for d in apibench.synthetic_documents(10, seed=5)]
    assert a == b and sum(len(d["events"]) for d in a) == 10
    doc = a[0]
    for e in doc["events"]:
        assert doc["text"][e["start"] : e["end"]] == e["evidence"]
    for c in doc["claims"]:
        assert doc["text"][c["speaker_start"] : c["speaker_end"]] == c["speaker"]


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert apibench.percentile(values, 50) == 50.0 and apibench.percentile(values, 99) == 99.0
    assert apibench.percentile([3.0], 99) == 3.0


def test_api_bench_reports_p50_p99_per_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = apibench.run_api_bench(events=120, requests=6, clients=2, json_out=tmp_path / "api.json")
    raw: dict[str, Any] = out["raw"]["api"]["sqlite"]
    assert raw["build"]["counts"]["events"] == 120
    assert set(raw["queries"]) == {q.name for q in apibench.QUERIES}
    for q in raw["queries"].values():
        for side in ("api", "direct"):
            assert q[side]["n"] == 6 and 0 < q[side]["p50_ms"] <= q[side]["p99_ms"]
        assert q["rows"] > 0 and q["requests_per_s"] > 0
    rows = {r["figure"]: r for r in out["rows"]}
    p99 = rows["api(sqlite) events: type + period: p99 ms"]
    assert p99["goal_text"] == "< 100 ms" and p99["meets_goal"] is (p99["value"] < 100)
    assert p99["ratio"] == pytest.approx(p99["value"] / p99["baseline_value"])
    assert "api(sqlite) claims: stance + speaker: p50 ms" in rows
    assert (tmp_path / "api.json").is_file()
    assert "frontwire bench" in capsys.readouterr().out  # the table was printed
