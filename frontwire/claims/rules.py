"""Attribution rules over one dependency-parsed sentence: cue, source span and content span."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import LEMMA, LOWER, ORTH, POS
from spacy.symbols import AUX, VERB

from frontwire.claims.lexicon import Lexicon

PUNCT_EDGE = " \t\n,;:—–-…"
SUBJECT_DEPS = ("nsubj", "csubj")
# Clause links through which a participle or conjoined cue inherits its subject ("..., adding that").
INHERIT_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "acl", "prep"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
CLAUSE_POS = frozenset({"VERB", "AUX"})
# Right-hand dependents of a cue that still belong to its content when the parser split a clause
# ("claimed that Russia isn't sending the resources [troops need ...]": 'need' hangs on the cue).
CONTENT_TAIL_DEPS = frozenset({"ccomp", "dep", "xcomp", "dobj", "attr", "oprd", "acomp"})
# Object complements that make "called X a Y" one content from X to Y.
COMPLEMENT_DEPS = frozenset({"oprd", "xcomp", "ccomp", "prep"})


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
    # The antecedent of a relative-pronoun source ("Mr. X, who said"): resolved in its place.
    antecedent_start: int | None = None
    antecedent_end: int | None = None
    negated: bool = False
    direct: bool = False
    sent_start: int = 0
    sent_end: int = 0
    confidence: float = 0.7
    quote_only: bool = False
    in_quote: bool = True
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
    if exclude is not None:
        toks = list(tok.subtree)
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
    else:
        toks = list(_subtree_ends(tok))
    start, end = trim(text, *_span(toks, off))
    return (start, end) if end > start else None


def _subtree_ends(tok: Any) -> tuple[Any, Any]:
    """The first and last token of ``tok.subtree`` without making a Token per word of it.

    ``subtree`` yields a left child's subtree, the token, then a right child's subtree: its first
    token is reached through the first left children, its last through the last right ones (these
    are the left and right edge only when the parse is projective).
    """
    first = tok
    while (left := next(first.lefts, None)) is not None:
        first = left
    last = tok
    while True:
        rights = list(last.rights)
        if not rights:
            break
        last = rights[-1]
    return first, last


def _relative_pronoun(tok: Any, depth: int = 0) -> Any | None:
    """The relative pronoun subject of a cue's clause ("who said", "which reported"), if any.

    PolNeAR/PARC mark the pronoun itself as the source; the antecedent is what it resolves to.
    """
    for child in tok.children:
        if child.dep_ in SUBJECT_DEPS:
            return child if child.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl" else None
    if depth < 3 and tok.dep_ in ("conj", "xcomp") and tok.head.i != tok.i:
        return _relative_pronoun(tok.head, depth + 1)
    return None


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
    if depth < 3 and tok.dep_ in INHERIT_DEPS and tok.head.i != tok.i:
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
        # "called him a liar", "described it as a crime": a pronoun object with its complement
        pron = [c for c in cue.children if c.dep_ == "dobj"]
        if pron and _complements(cue, pron[0], entry):
            return pron[0], None
    for c in cue.children:
        if c.dep_ in ("prep", "prt") and c.lower_ in entry.preps and c.i > cue.i:
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp") and g.pos_ != "PRON"]
            if objs:
                return objs[0], None
    # "How", "what" and "whether" clauses hang on the cue as advcl or prep in the small model.
    for c in cue.children:
        if c.dep_ == "advcl" and any(g.dep_ == "advmod" and g.lower_ in ("how", "why") for g in c.children):
            return c, None
    head = cue.head
    if head.i != cue.i and head.pos_ in CLAUSE_POS:
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


def _complements(cue: Any, obj: Any, entry: Any) -> list[Any]:
    """Complements of a cue's object that belong to the content: "a Y" of "called X a Y" and the
    lexicon's complement prepositions ("described X as Y", "blamed X for Y", "likened X to Y")."""
    plain = cue.lemma_.lower() in _COMPLEMENT_CUES
    return [
        c
        for c in cue.children
        if c.i > obj.i
        and c.dep_ in COMPLEMENT_DEPS
        and ((c.dep_ != "prep" and plain) or (c.dep_ == "prep" and c.lower_ in entry.complement_preps))
    ]


def _content_span(
    cue: Any, head: Any, cut: Any | None, off: int, text: str, entry: Any | None = None
) -> tuple[int, int] | None:
    """Character span of the content headed by ``head``, robust to split clauses.

    An indirect content runs to the end of its clause: right-hand dependents of the cue that the parser
    detached from the content head (a second ccomp, a 'dep') are joined to it, up to the first dependent
    that is not content (a conjoined verb, an adverbial, a prepositional phrase of the cue).
    """
    span = _subtree_span(head, off, text, exclude=cut)
    if span is None or cut is not None or head.head.i != cue.i or head.i < cue.i:
        return span
    last = head.right_edge.i
    if head.dep_ == "dobj" and entry is not None:
        # "called Clinton a champion", "likened the attack to terror": the object and its complement
        comps = _complements(cue, head, entry)
        if comps:
            last = max(last, comps[0].right_edge.i)
    elif head.dep_ == "ccomp":
        for c in cue.children:
            if c.i <= last or c.is_punct:
                continue
            # At most one word between them; closing quotes and commas don't count.
            gap = sum(1 for t in cue.doc[last + 1 : c.left_edge.i] if not t.is_punct)
            if gap > 1 or (c.dep_ not in CONTENT_TAIL_DEPS and not _absolute_with(c)):
                break
            last = c.right_edge.i
    if last == head.right_edge.i:
        return span
    start, end = trim(text, span[0], off + cue.doc[last].idx + len(cue.doc[last].text))
    return (start, end) if end > start else span


def _absolute_with(tok: Any) -> bool:
    """A "with" absolute clause ("..., with more troops being sent in every day"): it continues the
    content it follows, unlike a manner phrase of the cue ("said with a smile"), which has no verb."""
    if tok.dep_ != "prep" or tok.lower_ != "with":
        return False
    # The participle may hang as acl of the noun or as pcomp of "with"; "with growing concern" (amod) is
    # still a manner phrase.
    return any(t.dep_ in ("acl", "relcl", "pcomp") and t.tag_ in ("VBG", "VBN") for t in tok.subtree)


# Verbs whose object takes a complement that is part of what was said ("called X a Y", "labeled X as Y").
_COMPLEMENT_CUES = frozenset({"call", "label", "dub", "describe", "brand", "name", "term"})


def _cue_extent(tok: Any, lex: Lexicon, off: int) -> tuple[int, int]:
    """Cue span: the verb with its particle or content preposition and the auxiliaries, negation and
    adverbs immediately before it ("has also said", "did not confirm", "called for") as PARC/PolNeAR mark it.
    """
    first = last = tok
    after = [c for c in tok.children if c.i > tok.i]
    for c in sorted(after, key=lambda c: c.i):
        entry = lex.verbs.get(tok.lemma_.lower())
        is_prt = c.dep_ == "prt"
        is_prep = entry is not None and c.dep_ == "prep" and c.lower_ in entry.preps
        if c.i == last.i + 1 and (is_prt or is_prep):
            last = c
        else:
            break
    left = {c.i: c for c in tok.children if c.i < tok.i}
    while first.i - 1 in left:
        c = left[first.i - 1]
        if c.dep_ in lex.cue_deps or (c.dep_ == "advmod" and c.lower_ in lex.cue_adverbs):
            first = c
        else:
            break
    return off + first.idx, off + last.idx + len(last.text)


def _unrealised(tok: Any) -> bool:
    """An infinitive or modal cue ("refused to disclose", "will tell", "could say") reports no statement.

    Do-support ("did not say") is a statement (negated); the governing verb ("refused") is a cue itself.
    """
    if tok.tag_ != "VB":
        return False
    return any(c.dep_ == "aux" and (c.tag_ in ("TO", "MD")) for c in tok.children)


def _outer_cue(tok: Any, cue_ids: set[int]) -> Any | None:
    """The cue whose content clause ``tok`` is conjoined to ("said X but warned Y": 'warned' hangs on X).

    Two speech acts in one sentence: the second is a cue of its own, with the first one's speaker.
    """
    if tok.dep_ != "conj" or tok.head.dep_ != "ccomp" or tok.i not in cue_ids:
        return None
    outer = tok.head.head
    if outer.i not in cue_ids or outer.i > tok.i or any(c.dep_ in _ALL_SUBJECTS for c in tok.children):
        return None
    return outer


_ALL_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")


def _cut_before(sent: Any, first: Any, content: tuple[int, int], off: int, text: str) -> tuple[int, int]:
    """``content`` ended before the token ``first`` and the conjunction or comma in front of it."""
    j = first.i - 1
    while j > 0 and (sent[j].dep_ == "cc" or sent[j].is_punct):
        j -= 1
    end = off + sent[j].idx + len(sent[j].text)
    if end <= content[0]:
        return content
    start, end = trim(text, content[0], min(end, content[1]))
    return (start, end) if end > start else content


_SPEAKING_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "they"})


def _animate(subj: Any | None, lex: Lexicon) -> bool:
    """Whether a subject can be a speaker: a name, a person pronoun, or a person or group noun."""
    if subj is None:
        return False
    low = subj.lower_
    return (
        subj.pos_ == "PROPN"
        or low in _SPEAKING_PRONOUNS
        or low in lex.group_heads
        or low in lex.description_heads
    )


def verb_claims(sent: Any, off: int, text: str, lex: Lexicon) -> list[RawClaim]:
    """Claims whose cue is a lexicon verb of the parsed sentence ``sent`` (offsets + ``off``)."""
    out: list[RawClaim] = []
    # One pass over the word columns finds the cue verbs (most sentences have none or one): no Token
    # per word (spaCy makes one on each access), and only the verbs' lemmas are looked up.
    cols = sent.to_array([LEMMA, POS])
    strings = sent.vocab.strings
    verbs = np.flatnonzero((cols[:, 1] == VERB) | (cols[:, 1] == AUX))
    cues = [
        (sent[int(i)], entry)
        for i in verbs
        if (entry := lex.verbs.get(strings[int(cols[i, 0])].lower())) is not None
    ]
    cue_ids = {t.i for t, _ in cues}
    # A conjoined second cue needs two cues in the sentence (see _outer_cue).
    inner = {t.i: o.i for t, _ in cues if (o := _outer_cue(t, cue_ids)) is not None} if len(cues) > 1 else {}
    for tok, entry in cues:
        if entry.particle and not any(c.dep_ == "prt" and c.lower_ == entry.particle for c in tok.children):
            continue
        # "went on to say": an aspectual head realises the infinitive, and PolNeAR's cue starts at the head
        realised = tok.dep_ in ("xcomp", "advcl") and tok.head.lemma_.lower() in lex.realising_heads
        carrier = tok.head if realised else None  # the small model hangs 'to say' as xcomp or advcl
        if _unrealised(tok) and carrier is None:
            continue
        head, cut = _content_token(tok, entry)
        content = _content_span(tok, head, cut, off, text, entry) if head is not None else None
        for i, o in inner.items():
            if o == tok.i and content is not None:
                content = _cut_before(sent, sent[i].left_edge, content, off, text)
        subj = _clause_subject(tok if tok.i not in inner else sent[inner[tok.i]])
        source = _source_span(subj, off, text) if subj is not None else None
        if entry.needs_source and source is None:
            continue
        if entry.learned and not _animate(subj, lex):
            continue  # a learned cue needs a speaker: "the poll seems", "what appeared" are no attributions
        antecedent = None
        rel = _relative_pronoun(tok) if source is not None else None
        if rel is not None:
            antecedent, source = source, _span([rel], off)
        cue_s, cue_e = _cue_extent(tok, lex, off)
        if carrier is not None and _unrealised(tok):
            cue_s = _cue_extent(carrier, lex, off)[0]
        if content is not None and content[0] < cue_e and cue_s < content[1]:
            content = None
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
                antecedent_start=antecedent[0] if antecedent else None,
                antecedent_end=antecedent[1] if antecedent else None,
                negated=negated,
                confidence=0.8 if entry.kind in ("speech", "writing", "report") else 0.6,
                quote_only=entry.quote_only,
                in_quote=entry.in_quote,
            )
        )
    return out


def announced_claims(sent: Any, off: int, text: str, lex: Lexicon) -> list[RawClaim]:
    """A clause ending with a colon that announces what follows ("Limbaugh added:", "X made this comment:").

    The announcing predicate, from the verb (with its auxiliaries and adverbs) to the colon, is the cue;
    its subject the source; the content is what follows the colon: the rest of the line or, when the colon
    ends the line, the next paragraph. A lexicon cue verb keeps its own cue span.
    """
    # The last colon, found over the word column (iterating the sentence makes a Token per word).
    colons = np.flatnonzero(sent.to_array(ORTH) == sent.vocab.strings.add(":"))
    if not len(colons) or colons[-1] == 0:
        return []
    colon = sent[int(colons[-1])]
    after = text[off + colon.idx + 1 :]
    line_end = after.find("\n")
    rest = after if line_end < 0 else after[:line_end]
    if rest.strip() and rest.lstrip()[:1] not in lex.announce_openers:
        return []  # a colon inside the sentence ("the implication is clear: ...") is no announcement
    verb = sent[colon.i - 1]
    while verb.head.i != verb.i and verb.pos_ not in CLAUSE_POS:
        verb = verb.head
    if verb.pos_ not in CLAUSE_POS or verb.i > colon.i or verb.dep_ not in ("ROOT", "conj"):
        return []
    subj = _clause_subject(verb)
    if subj is None or subj.lower_ in lex.announce_skip_subjects or subj.i > verb.i:
        return []
    start = off + colon.idx + 1
    if rest.strip():
        content = trim(text, start, start + len(rest))
    else:
        para = re.match(r"\s*\n\s*([^\n]+)", after)
        if para is None:
            return []
        content = trim(text, start + para.start(1), start + para.end(1))
    if content[1] <= content[0]:
        return []
    entry = lex.verbs.get(verb.lemma_.lower())
    cue_s, cue_e = _cue_extent(verb, lex, off)
    if entry is None:
        last = sent[colon.i - 1]
        cue_e = off + last.idx + len(last.text)
    # the subject phrase ends before the verb (the parser may hang the announced quote on it)
    source = trim(text, *_span([t for t in subj.subtree if t.i < verb.i], off), chars=PUNCT_EDGE + '“”"')
    if source[1] <= source[0]:
        return []
    return [
        RawClaim(
            cue_start=cue_s,
            cue_end=cue_e,
            lemma=entry.lemma if entry else verb.lemma_.lower(),
            stance=entry.stance if entry else "asserted",
            kind=entry.kind if entry else "speech",
            content_start=content[0],
            content_end=content[1],
            source_start=source[0],
            source_end=source[1],
            source_plural=_is_plural(subj),
            source_head=subj.lower_,
            negated=any(c.dep_ == "neg" for c in verb.children),
            confidence=0.6,  # beats a 'Name ... : "quote"' line match, not a cue verb's own claim
            rule="announced",
        )
    ]


def _clause_of(tok: Any) -> Any:
    """The nearest verb at or above ``tok`` (the clause an adverbial attaches to)."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in CLAUSE_POS or cur.head.i == cur.i:  # by index: each access is a new Token
            return cur
        cur = cur.head
    return cur


def _relative_scope(sent: Any, i: int, source: Any, off: int, text: str) -> tuple[int, int] | None:
    """Content of "according to X" placed right after a relative clause: that clause, not the main one.

    In "hope for the military, which is now conducting a withdrawal, according to ISW, rather than a
    rout" the source vouches for what the relative clause says; a tail after the source with no
    subject of its own ("rather than a rout") still belongs to that clause. None after a main clause.
    """
    j = i - 1
    while j >= 0 and sent[j].is_punct:
        j -= 1
    if j < 0:
        return None
    clause = _clause_of(sent[j])
    if clause.dep_ != "relcl" or not (clause.right_edge.i == j or clause.is_ancestor(sent[i])):
        return None
    start_tok = clause.left_edge
    end_tok = sent[max(j, clause.right_edge.i)]
    tail = [t for t in sent[max(source.right_edge.i, end_tok.i) + 1 :] if not t.is_punct]
    if tail and not any(c.dep_ in ("nsubj", "nsubjpass") for t in tail for c in t.children):
        end_tok = tail[-1]
    start, end = trim(text, off + start_tok.idx, off + end_tok.idx + len(end_tok.text))
    return (start, end) if end > start else None


def phrase_claims(sent: Any, off: int, text: str, lex: Lexicon) -> list[RawClaim]:
    """Claims cued by multi-word or adverbial phrases ("according to X", "reportedly")."""
    out: list[RawClaim] = []
    strings = sent.vocab.strings
    lowers = [strings[h] for h in sent.to_array(LOWER).tolist()]
    # A phrase is only compared where a phrase's first word stands (few places in a sentence).
    firsts = {p.tokens[0] for p in lex.phrases}
    starts = [i for i, w in enumerate(lowers) if w in firsts]
    for phrase in lex.phrases:
        n = len(phrase.tokens)
        for i in starts:
            if i > len(lowers) - n or tuple(lowers[i : i + n]) != phrase.tokens:
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
                content = _relative_scope(sent, i, subj, off, text)
                if content is None:
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
        # list.index scans in C for the first word; only its occurrences are compared whole.
        i = -1
        while True:
            try:
                i = lowers.index(m[0], i + 1)
            except ValueError:
                break
            if i > len(lowers) - n:
                break
            if tuple(lowers[i : i + n]) == m:
                return True
    return False
