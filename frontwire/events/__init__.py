"""Events stage: who did what to whom, where and when, coded with ACLED types and PLOVER.

1. Candidate sentences: those holding a trigger word of some family (attack, shelled, captured,
   withdrawal, delivery ...), found over token columns; only these are classified and parsed.
2. The learned sentence classifier (``classify.py``) gives the ACLED sub-type, or abstains.
3. Rules over the dependency parse of the sentence pick the trigger that governs the clause and
   read its arguments (``arguments.py``): actors, target, place, date, fatalities, modality, and the
   claim that reports it.

Negated, future and hypothetical events are kept, flagged in ``modality``, with low confidence;
counts and fusion leave them out.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.attrs import IDX, LEMMA, LOWER

from frontwire.errors import InputError
from frontwire.events.arguments import Sentence, code_sentence
from frontwire.events.rules import EventRules, load_rules
from frontwire.model import Document, Event
from frontwire.nlp.columns import member, sorted_hashes
from frontwire.nlp.sentences import parse_sentences, sentence_spans

EXTRACTOR = "events.rules/1"
__all__ = ["EXTRACTOR", "extract", "load_resources"]

# A line of capitalised words without a full stop is a headline or sub-heading: it restates the body.
HEADLINE_CAPITALISED = 0.6


def load_resources() -> EventRules:
    """The stage's tables (read once per process through ``Resources.event_rules``)."""
    return load_rules()


_HASHES: dict[int, Any] = {}


def _trigger_hashes(strings: Any, rules: EventRules) -> Any:
    cached = _HASHES.get(id(rules))
    if cached is None:
        forms = {f for w in rules.trigger_family for f in (w, w.capitalize())}
        cached = sorted_hashes(strings, forms)
        _HASHES[id(rules)] = cached
    return cached


def _candidates(doc: Any, text: str, segments: list[tuple[int, int]], rules: EventRules) -> list[int]:
    """Indices of sentences holding a trigger word (by lemma or lower-case form)."""
    starts = [s for s, _ in segments]
    cols = doc.to_array([LEMMA, LOWER, IDX])
    wanted = _trigger_hashes(doc.vocab.strings, rules)
    if not len(cols):
        return []
    found = member(cols[:, :2], wanted)  # lemma or lower-case form
    hits: set[int] = set()
    for idx in cols[found.any(axis=1), 2]:
        i = bisect_right(starts, int(idx)) - 1
        if i >= 0 and int(idx) < segments[i][1]:
            hits.add(i)
    return [i for i in sorted(hits) if not _headline(text[segments[i][0] : segments[i][1]])]


def _headline(line: str) -> bool:
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(words) < 3 or line.rstrip()[-1:] in ".!\"”'’":
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= HEADLINE_CAPITALISED


def extract(document: Document, resources: Any) -> list[Event]:
    """The events of one document, in text order."""
    text = document.text
    if not text.strip():
        return []
    if document.nlp is None:
        raise InputError("events need the NLP annotation of the document (run the nlp stage first)")
    rules: EventRules = resources.event_rules
    doc = document.nlp
    segments = sentence_spans(doc, text)
    chosen = _candidates(doc, text, segments, rules)
    if not chosen:
        return []
    spans = [segments[i] for i in chosen]
    predictions = resources.event_classifier.predict([text[s:e] for s, e in spans])
    events: list[Event] = []
    parsed = parse_sentences(resources, doc, text, spans)
    for (start, end), prediction, (sent, offset) in zip(spans, predictions, parsed, strict=True):
        sentence = Sentence(start=start, end=end, doc=sent, offset=offset)
        event = code_sentence(document, sentence, prediction, rules)
        if event is not None:
            events.append(event)
    return merge_repeats(events)


def merge_repeats(events: list[Event]) -> list[Event]:
    """One event per happening within a document: an article restates its main event (lede, body,
    quotes). Counted events of one type, place and date are one; the most confident stays, and a
    placeless restatement joins the document's only placed event of its type and date."""
    counted = [e for e in events if e.modality is None]
    best: dict[tuple[str, str | None, str | None], Event] = {}
    for e in counted:
        if e.place_id is None:
            continue
        key = (e.event_type, e.place_id, e.date)
        if key not in best or e.confidence > best[key].confidence:
            best[key] = e
    keep: list[Event] = []
    for e in events:
        if e.modality is not None:
            keep.append(e)
            continue
        if e.place_id is not None:
            if best[(e.event_type, e.place_id, e.date)] is e:
                keep.append(e)
            continue
        placed = [b for (t, _, d), b in best.items() if t == e.event_type and d == e.date]
        if len(placed) != 1:
            keep.append(e)
    return keep
