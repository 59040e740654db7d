"""The Store interface every backend implements (DESIGN section 5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from frontwire.errors import StoreError
from frontwire.model import Document

Row = dict[str, Any]

# The sort keys of each query, its default first; "-key" reverses a key. Every order ends on a
# unique column, so that paging through it is stable.
SORTS: dict[str, tuple[str, ...]] = {
    "documents": ("date", "stored", "outlet", "title"),
    "entities": ("mentions", "documents", "name", "type", "date"),
    "entity_mentions": ("date", "name", "doc"),
    "claims": ("date", "speaker", "stance", "confidence", "doc"),
    "events": ("date", "published", "type", "place", "confidence"),
    "places": ("mentions", "documents", "name", "country", "date"),
    "place_mentions": ("date", "name", "doc"),
    "times": ("doc", "date", "value"),
    "search": ("rank", "date"),
    "clusters": ("date", "sources", "first_reported"),
    "contradictions": ("place", "kind", "confidence"),
    "skips": ("at", "reason", "source"),
}


class QueryError(StoreError, ValueError):
    """A query the store cannot run: an unknown filter value or sort key, or invalid search syntax."""

    reason = "invalid_query"
    status = 422


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

    def stale_documents(self, versions: Mapping[str, str]) -> set[str]:
        """``raw_sha256`` of stored documents made with other extractor versions than ``versions``
        (stage -> extractor, as frontwire.pipeline.STAGES), or with unknown ones."""
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

    # Every query below takes only the filters it is given (each optional, all combined); text
    # filters are case-insensitive; ``since``/``until`` (``YYYY-MM-DD``, inclusive) bound the
    # document's publication day, except on events and clusters, where they bound the event's date
    # interval (kept when it overlaps the period). ``sort`` is one of SORTS[kind] ("-" reverses it;
    # an unknown key raises QueryError); ``limit``/``offset`` page through a stable order.

    def documents(
        self,
        limit: int = 50,
        offset: int = 0,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        place: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Stored documents, newest first; ``place``: documents that mention it (name or admin1)."""
        ...

    def entities(
        self,
        type_: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        name: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Canonical entities with mention and document counts, roles, outlets and first/last dates;
        ``name`` is a substring of the name or an alias."""
        ...

    def entity_mentions(
        self,
        name: str | None = None,
        type_: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        entity_id: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """The mentions behind entities (each with its document, outlet, date and span)."""
        ...

    def query_claims(
        self,
        speaker: str | None = None,
        stance: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        outlet: str | None = None,
        place: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Claims, filtered by speaker (name or mention, case-insensitive substring), stance, document,
        outlet and ``place`` (a place mention inside the claim's content); with outlet and date."""
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
        *,
        outlet: str | None = None,
        stance: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Coded events with their provenance, ordered by first day (undated last), document, offset.

        Filters (each optional, all combined): ACLED event type and sub-event type (any case);
        ``place``, the place's name or its admin1 (case-insensitive, whole name); ``actor``, a
        case-insensitive substring of actor1 or actor2; ``since``/``until`` (``YYYY-MM-DD``), kept
        when the event's date interval overlaps the period (undated events are then left out);
        ``doc_id``; ``outlet``; ``stance`` of the claim that reports it. Every row holds all Event
        fields (``modality`` included, for callers that keep negated or hypothetical events out of
        counts), ``doc_id``, ``date_start``/``date_end``, ``place_name`` (the places record),
        ``reported_by_speaker`` (the claim's speaker), and the document's ``outlet``, ``title`` and
        ``published``.
        """
        ...

    def query_places(
        self,
        name: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Resolved place mentions grouped by place, with coordinates, counts, outlets and dates."""
        ...

    def place_mentions(
        self,
        name: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        place_id: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """The mentions behind places (each with its document, outlet, date and span)."""
        ...

    def query_times(
        self,
        doc_id: str | None = None,
        limit: int = 100,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Time expressions with their resolved intervals, document, outlet and publication date."""
        ...

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Full-text search over titles and bodies (ranked, or ``sort="date"``); invalid FTS5 syntax
        raises QueryError."""
        ...

    def clusters(
        self,
        place: str | None = None,
        type_: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_sources: int = 1,
        limit: int = 100,
        offset: int = 0,
        *,
        doc_id: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Events fused across documents (``type_``: an ACLED type or sub-type)."""
        ...

    def contradictions(
        self,
        place: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        kind: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Pairs of claims that cannot both be true."""
        ...

    def skips(
        self, limit: int = 100, *, offset: int = 0, reason: str | None = None, sort: str | None = None
    ) -> list[Row]:
        """Inputs that produced no document, with reasons."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts per record kind."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
