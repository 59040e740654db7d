"""Time expressions: recognise dates, times, durations and sets, and resolve them to absolute intervals.

Entry points: :func:`extract` (a pipeline stage) and :func:`load_resources` (the lexicon, loaded once per
process through ``Resources.timex_rules``). Rules and word lists live in ``frontwire/data/timex_rules.json``.

Resolution rules (documented here because they are choices):
- deictic expressions ("today", "on Monday", "last week", "two days ago") read from the publication date;
- anaphoric ones ("the following day", "two days later", "a year earlier") from the most recent date
  of the text fine enough to be moved by their unit, else from the publication date (lower confidence);
- deictic words ("today", "tomorrow", "tonight", "yesterday") inside a quotation or the content of a reported
  statement read from the day the text gives that statement ("'... today,' he said on Monday"; "said on
  Monday that ... tomorrow"), when it gives one (a day-precise expression attached to the speech verb);
  else from the publication date;
- a weekday alone is the publication day when it names that weekday (wire convention: "said Friday" in
  Friday's paper), else the most recent such day before publication, or the next one when the clause
  is in the future tense ("will meet on Friday");
- a date without a year takes the publication year, unless the tense contradicts it (a past clause
  cannot point more than a week after publication, a future one more than a week before);
- words right before a date override the verb: deadlines and record dates look forward ("until Tuesday",
  "payable Dec. 15", "as early as"), "since" looks back (a sentence-initial "Until" does not count);
- a yearless reporting period ("the third quarter") is the publication year's: results come after the
  period closes, so only a past clause about a period not yet begun goes back a year, and only a future
  clause about a period closed more than one period ago goes forward;
- "a year ago/earlier" after a named quarter or half is that period a year before (financial
  convention); year-on-year comparisons never become anchors for one another;
- "the year" alone is the publication year ("the year ended June 30" is a fiscal year: P1Y);
  "current" before a noun is PRESENT_REF;
- holidays are fixed (Christmas: XXXX-12-25 without a publication date) or movable (Thanksgiving, Easter,
  Election Day), placed in a year like other yearless dates;
- without a publication date nothing relative is resolved: value and precision stay None.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from frontwire.model import Document, TimeExpression
from frontwire.timex._lexicon import Lexicon, load_lexicon
from frontwire.timex._recognise import Candidate, recognise
from frontwire.timex._resolve import Context, Resolution, Resolver, make_tense, parse_published
from frontwire.timex._speech import Dated, statement_at, statements

EXTRACTOR = "timex.rules/1"

__all__ = ["EXTRACTOR", "extract", "extract_text", "load_resources"]


def load_resources() -> Lexicon:
    """The compiled lexicon and patterns (called once per process by ``Resources.timex_rules``)."""
    return load_lexicon()


@lru_cache(maxsize=1)
def _shared_lexicon() -> Lexicon:
    # Callers without a Resources object still compile the rules only once per process.
    return load_lexicon()


def _restate(
    text: str, lex: Lexicon, ctx: Context, resolved: list[tuple[Candidate, Resolution]]
) -> list[tuple[Candidate, Resolution]]:
    """Deictic words inside a dated statement re-read from the statement's day (see the module rules)."""
    deictic = [i for i, (c, r) in enumerate(resolved) if _is_deictic(c) and r.interval is not None]
    if not deictic or ctx.dct is None:
        return resolved
    dated = [
        Dated(c.start, c.end, r.interval.start, c.text)
        for c, r in resolved
        if r.interval is not None and r.interval.gran == "day" and r.type in ("DATE", "TIME")
    ]
    found = statements(text, lex["speech"], dated)
    if not found:
        return resolved
    out = list(resolved)
    for i in deictic:
        c, _ = resolved[i]
        st = statement_at(found, c.start, c.end)
        if st is None or st.day == ctx.dct:
            continue
        again = Resolver(lex, Context(dct=st.day, tense=ctx.tense), text)
        res = again.resolve(c)
        if res is not None and res.interval is not None:
            res.anchor = st.anchor
            out[i] = (c, res)
    return out


def _is_deictic(c: Candidate) -> bool:
    p = c.pattern
    return p is not None and (p.kind == "deictic" or (p.kind == "clock" and bool(c.groups.get("deictic"))))


def extract_text(text: str, published: str | None, lex: Lexicon, doc: Any = None) -> list[TimeExpression]:
    """Time expressions of one text; ``doc`` (the spaCy Doc of ``text``) adds candidates and tense."""
    ctx = Context(dct=parse_published(published), tense=make_tense(doc, lex, text))
    resolver = Resolver(lex, ctx, text)
    resolved: list[tuple[Candidate, Resolution]] = []
    for cand in recognise(text, doc, lex):
        res = resolver.resolve(cand)
        if res is not None:
            resolved.append((cand, res))
    out: list[TimeExpression] = []
    for cand, res in _restate(text, lex, ctx, resolved):
        if res.type == "DURATION":
            value, precision = res.duration, None
        elif res.interval is not None:
            value, precision = res.interval.iso, res.interval.precision
        else:
            value, precision = None, None
        out.append(
            TimeExpression(
                text=cand.text,
                start=cand.start,
                end=cand.end,
                type=res.type,
                value=value,
                precision=precision,
                anchor=res.anchor if value is not None and res.type != "DURATION" else None,
                timex3=res.timex3,
                extractor=EXTRACTOR,
                confidence=res.confidence,
            )
        )
    return out


def extract(document: Document, resources: Any) -> list[TimeExpression]:
    """Pipeline stage: the time expressions of ``document`` resolved against its publication date."""
    lex = getattr(resources, "timex_rules", None) if resources is not None else None
    if not isinstance(lex, Lexicon):
        lex = _shared_lexicon()
    return extract_text(document.text, document.article.published, lex, document.nlp)
