"""A store as an older frontwire left it: only the migrations before ``before`` applied, and
documents written without what later migrations added (for the upgrade tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from frontwire.store import migrations, rows, summaries


@contextmanager
def old_schema(before: str) -> Iterator[None]:
    """Within the block, stores migrate only up to ``before`` (exclusive) and write as they did."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", [x for x in migrations.MIGRATIONS if x[0] < before])
        if before <= "m008":
            # m008's summaries and speaker spellings did not exist: nothing written to them.
            m.setattr(summaries.Delta, "write", lambda self, db: None)
            m.setattr(summaries.Delta, "remove", lambda self, db, doc_id: None)
            m.setattr(rows, "TABLES", tuple(t for t in rows.TABLES if t.name != "speaker_names"))
        elif before <= "m009":
            m.setattr(summaries.Delta, "write_speakers", lambda self, db: None)  # no speaker_days yet
        yield
