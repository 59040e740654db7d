"""The records that flow through the pipeline (DESIGN section 3) and their JSON form (section 7).

Offsets: every span record's ``start``/``end`` index the Document's clean ``text`` so that
``text[start:end] == record.text``; only ``Boilerplate`` spans index the *input* text.
Unknown is ``None``: never a default that looks like data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

JSON = dict[str, Any]


def sha256_hex(data: bytes | str) -> str:
    """Hex sha256 of bytes or of a UTF-8 string."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def normalise_text_for_id(text: str) -> str:
    """Text form used for content ids: case-folded, whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(slots=True)
class RawItem:
    """One input unit before extraction: bytes plus whatever the source told us about them."""

    source: str  # the path or URL the user gave (plus '#n' for items inside a container)
    data: bytes
    kind: str  # 'html' | 'text' | 'article' (already extracted text from JSONL/RSS)
    url: str | None = None
    content_type: str | None = None
    fetched_at: str | None = None  # ISO datetime (UTC) when fetched from the web
    # Hints from the container (JSONL fields, RSS item, WARC headers, --published/--url flags).
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    section: str | None = None
    published: str | None = None
    published_source: str | None = None  # where the hint came from ('given', 'feed', ...)


@dataclass(slots=True)
class Boilerplate:
    """A span removed from the input text, with the rule that removed it.

    Offsets index the input text (a plain-text dump). HTML has no text offsets to give: there the
    list only records a ``truncated`` tail, whose offsets index the extracted body before the cut.
    """

    start: int
    end: int
    text: str
    reason: str  # 'navigation', 'social', 'image_credit', 'teaser', 'author_bio', 'advertisement', ...


@dataclass(slots=True)
class Article:
    """The clean article: body text and metadata (output of extract/)."""

    id: str
    source: str
    text: str
    url: str | None = None
    canonical_url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    section: str | None = None
    published: str | None = None  # ISO date or datetime
    published_source: str | None = None  # 'html' | 'url' | 'text' | 'given' | 'feed' | None
    language: str | None = None
    raw_sha256: str | None = None
    fetched_at: str | None = None
    duplicate_of: str | None = None
    boilerplate: list[Boilerplate] = field(default_factory=list)
    extractor: str | None = None


@dataclass(slots=True)
class Entity:
    """A canonical entity of one document (cross-document ids are the link stage's business)."""

    id: str  # stable: sha256 of type + canonical name, shortened
    name: str
    type: str  # PERSON, ORG, ARMED_GROUP, GPE, LOC, PLACE, WEAPON, UNIT, NORP, FAC, ...
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Mention:
    """One occurrence of an entity in the clean text."""

    text: str
    start: int
    end: int
    name: str  # canonical name of the entity
    type: str
    entity_id: str
    role: str | None = None  # e.g. "Donetsk Governor", "head of the Wagner Group"
    extractor: str = "nlp.spacy/1"
    confidence: float = 0.8


@dataclass(slots=True)
class TimeExpression:
    """A temporal expression resolved to an absolute interval (or left unresolved: value None)."""

    text: str
    start: int
    end: int
    type: str  # 'DATE' | 'TIME' | 'DURATION' | 'SET'
    value: str | None  # ISO interval 'YYYY-MM-DD/YYYY-MM-DD' for dates; ISO duration 'P6M' for durations
    precision: str | None  # 'day' | 'days' | 'week' | 'month' | 'year' | ... ; None when unresolved
    # What it was resolved against: 'published:2023-03-07', or 'previous:February 22@char1971'
    # (the text and character offset of the expression that anchored it).
    anchor: str | None = None
    timex3: str | None = None  # the TIMEX3-style value ('2023-03-06', '2023-W10', 'P6M', 'PAST_REF')
    extractor: str = "timex.rules/1"
    confidence: float = 0.8


@dataclass(slots=True)
class PlaceMention:
    """A place mention resolved to a gazetteer entry (or unresolved: lat/lon None)."""

    text: str
    start: int
    end: int
    name: str | None  # gazetteer name
    place_id: str | None  # 'geonames:713174' or 'frontwire:...'
    country: str | None  # ISO-3166 alpha-2
    admin1: str | None
    lat: float | None
    lon: float | None
    feature: str | None = None  # 'city' | 'village' | 'admin1' | 'country' | 'region' | ...
    precision: int | None = None  # ACLED geo precision 1-3
    extractor: str = "geo.gazetteer/1"
    confidence: float = 0.7


@dataclass(slots=True)
class Claim:
    """An attributed statement: who says what, how (cue), and with what stance."""

    id: str  # stable within the document: 'c1', 'c2', ...
    speaker: str | None  # mention text as written (None for 'Attribution-no-source')
    speaker_start: int | None
    speaker_end: int | None
    speaker_name: str | None  # canonical entity name (pronouns and surnames resolved)
    speaker_entity_id: str | None
    cue: str  # 'said', 'claimed', 'according to', ...
    cue_start: int
    cue_end: int
    direct: bool  # quoted words
    stance: str  # 'asserted' | 'hedged' | 'denied'
    content: str
    start: int  # content span
    end: int
    said_on: str | None = None  # ISO interval when the text dates the statement
    parent: str | None = None  # id of the enclosing claim in a reporting chain
    extractor: str = "claims.rules/1"
    confidence: float = 0.7


@dataclass(slots=True)
class Event:
    """A coded event (DESIGN sections 3 and 4): what happened, who, where, when, and who says so.

    ``start``/``end`` span the evidence sentence. ``actor1``/``actor2`` are canonical names
    (ACLED-style where one exists); their order says who acted only when the sentence does
    (``actor1`` is the agent of the event verb, else the first party named).
    """

    id: str  # stable: sha256 of document id + evidence span + sub-type, shortened
    event_type: str  # one of ACLED's 6 event types
    sub_event_type: str  # one of ACLED's 25 sub-event types
    plover_type: str | None  # PLOVER event type (ASSAULT, AID, RETREAT, ...)
    plover_mode: str | None  # PLOVER mode where it defines one ('heavy-weapons', 'aerial', ...)
    actor1: str | None
    actor2: str | None
    target: str | None  # what was hit or taken when it is not an actor (a town, a power plant)
    place: str | None  # name of the place governing the clause
    place_id: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None  # ACLED 1 town, 2 near it / part of a region, 3 province only
    date: str | None  # ISO interval 'YYYY-MM-DD/YYYY-MM-DD'
    time_precision: int | None  # ACLED 1 day, 2 a few days / a week, 3 a month
    date_from_published: bool  # no time expression governs the clause: the publication date stands in
    fatalities: dict[str, int | None] | None  # {'low', 'best', 'high'}: numbers the text states; else None
    reported_by: str | None  # claim id when the event is only somebody's claim
    stance: str | None  # that claim's stance ('asserted' | 'hedged' | 'denied')
    evidence: str
    start: int
    end: int
    trigger: str | None = None  # the word that evokes the event ("shelled", "captured")
    modality: str | None = None  # None for a reported fact; 'negated' | 'future' | 'hypothetical'
    extractor: str = "events.rules/1"
    confidence: float = 0.5
    cluster_id: str | None = None  # set by the link stage (across documents), never by the events stage


@dataclass(slots=True)
class EventCluster:
    """One real-world event reported by several events (documents, outlets), fused (DESIGN section 3).

    Fused fields take the most precise member's value; ``disagreements`` keeps the members' other
    values (places, dates, fatality counts) instead of averaging them away.
    """

    id: str  # stable: derived from the founding member event's id
    event_type: str
    sub_event_type: str
    place: str | None
    place_id: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    date: str | None  # the narrowest member interval
    time_precision: int | None
    fatalities: dict[str, int | None] | None
    events: list[str] = field(default_factory=list)  # member event ids
    documents: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)  # every publishing outlet (copies included)
    corroboration: int = 0  # independent outlets (wire copies and forwards count once)
    claimed_only: bool = False  # every member is only a claim by a party to the conflict
    first_reported: str | None = None  # earliest publication date of a member document
    disagreements: dict[str, list[Any]] = field(default_factory=dict)
    extractor: str = "link.fusion/1"


@dataclass(slots=True)
class ClaimRef:
    """A claim in the store, as one side of a contradiction."""

    doc_id: str
    claim_id: str
    speaker: str | None
    content: str
    stance: str
    start: int
    end: int


@dataclass(slots=True)
class Contradiction:
    """Two claims that cannot both be true: control of a place, counts beyond their ranges,
    responsibility for the same event, or one source asserting what another denies."""

    id: str  # stable: sha256 of the two claims' keys (ordered) and the kind, shortened
    kind: str  # 'control' | 'casualties' | 'equipment' | 'responsibility' | 'denial'
    a: ClaimRef
    b: ClaimRef
    explanation: str
    place: str | None = None
    confidence: float = 0.5
    extractor: str = "link.contradictions/1"


@dataclass(slots=True)
class StageError:
    """A per-document failure of one stage, kept instead of raised so the batch goes on."""

    stage: str
    error: str  # exception class name
    message: str


@dataclass(slots=True)
class Document:
    """An Article plus everything the per-document stages found in it."""

    article: Article
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    errors: list[StageError] = field(default_factory=list)
    # The spaCy Doc of article.text; transient (never serialised, never stored).
    nlp: Any = None

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def text(self) -> str:
        return self.article.text

    def to_json(self) -> JSON:
        """The Document JSON contract (DESIGN section 7)."""
        a = self.article
        out: JSON = {f.name: getattr(a, f.name) for f in fields(a) if f.name != "boilerplate"}
        out["boilerplate"] = [asdict(b) for b in a.boilerplate]
        out["entities"] = [asdict(m) for m in self.mentions]
        out["canonical_entities"] = [asdict(e) for e in self.entities]
        out["claims"] = [asdict(c) for c in self.claims]
        out["times"] = [asdict(t) for t in self.times]
        out["places"] = [asdict(p) for p in self.places]
        out["events"] = [asdict(e) for e in self.events]
        out["errors"] = [asdict(e) for e in self.errors]
        return out

    @classmethod
    def from_json(cls, data: JSON) -> Document:
        """Inverse of to_json (the transient spaCy doc is not restored)."""
        art_fields = {f.name for f in fields(Article)}
        art = Article(**{k: v for k, v in data.items() if k in art_fields and k != "boilerplate"})
        art.boilerplate = [Boilerplate(**b) for b in data.get("boilerplate", [])]
        return cls(
            article=art,
            entities=[Entity(**e) for e in data.get("canonical_entities", [])],
            mentions=[Mention(**m) for m in data.get("entities", [])],
            times=[TimeExpression(**t) for t in data.get("times", [])],
            places=[PlaceMention(**p) for p in data.get("places", [])],
            claims=[Claim(**c) for c in data.get("claims", [])],
            events=[Event(**e) for e in data.get("events", [])],
            errors=[StageError(**e) for e in data.get("errors", [])],
        )


def document_id(canonical_url: str | None, text: str) -> str:
    """sha256 of the canonical URL, else of the normalised text (DESIGN section 3)."""
    if canonical_url:
        return sha256_hex(canonical_url)
    return sha256_hex(normalise_text_for_id(text))


def entity_id(type_: str, name: str) -> str:
    """Stable id of a canonical entity: type plus case-folded name."""
    return sha256_hex(f"{type_}|{name.casefold()}")[:16]
