"""Claims stage: quotes and reported statements with speaker, cue, directness, stance and date."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import numpy as np
from spacy.attrs import IDX, LEMMA, LOWER, POS
from spacy.symbols import PROPN, VERB

from frontwire.claims.lexicon import Lexicon, load_lexicon
from frontwire.claims.quotes import Quote, find_quotes
from frontwire.claims.rules import RawClaim, announced_claims, has_marker, phrase_claims, trim, verb_claims
from frontwire.claims.speakers import SpeakerResolver
from frontwire.errors import InputError
from frontwire.model import Claim, Document, TimeExpression
from frontwire.nlp.columns import member, sorted_hashes
from frontwire.nlp.sentences import parse_sentences, sentence_spans

EXTRACTOR = "claims.rules/1"
__all__ = ["EXTRACTOR", "extract", "load_resources"]

# Between a quote and its attribution only a comma, colon or spaces may stand.
_GAP_BEFORE = re.compile(r"[\s,:]{0,4}")
_GAP_AFTER = re.compile(r"[\s,.]{0,4}")
# A split quote goes on after a comma ('he said, "B"') or a full stop on the same line ('he said. "B"').
_CONTINUE_GAP = re.compile(r"[ \t]*[,;.]?[ \t]*")
# '"..." ― Name' at the end of a line: a dash attribution (reader comments, epigraphs); a hyphen
# between spaces stands for the dash in plain-text copy ('"..." - Name').
# Spaces include no-break ones (web copy); a full stop may close the name ("― Jane Doe.").
_DASH_NAME = re.compile(
    r"[^\S\n]*(?P<dash>[―—–]|(?<=\s)-(?=\s))[^\S\n]*(?P<who>[A-Z][^\n“”\"]{1,60}?)[^\S\n]*\.?[^\S\n]*$", re.M
)
# A bare capitalised name the NER missed ("― Jacklyn Ashley"): two to MAX_NAME_WORDS capitalised words.
_NAME_WORDS = re.compile(r"[A-Z][\w'’.\-]*(?:[^\S\n]+[A-Z][\w'’.\-]*)+")
# "Name: statement" at the start of a line (headline and transcript style).
_COLON_LINE = re.compile(r"^[ \t]*[\"“]?(?P<who>[A-Z][\w.'’\-, ]{0,80}?)[ \t]*:[ \t]+(?P<what>\S.*)$", re.M)
# A colon at the end of a sentence or before a quotation: the clause before it may announce a statement.
_ANNOUNCE = re.compile(r":[^\S\n]*(?:$|[\"“‘'«`])", re.M)
MAX_NAME_WORDS = 4
# How many words before a learned cue verb may hold its speaker for the sentence to be parsed.
LEARNED_SUBJECT_WINDOW = 8
MAX_COLON_SOURCE_WORDS = 10
QUOTE_MARKS = '“”"„«»'
MIN_DIRECT_COVER = 0.8
# The rest of an attribution sentence before a second quotation ("he said in a statement. "B."").
MAX_ATTRIBUTION_TAIL = 160
# A quotation carried over from the previous paragraph's speaker is less certain than an attributed one.
CARRIED_CONFIDENCE = 0.5


def load_resources() -> Lexicon:
    """The cue lexicon (read once per process through ``Resources.cues``)."""
    return load_lexicon()


def _candidates(doc: Any, text: str, segments: list[tuple[int, int]], lex: Lexicon) -> list[int]:
    """Indices of segments holding a cue candidate (lemma or phrase start); only these get parsed.

    ``text`` is the Doc's text (passed in: ``Doc.text`` rebuilds the string token by token).
    """
    starts = [s for s, _ in segments]
    # A sentence ending in a colon may announce a statement with any verb ("X made this comment:").
    hits: set[int] = {i for i, (s, e) in enumerate(segments) if _ANNOUNCE.search(text, s, e)}
    # Compare string hashes over whole token columns: no Python Token object per word.
    lemma_ids, lower_ids, learned_ids, animate_ids = _cue_hashes(doc.vocab.strings, lex)
    cols = doc.to_array([LEMMA, LOWER, IDX, POS])
    if len(cols):
        found = member(cols[:, 0], lemma_ids) | member(cols[:, 1], lower_ids)
        if len(learned_ids):
            # A learned cue is parsed only as a verb with a possible speaker (a name, a person pronoun,
            # a person or group noun) among the words just before it: parsing costs most of the stage.
            animate = (cols[:, 3] == PROPN) | member(cols[:, 1], animate_ids)
            cum = np.concatenate(([0], np.cumsum(animate)))
            k = np.arange(len(cols))
            before = cum[k] - cum[np.maximum(0, k - LEARNED_SUBJECT_WINDOW)] > 0
            found |= member(cols[:, 0], learned_ids) & (cols[:, 3] == VERB) & before
        for idx in cols[found, 2]:
            i = bisect_right(starts, int(idx)) - 1
            if i >= 0 and int(idx) < segments[i][1]:
                hits.add(i)
    return sorted(hits)


def _cue_hashes(strings: Any, lex: Lexicon) -> tuple[Any, Any, Any, Any]:
    """Hash arrays (cached per lexicon; sorted and distinct, for ``member``) of the hand cue
    lemmas, the first words of phrase cues, the learned cue lemmas, and the words that can be a
    learned cue's speaker."""
    cached = _HASHES.get(id(lex))
    if cached is None:
        first_words = {p.tokens[0] for p in lex.phrases}

        # A lemma keeps the case of a capitalised proper-noun reading ("Officials Say" -> "Say").
        def forms(learned: bool) -> Any:
            out = {
                f
                for k, v in lex.verbs.items()
                if v.learned == learned
                for f in (k, k.capitalize(), k.upper())
            }
            return sorted_hashes(strings, out)

        animate = {"i", "we", "you", "he", "she", "they"} | set(lex.group_heads) | set(lex.description_heads)
        cached = (
            forms(False),
            sorted_hashes(strings, first_words),
            forms(True),
            sorted_hashes(strings, animate),
        )
        _HASHES[id(lex)] = cached
    return cached


_HASHES: dict[int, tuple[Any, Any, Any, Any]] = {}


def _in_quote(pos: int, quotes: list[Quote]) -> Quote | None:
    for q in quotes:
        if q.start <= pos < q.end:
            return q
    return None


def _quote_content(text: str, q: Quote) -> tuple[int, int]:
    return trim(text, q.inner_start, q.inner_end, chars=" \t\n,;:—–-…" + QUOTE_MARKS)


def _attach_quote(raw: RawClaim, text: str, quotes: list[Quote]) -> bool:
    """Make ``raw`` direct when its content is (or stands next to) a quotation; False to drop it."""
    if raw.content_end <= raw.content_start:
        # Bare "X said": the quote must close just before the attribution or open just after it.
        left = min(raw.cue_start, raw.source_start if raw.source_start is not None else raw.cue_start)
        right = max(raw.cue_end, raw.source_end if raw.source_end is not None else raw.cue_end)
        # "X said:" announces the quotation after it, even when another one closes just before.
        colon = text[right : right + 2].lstrip().startswith(":")
        for q in sorted(quotes, key=lambda q: q.start < left) if colon else quotes:
            before = q.end <= left and _GAP_AFTER.fullmatch(text[q.end : left])
            after = q.start >= right and _GAP_BEFORE.fullmatch(text[right : q.start])
            if before or after:
                raw.content_start, raw.content_end = _quote_content(text, q)
                raw.direct = True
                return raw.content_end > raw.content_start
        return False
    length = raw.content_end - raw.content_start
    for q in quotes:
        overlap = min(q.end, raw.content_end) - max(q.start, raw.content_start)
        if overlap > 0 and overlap >= MIN_DIRECT_COVER * length and not (q.start <= raw.cue_start < q.end):
            raw.content_start, raw.content_end = _quote_content(text, q)
            raw.direct = True
            break
    if not raw.direct:
        _balance(raw, quotes)
    return raw.direct or not raw.quote_only


def _balance(raw: RawClaim, quotes: list[Quote]) -> None:
    """Never cut a mixed quote in half: widen indirect content to whole quotations it touches."""
    for q in quotes:
        if raw.content_start <= q.start < raw.content_end < q.end and q.end <= raw.sent_end:
            raw.content_end = q.end
        elif q.start < raw.content_start < q.end <= raw.content_end and q.start >= raw.sent_start:
            raw.content_start = q.start


def _continuations(raws: list[RawClaim], text: str, quotes: list[Quote]) -> list[RawClaim]:
    """Second halves of split quotes: same cue and speaker, next quotation.

    '"A," he said, "B."' and '"A," he said in a statement. "B."': the quotation that follows the rest
    of the attribution sentence on the same line, when no other cue stands in between.
    """
    used = {(r.content_start, r.content_end) for r in raws}
    cues = sorted(r.cue_start for r in raws)
    extra: list[RawClaim] = []
    for r in raws:
        if not r.direct:
            continue
        right = max(r.cue_end, r.source_end or 0)
        for q in quotes:
            if q.start < right:
                continue
            gap = text[right : q.start]
            tail = (
                len(gap) <= MAX_ATTRIBUTION_TAIL
                and "\n" not in gap
                and gap.rstrip().endswith((".", ":"))
                and not any(right <= c < q.start for c in cues)
            )
            if _CONTINUE_GAP.fullmatch(gap) or tail:
                span = _quote_content(text, q)
                if span not in used and span[1] > span[0]:
                    used.add(span)
                    extra.append(_copy(r, span))
            break
    return extra


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((pos + lead, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def _carried_quotes(raws: list[RawClaim], text: str, quotes: list[Quote]) -> list[RawClaim]:
    """Quote paragraphs with no attribution of their own, after a paragraph ending with a quote of X.

    News convention: a paragraph that opens with a quotation and names no speaker goes on quoting the
    speaker of the direct quote that closed the previous paragraph. The copy keeps that claim's cue
    and speaker (like the second half of a split quote); a paragraph with any other text breaks the chain.
    """
    extra: list[RawClaim] = []
    used = {(r.content_start, r.content_end) for r in raws}
    carrier: RawClaim | None = None
    for ps, pe in _paragraphs(text):
        inside = [r for r in raws if ps <= r.cue_start < pe]
        starting = [q for q in quotes if ps <= q.start < pe]
        if not inside and not starting and any(q.start < ps and q.end >= pe for q in quotes):
            continue  # a paragraph in the middle of a multi-paragraph quotation
        if not inside and starting and starting[0].start == ps and carrier is not None:
            for q in starting:
                span = _quote_content(text, q)
                if span not in used and span[1] > span[0]:
                    used.add(span)
                    copy = _copy(carrier, span)
                    copy.confidence = min(copy.confidence, CARRIED_CONFIDENCE)
                    copy.rule = "carried"
                    extra.append(copy)
            continue
        last = max(inside, key=lambda r: max(r.cue_end, r.content_end), default=None)
        carrier = last if last is not None and last.direct else None
    return extra


def _copy(r: RawClaim, span: tuple[int, int]) -> RawClaim:
    return RawClaim(
        **{**{k: getattr(r, k) for k in r.__slots__}, "content_start": span[0], "content_end": span[1]}
    )


def _colon_claims(document: Document, quotes: list[Quote]) -> list[RawClaim]:
    """'Name: statement' lines (headlines, transcripts, round-ups).

    The part before the colon is a speaker when it is a named entity of the document or the surname of
    one ("WALLACE:", "Pence:"), or, before a quotation, a phrase opening with a person or organisation
    ("Jane Doe, The Daily Paper: \"...\"").
    """
    text = document.text
    speakers = [m for m in document.mentions if m.type in ("PERSON", "ORG", "ARMED_GROUP", "NORP")]
    names = {m.text.casefold() for m in speakers}
    names |= {m.name.casefold() for m in speakers if m.type == "PERSON"}
    names |= {m.name.casefold().split()[-1] for m in speakers if m.type == "PERSON" and m.name.split()}
    starts = {m.start for m in speakers if m.type in ("PERSON", "ORG")}
    out: list[RawClaim] = []
    for match in _COLON_LINE.finditer(text):
        who = match.group("who").strip()
        ws = match.start("who")
        what = match.group("what")
        named = who.casefold() in names and len(who.split()) <= MAX_NAME_WORDS
        before_quote = what[:1] in QUOTE_MARKS and ws in starts and len(who.split()) <= MAX_COLON_SOURCE_WORDS
        if not (named or before_quote) or (who.isupper() and len(who) < 3):
            continue
        s, e = trim(text, match.start("what"), match.end("what"), chars=" \t\n,;:—–-…" + QUOTE_MARKS)
        if e <= s:
            continue
        colon = text.index(":", ws + len(who))
        out.append(
            RawClaim(
                cue_start=colon,
                cue_end=colon + 1,
                lemma=":",
                stance="asserted",
                kind="speech",
                content_start=s,
                content_end=e,
                source_start=ws,
                source_end=ws + len(who),
                source_head=who.split(",")[0].split()[-1].casefold(),
                confidence=0.6,
                rule="colon",
            )
        )
    return out


def _dash_claims(document: Document, quotes: list[Quote]) -> list[RawClaim]:
    """'"Quotation" ― Name' lines: the name after the dash is the speaker when it is a named entity."""
    text = document.text
    out: list[RawClaim] = []
    for q in quotes:
        m = _DASH_NAME.match(text, q.end)
        if m is None:
            continue
        ws, we = m.start("who"), m.end("who")
        named = any(ws <= x.start and x.end <= we for x in document.mentions if x.type in ("PERSON", "ORG"))
        bare = _NAME_WORDS.fullmatch(text, ws, we) is not None and len(text[ws:we].split()) <= MAX_NAME_WORDS
        if not (named or bare):
            continue
        s, e = _quote_content(text, q)
        if e > s:
            out.append(
                RawClaim(
                    cue_start=m.start("dash"),
                    cue_end=m.end("dash"),
                    lemma="―",
                    stance="asserted",
                    kind="speech",
                    content_start=s,
                    content_end=e,
                    source_start=ws,
                    source_end=we,
                    source_head=text[ws:we].split()[-1].casefold(),
                    direct=True,
                    confidence=0.6,
                    rule="dash",
                )
            )
    return out


def _said_on(raw: RawClaim, times: list[TimeExpression]) -> str | None:
    """The interval of a date in the cue's sentence that is not part of the content or source."""
    best: tuple[int, str] | None = None
    for t in times:
        if t.value is None or "/" not in t.value or t.type not in ("DATE", "TIME"):
            continue
        if t.start < raw.sent_start or t.end > raw.sent_end:
            continue
        if t.start < raw.content_end and raw.content_start < t.end:
            continue
        if raw.source_start is not None and t.start < (raw.source_end or 0) and raw.source_start < t.end:
            continue
        dist = abs(t.start - raw.cue_start)
        if best is None or dist < best[0]:
            best = (dist, t.value)
    return best[1] if best else None


def _hedged_segments(
    doc: Any, segments: list[tuple[int, int]], quotes: list[Quote], lex: Lexicon
) -> set[int]:
    """Segments with a hedge marker outside quotations ("could not be independently verified")."""
    starts = [s for s, _ in segments]
    # Only segments holding a marker's first word can hold a marker: find them over the token columns.
    cols = doc.to_array([LOWER, IDX])
    firsts = np.array([doc.vocab.strings.add(m[0]) for m in lex.hedge_markers], dtype="uint64")
    maybe = set()
    for idx in cols[np.isin(cols[:, 0], firsts), 1] if len(cols) else ():
        i = bisect_right(starts, int(idx)) - 1
        if i >= 0 and int(idx) < segments[i][1]:
            maybe.add(i)
    hedged = set()
    strings = doc.vocab.strings
    for i in maybe:
        span = doc.char_span(*segments[i], alignment_mode="expand")
        if span is None:
            continue
        # The segment's words from the columns (no Token per word), those inside a quotation left out.
        words = [
            strings[low]
            for low, idx in cols[span.start : span.end].tolist()
            if _in_quote(idx, quotes) is None
        ]
        if has_marker(words, lex.hedge_markers):
            hedged.add(i)
    return hedged


def _dedupe(raws: list[RawClaim]) -> list[RawClaim]:
    """One claim per cue and content: the first rule wins a cue, the more confident a content."""
    by_cue: dict[tuple[int, int, int, int], RawClaim] = {}
    for r in raws:
        by_cue.setdefault((r.cue_start, r.cue_end, r.content_start, r.content_end), r)
    by_content: dict[tuple[int, int], RawClaim] = {}
    for r in by_cue.values():
        key = (r.content_start, r.content_end)
        if key not in by_content or r.confidence > by_content[key].confidence:
            by_content[key] = r
    return list(by_content.values())


def extract(document: Document, resources: Any) -> list[Claim]:
    """All claims of a document, in text order ('c1', 'c2', ...), with nesting and speakers resolved."""
    text = document.text
    if not text.strip():
        return []
    if document.nlp is None:
        raise InputError("claims need the NLP annotation of the document (run frontwire.nlp.annotate first)")
    lex: Lexicon = resources.cues
    doc = document.nlp
    quotes = find_quotes(text)
    segments = sentence_spans(doc, text)
    raws: list[RawClaim] = []
    spans = [segments[i] for i in _candidates(doc, text, segments, lex)]
    for (s, e), (parsed, off) in zip(spans, parse_sentences(resources, doc, text, spans), strict=True):
        found = verb_claims(parsed, off, text, lex) + phrase_claims(parsed, off, text, lex)
        found += announced_claims(parsed, off, text, lex)
        for r in found:
            r.sent_start, r.sent_end = s, e
        raws.extend(found)
    for r in _colon_claims(document, quotes) + _dash_claims(document, quotes):
        seg = bisect_right([s for s, _ in segments], r.cue_start) - 1
        r.sent_start, r.sent_end = segments[max(seg, 0)] if segments else (0, len(text))
        raws.append(r)
    # A belief or intention inside a quotation ("I think ...") is part of the quoted statement.
    raws = [r for r in raws if r.in_quote or _in_quote(r.cue_start, quotes) is None]
    raws = [r for r in raws if _attach_quote(r, text, quotes)]
    raws += _continuations(raws, text, quotes)
    raws += _carried_quotes(raws, text, quotes)
    raws = _dedupe(raws)

    hedged = _hedged_segments(doc, segments, quotes, lex)
    seg_starts = [s for s, _ in segments]
    raws.sort(key=lambda r: (min(r.cue_start, r.content_start), r.cue_start))
    resolver = SpeakerResolver(text, document.mentions, lex)
    claims: list[Claim] = []
    for n, r in enumerate(raws, 1):
        stance = lex.stance_of(r.stance, r.negated, r.kind)
        seg = bisect_right(seg_starts, r.cue_start) - 1
        if stance == "asserted" and seg in hedged:
            stance = "hedged"
        speaker = None
        name = eid = None
        if r.source_start is not None and r.source_end is not None:
            speaker = text[r.source_start : r.source_end]
            # a relative pronoun ("who") stands for its antecedent
            rs, re_ = (
                (r.antecedent_start, r.antecedent_end)
                if r.antecedent_start is not None and r.antecedent_end is not None
                else (r.source_start, r.source_end)
            )
            res = resolver.resolve(rs, re_, r.source_head, r.source_plural, (r.content_start, r.content_end))
            name, eid = res.name, res.entity_id
        claims.append(
            Claim(
                id=f"c{n}",
                speaker=speaker,
                speaker_start=r.source_start,
                speaker_end=r.source_end,
                speaker_name=name,
                speaker_entity_id=eid,
                cue=text[r.cue_start : r.cue_end],
                cue_start=r.cue_start,
                cue_end=r.cue_end,
                direct=r.direct,
                stance=stance,
                content=text[r.content_start : r.content_end],
                start=r.content_start,
                end=r.content_end,
                said_on=_said_on(r, document.times),
                extractor=EXTRACTOR,
                confidence=round(min(0.95, r.confidence + (0.1 if r.direct else 0.0)), 2),
            )
        )
    _nest(claims)
    return claims


def _nest(claims: list[Claim]) -> None:
    """A claim whose cue lies inside another claim's content is part of that claim's reporting chain."""
    for inner in claims:
        best: Claim | None = None
        for outer in claims:
            if outer is inner or not (outer.start <= inner.cue_start and inner.cue_end <= outer.end):
                continue
            if not (outer.start <= inner.start and inner.end <= outer.end):
                continue  # the inner statement must lie inside the outer content
            if best is None or outer.end - outer.start < best.end - best.start:
                best = outer
        inner.parent = best.id if best else None
        if best is not None:
            inner.said_on = None  # a date outside the inner content dates the outer statement
