"""Tests of data set discovery and loaders on tiny hand-written folders."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from frontwire.errors import InputError
from frontwire.evaluate.datasets import default_data_dir, discover, load_geo, load_zyte


def _zyte(root: Path) -> Path:
    d = root / "article-extraction-benchmark"
    (d / "html").mkdir(parents=True)
    (d / "README.md").write_text("# test set\n", encoding="utf-8")
    (d / "html" / "p1.html.gz").write_bytes(gzip.compress(b"<html><body><p>Hi</p></body></html>"))
    row = {"id": "p1", "url": "https://example.org/a", "html_path": "html/p1.html.gz", "articleBody": "Hi"}
    (d / "items.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    return d


def test_datasets_discover_needs_readme(tmp_path: Path) -> None:
    _zyte(tmp_path)
    (tmp_path / "no-readme").mkdir()
    assert list(discover(tmp_path)) == ["article-extraction-benchmark"]
    assert discover(tmp_path / "absent") == {}


def test_datasets_env_overrides_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRONTWIRE_EVAL_DATA", str(tmp_path))
    assert default_data_dir() == tmp_path


def test_datasets_load_zyte_reads_gzip(tmp_path: Path) -> None:
    pages = load_zyte(_zyte(tmp_path))
    assert pages[0].html.startswith(b"<html>") and pages[0].gold == {"articleBody": "Hi"}


def test_datasets_bad_jsonl_is_an_input_error(tmp_path: Path) -> None:
    d = _zyte(tmp_path)
    (d / "items.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_zyte(d)


def test_datasets_geo_uses_fixed_offsets_and_drops_unlocatable(tmp_path: Path) -> None:
    text = "xx Kyiv and Lviv"
    rows = {
        "id": 1,
        "text": text,
        "toponyms": [
            {"start": 0, "end": 4, "phrase": "Kyiv", "offsets_ok": False, "start_fixed": 3, "end_fixed": 7,
             "gaztag": {"geonameid": "703448", "lat": "50.45", "lon": "30.52"}},
            {"start": 0, "end": 4, "phrase": "Lviv", "offsets_ok": False, "gaztag": None},
        ],
    }  # fmt: skip
    (tmp_path / "articles.jsonl").write_text(json.dumps(rows) + "\n", encoding="utf-8")
    [art] = load_geo(tmp_path)
    assert [(t.start, t.end, t.geonames_id, t.lat) for t in art["toponyms"]] == [(3, 7, "703448", 50.45)]
