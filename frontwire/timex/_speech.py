"""Statements and the days the text gives them, so that deictic words inside them read from that day.

"'We will cross the river today,' the commander said on Monday" means Monday, not the publication
day; so does "Officials said on Monday that the convoy would arrive tomorrow" (Tuesday). This is a
cheap regex scan (the claims stage runs after timex): quotation marks, speech verbs from
``timex_rules.json`` (``speech.verbs``) and the day-precise time expressions already resolved.

A statement gets a day only when a day-precise expression is attached to its speech verb (within
``speech.attach_chars`` characters, nothing but words and commas between) in the attribution: the
rest of the sentence after a quotation, the part of the sentence before it, or, for a reported
statement, the words around the verb. Its content is the quotation's inner text, or the rest of the
sentence after the verb and its time expression (or, when nothing follows, the clause before a
trailing "..., he said on Monday").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

_QUOTE = re.compile(
    r"“[^”\n]{2,3000}”"  # curly
    r"|«[^»\n]{2,3000}»"  # guillemets
    r"|``[^\n]{2,3000}?''"  # TeX-style wire quotes
    r"|(?<![\w'’])''(?!\s)[^\n]{2,3000}?''"  # doubled apostrophes (AP archives)
    r"|(?<![\w\"])\"(?!\s)[^\"\n]{2,3000}\""  # straight
)
# A sentence ends at a full stop, question or exclamation mark followed by a space and a capital or a
# quotation mark, or at a line break.
_SENT_END = re.compile(r"[.!?](?=[\"”’']*\s+[\"“‘'A-Z(])|\n")


@dataclass(frozen=True, slots=True)
class Dated:
    """A resolved day-precise time expression: its span, its day, its text."""

    start: int
    end: int
    day: date
    text: str


@dataclass(frozen=True, slots=True)
class Statement:
    """The content span of one statement and the day the text gives it."""

    start: int
    end: int
    day: date
    anchor: str  # 'statement:<expression>@char<offset>'


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, marks included, in text order, without overlaps."""
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]


def _sentence_bounds(text: str, pos: int, reach: int) -> tuple[int, int]:
    """Start and end of the sentence around ``pos`` (at most ``reach`` characters either way)."""
    lo = max(0, pos - reach)
    start = lo
    m = _SENT_END.search(text, lo)
    while m is not None and m.end() <= pos:
        start = m.end()
        m = _SENT_END.search(text, m.end())
    m = _SENT_END.search(text, pos)
    end = min(len(text), pos + reach)
    if m is not None and m.start() < end:
        end = m.start() + (m.group() != "\n")
    return start, end


_CLOSES_SENTENCE = re.compile(r"[.!?][\"”»'’]*$")


class _Scanner:
    def __init__(self, text: str, rules: dict[str, Any], dated: Sequence[Dated]) -> None:
        self.text = text
        verbs = sorted(set(rules["verbs"]), key=len, reverse=True)
        self.verb = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in verbs) + r")\b", re.IGNORECASE)
        self.attach = int(rules["attach_chars"])
        self.reach = int(rules["sentence_chars"])
        self.quotes = quotations(text)
        # Dates inside a quotation belong to the speech, not to its attribution.
        self.dated = [d for d in dated if not any(s <= d.start < e for s, e in self.quotes)]

    def _in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quotes)

    def _between_ok(self, a: int, b: int) -> bool:
        """Only words and commas between a speech verb and its time expression (no clause break)."""
        gap = self.text[a:b]
        return "\n" not in gap and not re.search(r"[.;:!?\"“”«»]", gap)

    def attached(self, lo: int, hi: int) -> tuple[Dated, int, int] | None:
        """The day-precise expression attached to a speech verb in text[lo:hi], with the verb's span."""
        for v in self.verb.finditer(self.text, lo, hi):
            if self._in_quote(v.start()):
                continue
            best: tuple[int, Dated] | None = None
            for d in self.dated:
                if not (lo <= d.start and d.end <= hi):
                    continue
                if d.start >= v.end():
                    dist, ok = d.start - v.end(), self._between_ok(v.end(), d.start)
                elif d.end <= v.start():
                    dist, ok = v.start() - d.end, self._between_ok(d.end, v.start())
                else:
                    continue
                if ok and dist <= self.attach and (best is None or dist < best[0]):
                    best = (dist, d)
            if best is not None:
                return best[1], v.start(), v.end()
        return None

    def statements(self) -> list[Statement]:
        out: list[Statement] = []
        text = self.text
        for qs, qe in self.quotes:
            s_start, _ = _sentence_bounds(text, qs, self.reach)
            _, s_end = _sentence_bounds(text, max(qs, qe - 1), self.reach)
            if _CLOSES_SENTENCE.search(text[qs:qe]) and re.match(r"\s*[A-Z\"“«(]|\s*$", text[qe : qe + 3]):
                s_end = qe  # '"... we mourn." Officials said on Monday': the quotation ends its sentence
            found = self.attached(qe, s_end) or self.attached(s_start, qs)
            if found is not None:
                d = found[0]
                out.append(Statement(qs, qe, d.day, f"statement:{d.text}@char{d.start}"))
        # Reported statements: "X said on Monday (that) ...", "On Monday, X said ...", "..., X said Monday."
        for v in self.verb.finditer(text):
            if self._in_quote(v.start()):
                continue
            s_start, s_end = _sentence_bounds(text, v.start(), self.reach)
            lo, hi = max(s_start, v.start() - self.attach - 20), min(s_end, v.end() + self.attach + 20)
            found = self.attached(lo, hi)
            if found is None or found[1] != v.start():
                continue
            d = found[0]
            after = max(v.end(), d.end) if d.start >= v.end() else v.end()
            rest = text[after:s_end]
            if len(rest.split()) >= 3:
                c_start, c_end = after, s_end
            else:  # "Troops crossed the river today, the governor said on Monday."
                comma = text.rfind(",", s_start, min(v.start(), d.start))
                if comma <= s_start:
                    continue
                c_start, c_end = s_start, comma
            if any(s <= c_start < e for s, e in self.quotes):
                continue
            out.append(Statement(c_start, c_end, d.day, f"statement:{d.text}@char{d.start}"))
        return out


def statements(text: str, rules: dict[str, Any], dated: Sequence[Dated]) -> list[Statement]:
    """Statements of ``text`` that the text dates to a day (from ``dated``), quotations first."""
    if not dated:
        return []
    return _Scanner(text, rules, dated).statements()


def statement_at(found: Sequence[Statement], start: int, end: int) -> Statement | None:
    """The statement whose content holds the span (a quotation before a reported statement)."""
    for s in found:
        if s.start <= start and end <= s.end:
            return s
    return None
