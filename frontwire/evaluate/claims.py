"""Scorer of attribution (claim) extraction on PolNeAR: Citron's exact and token-overlap metrics plus ours.

Exact and overlap P/R/F1 per role (cue, source, content) and for whole attributions ("all") follow
BBC Citron ``citron/metrics.py``: spans are compared as token spans; a predicted source (content) is
a TP when its cue overlaps a gold cue and its span list equals the gold one. Before comparing, each
span is trimmed of surrounding quote marks, spaces and final punctuation (polnear README), so
``"Yes."`` and ``Yes`` are the same content. Tokens are ``\\w+`` runs and single other characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontwire.evaluate.scores import Scores, eval_rules, harmonic, prf, ratio, worst_items

CharSpan = tuple[int, int]
TokSpan = tuple[int, int]
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_QUOTE_RE = re.compile('["\u201c\u201d\u00ab\u00bb]')


@dataclass(slots=True)
class Attribution:
    """One attribution as character spans into the article text (gold or predicted)."""

    cue: list[CharSpan]
    source: list[CharSpan] = field(default_factory=list)
    content: list[CharSpan] = field(default_factory=list)
    speaker: str | None = None  # predicted speaker as written
    speaker_name: str | None = None  # predicted canonical name (pronouns resolved)
    direct: bool | None = None


@dataclass(slots=True)
class _Tok:
    """An attribution with its spans as trimmed token spans."""

    cue: list[TokSpan]
    source: list[TokSpan]
    content: list[TokSpan]
    raw: Attribution


class _Tokens:
    """Token offsets of one text: maps character spans to token spans."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        self.trim = eval_rules()["claims"]["trim_chars"]

    def span(self, start: int, end: int) -> TokSpan | None:
        """Token span of the characters [start, end) once trimmed; None when nothing is left."""
        while start < end and self.text[start] in self.trim:
            start += 1
        while end > start and self.text[end - 1] in self.trim:
            end -= 1
        if start >= end:
            return None
        idx = [i for i, (s, e) in enumerate(self.spans) if s < end and e > start]
        return (idx[0], idx[-1] + 1) if idx else None

    def spans_of(self, spans: Sequence[CharSpan]) -> list[TokSpan]:
        out = [t for t in (self.span(s, e) for s, e in spans) if t is not None]
        return sorted(out)


def _overlapping(a: TokSpan, b: TokSpan) -> bool:
    # Citron utils.are_overlapping_spans: note '<=', so touching spans count as overlapping.
    return a[0] <= b[1] and a[1] > b[0]


def _overlap(a: TokSpan, b: TokSpan) -> int:
    # Citron utils.get_overlap: number of shared tokens (0 when disjoint).
    start = min(a[1], max(a[0], b[0]))
    end = max(a[0], min(a[1], b[1]))
    return end - start


def _lists_overlap(a: Sequence[TokSpan], b: Sequence[TokSpan]) -> bool:
    return any(_overlapping(x, y) for x in a for y in b)


def _sum_overlap(a: Sequence[TokSpan], b: Sequence[TokSpan]) -> int:
    return sum(_overlap(x, y) for x in a for y in b)


def _length(spans: Sequence[TokSpan]) -> int:
    return sum(e - s for s, e in spans)


def _exact_counts(pred: list[_Tok], gold: list[_Tok], match: Any) -> tuple[int, int, int]:
    """Citron's loops: a prediction is a TP if it matches some gold; a gold is a FN if none matches it."""
    tp = sum(1 for p in pred if any(match(p, g) for g in gold))
    fn = sum(1 for g in gold if not any(match(p, g) for p in pred))
    return tp, len(pred) - tp, fn


def _cue_match(p: _Tok, g: _Tok) -> bool:
    return bool(p.cue) and p.cue == g.cue


def _source_match(p: _Tok, g: _Tok) -> bool:
    return _lists_overlap(p.cue, g.cue) and p.source == g.source


def _content_match(p: _Tok, g: _Tok) -> bool:
    return _lists_overlap(p.cue, g.cue) and p.content == g.content


def _all_match(p: _Tok, g: _Tok) -> bool:
    return _cue_match(p, g) and p.source == g.source and p.content == g.content


def is_direct(text: str, content: Sequence[CharSpan]) -> bool:
    """The README's 'direct' rule for gold: the content holds a quote mark."""
    return any(_QUOTE_RE.search(text[s:e]) for s, e in content)


def _speaker_ok(text: str, pred: _Tok, gold: _Tok) -> bool:
    """Predicted speaker is the gold source: same mention, or its words contain the gold source."""
    if _lists_overlap(pred.source, gold.source) and pred.source:
        return True
    want = " ".join(text[s:e] for s, e in gold.raw.source).strip().casefold()
    if not want:
        return False
    return any(said and want in said.casefold() for said in (pred.raw.speaker, pred.raw.speaker_name))


def claims_scores(
    predictions: Mapping[str, Sequence[Attribution]],
    gold: Mapping[str, tuple[str, Sequence[Attribution]]],
    n_worst: int = 20,
) -> Scores:
    """Score predicted attributions against gold ones, per document ``{id: (text, attributions)}``."""
    threshold = eval_rules()["claims"]["content_overlap"]
    exact = {role: [0, 0, 0] for role in ("cue", "source", "content", "all")}
    ov = {role: [0, 0, 0] for role in ("cue", "source", "content")}  # overlap, predicted, gold lengths
    keys = "gold predicted content_found direct_gold direct_found indirect_gold indirect_found"
    keys += " speaker_checked speaker_ok no_source_gold direct_flag_checked direct_flag_ok"
    c: dict[str, int] = dict.fromkeys(keys.split(), 0)
    per_doc: list[dict[str, Any]] = []
    for doc_id, (text, gold_attrs) in gold.items():
        toks = _Tokens(text)

        def conv(a: Attribution, toks: _Tokens = toks) -> _Tok:
            return _Tok(toks.spans_of(a.cue), toks.spans_of(a.source), toks.spans_of(a.content), a)

        g = [conv(a) for a in gold_attrs]
        p = [conv(a) for a in predictions.get(doc_id, [])]
        c["gold"] += len(g)
        c["predicted"] += len(p)
        for role, match in (
            ("cue", _cue_match),
            ("source", _source_match),
            ("content", _content_match),
            ("all", _all_match),
        ):
            for i, n in enumerate(_exact_counts(p, g, match)):
                exact[role][i] += n
        for role in ("cue", "source", "content"):
            ov[role][0] += sum(_sum_overlap(getattr(x, role), getattr(y, role)) for x in p for y in g)
            ov[role][1] += sum(_length(getattr(x, role)) for x in p)
            ov[role][2] += sum(_length(getattr(y, role)) for y in g)
        found_here, missed = 0, []
        for gt in g:
            size = _length(gt.content)
            best, best_ov = None, 0
            for pt in p:
                o = _sum_overlap(pt.content, gt.content)
                if o > best_ov:
                    best, best_ov = pt, o
            direct = is_direct(text, gt.raw.content)
            c["direct_gold" if direct else "indirect_gold"] += 1
            if best is None or not size or best_ov / size < threshold:
                missed.append(" ".join(text[s:e] for s, e in gt.raw.content)[:160])
                continue
            found_here += 1
            c["content_found"] += 1
            c["direct_found" if direct else "indirect_found"] += 1
            if gt.raw.source:
                c["speaker_checked"] += 1
                c["speaker_ok"] += _speaker_ok(text, best, gt)
            else:
                c["no_source_gold"] += 1
            if best.raw.direct is not None:
                c["direct_flag_checked"] += 1
                c["direct_flag_ok"] += best.raw.direct == direct
        per_doc.append(
            {"id": doc_id, "score": round(found_here / len(g), 4) if g else 1.0, "gold": len(g),
             "predicted": len(p), "missed": missed[:5]}
        )  # fmt: skip
    metrics: dict[str, float | None] = {}
    for role, (tp, fp, fn) in exact.items():
        pr, rc, f1 = prf(tp, fp, fn)
        metrics.update({f"{role}.exact.precision": pr, f"{role}.exact.recall": rc, f"{role}.exact.f1": f1})
    tot = [0, 0, 0]
    for role, (o, lp, lg) in ov.items():
        pr, rc = ratio(o, lp), ratio(o, lg)
        metrics.update(
            {
                f"{role}.overlap.precision": pr,
                f"{role}.overlap.recall": rc,
                f"{role}.overlap.f1": harmonic(pr, rc),
            }
        )
        tot = [tot[0] + o, tot[1] + lp, tot[2] + lg]
    # Citron passes (actual, predicted) lengths swapped for "all quote spans" overlap, which swaps P and
    # R but leaves F1 unchanged; here P is over predicted tokens as for the single roles.
    pr, rc = ratio(tot[0], tot[1]), ratio(tot[0], tot[2])
    metrics.update(
        {"all.overlap.precision": pr, "all.overlap.recall": rc, "all.overlap.f1": harmonic(pr, rc)}
    )
    metrics["content.recall50"] = ratio(c["content_found"], c["gold"])
    metrics["content.recall50.direct"] = ratio(c["direct_found"], c["direct_gold"])
    metrics["content.recall50.indirect"] = ratio(c["indirect_found"], c["indirect_gold"])
    metrics["speaker.accuracy"] = ratio(c["speaker_ok"], c["speaker_checked"])
    metrics["direct_flag.accuracy"] = ratio(c["direct_flag_ok"], c["direct_flag_checked"])
    counts = dict(c)
    for role, (tp, fp, fn) in exact.items():
        counts.update({f"{role}.exact.tp": tp, f"{role}.exact.fp": fp, f"{role}.exact.fn": fn})
    return Scores(metrics=metrics, counts=counts, worst=worst_items(per_doc, n_worst))
