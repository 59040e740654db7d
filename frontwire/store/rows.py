"""One mapping from a Document to the rows of each store table, shared by every backend.

SQLite writes these rows with ``executemany``, PostgreSQL with ``COPY``; both get the same rows in
the same order. ``TABLES`` lists, in the order they are written (parents before children), each
table's columns, primary key and whether a second row with the same key is ignored (the first one
written wins, as ``INSERT OR IGNORE`` does) or is an error (``documents`` and ``claims``).

Extractions are keyed by document and extractor version (DESIGN section 5): every document also
gets one ``document_versions`` row per pipeline stage, the stage's ``extractor`` at write time, so
that a later version of frontwire can tell which stored documents an upgraded stage would change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from functools import lru_cache
from typing import Any

from frontwire.errors import StoreError
from frontwire.model import Document, Event, normalise_text_for_id, sha256_hex

Values = tuple[Any, ...]

DOC_COLUMNS = (
    "id", "source", "url", "canonical_url", "outlet", "title", "author", "section", "published",
    "published_source", "language", "text", "raw_sha256", "fetched_at", "duplicate_of", "extractor",
)  # fmt: skip

# Event fields stored one column each; ``fatalities`` is split into three columns and the ``date``
# interval is also kept as its first and last day (``date_start``/``date_end``) for period queries.
FATALITY_KEYS = ("low", "best", "high")
EVENT_COLUMNS = tuple(f.name for f in fields(Event) if f.name != "fatalities")


def installed_versions() -> dict[str, str]:
    """Each pipeline stage's extractor version in this installation (frontwire.pipeline.STAGES)."""
    from frontwire.pipeline import STAGES

    return {s.name: s.extractor for s in STAGES}


@lru_cache(maxsize=64)
def text_sha(text: str) -> str:
    """The content key of a document's text (case and whitespace folded). Cached: a write asks
    for it three times per document (same text?, same body stored?, its row), and folding a long
    text is a tenth of a replace."""
    return sha256_hex(normalise_text_for_id(text))


def interval_days(value: str | None) -> tuple[str | None, str | None]:
    """First and last day of an ISO interval ('YYYY-MM-DD/YYYY-MM-DD', or one day); (None, None) if not one."""
    if not value:
        return None, None
    parts = value.split("/")
    if len(parts) > 2:
        return None, None
    try:
        days = [date.fromisoformat(part.strip()[:10]).isoformat() for part in parts]
    except ValueError:
        return None, None
    if days[-1] < days[0]:
        return None, None
    return days[0], days[-1]


def event_values(doc_id: str, seq: int, event: Event) -> Values:
    fatalities = event.fatalities or {}
    unknown = set(fatalities) - set(FATALITY_KEYS)
    if unknown:
        raise StoreError(
            f"event {event.id} of {doc_id}: fatalities keys must be low/best/high, not {sorted(unknown)}"
        )
    start, end = interval_days(event.date)
    values = [getattr(event, c) for c in EVENT_COLUMNS]
    return (
        doc_id,
        seq,
        start,
        end,
        *(fatalities.get(k) for k in FATALITY_KEYS),
        *(int(v) if isinstance(v, bool) else v for v in values),
    )


# -- one function per table: Document -> rows -----------------------------------------------------
def _documents(doc: Document) -> list[Values]:
    art = doc.article
    return [
        (
            *(getattr(art, c) for c in DOC_COLUMNS),
            text_sha(art.text),
            json.dumps([asdict(b) for b in art.boilerplate]),
            json.dumps([asdict(e) for e in doc.errors]),
            art.title.casefold() if isinstance(art.title, str) else None,  # fw_fold(title) (m010)
        )
    ]


def _entities(doc: Document) -> list[Values]:
    # A mention may point at an entity the canonicaliser did not list (defensive): create it too.
    return [(e.id, e.name, e.type) for e in doc.entities] + [
        (m.entity_id, m.name, m.type) for m in doc.mentions
    ]


def _entity_aliases(doc: Document) -> list[Values]:
    return [(e.id, alias) for e in doc.entities for alias in e.aliases]


def _mentions(doc: Document) -> list[Values]:
    return [
        (doc.id, m.start, m.end, m.text, m.entity_id, m.type, m.role, m.extractor, m.confidence)
        for m in doc.mentions
    ]


def _claims(doc: Document) -> list[Values]:
    return [
        (doc.id, c.id, c.speaker, c.speaker_start, c.speaker_end, c.speaker_name, c.speaker_entity_id, c.cue,
         c.cue_start, c.cue_end, int(c.direct), c.stance, c.content, c.start, c.end, c.said_on, c.parent,
         c.extractor, c.confidence)
        for c in doc.claims
    ]  # fmt: skip


def _speaker_names(doc: Document) -> list[Values]:
    # Every spelling of a speaker with its case folding (m008): claims --speaker matches the few
    # spellings, then finds their claims through an index. Folded as SQLite's fw_fold() (casefold).
    names = dict.fromkeys(n for c in doc.claims for n in (c.speaker, c.speaker_name) if n is not None)
    return [(n, n.casefold()) for n in names]


def _outlet_names(doc: Document) -> list[Values]:
    # The document's outlet with its case folding (m010): --outlet matches the few spellings.
    outlet = doc.article.outlet
    return [(outlet, outlet.casefold())] if outlet is not None else []


def _times(doc: Document) -> list[Values]:
    return [
        (doc.id, t.start, t.end, t.text, t.type, t.value, t.precision, t.anchor, t.timex3, t.extractor,
         t.confidence)
        for t in doc.times
    ]  # fmt: skip


def _places(doc: Document) -> list[Values]:
    # Gazetteer rows of the place mentions first (they win), then the places events name that no
    # mention resolved (an event's place links to the places table too; it has no feature).
    return [(p.place_id, p.name, p.country, p.admin1, p.lat, p.lon, p.feature) for p in doc.places if p.place_id] + [
        (e.place_id, e.place, e.country, e.admin1, e.lat, e.lon, None) for e in doc.events if e.place_id
    ]  # fmt: skip


def _place_mentions(doc: Document) -> list[Values]:
    return [
        (doc.id, p.start, p.end, p.text, p.place_id, p.precision, p.extractor, p.confidence)
        for p in doc.places
    ]


def _events(doc: Document) -> list[Values]:
    return [event_values(doc.id, i, e) for i, e in enumerate(doc.events)]


@dataclass(frozen=True, slots=True)
class Table:
    """A store table as the write path sees it."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # primary key
    ignore: bool  # a row whose key is already there is dropped (the first one wins)
    rows: Callable[[Document], list[Values]]
    shared: bool = False  # rows shared by documents (entities, places), not under one document id

    def key_of(self, row: Values) -> Values:
        return tuple(row[self.columns.index(k)] for k in self.key)


_EVENT_ALL = ("doc_id", "seq", "date_start", "date_end", "fatalities_low", "fatalities_best", "fatalities_high",
              *EVENT_COLUMNS)  # fmt: skip

TABLES: tuple[Table, ...] = (
    Table("documents", (*DOC_COLUMNS, "text_sha256", "boilerplate_json", "errors_json", "title_key"), ("id",),
          False, _documents),
    Table("outlet_names", ("name", "folded"), ("name",), True, _outlet_names, shared=True),
    Table("entities", ("id", "name", "type"), ("id",), True, _entities, shared=True),
    Table("entity_aliases", ("entity_id", "alias"), ("entity_id", "alias"), True, _entity_aliases, shared=True),
    Table("mentions", ("doc_id", "start", "end", "text", "entity_id", "type", "role", "extractor", "confidence"),
          ("doc_id", "start", "end", "extractor"), True, _mentions),
    Table("claims", ("doc_id", "claim_id", "speaker", "speaker_start", "speaker_end", "speaker_name",
                     "speaker_entity_id", "cue", "cue_start", "cue_end", "direct", "stance", "content", "start",
                     "end", "said_on", "parent", "extractor", "confidence"),
          ("doc_id", "claim_id", "extractor"), False, _claims),
    Table("speaker_names", ("name", "folded"), ("name",), True, _speaker_names, shared=True),
    Table("times", ("doc_id", "start", "end", "text", "type", "value", "precision", "anchor", "timex3",
                    "extractor", "confidence"), ("doc_id", "start", "end", "extractor"), True, _times),
    Table("places", ("id", "name", "country", "admin1", "lat", "lon", "feature"), ("id",), True, _places,
          shared=True),
    Table("place_mentions", ("doc_id", "start", "end", "text", "place_id", "precision", "extractor",
                             "confidence"), ("doc_id", "start", "end", "extractor"), True, _place_mentions),
    Table("events", _EVENT_ALL, ("doc_id", "id"), True, _events),
)  # fmt: skip
TABLE = {t.name: t for t in TABLES}

# The extractor versions each document was made with (written after its other rows).
VERSIONS = Table(
    "document_versions", ("doc_id", "stage", "extractor"), ("doc_id", "stage"), False, lambda d: []
)


def version_rows(doc_id: str, versions: Mapping[str, str]) -> list[Values]:
    return [(doc_id, stage, extractor) for stage, extractor in sorted(versions.items())]


def document_rows(doc: Document, versions: Mapping[str, str]) -> dict[str, list[Values]]:
    """Every row ``doc`` adds, per table, in write order (``duplicate_of`` as set on its article)."""
    out = {t.name: t.rows(doc) for t in TABLES}
    out[VERSIONS.name] = version_rows(doc.id, versions)
    return out


def quoted(columns: tuple[str, ...]) -> str:
    """A column list with every name quoted (``end``, ``trigger`` and others are SQL keywords)."""
    return ", ".join(f'"{c}"' for c in columns)


def other_publisher(doc: Document, outlet: str | None, url: str | None) -> bool:
    """Whether ``doc``, whose text is stored under its id from ``outlet``/``url``, names another
    publisher (then it is kept as a copy record), rather than being the same item again."""
    art = doc.article
    return (art.outlet or None, art.url or None) != (outlet, url) and bool(art.outlet or art.url)


def copy_record(doc: Document) -> Document:
    """The copy record of ``doc`` (same text from another publisher): its own id, pointing at the
    original, with no extractions of its own."""
    art = doc.article
    copy_id = sha256_hex(f"{doc.id}|copy|{art.outlet or ''}|{art.url or ''}")
    return Document(article=replace(art, id=copy_id, duplicate_of=doc.id, boilerplate=[]))
