"""A run killed by SIGKILL at a random moment, then rerun, and two runs at once on one store (issue 14):
every article stored exactly once and the store intact. Runs are real processes, killed by pid."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.fuzzcorpus import paragraphs


def _articles(folder: Path, first: int, count: int) -> set[str]:
    """Write ``count`` distinct articles; returns their sources."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = set()
    for serial in range(first, first + count):
        lang = ("en", "uk", "ru", "fr")[serial % 4]
        path = folder / f"article-{serial}.txt"
        text = f"Dispatch {serial}\n\n" + "\n\n".join(paragraphs(lang, serial)) + "\n"
        path.write_text(text, encoding="utf-8")
        sources.add(str(path))
    return sources


def _run(db: Path, *inputs: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "frontwire.cli", "run", *map(str, inputs), "--db", str(db)]
    return subprocess.Popen(cmd, env=env, cwd=db.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def _check_store(db: Path, expected: set[str]) -> None:
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = [r[0] for r in con.execute("SELECT source FROM documents")]
    con.close()
    assert sorted(rows) == sorted(expected)  # each article exactly once, nothing else


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_runner_sigkill_then_rerun_stores_each_article_once(tmp_path: Path, seed: int) -> None:
    expected = _articles(tmp_path / "in", 1, 120)
    db = tmp_path / "crash.db"
    rng = random.Random(seed)
    proc = _run(db, tmp_path / "in")
    # A random moment: before anything is stored (seed 1) or once some batches are in (seed 2).
    deadline = time.monotonic() + 120
    want = 0 if seed == 1 else 1
    while _documents(db) < want and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, 0.5))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL  # it was killed mid-run, not finished
    assert _documents(db) < len(expected)
    rerun = _run(db, tmp_path / "in")
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode(errors="replace")[-2000:]
    assert b"Traceback" not in err
    _check_store(db, expected)


@pytest.mark.slow
def test_runner_two_concurrent_runs_on_one_store_lose_nothing(tmp_path: Path) -> None:
    first = _articles(tmp_path / "a", 100, 24)
    second = _articles(tmp_path / "b", 200, 24)
    shared = _articles(tmp_path / "shared", 300, 12)
    db = tmp_path / "both.db"
    one = _run(db, tmp_path / "a", tmp_path / "shared")
    two = _run(db, tmp_path / "shared", tmp_path / "b")
    for proc in (one, two):
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
        assert b"Traceback" not in err
    _check_store(db, first | second | shared)
