import os
from pathlib import Path

import pytest

from frontwire.cachefiles import mark_used, prune, write_atomic


def _file(folder: Path, name: str, age_s: int) -> Path:
    p = folder / name
    p.write_bytes(b"x")
    t = 1_700_000_000 - age_s
    os.utime(p, (t, t))
    return p


def test_prune_keeps_the_last_used_of_a_family_and_spares_others(tmp_path: Path) -> None:
    old = [_file(tmp_path, f"gazetteer-built-v1-{i}.pkl", 1000 + i) for i in range(3)]
    newer = [_file(tmp_path, f"gazetteer-built-v2-u{i}-abc.pkl", 100 + i) for i in range(3)]
    other = _file(tmp_path, "ruler-phrases-v1-abc.json", 5000)
    mark_used(old[2])  # read just now: the most recently used of all
    just_written = _file(tmp_path, "gazetteer-built-v2-u9-new.pkl", 0)
    gone = prune(tmp_path, "gazetteer-built-v*.pkl", keep=3, spare=just_written)
    left = sorted(p.name for p in tmp_path.iterdir())
    # kept: the file written, the one just read, and the newest of the rest (newer[0], 100 s old)
    assert left == sorted([just_written.name, old[2].name, newer[0].name, other.name])
    assert len(gone) == 4


def test_write_atomic_replaces_in_one_step_and_reports_failure(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "cache.bin"
    assert write_atomic(target, lambda fh: fh.write(b"one"))
    assert write_atomic(target, lambda fh: fh.write(b"two"))
    assert target.read_bytes() == b"two"

    def broken(fh):
        fh.write(b"half")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        write_atomic(target, broken)
    assert target.read_bytes() == b"two"  # the old file stays whole
    assert [p.name for p in target.parent.iterdir()] == ["cache.bin"]  # no temporary left behind
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert write_atomic(blocked / "x.bin", lambda fh: fh.write(b"x")) is False
