"""Exports and situation reports (DESIGN section 6): every way out of the store that is a file.

- :func:`export` writes ACLED-style CSV (ACLED's columns and codes plus ``fw_`` provenance), CSV
  with frontwire's field names, RFC 7946 GeoJSON, JSONL of Document JSON, or Parquet. One row per
  fused cluster (a real-world event counted once) unless ``per_report=True``.
- :func:`situation_report` assembles a report for a place and period from records only, every
  sentence citing outlet, title, date and span.
"""

from __future__ import annotations

from frontwire.report.export import FORMATS, ExportResult, export, export_with_summary
from frontwire.report.situation import Report, build_report, situation_report

__all__ = [
    "FORMATS",
    "ExportResult",
    "Report",
    "build_report",
    "export",
    "export_with_summary",
    "situation_report",
]
