"""Attribution rules over one dependency-parsed sentence: cue, source span and content span."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frontwire.claims.lexicon import Lexicon

PUNCT_EDGE = " \t\n,;:—–-…"
SUBJECT_DEPS = ("nsubj", "csubj")
# Clause links through which a participle or conjoined cue inherits its subject ("..., adding that").
INHERIT_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "acl", "prep"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
CLAUSE_POS = frozenset({"VERB", "AUX"})


@dataclass(slots=True)
class RawClaim:
    """A claim before speaker resolution and numbering (all offsets absolute)."""

    cue_start: int
    cue_end: int
    lemma: str
    stance: str
    kind: str
    content_start: int
    content_end: int
    source_start: int | None = None
    source_end: int | None = None
    source_plural: bool = False
    source_head: str | None = None
    negated: bool = False
    direct: bool = False
    sent_start: int = 0
    sent_end: int = 0
    confidence: float = 0.7
    quote_only: bool = False
    rule: str = "verb"


def trim(text: str, start: int, end: int, chars: str = PUNCT_EDGE) -> tuple[int, int]:
    """Shrink [start, end) past edge punctuation and whitespace; drop one final period."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    if end > start and text[end - 1] in ".!?" and end - start > 1 and text[end - 2] not in ".!?":
        # keep the period of an abbreviation ("U.S."), drop a sentence-final one
        word = text[start:end].rsplit(None, 1)[-1]
        if word.count(".") == 1 or not word[:-1].replace(".", "").isalpha():
            end -= 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _span(tokens: list[Any], off: int) -> tuple[int, int]:
    first, last = tokens[0], tokens[-1]
    return off + first.idx, off + last.idx + len(last.text)


def _subtree_span(tok: Any, off: int, text: str, exclude: Any | None = None) -> tuple[int, int] | None:
    """Character span of a token's subtree; with ``exclude``, the largest contiguous part without it."""
    toks = list(tok.subtree)
    if exclude is not None:
        cut = {t.i for t in exclude.subtree}
        parts: list[list[Any]] = [[]]
        for t in toks:
            if t.i in cut:
                if parts[-1]:
                    parts.append([])
            else:
                parts[-1].append(t)
        scored = [p for p in parts if p and any(not t.is_punct for t in p)]
        if not scored:
            return None
        toks = max(scored, key=lambda p: sum(len(t.text) for t in p))
    if not toks:
        return None
    start, end = trim(text, *_span(toks, off))
    return (start, end) if end > start else None


def _clause_subject(tok: Any, depth: int = 0) -> Any | None:
    """The subject token of a cue verb, inherited through participles, conjuncts and relative clauses."""
    for child in tok.children:
        if child.dep_ in SUBJECT_DEPS and child.dep_ != "expl":
            if child.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                return tok.head
            return child
    for child in tok.children:
        if child.dep_ == "agent":  # passive: "was told by X"
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj:
                return pobj[0]
    if any(c.dep_ == "nsubjpass" for c in tok.children):
        return None  # "it was reported that": no source
    if depth < 3 and tok.dep_ in INHERIT_DEPS and tok.head is not tok:
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return None  # "the report, citing officials": the noun is not a speaker
        return _clause_subject(tok.head, depth + 1)
    return None


def _source_span(subj: Any, off: int, text: str) -> tuple[int, int] | None:
    if any(c.dep_ == "relcl" for c in subj.children):
        # relative-clause head: the noun phrase without its relative clause
        toks = [t for t in subj.subtree if t.i <= subj.i]
    else:
        toks = list(subj.subtree)
    start, end = trim(text, *_span(toks, off), chars=PUNCT_EDGE + '“”"')
    return (start, end) if end > start else None


def _is_plural(tok: Any) -> bool:
    return tok.tag_ in ("NNS", "NNPS") or tok.lower_ in ("they", "we")


def _content_token(cue: Any, entry: Any) -> tuple[Any | None, Any | None]:
    """(content head, token to cut out of its subtree) for a cue verb."""
    comps = [c for c in cue.children if c.dep_ == "ccomp"]
    if comps:
        return min(comps, key=lambda c: abs(c.i - cue.i)), None
    if entry.xcomp:
        x = [c for c in cue.children if c.dep_ == "xcomp"]
        if x:
            return x[0], None
    if entry.object:
        objs = [c for c in cue.children if c.dep_ == "dobj" and c.pos_ != "PRON"]
        if objs:
            return objs[0], None
    # "How", "what" and "whether" clauses hang on the cue as advcl or prep in the small model.
    for c in cue.children:
        if c.dep_ == "advcl" and any(g.dep_ == "advmod" and g.lower_ in ("how", "why") for g in c.children):
            return c, None
    head = cue.head
    if head is not cue and head.pos_ in CLAUSE_POS:
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in cue.children)
        as_mark = any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children)
        if cue.dep_ in ("parataxis", "dep") and has_subject:
            return head, cue
        bare = not any(c.dep_ == "mark" for c in cue.children) and cue.left_edge.i > 0
        after_comma = bare and cue.doc[cue.left_edge.i - 1].text in (",", "”", '"', "—")
        if cue.dep_ == "ccomp" and has_subject and cue.i > head.i and head.dep_ == "ROOT" and after_comma:
            return head, cue  # "X is Y, he said" parsed with 'said' under the content verb
        if cue.dep_ == "advcl" and as_mark:
            return head, cue  # "as X put it", "as X said"
    return None, None


def verb_claims(sent: Any, off: int, text: str, lex: Lexicon) -> list[RawClaim]:
    """Claims whose cue is a lexicon verb of the parsed sentence ``sent`` (offsets + ``off``)."""
    out: list[RawClaim] = []
    for tok in sent:
        entry = lex.verbs.get(tok.lemma_.lower())
        if entry is None or tok.pos_ not in CLAUSE_POS:
            continue
        if entry.particle and not any(c.dep_ == "prt" and c.lower_ == entry.particle for c in tok.children):
            continue
        head, cut = _content_token(tok, entry)
        content = _subtree_span(head, off, text, exclude=cut) if head is not None else None
        subj = _clause_subject(tok)
        source = _source_span(subj, off, text) if subj is not None else None
        cue_s, cue_e = off + tok.idx, off + tok.idx + len(tok.text)
        prt = [c for c in tok.children if c.dep_ == "prt" and c.i == tok.i + 1]
        if prt:
            cue_e = off + prt[0].idx + len(prt[0].text)
        if content is None:
            # No syntactic content: a bare "X said" next to a direct quote is resolved later.
            content = (cue_e, cue_e)
        elif source is not None and content[0] < source[1] and source[0] < content[1]:
            continue  # content and source overlap: a misparse
        negated = any(c.dep_ == "neg" for c in tok.children)
        out.append(
            RawClaim(
                cue_start=cue_s,
                cue_end=cue_e,
                lemma=entry.lemma,
                stance=entry.stance,
                kind=entry.kind,
                content_start=content[0],
                content_end=content[1],
                source_start=source[0] if source else None,
                source_end=source[1] if source else None,
                source_plural=_is_plural(subj) if subj is not None else False,
                source_head=subj.lower_ if subj is not None else None,
                negated=negated,
                confidence=0.8 if entry.kind in ("speech", "writing", "report") else 0.6,
                quote_only=entry.quote_only,
            )
        )
    return out


def _clause_of(tok: Any) -> Any:
    """The nearest verb at or above ``tok`` (the clause an adverbial attaches to)."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in CLAUSE_POS or cur.head is cur:
            return cur
        cur = cur.head
    return cur


def phrase_claims(sent: Any, off: int, text: str, lex: Lexicon) -> list[RawClaim]:
    """Claims cued by multi-word or adverbial phrases ("according to X", "reportedly")."""
    out: list[RawClaim] = []
    lowers = [t.lower_ for t in sent]
    for phrase in lex.phrases:
        n = len(phrase.tokens)
        for i in range(len(lowers) - n + 1):
            if tuple(lowers[i : i + n]) != phrase.tokens:
                continue
            first, last = sent[i], sent[i + n - 1]
            cue_s, cue_e = off + first.idx, off + last.idx + len(last.text)
            source: tuple[int, int] | None = None
            subj = None
            if phrase.source == "object":
                pobj = [c for c in last.children if c.dep_ == "pobj"]
                if not pobj:
                    continue
                subj = pobj[0]
                source = _source_span(subj, off, text)
                clause = _clause_of(first.head)
                content = _subtree_span(clause, off, text, exclude=first)
            else:
                clause = _clause_of(first.head)
                content = _subtree_span(clause, off, text)
            if content is None or (source is None and phrase.source == "object"):
                continue
            out.append(
                RawClaim(
                    cue_start=cue_s,
                    cue_end=cue_e,
                    lemma=" ".join(phrase.tokens),
                    stance=phrase.stance,
                    kind=phrase.kind,
                    content_start=content[0],
                    content_end=content[1],
                    source_start=source[0] if source else None,
                    source_end=source[1] if source else None,
                    source_plural=_is_plural(subj) if subj is not None else False,
                    source_head=subj.lower_ if subj is not None else None,
                    confidence=0.7 if source else 0.5,
                    rule="phrase",
                )
            )
    return out


def has_marker(lowers: list[str], markers: tuple[tuple[str, ...], ...]) -> bool:
    """Whether any marker token sequence occurs in ``lowers``."""
    for m in markers:
        n = len(m)
        for i in range(len(lowers) - n + 1):
            if tuple(lowers[i : i + n]) == m:
                return True
    return False
