"""Export writers: ACLED CSV, frontwire CSV, RFC 7946 GeoJSON, JSONL of Document JSON, Parquet.

Empty values are empty (CSV ``""``, JSON ``null``, Parquet null): never a 0 or a date that looks
like data. Floats and integers keep their types in JSON and Parquet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from frontwire.report import acled
from frontwire.report.records import FIELDS, Filters, Reader, _paged, filters, records

FORMATS = ("acled", "csv", "geojson", "jsonl", "parquet")
_BINARY = {"parquet"}


@dataclass(slots=True)
class ExportResult:
    """What one export wrote."""

    format: str
    rows: int  # rows, features or documents written
    left_out: int = 0  # geojson: records without coordinates (not features)
    per_report: bool = False


@contextmanager
def _opened(out: Path | str | IO[Any], binary: bool) -> Iterator[IO[Any]]:
    if isinstance(out, (str, Path)):
        path = Path(out)
        if binary:
            with path.open("wb") as fh:
                yield fh
        else:
            with path.open("w", encoding="utf-8", newline="") as fh:
                yield fh
    else:
        yield out


def _cell(value: Any) -> Any:
    """A CSV cell: lists joined with '; ', dicts as JSON, booleans as true/false, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return value


def _write_csv(fh: IO[str], header: tuple[str, ...] | list[str], rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(fh, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in header})


def _feature(record: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in record.items() if k not in ("lat", "lon")}
    return {
        "type": "Feature",
        "id": record["id"],
        # RFC 7946 section 3.1.1: longitude first, then latitude (WGS 84 degrees).
        "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
        "properties": props,
    }


def _located(record: dict[str, Any]) -> bool:
    lat, lon = record["lat"], record["lon"]
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def _arrow_schema() -> Any:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "float": pa.float64(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
        "json": pa.string(),
    }
    return pa.schema([pa.field(name, types[kind], nullable=True) for name, kind in FIELDS.items()])


def _write_parquet(fh: IO[bytes], rows: list[dict[str, Any]]) -> None:
    from datetime import date

    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {name: [] for name in FIELDS}
    for r in rows:
        for name, kind in FIELDS.items():
            value = r.get(name)
            if kind == "date" and value is not None:
                value = date.fromisoformat(value)
            elif kind == "json":
                value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None
            columns[name].append(value)
    table = pa.table(columns, schema=_arrow_schema())
    pq.write_table(table, fh)


def _document_ids(store: Any, f: Filters, per_report: bool, reader: Reader) -> list[str]:
    """The documents behind the records the filters select (every document when no filter is given)."""
    if not f.any_event_filter:
        return [r["id"] for r in _paged(store.documents)]
    ids: dict[str, None] = {}
    for r in records(store, f, per_report=per_report, reader=reader):
        ids.update(dict.fromkeys(r["documents"]))
    return list(ids)


def export_with_summary(
    store: Any,
    fmt: str,
    out: Path | str | IO[Any],
    *,
    per_report: bool = False,
    type_: str | None = None,
    sub_type: str | None = None,
    place: str | None = None,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_sources: int = 1,
) -> ExportResult:
    """Write the records the filters select in ``fmt`` to ``out`` (a path or an open file)."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    f = filters(type_, sub_type, place, actor, since, until, min_sources)
    reader = Reader(store)
    if fmt == "jsonl":
        ids = _document_ids(store, f, per_report, reader)
        with _opened(out, binary=False) as fh:
            for doc_id in ids:
                fh.write(json.dumps(store.get(doc_id).to_json(), ensure_ascii=False) + "\n")
        return ExportResult(fmt, len(ids), per_report=per_report)
    rows = records(store, f, per_report=per_report, reader=reader)
    if fmt == "acled":
        with _opened(out, binary=False) as fh:
            _write_csv(fh, acled.HEADER, [acled.row(r) for r in rows])
        return ExportResult(fmt, len(rows), per_report=per_report)
    if fmt == "csv":
        with _opened(out, binary=False) as fh:
            _write_csv(fh, list(FIELDS), rows)
        return ExportResult(fmt, len(rows), per_report=per_report)
    if fmt == "geojson":
        located = [r for r in rows if _located(r)]
        collection = {
            "type": "FeatureCollection",
            "features": [_feature(r) for r in located],
            # A foreign member (RFC 7946 section 6.1): what the map cannot show.
            "frontwire": {"left_out_without_coordinates": len(rows) - len(located), "per_report": per_report},
        }
        with _opened(out, binary=False) as fh:
            json.dump(collection, fh, ensure_ascii=False)
            fh.write("\n")
        return ExportResult(fmt, len(located), left_out=len(rows) - len(located), per_report=per_report)
    with _opened(out, binary=True) as fh:
        if isinstance(fh, io.TextIOBase):
            raise ValueError("parquet needs a binary file (open it with 'wb') or a path")
        _write_parquet(fh, rows)
    return ExportResult(fmt, len(rows), per_report=per_report)


def export(store: Any, fmt: str, out: Path | str | IO[Any], **filters: Any) -> int:
    """Write an export (see :func:`export_with_summary`); the number of rows written."""
    return export_with_summary(store, fmt, out, **filters).rows
