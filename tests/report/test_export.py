"""Exports (frontwire/report/export.py) read back with standard readers: csv, json, pyarrow, a
GeoJSON validator (geojson-pydantic) plus strict RFC 7946 checks of our own."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from frontwire.model import Document
from frontwire.report import FORMATS, export, export_with_summary
from frontwire.report import acled as acled_codes
from frontwire.report.records import FIELDS
from tests.report.stores import SCRIPT, fill


@pytest.fixture
def filled(store: Any, resources: Any) -> Any:
    fill(store, resources)
    return store


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _by_location(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["location"]: r for r in rows}


def test_acled_columns_and_codes(filled: Any, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    assert export(filled, "acled", out) == 3  # three real-world events; the negated one is not exported
    header, rows = _read_csv(out)
    assert header[: len(acled_codes.COLUMNS)] == list(acled_codes.COLUMNS)
    assert header[len(acled_codes.COLUMNS) :][:9] == [
        "fw_source_url", "fw_doc_id", "fw_evidence_start", "fw_evidence_end", "fw_cluster_id",
        "fw_corroboration", "fw_reported_by", "fw_stance", "fw_confidence",
    ]  # fmt: skip
    rows_at = _by_location(rows)
    assert set(rows_at) == {"Bakhmut", "Kramatorsk", ""}
    bakhmut = rows_at["Bakhmut"]
    assert (
        bakhmut["event_date"] == "2023-03-06"
        and bakhmut["year"] == "2023"
        and bakhmut["time_precision"] == "1"
    )
    assert bakhmut["disorder_type"] == "Political violence"
    assert (bakhmut["actor1"], bakhmut["inter1"]) == ("Wagner Group", "8")
    assert (bakhmut["actor2"], bakhmut["inter2"], bakhmut["interaction"]) == (
        "Military Forces of Ukraine (2019-)", "1", "18"
    )  # fmt: skip
    assert (bakhmut["iso"], bakhmut["region"], bakhmut["country"], bakhmut["admin1"]) == (
        "804", "Europe", "Ukraine", "Donetsk"
    )  # fmt: skip
    assert (
        bakhmut["event_id_cnty"].startswith("UKRk") and bakhmut["fw_cluster_id"] in bakhmut["event_id_cnty"]
    )
    assert bakhmut["source"] == "Outlet A; Outlet B" and bakhmut["fw_corroboration"] == "2"
    assert bakhmut["fatalities"] == "4" and bakhmut["civilian_targeting"] == ""
    assert int(bakhmut["timestamp"]) > 1_600_000_000
    # notes is the evidence sentence, found at the stated span of the stated document.
    doc = filled.get(bakhmut["fw_doc_id"])
    start, end = int(bakhmut["fw_evidence_start"]), int(bakhmut["fw_evidence_end"])
    assert doc.text[start:end] == bakhmut["notes"] and bakhmut["fw_source_url"] == doc.article.url
    kramatorsk = rows_at["Kramatorsk"]
    assert kramatorsk["civilian_targeting"] == "Civilian targeting"
    assert (kramatorsk["inter1"], kramatorsk["inter2"], kramatorsk["interaction"]) == ("1", "7", "17")
    assert kramatorsk["fatalities"] == ""  # the text states no number: empty, not 0
    assert SCRIPT in kramatorsk["notes"]  # CSV keeps the text as it is
    drone = rows_at[""]
    assert drone["latitude"] == drone["longitude"] == drone["event_date"] == drone["year"] == ""
    assert (drone["inter1"], drone["inter2"], drone["interaction"]) == ("", "", "")
    assert not any("did not withdraw" in r["notes"] for r in rows)


def test_acled_per_report_and_min_sources(filled: Any, tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    result = export_with_summary(filled, "acled", out, per_report=True)
    assert result.rows == 4 and result.per_report
    _, rows = _read_csv(out)
    bakhmut = [r for r in rows if r["location"] == "Bakhmut"]
    assert len(bakhmut) == 2 and bakhmut[0]["fw_cluster_id"] == bakhmut[1]["fw_cluster_id"]
    assert {r["source"] for r in bakhmut} == {"Outlet A", "Outlet B"}
    assert {r["fw_corroboration"] for r in bakhmut} == {"2"}
    assert export(filled, "acled", tmp_path / "two.csv", min_sources=2) == 1
    assert export(filled, "acled", tmp_path / "two-r.csv", min_sources=2, per_report=True) == 2


def test_filters_select_reports_and_are_checked(filled: Any, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert export(filled, "csv", out, place="bakhmut") == 1
    assert export(filled, "csv", out, place="Donetsk") == 2  # the region (admin1)
    assert export(filled, "csv", out, type_="violence against civilians") == 1
    assert export(filled, "csv", out, sub_type="Air/drone strike") == 1
    assert export(filled, "csv", out, actor="wagner") == 1
    assert export(filled, "csv", out, since="2023-03-07") == 0  # undated events are in no period
    assert export(filled, "csv", out, until="2023-03-06") == 2
    with pytest.raises(ValueError, match="ACLED's event types are: Battles"):
        export(filled, "csv", out, type_="shelling")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        export(filled, "csv", out, since="March 2023")
    with pytest.raises(ValueError, match="formats: acled, csv, geojson, jsonl, parquet"):
        export(filled, "xlsx", out)


def test_csv_round_trip(filled: Any, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    assert export(filled, "csv", out) == 3
    header, rows = _read_csv(out)
    assert header == list(FIELDS)
    bakhmut = next(r for r in rows if r["place"] == "Bakhmut")
    assert bakhmut["kind"] == "cluster" and bakhmut["corroboration"] == "2" and bakhmut["reports"] == "2"
    assert bakhmut["outlets"] == "Outlet A; Outlet B" and bakhmut["fatalities_best"] == "4"
    assert float(bakhmut["lat"]) == pytest.approx(48.59419) and bakhmut["claimed_only"] == "false"
    assert bakhmut["fatalities_low"] == bakhmut["fatalities_high"] == ""


def _strict_rfc7946(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection" and isinstance(collection["features"], list)
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        coords = geometry["coordinates"]
        assert isinstance(coords, list) and len(coords) == 2
        assert all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords)
        lon, lat = coords
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert "crs" not in collection  # RFC 7946 dropped named CRSs: WGS 84 only


def test_geojson_is_rfc7946_and_counts_what_it_leaves_out(filled: Any, tmp_path: Path) -> None:
    from geojson_pydantic import FeatureCollection

    out = tmp_path / "events.geojson"
    result = export_with_summary(filled, "geojson", out)
    assert (result.rows, result.left_out) == (2, 1)  # the drone strike has no place
    collection = json.loads(out.read_text(encoding="utf-8"))
    FeatureCollection.model_validate(collection)
    _strict_rfc7946(collection)
    assert collection["frontwire"]["left_out_without_coordinates"] == 1
    bakhmut = next(f for f in collection["features"] if f["properties"]["place"] == "Bakhmut")
    # Longitude first (Bakhmut is at 48.6 N, 38.0 E).
    assert bakhmut["geometry"]["coordinates"] == pytest.approx([37.99886, 48.59419])
    assert bakhmut["properties"]["corroboration"] == 2 and bakhmut["id"] == bakhmut["properties"]["id"]
    assert "lat" not in bakhmut["properties"]


def test_jsonl_is_document_json_of_the_selected_documents(filled: Any, tmp_path: Path) -> None:
    out = tmp_path / "docs.jsonl"
    assert export(filled, "jsonl", out) == 2  # no filter: every document
    lines = out.read_text(encoding="utf-8").splitlines()
    docs = [Document.from_json(json.loads(line)) for line in lines]
    assert {d.id for d in docs} == {"a" * 64, "b" * 64}
    for d in docs:
        assert d.to_json() == filled.get(d.id).to_json()
        assert all(d.text[e.start : e.end] == e.evidence for e in d.events)
    assert export(filled, "jsonl", out, type_="Violence against civilians") == 1
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "a" * 64
    assert export(filled, "jsonl", out, place="Bakhmut") == 2  # both reports of the fused event


def test_parquet_typed_columns(filled: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "events.parquet"
    assert export(filled, "parquet", out) == 3
    table = pq.read_table(out)
    schema = table.schema
    assert schema.names == list(FIELDS)
    assert schema.field("lat").type == pa.float64() and schema.field("fatalities_best").type == pa.int64()
    assert schema.field("date_start").type == pa.date32() and schema.field("claimed_only").type == pa.bool_()
    assert schema.field("outlets").type == pa.list_(pa.string())
    rows = {r["place"]: r for r in table.to_pylist()}
    assert rows["Bakhmut"]["outlets"] == ["Outlet A", "Outlet B"] and rows["Bakhmut"]["fatalities_best"] == 4
    assert rows["Kramatorsk"]["fatalities_best"] is None and rows[None]["lat"] is None
    assert str(rows["Bakhmut"]["date_start"]) == "2023-03-06"


def test_export_to_an_open_file_and_an_empty_store(filled: Any, store: Any, tmp_path: Path) -> None:
    buffer = io.StringIO()
    assert export(filled, "acled", buffer) == 3
    assert buffer.getvalue().splitlines()[0].startswith("event_id_cnty,event_date,year,")
    raw = io.BytesIO()
    assert export(filled, "parquet", raw) == 3 and raw.getvalue()[:4] == b"PAR1"


def test_every_format_on_an_empty_store(tmp_path: Path) -> None:
    from frontwire.store import open_store

    empty = open_store(tmp_path / "empty.db")
    try:
        for fmt in FORMATS:
            assert export(empty, fmt, tmp_path / f"empty.{fmt}") == 0
        header, rows = _read_csv(tmp_path / "empty.acled")
        assert rows == [] and header[0] == "event_id_cnty"
        assert json.loads((tmp_path / "empty.geojson").read_text())["features"] == []
    finally:
        empty.close()


def test_acled_codes_from_names() -> None:
    code = acled_codes.actor_code
    assert code("Military Forces of Russia (2000-)") == 1 and code("Government of Ukraine (2019-)") == 1
    assert code("Police Forces") == 1 and code("Wagner Group") == 8 and code("UN: United Nations") == 8
    assert code("Civilians") == 7 and code("Civilians (Ukraine)") == 7 and code("Protesters (Russia)") == 6
    assert code("Rioters (Ukraine)") == 5 and code("Unidentified Armed Group (Ukraine)") == 3
    assert code("Alexander Suvorov") is None and code(None) is None
    assert acled_codes.interaction(1, 0) == 10 and acled_codes.interaction(7, 1) == 17
    assert acled_codes.interaction(None, 1) is None
    assert acled_codes.disorder_type("Protests", "Excessive force against protesters") == (
        "Political violence; Demonstrations"
    )
    assert acled_codes.disorder_type("Riots", "Violent demonstration") == "Demonstrations"
    assert acled_codes.disorder_type("Strategic developments", "Agreement") == "Strategic developments"
    assert acled_codes.event_day("2023-03-01", "2023-03-31") == "2023-03-16"  # a month: its middle day
    assert acled_codes.time_precision(None, "2023-03-06", "2023-03-12") == 2
    assert acled_codes.fatalities(12, None) == 12 and acled_codes.fatalities(None, None) is None
    assert acled_codes.country("RU") == ("Russia", 643, "RUS") and acled_codes.country("ZZ") == (
        None,
        None,
        None,
    )


def test_cli_export(filled: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from frontwire.cli import app

    out = tmp_path / "cli.geojson"
    runner = CliRunner()
    db = filled.path
    result = runner.invoke(app, ["export", "--db", db, "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 events written" in result.output and "1 left out (no coordinates)" in result.output
    assert len(json.loads(out.read_text())["features"]) == 2
    bad = runner.invoke(app, ["export", "--db", db, "--format", "xlsx", "-o", str(out)])
    assert bad.exit_code == 2 and "formats: acled, csv, geojson, jsonl, parquet" in _plain(bad.output)
    bad = runner.invoke(app, ["export", "--db", db, "-f", "csv", "-o", str(out), "--type", "nope"])
    assert bad.exit_code == 2 and "ACLED's event types are: Battles" in _plain(bad.output)


def _plain(output: str) -> str:
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


class _WithoutConnection:
    """The same store seen only through its methods (as another backend would be)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name == "db":
            raise AttributeError(name)
        return getattr(self._store, name)


def test_a_store_without_a_sqlite_connection_exports_the_same(filled: Any, tmp_path: Path) -> None:
    for fmt in ("acled", "geojson"):
        export(filled, fmt, tmp_path / f"fast.{fmt}", per_report=True)
        export(_WithoutConnection(filled), fmt, tmp_path / f"slow.{fmt}", per_report=True)
        assert (tmp_path / f"fast.{fmt}").read_bytes() == (tmp_path / f"slow.{fmt}").read_bytes()
