"""One run over the generated hostile corpus (issue 14): nothing aborts, valid units are stored decoded,
everything else is a named skip, nothing outside the folder is read, and every input keeps its budget.

CI runs a small corpus. The full one (>= 1,000 inputs, 50 MB pages, a 1 GB zip bomb) runs with
``FRONTWIRE_FUZZ_FULL=1 pytest -q -s tests/ingest/test_fuzz.py``, which prints its figures and writes
them to ``$FRONTWIRE_FUZZ_REPORT`` (a JSON file) when that is set.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontwire import errors, runner
from frontwire.config import Settings
from frontwire.store import open_store
from tests import fuzzcorpus

# Every reason code frontwire names (a skip must carry one of them).
NAMED_REASONS = {
    cls.reason
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.FrontwireError) and cls.reason != "error"
}

# Read at import: the autouse fixture hides FRONTWIRE_* variables from the tests themselves.
_FULL = bool(os.environ.get("FRONTWIRE_FUZZ_FULL"))
_REPORT = os.environ.get("FRONTWIRE_FUZZ_REPORT")
_OPENED: list[str] = []
_WATCH: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Records every file opened under the folder that must never be read (while a run is watched).
    if _WATCH and event == "open" and args and isinstance(args[0], str | bytes):
        path = os.fsdecode(args[0]) if isinstance(args[0], bytes) else args[0]
        if path.startswith(_WATCH[0]):
            _OPENED.append(path)


sys.addaudithook(_audit)


def _norm(text: str) -> str:
    return " ".join(text.split())


def run_fuzz(root: Path, scale: float, resources: Any) -> tuple[list[str], dict[str, Any]]:
    """Build the corpus, run once over it; returns (failures, figures)."""
    corpus = fuzzcorpus.build(root, scale)
    settings = Settings()
    timings: Counter[str] = Counter()
    from frontwire import extract, ingest

    real_article, real_iter = extract.article, ingest.iter_items

    def timed_article(item: Any, res: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return real_article(item, res)
        finally:
            timings[item.source] += time.perf_counter() - t0

    def timed_items(*args: Any, **kwargs: Any) -> Iterator[Any]:
        t0 = time.perf_counter()
        for entry in real_iter(*args, **kwargs):
            timings[entry.source] += time.perf_counter() - t0  # the time it took to read this unit
            yield entry
            t0 = time.perf_counter()

    store = open_store(root / "fuzz.db")
    failures: list[str] = []
    extract.article, ingest.iter_items = timed_article, timed_items  # type: ignore[assignment]
    _WATCH[:] = [str(corpus.outside)]
    _OPENED.clear()
    t0 = time.perf_counter()
    try:
        summary = runner.run([str(corpus.folder)], store, settings, resources=resources)
    finally:
        wall = time.perf_counter() - t0
        _WATCH.clear()
        extract.article, ingest.iter_items = real_article, real_iter  # type: ignore[assignment]
        fuzzcorpus.restore(corpus)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db = sqlite3.connect(root / "fuzz.db")
    docs = dict(db.execute("SELECT source, text FROM documents").fetchall())
    published = dict(db.execute("SELECT source, published FROM documents").fetchall())
    skips = db.execute("SELECT source, reason, message FROM skips").fetchall()
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        failures.append("integrity_check failed")
    store.close()

    if _OPENED:
        failures.append(f"files outside the input folder were opened: {sorted(set(_OPENED))[:5]}")
    for source, text in docs.items():
        if fuzzcorpus.SECRET in text:
            failures.append(f"{source}: a stored document holds the outside file's text")
    for source, _, message in skips:
        if fuzzcorpus.SECRET in (message or ""):
            failures.append(f"{source}: a skip message holds the outside file's text")
    # every valid unit stored, its text decoded correctly
    for source, sentences in corpus.expected.items():
        if source not in docs:
            why = [r for s, r, _ in skips if s == source]
            failures.append(f"valid unit not stored: {source} ({corpus.kind_of.get(source)}; skip {why})")
            continue
        text = _norm(docs[source])
        missing = [s for s in sentences if _norm(s) not in text]
        if missing:
            failures.append(f"{source}: text lacks {missing[0][:60]!r} (got {text[:80]!r})")
    for source in corpus.no_published:
        if published.get(source):
            failures.append(f"{source}: implausible date kept as {published[source]!r}")
    # nothing else stored; every hostile unit a named skip
    allowed = set(corpus.expected) | set(corpus.optional)
    for source in docs:
        if source not in allowed:
            failures.append(f"stored a unit that is no article: {source}")
    skipped_sources = {s for s, _, _ in skips}
    for source, kind in corpus.hostile.items():
        own = [r for s, r, _ in skips if s == source or s.startswith(source + "#")]
        if not own:
            failures.append(f"hostile unit left no skip: {source} ({kind})")
    for source, reason, _ in skips:
        if reason not in NAMED_REASONS:
            failures.append(f"{source}: skip reason {reason!r} is not a named one")
    budget = settings.input_time_budget
    slowest = max(timings.items(), key=lambda kv: kv[1]) if timings else ("", 0.0)
    over = [(s, t) for s, t in timings.items() if t > budget]
    if over:
        failures.append(f"inputs over their {budget} s budget: {over[:5]}")

    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted(set(corpus.kinds) | set(corpus.units)):
        row = {"inputs": corpus.kinds[kind], "units": corpus.units[kind], "stored": 0, "skips": Counter()}
        by_kind[kind] = row
    for source in docs:
        kind = corpus.kind_of.get(source, "?")
        by_kind.setdefault(kind, {"inputs": 0, "units": 0, "stored": 0, "skips": Counter()})["stored"] += 1
    for source, reason, _ in skips:
        kind = corpus.kind_of.get(source) or corpus.kind_of.get(source.split("#", 1)[0], "?")
        by_kind.setdefault(kind, {"inputs": 0, "units": 0, "stored": 0, "skips": Counter()})["skips"][
            reason
        ] += 1
    figures = {
        "inputs": corpus.inputs,
        "units": sum(corpus.units.values()),
        "valid_units": len(corpus.expected),
        "stored": len(docs),
        "duplicates": summary.duplicates,
        "skips": dict(Counter(r for _, r, _ in skips)),
        "skipped_sources": len(skipped_sources),
        "slowest": {"source": slowest[0], "seconds": round(slowest[1], 2)},
        "peak_rss_mb": round(peak_mb),
        "wall_s": round(wall, 1),
        "by_kind": {k: {**v, "skips": dict(v["skips"])} for k, v in sorted(by_kind.items())},
    }
    return failures, figures


@pytest.mark.slow
def test_fuzz_small_corpus(tmp_path: Path, resources: Any) -> None:
    failures, figures = run_fuzz(tmp_path, 0.05, resources)
    assert figures["inputs"] >= 150 and figures["valid_units"] >= 80
    assert not failures, "\n".join(failures[:20])


@pytest.mark.slow
@pytest.mark.skipif(not _FULL, reason="set FRONTWIRE_FUZZ_FULL=1 (minutes)")
def test_fuzz_full_corpus(tmp_path: Path, resources: Any) -> None:
    failures, figures = run_fuzz(tmp_path, 1.0, resources)
    report = json.dumps({"failures": failures, **figures}, indent=1, ensure_ascii=False)
    print(report)
    if _REPORT:
        Path(_REPORT).write_text(report, encoding="utf-8")
    assert figures["inputs"] >= 1000
    assert not failures, "\n".join(failures[:30])
