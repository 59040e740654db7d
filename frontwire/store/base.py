"""The Store interface every backend implements (DESIGN section 5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from frontwire.model import Document

Row = dict[str, Any]


@dataclass(slots=True)
class AddResult:
    """What a batch write did: ids stored, and ids that were already there (reruns, re-publications)."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # same id, new version replaced the old one
    # Same text under the same id from another outlet or URL (a wire copy without its own URL):
    # kept as a record of that publisher, pointing at the original (``duplicate_of``).
    copies: list[str] = field(default_factory=list)


class Store(Protocol):
    """Persistent, queryable record of documents and everything extracted from them."""

    def add_documents(self, documents: Iterable[Document], replace: bool = False) -> AddResult:
        """Store documents and their extractions; idempotent by document id.

        A document whose id is stored with the same text is a duplicate (nothing written); with other
        text (an updated page), or with ``replace``, the new version replaces the stored one.
        """
        ...

    def has_raw(self, raw_sha256: str) -> str | None:
        """Id of the stored document made from exactly these input bytes, if any (fast resume)."""
        ...

    def record_skip(self, source: str, reason: str, message: str | None) -> None:
        """Remember an input that produced no document, and why."""
        ...

    def find_ids(self, prefix: str, limit: int = 2) -> list[str]:
        """Document ids starting with ``prefix``."""
        ...

    def get(self, doc_id: str) -> Document:
        """The full Document (raises NotFound)."""
        ...

    def documents(self, limit: int = 50, offset: int = 0) -> list[Row]:
        """Stored documents, newest first."""
        ...

    def entities(self, type_: str | None = None, doc_id: str | None = None, limit: int = 100) -> list[Row]:
        """Canonical entities with mention counts (filtered by type and document)."""
        ...

    def query_claims(
        self,
        speaker: str | None = None,
        stance: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
    ) -> list[Row]:
        """Claims, filtered by speaker (name or mention, case-insensitive substring), stance, document."""
        ...

    def query_events(
        self,
        type_: str | None = None,
        sub_type: str | None = None,
        place: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Row]:
        """Coded events with their provenance, ordered by first day (undated last), document, offset.

        Filters (each optional, all combined): ACLED event type and sub-event type (any case);
        ``place``, the place's name or its admin1 (case-insensitive, whole name); ``actor``, a
        case-insensitive substring of actor1 or actor2; ``since``/``until`` (``YYYY-MM-DD``), kept
        when the event's date interval overlaps the period (undated events are then left out);
        ``doc_id``. Every row holds all Event fields (``modality`` included, for callers that keep
        negated or hypothetical events out of counts), ``doc_id``, ``date_start``/``date_end``,
        ``place_name`` (the places record), ``reported_by_speaker`` (the claim's speaker), and the
        document's ``outlet``, ``title`` and ``published``.
        """
        ...

    def query_places(self, name: str | None = None, doc_id: str | None = None, limit: int = 100) -> list[Row]:
        """Resolved place mentions grouped by place, with coordinates and counts."""
        ...

    def query_times(self, doc_id: str | None = None, limit: int = 100) -> list[Row]:
        """Time expressions with their resolved intervals."""
        ...

    def search(self, query: str, limit: int = 20) -> list[Row]:
        """Full-text search over titles and bodies (ranked)."""
        ...

    def skips(self, limit: int = 100) -> list[Row]:
        """Inputs that produced no document, with reasons."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts per record kind."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
