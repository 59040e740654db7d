"""Reports and exports on a store built from the bundled examples by the real pipeline (slow)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from frontwire.config import load_settings
from frontwire.report import FORMATS, build_report, export_with_summary, situation_report
from frontwire.runner import run
from frontwire.store import open_store
from tests.report.test_situation import check_markdown, check_report

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory, resources: Any) -> Any:
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    store = open_store(db)
    settings = load_settings(db=str(db))
    # The licensed pages carry their own dates; the 19FortyFive page gets its publication day.
    run([str(EXAMPLES / "licensed")], store, settings, resources=resources)
    run(
        [str(EXAMPLES / "19fortyfive-bakhmut.txt")],
        store,
        settings,
        published="2023-03-07",
        resources=resources,
    )
    yield store
    store.close()


def test_bakhmut_report(example_store: Any) -> None:
    report = build_report(example_store, "Bakhmut", "2023-03-01", "2023-03-10")
    check_report(example_store, report)
    happened, claims, disputed, _ = report.sections
    assert happened.count >= 1 and claims.count >= 3 and disputed.count >= 1
    md = situation_report(example_store, "Bakhmut", "2023-03-01", "2023-03-10")
    check_markdown(md, report)
    assert "Control of territory (Bakhmut)" in md and "Institute for the Study of War" in md
    assert "(hedged" in md and "(asserted" in md
    page = situation_report(example_store, "Bakhmut", "2023-03-01", "2023-03-10", fmt="html")
    assert "<script" not in page.lower()


def test_zaporizhzhia_report(example_store: Any) -> None:
    report = build_report(example_store, "Zaporizhzhia", "2022-03-01", "2022-03-10")
    check_report(example_store, report)
    assert "Zaporizhzhia Nuclear Power Plant" in report.places
    md = situation_report(example_store, "Zaporizhzhia", "2022-03-01", "2022-03-10")
    check_markdown(md, report)
    # Each side blames the other for the plant: both in the disputed section, each cited.
    disputed = md.split("## What is disputed", 1)[1].split("\n## ", 1)[0]
    assert "Responsibility (Zaporizhzhia Nuclear Power Plant)" in disputed
    assert "(Ukraine side)" in md and "(Russia side)" in md


def test_exports_validate(example_store: Any, tmp_path: Path) -> None:
    import csv

    import pyarrow.parquet as pq
    from geojson_pydantic import FeatureCollection

    from tests.report.test_export import _strict_rfc7946

    results = {fmt: export_with_summary(example_store, fmt, tmp_path / f"all.{fmt}") for fmt in FORMATS}
    assert results["acled"].rows == results["csv"].rows == results["parquet"].rows > 10
    with (tmp_path / "all.acled").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == results["acled"].rows
    for r in rows:
        doc = example_store.get(r["fw_doc_id"])
        assert doc.text[int(r["fw_evidence_start"]) : int(r["fw_evidence_end"])] == r["notes"]
        assert r["fatalities"] == "" or int(r["fatalities"]) >= 0
    collection = json.loads((tmp_path / "all.geojson").read_text(encoding="utf-8"))
    FeatureCollection.model_validate(collection)
    _strict_rfc7946(collection)
    assert results["geojson"].rows + results["geojson"].left_out == results["csv"].rows
    assert pq.read_table(tmp_path / "all.parquet").num_rows == results["parquet"].rows
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == results["jsonl"].rows == len(example_store.documents(limit=1000))
