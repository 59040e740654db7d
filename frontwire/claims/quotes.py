"""Direct-quote spans of a text: curly and straight double quotes, continued across paragraphs."""

from __future__ import annotations

from dataclasses import dataclass

OPEN_CURLY = "“„«"
CLOSE_CURLY = "”»"
STRAIGHT = '"'
# A straight quote opens after these (or at the start of a line); otherwise it closes.
_OPENS_AFTER = " \t\n([{—–-/"


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def _marks(line: str, base: int) -> list[tuple[int, str]]:
    """Quote marks of one line as (offset, 'open'|'close')."""
    out: list[tuple[int, str]] = []
    for i, ch in enumerate(line):
        if ch in OPEN_CURLY:
            out.append((base + i, "open"))
        elif ch in CLOSE_CURLY:
            out.append((base + i, "close"))
        elif ch == STRAIGHT:
            prev = line[i - 1] if i > 0 else "\n"
            out.append((base + i, "open" if prev in _OPENS_AFTER else "close"))
    return out


def find_quotes(text: str) -> list[Quote]:
    """All top-level double-quoted spans, in text order.

    Newswire convention: a quote running over several paragraphs has an opening mark at the start of
    each paragraph and a closing mark only at its end, so an unclosed quote continues when the next
    non-empty line opens with a quote mark, and is closed at the end of its line otherwise.
    """
    quotes: list[Quote] = []
    open_at: int | None = None
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
        for off, kind in marks:
            if kind == "open" and open_at is None:
                open_at = off
            elif kind == "close" and open_at is not None:
                if off - open_at > 1:
                    quotes.append(Quote(open_at, off + 1, open_at + 1, off))
                open_at = None
        if open_at is not None:
            nxt = next((ln for ln in lines[n + 1 :] if ln.strip()), "")
            if not nxt.lstrip()[:1] or nxt.lstrip()[0] not in OPEN_CURLY + STRAIGHT:
                open_at = None
    return quotes
