"""Derived files in the user's cache folder (``config.cache_folder``): written atomically, kept
least-recently-used.

Each cache file's name holds a hash or the size and mtime of its sources, so a new install, a
changed source or another set of ``--gazetteer`` files writes a new file; nothing removed the old
ones, and a day of test runs left ~750 MB of stale gazetteers. A family (one name pattern) now keeps
its ``keep`` most recently used files: a read marks a file used (its mtime), a write prunes the rest.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def write_atomic(path: Path, write: Callable[[IO[Any]], None], binary: bool = True) -> bool:
    """Write ``path`` through a temporary file in its folder, replaced in one step (a concurrent
    reader sees the old file or the new one, never half of one). False when it could not be written:
    the cache is an optimisation only (read-only home, full disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8") as fh:
                write(fh)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


def mark_used(path: Path) -> None:
    """Record that ``path`` was just read (its mtime), for :func:`prune`."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, pattern: str, keep: int, spare: Path | None = None) -> list[Path]:
    """Delete all but the ``keep`` most recently used files of ``folder`` matching ``pattern``
    (``spare``, the file just written, always stays); returns the deleted ones."""
    found: list[tuple[float, Path]] = []
    for p in folder.glob(pattern):
        if p == spare:
            continue
        with contextlib.suppress(OSError):
            found.append((p.stat().st_mtime, p))
    found.sort(reverse=True)
    gone = []
    for _, old in found[max(0, keep - (spare is not None)) :]:
        with contextlib.suppress(OSError):
            old.unlink()
            gone.append(old)
    return gone
