"""Direct-quote spans of a text: curly, straight and doubled-apostrophe quotes, across paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_CURLY = "“„«"
CLOSE_CURLY = "”»"
STRAIGHT = '"'
DOUBLED = "''"
BACKTICKS = "``"
# A straight quote opens after these (or at the start of a line); otherwise it closes.
_OPENS_AFTER = " \t\n([{—–-/"
# Any mark, the two-character ones first (as a left-to-right scan would take them).
_MARK = re.compile("|".join(re.escape(m) for m in (DOUBLED, BACKTICKS, *OPEN_CURLY, *CLOSE_CURLY, STRAIGHT)))


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def _marks(line: str, base: int) -> list[tuple[int, str, int]]:
    """Quote marks of one line as (offset, 'open'|'close', length).

    Besides curly and straight double quotes, wire archives write quotes as two apostrophes (''...'')
    or as TeX-style ``...''. A closing curly mark that opens a line is a typo for an opening one.
    """
    out: list[tuple[int, str, int]] = []
    lead = len(line) - len(line.lstrip())
    for m in _MARK.finditer(line):
        i, mark = m.start(), m.group()
        prev = line[i - 1] if i > 0 else "\n"
        if len(mark) == 2:
            out.append((base + i, "open" if mark[0] == "`" or prev in _OPENS_AFTER else "close", 2))
        elif mark in OPEN_CURLY:
            out.append((base + i, "open", 1))
        elif mark in CLOSE_CURLY:
            out.append((base + i, "open" if i == lead else "close", 1))
        else:
            out.append((base + i, "open" if prev in _OPENS_AFTER else "close", 1))
    return out


def find_quotes(text: str) -> list[Quote]:
    """All top-level double-quoted spans, in text order.

    Newswire convention: a quote running over several paragraphs has an opening mark at the start of
    each paragraph and a closing mark only at its end, so an unclosed quote continues when the next
    non-empty line opens with a quote mark, and is closed at the end of its line otherwise.
    """
    quotes: list[Quote] = []
    open_at: int | None = None
    open_len = 1
    pos = 0
    lines = text.split("\n")
    for n, line in enumerate(lines):
        base = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        marks = _marks(line, base)
        if open_at is not None:
            lead = len(line) - len(line.lstrip())
            if marks and marks[0][0] == base + lead and marks[0][1] == "open":
                marks = marks[1:]  # continuation mark of a multi-paragraph quote
            else:
                open_at = None  # the previous quote was never closed: dropped as unreliable
        for off, kind, length in marks:
            if kind == "open" and open_at is None:
                open_at, open_len = off, length
            elif kind == "close" and open_at is not None:
                if off - open_at > open_len:
                    quotes.append(Quote(open_at, off + length, open_at + open_len, off))
                open_at = None
        if open_at is not None:
            nxt = next((ln for ln in lines[n + 1 :] if ln.strip()), "")
            first = _marks(nxt.lstrip()[:2], 0)
            if not first or first[0] != (0, "open", first[0][2]):
                open_at = None
    return quotes
