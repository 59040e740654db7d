"""Tests of the eval report: number formats, tables and JSON."""

from __future__ import annotations

import io

from rich.console import Console

from frontwire.evaluate.report import fmt, print_results, results_json
from frontwire.evaluate.scores import Scores
from frontwire.evaluate.tasks import OURS, Row, TaskResult


def test_report_formats() -> None:
    assert fmt(None, "f1") == "-"
    assert fmt(0.95678, "f1") == "0.957"
    assert fmt(1234.4, "geocoding.median_km") == "1,234"


def test_report_table_and_errors() -> None:
    scores = Scores({"f1": 0.5}, {"items": 2}, [{"id": "bad", "score": 0.0}])
    result = TaskResult("extraction-html", {"set": ["f1"]}, [Row("set", "frontwire", OURS, scores)])
    buf = io.StringIO()
    print_results([result], errors=1, console=Console(file=buf, width=200))
    text = buf.getvalue()
    assert "0.500" in text and '"bad"' in text
    data = results_json([result], errors=1)
    assert data["extraction-html"]["rows"][0]["metrics"] == {"f1": 0.5}
