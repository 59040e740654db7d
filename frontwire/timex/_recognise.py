"""Find candidate time expressions: lexicon patterns plus spaCy DATE/TIME entities, false friends out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from frontwire.timex._lexicon import Lexicon, Pattern

_PREV_WORD = re.compile(r"([\w'’.-]+|,)\s*$")
_NEXT_WORD = re.compile(r"^\s*([\w'’-]+)")
# Labels under which a capitalised month or weekday word is a name, not a date ("June Carter").
_NAME_LABELS = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "PRODUCT", "LAW", "NORP", "GPE"})


@dataclass(slots=True)
class Candidate:
    """A span that may be a time expression, with the rule (if any) that explains it."""

    start: int
    end: int
    text: str
    pattern: Pattern | None
    groups: dict[str, str | None] = field(default_factory=dict)
    source: str = "rule"  # 'rule' | 'spacy'
    label: str | None = None  # spaCy label for 'spacy' candidates


def prev_word(text: str, start: int) -> str:
    m = _PREV_WORD.search(text[max(0, start - 40) : start])
    return m.group(1).lower() if m else ""


def next_word(text: str, end: int) -> str:
    m = _NEXT_WORD.match(text[end : end + 40])
    return m.group(1).lower() if m else ""


class _Tokens:
    """Char-offset access to the spaCy Doc (tags and entity labels), tolerant of a missing Doc."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.ents: list[tuple[int, int, str]] = (
            [(e.start_char, e.end_char, e.label_) for e in doc.ents] if doc is not None else []
        )

    def tag_at(self, start: int, end: int) -> str | None:
        if self.doc is None:
            return None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span[0].tag_ if span is not None and len(span) else None

    def label_covering(self, start: int, end: int) -> str | None:
        for s, e, label in self.ents:
            if s <= start and end <= e:
                return label
        return None

    def overlaps_label(self, start: int, end: int, labels: frozenset[str]) -> bool:
        return any(s < end and start < e and label in labels for s, e, label in self.ents)


_DATE_LABELS = frozenset({"DATE", "TIME"})


def _keep(c: Candidate, text: str, lex: Lexicon, toks: _Tokens) -> bool:
    """False for matches that only look like time expressions."""
    p = c.pattern
    assert p is not None
    g = c.groups
    nxt = text[c.end : c.end + 12].lower()
    unit = (g.get("unit") or "").lower()
    num = (g.get("num") or "").lower()
    if p.kind in ("duration", "duration_vague") and any(
        nxt.startswith(w) for w in lex["not_after"]["duration"]
    ):
        return False  # ages: "the 20-year-old"
    if p.kind == "duration" and unit == "second" and num in ("a", "an"):
        return False  # "a second attack" is an ordinal
    if p.kind == "duration" and re.fullmatch(r"\d{4}", num) and not unit.endswith("s"):
        return False  # "the 1988 quarter" is a period of 1988, not 1988 quarters
    if p.name in lex["not_after"] and next_word(text, c.end) in lex["not_after"][p.name]:
        return False  # "current account" is a balance, not a time
    single_word = " " not in c.text.strip()
    if single_word and (g.get("month") or g.get("weekday")):
        label = toks.label_covering(c.start, c.end)
        if label in _NAME_LABELS:
            return False
        tag = toks.tag_at(c.start, c.end)
        if tag is not None and (tag == "MD" or tag.startswith("VB")):
            return False  # "Ukraine May Not Withdraw", "troops March on"
    if p.ambiguous:
        before = prev_word(text, c.start)
        context_ok = before in lex.prev_lists[p.ambiguous] or bool(g.get("mod")) or bool(g.get("vq"))
        if p.kind == "year":
            if next_word(text, c.end) in lex["not_after"]["year"]:
                return False
            return context_ok or toks.overlaps_label(c.start, c.end, _DATE_LABELS)
        if p.kind == "month":
            name = (g.get("month") or "").rstrip(".")
            if name in lex["ambiguous_months"]:
                return context_ok
            return True
        return context_ok
    return True


def _strip_candidate(text: str, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """Drop leading prepositions and trailing punctuation from a spaCy span (TempEval extents)."""
    leading = sorted(lex["strip_leading"], key=len, reverse=True)
    changed = True
    while changed and start < end:
        changed = False
        low = text[start:end].lower()
        for w in leading:
            if low.startswith(w) and (len(low) == len(w) or not low[len(w)].isalnum() or not w[-1].isalnum()):
                start += len(w)
                while start < end and text[start].isspace():
                    start += 1
                changed = True
                break
    while end > start and text[end - 1] in " \t\n,.;:)('\"’-":
        end -= 1
    if text[start:end].lower().endswith(("'s", "’s")):
        end -= 2
    return start, end


_WORD = re.compile(r"[A-Za-z]+|\d+")
# Context a pattern may read after its match (its look-aheads); windows are searched this much further.
_LOOKAHEAD = 40


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _windows(text: str, lex: Lexicon) -> dict[str, list[tuple[int, int]]]:
    """Per trigger class, the merged stretches of text around its words where a match can lie."""
    reach = int(lex["trigger_window"])
    raw: dict[str, list[tuple[int, int]]] = {}
    triggers = lex.triggers
    for m in _WORD.finditer(text):
        w = m.group(0)
        if w[0].isdigit():
            classes: frozenset[str] | None = _DIGIT
        else:
            classes = triggers.get(w) or triggers.get(w.lower())
        if not classes:
            continue
        a = max(0, m.start() - reach)
        # start a window on a word boundary so that a match cannot begin mid-word
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        b = min(len(text), m.end() + reach)
        for cls in classes:
            raw.setdefault(cls, []).append((a, b))
    return {cls: _merge(spans) for cls, spans in raw.items()}


_DIGIT = frozenset({"digit"})


def recognise(text: str, doc: Any, lex: Lexicon, keep_unexplained: bool = False) -> list[Candidate]:
    """Candidates in text order, without overlaps (longest rule match wins, then rule order)."""
    toks = _Tokens(doc)
    found: list[Candidate] = []
    windows = _windows(text, lex)
    for p in lex.patterns:
        spans = (
            windows.get(p.needs[0])
            if len(p.needs) == 1
            else _merge([w for n in p.needs for w in windows.get(n, [])])
        )
        for a, b in spans or [(0, len(text))] * (not p.needs):
            for m in p.regex.finditer(text, a, b + _LOOKAHEAD):
                if m.end() <= m.start() or (m.end() > b and b + _LOOKAHEAD < len(text)):
                    continue
                c = Candidate(m.start(), m.end(), m.group(0), p, m.groupdict())
                if _keep(c, text, lex, toks):
                    found.append(c)
    found.sort(key=lambda c: (-(c.end - c.start), c.pattern.index if c.pattern else 0, c.start))
    chosen: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in found:
        if all(c.end <= s or e <= c.start for s, e in taken):
            chosen.append(c)
            taken.append((c.start, c.end))
    # spaCy's DATE/TIME entities fill the gaps the rules left; a rule then explains the trimmed span.
    for s0, e0, label in toks.ents:
        if label not in _DATE_LABELS:
            continue
        s, e = _strip_candidate(text, s0, e0, lex)
        if e <= s or any(not (e <= ts or te <= s) for ts, te in taken):
            continue
        span = text[s:e]
        for p in lex.patterns:
            hit = p.regex.fullmatch(span)
            if hit is not None:
                c = Candidate(s, e, span, p, hit.groupdict(), source="spacy", label=label)
                if p.ambiguous is None or p.kind != "month" or _keep(c, text, lex, toks):
                    chosen.append(c)
                    taken.append((s, e))
                break
        else:
            if keep_unexplained:
                chosen.append(Candidate(s, e, span, None, {}, source="spacy", label=label))
                taken.append((s, e))
    chosen.sort(key=lambda c: c.start)
    return chosen
