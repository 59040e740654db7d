"""Loaders of the evaluation sets in ../shared/eval/ (a folder per set, each with a README) and discovery."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontwire.errors import InputError, NotFoundInput

ENV_VAR = "FRONTWIRE_EVAL_DATA"


def default_data_dir() -> Path:
    """``$FRONTWIRE_EVAL_DATA``, else ``../shared/eval`` beside the current directory (the repo root)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    here = Path.cwd().parent / "shared" / "eval"
    if here.is_dir():
        return here
    # Run from elsewhere than the repo root: the folder beside the installed checkout.
    return Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def discover(data_dir: Path) -> dict[str, Path]:
    """Data sets present under ``data_dir``: folder name -> path (folders with a README.md only)."""
    if not data_dir.is_dir():
        return {}
    return {p.name: p for p in sorted(data_dir.iterdir()) if p.is_dir() and (p / "README.md").is_file()}


def _jsonl(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise NotFoundInput(f"{path}: evaluation file not found")
    with path.open(encoding="utf-8") as fh:
        n = 0
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                return
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{line_no}: not JSON ({exc.msg})") from exc
            n += 1


def _read_gz(path: Path) -> bytes:
    if not path.is_file():
        raise NotFoundInput(f"{path}: page not found")
    return gzip.decompress(path.read_bytes())


# -- extraction ------------------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """One HTML page with its labels: a gold body (Zyte) or with/without segments and metadata."""

    id: str
    url: str | None
    html: bytes
    gold: dict[str, Any] = field(default_factory=dict)


def load_zyte(path: Path, limit: int | None = None) -> list[Page]:
    """article-extraction-benchmark: pages with ``gold['articleBody']``."""
    return [
        Page(
            id=r["id"],
            url=r.get("url"),
            html=_read_gz(path / r["html_path"]),
            gold={"articleBody": r["articleBody"]},
        )
        for r in _jsonl(path / "items.jsonl", limit)
    ]


def load_trafilatura_eval(path: Path, limit: int | None = None) -> list[Page]:
    """trafilatura-eval: pages keyed by URL with the source's fields (with, without, title, date...)."""
    return [
        Page(id=r["url"], url=r["url"], html=_read_gz(path / r["html_path"]), gold=r)
        for r in _jsonl(path / "items.jsonl", limit)
    ]


# -- text sets ---------------------------------------------------------------------------------


def load_polnear(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """PolNeAR articles; ``attributions`` = those of the primary annotator (README rule)."""
    out = []
    for r in _jsonl(path / "articles.jsonl", limit):
        ann = r.get("annotations", {}).get(r.get("primary_annotator"), {})
        out.append({**r, "attributions": ann.get("attributions", [])})
    return out


def load_tempeval(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """TempEval-3 documents with ``dct`` and ``timexes``."""
    return list(_jsonl(path / "documents.jsonl", limit))


@dataclass(slots=True)
class GoldToponym:
    """A gold toponym in one shape for GeoWebNews, LGL and TR-News."""

    start: int
    end: int
    text: str
    type: str | None  # GeoWebNews fine-grained type; None for LGL / TR-News
    geonames_id: str | None
    lat: float | None
    lon: float | None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def load_geo(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """GeoWebNews / LGL / TR-News articles as ``{"id", "text", "toponyms": [GoldToponym]}``.

    Fixed offsets are used where the README provides them; mentions that cannot be located
    (offsets that do not select the name, none fixed) are dropped.
    """
    out = []
    for r in _jsonl(path / "articles.jsonl", limit):
        text = r["text"]
        tops = []
        for t in r.get("toponyms", []):
            start, end = t.get("start_fixed", t["start"]), t.get("end_fixed", t["end"])
            name = t.get("extractedName") or t.get("phrase") or ""
            if not t.get("offsets_ok", True) and "start_fixed" not in t:
                continue
            if start is None or end is None or text[start:end] != name:
                continue
            gaz = t.get("gaztag")
            if gaz is not None:
                gid, lat, lon = gaz.get("geonameid"), _float(gaz.get("lat")), _float(gaz.get("lon"))
            else:
                gid, lat, lon = t.get("geonamesID"), _float(t.get("latitude")), _float(t.get("longitude"))
            tops.append(
                GoldToponym(
                    start=start, end=end, text=name, type=t.get("type"),
                    geonames_id=str(gid) if gid not in (None, "") else None, lat=lat, lon=lon,
                )
            )  # fmt: skip
        out.append({"id": str(r["id"]), "text": text, "toponyms": tops})
    return out


def load_ukraine_cir(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """CIR incident rows in Ukraine that name a town and have coordinates."""
    rows = []
    for r in _jsonl(path / "events.jsonl"):
        if r.get("country") != "Ukraine" or not (r.get("town/city") or "").strip() or r.get("lat_f") is None:
            continue
        rows.append(r)
        if limit is not None and len(rows) >= limit:
            break
    return rows


def load_news_raw(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """ukraine-news-raw texts (unlabelled; for throughput)."""
    return list(_jsonl(path / "articles.jsonl", limit))
