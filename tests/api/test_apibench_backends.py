"""frontwire bench --api --api-backends: the same synthetic store served from SQLite and from a
throw-away PostgreSQL server, every row naming its backend."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from frontwire.cli import app
from frontwire.errors import ConfigError
from frontwire.evaluate import apibench
from frontwire.store import pg_server


def test_api_backends_are_parsed() -> None:
    assert apibench.parse_backends("sqlite") == ("sqlite",)
    assert apibench.parse_backends(" PostgreSQL, sqlite,postgres ") == ("postgres", "sqlite")
    for bad in ("mysql", "sqlite,duckdb", " , "):
        with pytest.raises(ConfigError, match="valid: sqlite, postgres"):
            apibench.parse_backends(bad)
    result = CliRunner().invoke(app, ["bench", "--api", "--api-backends", "sqlite,oracle"])
    assert result.exit_code == 2 and "oracle" in result.output


def test_api_bench_on_sqlite_and_postgres(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reason = pg_server.unavailable()
    if reason is not None:
        pytest.skip(reason)
    events, requests = 200, 5
    out = apibench.run_api_bench(
        events, requests, clients=1, json_out=tmp_path / "api.json", backends=("sqlite", "postgres")
    )
    raw: dict[str, Any] = out["raw"]["api"]
    assert list(raw) == ["sqlite", "postgres"]
    names = [q.name for q in apibench.QUERIES]
    for backend, figures in raw.items():
        assert figures["backend"] == backend and figures["clients"] == 1
        counts = figures["build"]["counts"]
        assert counts["events"] == events and counts["documents"] == events // apibench.EVENTS_PER_DOC
        assert counts["claims"] == events  # one claim per synthetic event
        assert figures["build"]["mb"] > 0 and figures["build"]["seconds"] > 0
        assert list(figures["queries"]) == names
        for q in figures["queries"].values():
            for side in ("api", "direct"):
                s = q[side]
                assert s["n"] == requests and 0 < s["p50_ms"] <= s["p99_ms"] <= s["max_ms"] < 60_000
            assert 0 < q["rows"] <= 100 and q["requests_per_s"] > 0
    # The same documents, so every query's page holds as many rows on either store.
    assert [q["rows"] for q in raw["sqlite"]["queries"].values()] == [
        q["rows"] for q in raw["postgres"]["queries"].values()
    ]
    rows = {r["figure"]: r for r in out["rows"]}
    assert len(out["rows"]) == len(rows) == 2 * (1 + 2 * len(names))  # build + p50/p99 per query
    for backend in ("sqlite", "postgres"):
        assert f"api({backend}): build store of 200 events s" in rows
        for name in names:
            p50, p99 = rows[f"api({backend}) {name}: p50 ms"], rows[f"api({backend}) {name}: p99 ms"]
            assert 0 < p50["value"] <= p99["value"]
            assert p99["goal_text"] == "< 100 ms" and p99["meets_goal"] is (p99["value"] < 100)
            assert p99["ratio"] == pytest.approx(p99["value"] / p99["baseline_value"])
            assert f"{requests} requests, 1 clients" in p99["note"]
    assert "database size" in rows["api(postgres): build store of 200 events s"]["note"]
    written = json.loads((tmp_path / "api.json").read_text())
    assert [r["figure"] for r in written["rows"]] == [r["figure"] for r in out["rows"]]
    printed = capsys.readouterr().out
    assert "api bench [postgres]: starting a throw-away PostgreSQL server" in printed
    assert "api bench [postgres]: building a postgres store of 200 events" in printed
    assert printed.count("frontwire bench") == 1  # one table for both (its cells wrap at 80 columns)
