"""Canonical entities of one document: merge spelling variants and surname mentions, fix types, keep roles.

Input is a spaCy Doc whose ``ents`` come from the conflict EntityRuler (``ent_id_`` holds the canonical
name) and from the statistical ``ner``. The lexicon is ``frontwire/data/entity_aliases.json`` (authority
on names and types) plus the ruler's phrase patterns (place spellings); role words come from
``frontwire/data/role_words.json``. Works without a dependency parse: roles come from token shapes, the
tagger's coarse POS when present, and the role word lists.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

from rapidfuzz import fuzz, process

from frontwire.errors import ResourceError
from frontwire.model import Entity, Mention, entity_id
from frontwire.nlp.ruler import TEXT_ID, load_patterns

RULER_EXTRACTOR = "nlp.ruler/1"
SPACY_EXTRACTOR = "nlp.spacy/1"

# Confidence of a mention by how its name was found (ruler and alias-table hits are curated).
CONF_RULER = 0.95
CONF_LEXICON = 0.9
CONF_LEXICON_FUZZY = 0.85
CONF_LINKED = 0.8
CONF_SPACY = 0.75
CONF_RETYPED = 0.6

FUZZY_LEXICON_CUTOFF = 90.0  # rapidfuzz ratio against curated aliases ("Zelenskky" -> Zelenskyy)
FUZZY_DOC_CUTOFF = (
    88.0  # ratio between two names of one document ("Volodomyr Zelenskyy" ~ "Volodymyr Zelensky")
)
FUZZY_MIN_LEN = 5
# rapidfuzz ratio of a first name to the canonical one ("Volodomyr"~"Volodymyr" 88.9, "Vladamir"~
# "Vladimir" 87.5; unrelated names of that length score under 60).
FUZZY_FIRST_NAME_CUTOFF = 75.0

# Types that can be confused with one another when spelling variants are merged.
FAMILY = {
    "PERSON": "person",
    "ORG": "org",
    "ARMED_GROUP": "org",
    "UNIT": "org",
    "GPE": "place",
    "LOC": "place",
    "PLACE": "place",
    "FAC": "facility",
    "WEAPON": "weapon",
    "NORP": "norp",
    "EVENT": "event",
}
# spaCy labels a surname may wrongly carry ("Prigozhin" as ORG or GPE) and still be linked to a person.
SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
# Sentence-level stops for role scans when the tagger is present.
STOP_POS = frozenset({"VERB", "AUX", "PRON", "SCONJ", "CCONJ", "INTJ", "NUM"})
ROLE_POS = frozenset({"NOUN", "PROPN", "ADJ"})
STOP_ENT_LABELS = frozenset({"PERSON", "DATE", "TIME", "CARDINAL", "MONEY", "QUANTITY", "PERCENT"})

_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
# A trailing full stop stays: it ends abbreviations ("U.K.") far more often than it ends a sentence.
_EDGE_PUNCT = re.compile(r"^[\"“”'‘’(\[]+|[\"“”'‘’)\],:;]+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RoleWords:
    """Role vocabulary (``role_words.json``)."""

    heads: frozenset[str]
    modifiers: frozenset[str]
    honorifics: frozenset[str]
    connectors: frozenset[str]
    max_tokens: int


@dataclass
class Lexicon:
    """Known entities: alias index (case-folded form -> canonical name, type) and role words."""

    index: dict[str, tuple[str, str]]
    types: dict[str, str]  # canonical name -> type
    roles: RoleWords
    # Curated forms by type family, for fuzzy matching (GeoNames spellings are exact-only).
    fuzzy_keys: dict[str, list[str]] = field(default_factory=dict)
    _fuzzy_cache: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)

    def lookup(self, name: str) -> tuple[str, str] | None:
        return self.index.get(name.casefold())

    def fuzzy(self, name: str, family: str) -> tuple[str, str] | None:
        """Closest curated alias of the same type family, if near enough."""
        key = (name.casefold(), family)
        if key in self._fuzzy_cache:
            return self._fuzzy_cache[key]
        found: tuple[str, str] | None = None
        choices = self.fuzzy_keys.get(family)
        if choices and len(name) >= FUZZY_MIN_LEN:
            best = process.extractOne(key[0], choices, scorer=fuzz.ratio, score_cutoff=FUZZY_LEXICON_CUTOFF)
            if best is not None:
                found = self.index[best[0]]
        if len(self._fuzzy_cache) < 100_000:
            self._fuzzy_cache[key] = found
        return found


def _data_json(name: str) -> dict[str, Any]:
    path = importlib_resources.files("frontwire") / "data" / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ResourceError(f"cannot read frontwire/data/{name}: {exc}") from exc


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The alias table, the ruler's phrase patterns and the role words, loaded once per process."""
    index: dict[str, tuple[str, str]] = {}
    types: dict[str, str] = {}
    # Ruler phrase patterns first: curated aliases below override them.
    for pattern in load_patterns():
        form, canonical = pattern.get("pattern"), pattern.get("id")
        if isinstance(form, str) and canonical and canonical != TEXT_ID:
            index.setdefault(form.casefold(), (canonical, pattern["label"]))
            types.setdefault(canonical, pattern["label"])
    fuzzy_keys: dict[str, list[str]] = {}
    entities = _data_json("entity_aliases.json").get("entities", {})
    for canonical, entry in entities.items():
        if canonical.startswith("_"):
            continue
        type_ = entry["type"]
        types[canonical] = type_
        ambiguous = set(entry.get("needs_noun", []))
        for form in [canonical, *entry.get("aliases", [])]:
            if form in ambiguous:
                continue  # "Patriot" alone is not the weapon: only the ruler's context patterns decide
            index[form.casefold()] = (canonical, type_)
            fuzzy_keys.setdefault(FAMILY.get(type_, type_), []).append(form.casefold())
    words = _data_json("role_words.json")
    roles = RoleWords(
        heads=frozenset(w.casefold() for w in words.get("heads", [])),
        modifiers=frozenset(w.casefold() for w in words.get("modifiers", [])),
        honorifics=frozenset(words.get("honorifics", [])),
        connectors=frozenset(w.casefold() for w in words.get("connectors", [])),
        max_tokens=int(words.get("max_tokens", 14)),
    )
    return Lexicon(index=index, types=types, roles=roles, fuzzy_keys=fuzzy_keys)


def clean_name(text: str) -> str:
    """Canonical form of a mention's text: no leading article, possessive, edge quotes or extra spaces."""
    name = _SPACES.sub(" ", text).strip()
    name = _EDGE_PUNCT.sub("", name).strip()
    name = _LEADING_ARTICLE.sub("", name)
    name = _POSSESSIVE.sub("", name).strip()
    return _EDGE_PUNCT.sub("", name).strip()


@dataclass
class _Raw:
    """One candidate mention while the document is being resolved."""

    start_tok: int
    end_tok: int
    label: str
    name: str
    from_ruler: bool
    canonical: str | None = None  # from the ruler or the alias table
    canonical_type: str | None = None
    how: str = "spacy"  # 'ruler' | 'lexicon' | 'fuzzy' | 'linked' | 'spacy'
    role_tokens: tuple[int, int] | None = None  # title words trimmed off the span ("Governor")


class _Groups:
    """Union-find over mention indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _sentence_bounds(doc: Any, i: int) -> tuple[int, int]:
    if doc.has_annotation("SENT_START"):
        sent = doc[i].sent
        return sent.start, sent.end
    return 0, len(doc)


def _is_title_word(tok: Any, roles: RoleWords) -> bool:
    low = tok.lower_
    return tok.text in roles.honorifics or low in roles.heads or (low in roles.modifiers and tok.is_title)


def _trim_person_span(doc: Any, start: int, end: int, roles: RoleWords) -> tuple[int, tuple[int, int] | None]:
    """Move the start of a PERSON span past titles ("Governor Pavlo Kyrylenko" -> "Pavlo Kyrylenko")."""
    i = start
    while i < end - 1 and _is_title_word(doc[i], roles):
        i += 1
    if i == start:
        return start, None
    titled = [t for t in range(start, i) if doc[t].text not in roles.honorifics]
    return i, ((titled[0], i) if titled else None)


def _role_token_ok(tok: Any, roles: RoleWords, loose: bool) -> bool:
    low = tok.lower_
    if tok.ent_type_ in STOP_ENT_LABELS:
        return False
    if low in roles.connectors or low in roles.heads or low in roles.modifiers:
        return True
    if tok.pos_ in STOP_POS:
        return False
    if tok.is_punct or tok.is_space or tok.like_num:
        return False
    if tok.ent_type_ in ("GPE", "NORP", "ORG", "ARMED_GROUP", "LOC", "UNIT"):
        return True
    if tok.is_title or tok.is_upper:
        return True
    return loose and tok.pos_ in ROLE_POS


def _has_head(tokens: list[Any], roles: RoleWords, need_last: bool) -> bool:
    lows = [t.lower_ for t in tokens]
    if lows and lows[-1] in roles.heads:
        return True
    if need_last:
        # "head of Ukraine's military intelligence": a head followed by 'of'/'for' also makes a role.
        return any(lows[k] in roles.heads and lows[k + 1] in ("of", "for") for k in range(len(lows) - 1))
    return any(w in roles.heads for w in lows[:5])


def _strip_edges(tokens: list[Any], roles: RoleWords) -> list[Any]:
    while tokens and (tokens[0].lower_ in roles.connectors or tokens[0].lower_ in ("a", "an")):
        tokens = tokens[1:]
    while tokens and tokens[-1].lower_ in roles.connectors:
        tokens = tokens[:-1]
    return tokens


def _span_text(doc: Any, tokens: list[Any]) -> str:
    # Span.text, not doc.text: Doc.text rebuilds the whole document's string on every access.
    return doc[tokens[0].i : tokens[-1].i + 1].text


def _left_role(doc: Any, name_start: int, mention_start: int, roles: RoleWords) -> str | None:
    """A title right before the name ("Ukrainian President"), or an apposition ending in a comma."""
    sent_start, _ = _sentence_bounds(doc, name_start)
    i = name_start - 1
    comma = False
    if i >= sent_start and doc[i].text == "," and name_start == mention_start:
        comma, i = True, i - 1
    tokens: list[Any] = []
    while i >= sent_start and len(tokens) < roles.max_tokens:
        tok = doc[i]
        inside = mention_start <= i  # title words trimmed off our own span
        if not inside and tok.ent_type_ == "PERSON":
            break
        if not inside and not _role_token_ok(tok, roles, loose=comma):
            break
        tokens.insert(0, tok)
        i -= 1
    tokens = _strip_edges(tokens, roles)
    if not tokens or not _has_head(tokens, roles, need_last=True):
        return None
    if not comma and tokens[-1].i != name_start - 1:
        return None
    return _span_text(doc, tokens)


def _right_role(doc: Any, end: int, roles: RoleWords) -> str | None:
    """An apposition after the name: "Yevgeny Prigozhin, the head of ... the Wagner Group, claimed"."""
    _, sent_end = _sentence_bounds(doc, end - 1)
    if end >= sent_end or doc[end].text != ",":
        return None
    tokens: list[Any] = []
    i = end + 1
    closed = False
    while i < sent_end and len(tokens) <= roles.max_tokens:
        tok = doc[i]
        if tok.text in (",", ";", ":", ".", "!", "?", "(", ")", "—", "–") or tok.is_quote:
            closed = True
            break
        if tok.ent_type_ == "PERSON" or tok.pos_ in STOP_POS:
            return None
        tokens.append(tok)
        i += 1
    if not closed and i < sent_end:
        return None
    while tokens and tokens[0].lower_ in ("the", "a", "an"):
        tokens = tokens[1:]
    tokens = _strip_edges(tokens, roles)
    if not tokens or len(tokens) > roles.max_tokens or not _has_head(tokens, roles, need_last=False):
        return None
    return _span_text(doc, tokens)


def _collect(doc: Any, lexicon: Lexicon, labels: frozenset[str]) -> list[_Raw]:
    raws: list[_Raw] = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        start, end = ent.start, ent.end
        role_tokens = None
        if ent.label_ == "PERSON" and not ent.ent_id_:
            start, role_tokens = _trim_person_span(doc, start, end, lexicon.roles)
        text = doc[start:end].text
        name = clean_name(text)
        if not name or not any(c.isalpha() for c in name):
            continue
        raw = _Raw(start, end, ent.label_, name, from_ruler=bool(ent.ent_id_), role_tokens=role_tokens)
        if ent.ent_id_ and ent.ent_id_ != TEXT_ID:
            raw.canonical, raw.canonical_type, raw.how = ent.ent_id_, ent.label_, "ruler"
        elif ent.ent_id_ == TEXT_ID:
            raw.how = "ruler"
            if (hit := lexicon.lookup(name)) is not None and hit[1] == ent.label_:
                raw.canonical, raw.canonical_type = hit
        elif (hit := lexicon.lookup(name)) is not None:
            raw.canonical, raw.canonical_type, raw.how = hit[0], hit[1], "lexicon"
        prev = raws[-1] if raws else None
        if (
            raw.how == "ruler"
            and raw.label == "PERSON"
            and prev is not None
            and _first_name_of(doc, prev, raw)
        ):
            # "Alaxandr Lukashenko": the ruler knew the surname, ner tagged the odd first name alone.
            raw.start_tok, raw.role_tokens = prev.start_tok, prev.role_tokens
            raw.name = clean_name(doc[raw.start_tok : raw.end_tok].text)
            raws.pop()
        elif (
            raw.how == "ruler" and raw.label == "PERSON" and (first := _first_name_before(doc, raw, lexicon))
        ):
            raw.start_tok -= 1
            raw.name = clean_name(doc[raw.start_tok : raw.end_tok].text)
            if first == "other":
                # "Ivanka Trump": the surname is known, the first name is another person's.
                raw.canonical, raw.canonical_type, raw.how = None, None, "spacy"
        raws.append(raw)
    return raws


def _first_name_before(doc: Any, raw: _Raw, lexicon: Lexicon) -> str | None:
    """What the token before a one-word ruler surname is: a spelling of the canonical first name
    ('same': "Volodomyr Zelenskyy"), another person's first name ('other': "Ivanka Trump"), or
    not a first name at all (None: "President Trump", "On Monday Trump", "When Trump").
    """
    parts = (raw.canonical or "").split()
    if raw.start_tok == 0 or raw.end_tok - raw.start_tok != 1 or len(parts) < 2:
        return None
    tok = doc[raw.start_tok - 1]
    if tok.ent_type_ not in ("", "PERSON") or not (tok.is_alpha and tok.is_title) or tok.whitespace_ == "":
        return None
    if fuzz.ratio(tok.text, parts[0]) >= FUZZY_FIRST_NAME_CUTOFF:
        return "same"
    if tok.pos_ == "PROPN" and not _is_title_word(tok, lexicon.roles):
        return "other"
    return None


def _first_name_of(doc: Any, prev: _Raw, raw: _Raw) -> bool:
    """Whether ``prev`` is a statistical one-word name fragment right before the ruler's person."""
    if prev.from_ruler or prev.canonical or prev.end_tok != raw.start_tok or prev.label != "PERSON":
        return False
    words = doc[prev.start_tok : prev.end_tok]
    return len(words) == 1 and words[0].is_alpha and words[0].is_title and words[0].whitespace_ != ""


def _resolve_fuzzy(raws: list[_Raw], lexicon: Lexicon) -> None:
    for raw in raws:
        if raw.canonical is None and raw.how == "spacy":
            hit = lexicon.fuzzy(raw.name, FAMILY.get(raw.label, raw.label))
            if hit is not None:
                raw.canonical, raw.canonical_type, raw.how = hit[0], hit[1], "fuzzy"


def _key(raw: _Raw) -> str:
    return raw.canonical.casefold() if raw.canonical else raw.name.casefold()


def _group(raws: list[_Raw]) -> _Groups:
    groups = _Groups(len(raws))
    first: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(raws):
        # Known names group by canonical name and type; unknown ones by name and family, so that a
        # name spaCy typed twice differently ("Ukraine" GPE, "Ukraine’s" ORG) stays one entity.
        kind = (raw.canonical_type or "?") if raw.canonical else "?"
        key = (kind, _key(raw))
        if key in first:
            groups.union(first[key], i)
        else:
            first[key] = i
    # Near spellings within the document, same type family: compare each distinct name once.
    reps: dict[tuple[str, str], int] = {}
    for i, r in enumerate(raws):
        if r.canonical is None and r.how == "spacy" and len(r.name) >= FUZZY_MIN_LEN:
            reps.setdefault((FAMILY.get(r.label, r.label), r.name.casefold()), i)
    items = list(reps.items())
    for a_pos, ((fam_a, name_a), a) in enumerate(items):
        for (fam_b, name_b), b in items[a_pos + 1 :]:
            if fam_a == fam_b and fuzz.ratio(name_a, name_b) >= FUZZY_DOC_CUTOFF:
                groups.union(a, b)
    return groups


def _group_type(members: list[_Raw]) -> tuple[str, bool]:
    """Type of a group: the alias table or ruler decides; else a majority vote of spaCy's labels."""
    curated = Counter(r.canonical_type for r in members if r.canonical_type)
    if curated:
        return curated.most_common(1)[0][0], False
    ruler = Counter(r.label for r in members if r.from_ruler)
    if ruler:
        return ruler.most_common(1)[0][0], False
    votes = Counter(r.label for r in members)
    top = max(votes.values())
    tied = [label for label, n in votes.items() if n == top]
    if len(tied) == 1:
        return tied[0], len(votes) > 1
    # A tie goes to the label of the longest mention (full names carry more evidence than surnames).
    longest = max((r for r in members if r.label in tied), key=lambda r: (len(r.name.split()), len(r.name)))
    return longest.label, True


def _link_surnames(raws: list[_Raw], groups: _Groups) -> None:
    """Join one-word mentions to a multi-word PERSON of the document whose last word they are."""
    members: dict[int, list[int]] = {}
    for i in range(len(raws)):
        members.setdefault(groups.find(i), []).append(i)
    persons: dict[int, tuple[str, list[str]]] = {}  # root -> (canonical-ish name, tokens)
    for root, idx in members.items():
        group = [raws[i] for i in idx]
        type_, _ = _group_type(group)
        if type_ != "PERSON":
            continue
        name = next((r.canonical for r in group if r.canonical), None) or max(
            (r.name for r in group), key=lambda n: len(n.split())
        )
        if len(name.split()) >= 2:
            persons[root] = (name, name.casefold().split())
    if not persons:
        return
    for root, idx in members.items():
        if root in persons:
            continue
        group = [raws[i] for i in idx]
        if any(r.canonical for r in group) or any(r.from_ruler for r in group):
            continue
        names = {r.name.casefold() for r in group}
        if len(names) != 1 or not all(r.label in SURNAME_LABELS for r in group):
            continue
        word = names.pop()
        if " " in word or not group[0].name[:1].isupper():
            continue
        candidates = [p for p, (_, toks) in persons.items() if toks[-1] == word]
        if not candidates:
            continue
        # Several people share the surname: the nearest preceding full mention wins.
        first_tok = min(r.start_tok for r in group)

        def distance(p: int, first_tok: int = first_tok) -> tuple[int, int]:
            starts = [raws[i].start_tok for i in members[p]]
            before = [first_tok - s for s in starts if s < first_tok]
            return (0, min(before)) if before else (1, min(starts))

        target = min(candidates, key=distance)
        groups.union(root, target)
        for r in group:
            r.how = "linked"


def canonicalise(doc: Any, lexicon: Lexicon, labels: frozenset[str]) -> tuple[list[Entity], list[Mention]]:
    """Canonical entities and their mentions (exact spans, canonical name, type, role, confidence)."""
    if not isinstance(lexicon, Lexicon):
        lexicon = load_lexicon()
    raws = _collect(doc, lexicon, labels)
    _resolve_fuzzy(raws, lexicon)
    groups = _group(raws)
    _link_surnames(raws, groups)

    members: dict[int, list[int]] = {}
    for i in range(len(raws)):
        members.setdefault(groups.find(i), []).append(i)
    entities: dict[str, Entity] = {}
    resolved: dict[int, tuple[str, str, str, bool]] = {}  # raw index -> (name, type, id, retyped)
    for idx in members.values():
        group = [raws[i] for i in idx]
        type_, voted = _group_type(group)
        name = next((r.canonical for r in group if r.canonical), None)
        if name is None:
            counts = Counter(r.name for r in group)
            name = max(counts, key=lambda n: (len(n.split()), counts[n], len(n)))
        eid = entity_id(type_, name)
        entity = entities.setdefault(eid, Entity(id=eid, name=name, type=type_))
        for r in group:
            if r.name != name and r.name not in entity.aliases:
                entity.aliases.append(r.name)
        for i in idx:
            resolved[i] = (name, type_, eid, voted and raws[i].label != type_)

    mentions: list[Mention] = []
    for i, raw in enumerate(raws):
        name, type_, eid, retyped = resolved[i]
        start_char = doc[raw.start_tok].idx
        end_char = doc[raw.end_tok - 1].idx + len(doc[raw.end_tok - 1].text)
        role = None
        if type_ == "PERSON":
            ent_start = raw.role_tokens[0] if raw.role_tokens else raw.start_tok
            role = _left_role(doc, raw.start_tok, ent_start, lexicon.roles) or _right_role(
                doc, raw.end_tok, lexicon.roles
            )
        confidence = {
            "ruler": CONF_RULER,
            "lexicon": CONF_LEXICON,
            "fuzzy": CONF_LEXICON_FUZZY,
            "linked": CONF_LINKED,
        }.get(raw.how, CONF_SPACY)
        if retyped:
            confidence = min(confidence, CONF_RETYPED)
        mentions.append(
            Mention(
                text=doc[raw.start_tok : raw.end_tok].text,
                start=start_char,
                end=end_char,
                name=name,
                type=type_,
                entity_id=eid,
                role=role,
                extractor=RULER_EXTRACTOR if raw.from_ruler else SPACY_EXTRACTOR,
                confidence=confidence,
            )
        )
    for entity in entities.values():
        entity.aliases.sort()
    return list(entities.values()), mentions
