"""Claims that contradict each other, across documents (DESIGN section 3: Contradiction).

Two pure steps, both plain data in and out so they run anywhere (in-process, pool, Dask):

* ``claim_facts(document, rules)`` reads one processed Document and keeps, for each claim, the
  facts a contradiction can be about: who speaks for which side, which places, whether a side holds
  or lost a place, counts with their stated ranges, who is blamed for what. The store keeps these
  as JSON; later batches are compared against them without re-parsing anything.
* ``find_contradictions(new, candidates, rules)`` compares every new claim with every candidate the
  store picked (same place or same event cluster, within a date window) and with the other new ones.

In a party's own channel (kremlin.ru, president.gov.ua, ... : ``party_outlets`` in the rules) the
sentences that are not inside any claim are the party's own statements; they become facts too,
with ``claim_id`` ``'voice:<start>'`` (the sentence's offset) and the channel's principal as speaker.

Every word list lives in ``frontwire/data/link/contradictions.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources as importlib_resources
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from frontwire.model import Claim, ClaimRef, Contradiction, Document, Event, PlaceMention, sha256_hex

KINDS = ("control", "casualties", "equipment", "responsibility", "denial")
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[\w'’]+(?:-[\w'’]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What one claim says that another claim can contradict (plain data; stored as JSON)."""

    doc_id: str
    claim_id: str
    speaker: str | None
    speaker_name: str | None
    side: str | None  # 'RU' | 'UA' | None (analyst, third country, unknown)
    stance: str  # 'asserted' | 'hedged' | 'denied'
    content: str
    start: int
    end: int
    date: str | None  # YYYY-MM-DD: said_on, else the document's publication date
    places: tuple[str, ...] = ()  # place ids
    place_names: tuple[str, ...] = ()  # display names (compared folded)
    control: str | None = None  # 'holds' | 'lost'
    control_side: str | None = None  # whose control it is about
    counts: tuple[tuple[str, int, int], ...] = ()  # (what, low, high); high == rules.unbounded: no bound
    blames: str | None = None  # side blamed
    blamed_for: tuple[str, ...] = ()  # event families / ACLED sub-types the blame is about
    event_ids: tuple[str, ...] = ()  # events whose reported_by is this claim

    def key(self) -> str:
        return f"{self.doc_id}:{self.claim_id}"

    def place_keys(self) -> set[str]:
        """The keys the store indexes this claim under and the link step groups by: place ids and
        case-folded place names (two claims can only disagree about a place they share)."""
        return set(self.places) | {n.casefold() for n in self.place_names}

    def to_json(self) -> dict[str, Any]:
        return {f: _jsonable(getattr(self, f)) for f in self.__slots__}  # type: ignore[attr-defined]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClaimFacts:
        tuples = {"places", "place_names", "blamed_for", "event_ids"}
        kw: dict[str, Any] = {}
        for name in cls.__slots__:  # type: ignore[attr-defined]
            value = data.get(name)
            if name in tuples:
                value = tuple(value or ())
            elif name == "counts":
                value = tuple((str(w), int(lo), int(hi)) for w, lo, hi in value or ())
            kw[name] = value
        return cls(**kw)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class PartyOutlet:
    hosts: tuple[str, ...]
    names: tuple[str, ...]
    side: str
    speaker: str


@dataclass(frozen=True, slots=True)
class ContradictionRules:
    """The compiled rules of ``contradictions.json``."""

    raw: Mapping[str, Any]
    windows: Mapping[str, int]
    confidence: Mapping[str, float]
    factors: Mapping[str, float]
    unbounded: int
    approx_tolerance: float
    side_words: tuple[tuple[str | None, re.Pattern[str]], ...]  # ('RU'|'UA'|None, pattern)
    own_words: re.Pattern[str]
    enemy_words: re.Pattern[str]
    first_person: frozenset[str]
    side_names: Mapping[str, str]
    side_adjectives: Mapping[str, str]
    party_outlets: tuple[PartyOutlet, ...]
    ignore_features: frozenset[str]
    broad_features: frozenset[str]
    anaphora: re.Pattern[str]
    anaphora_features: frozenset[str]
    anaphora_reach: int
    facility_heads: Mapping[str, str]
    facility_after: re.Pattern[str]
    fold: tuple[tuple[str, str], ...]
    holds: re.Pattern[str]
    lost_withdraw: re.Pattern[str]
    lost_capture: re.Pattern[str]
    capture_agent: re.Pattern[str]
    control_negators: re.Pattern[str]
    modals: re.Pattern[str]
    negation_window: int
    things: tuple[tuple[str, str, re.Pattern[str]], ...]  # (what, kind, words)
    equipment_actions: tuple[tuple[str, re.Pattern[str]], ...]
    at_least: re.Pattern[str]
    at_most: re.Pattern[str]
    approx: re.Pattern[str]
    number_words: Mapping[str, int]
    vague: Mapping[str, tuple[int, int]]
    multipliers: Mapping[str, int]
    # First words of the number words and vague amounts: a number starts at one of them or at a
    # digit (see _number_at), so _counts skips every other word without parsing it.
    number_starts: frozenset[str]
    thing_window: int
    verb_before: int
    skip_years: tuple[int, int]
    accuse: re.Pattern[str]
    agent_markers: re.Pattern[str]
    blame_negators: re.Pattern[str]
    blame_window: int
    subject_window: int
    blame_sub_types: frozenset[str]
    passive: re.Pattern[str]
    blame_families: tuple[str, ...]
    event_words: tuple[tuple[str, re.Pattern[str]], ...]
    # For each event_words family, lower-case literals one of which starts each of its words (None: a
    # word starts otherwise): a lower-cased text without any holds none of them, and substring tests
    # cost a fraction of the pattern's search.
    event_starts: tuple[tuple[str, ...] | None, ...]
    event_nouns: Mapping[str, str]
    templates: Mapping[str, str]
    verbs: Mapping[str, tuple[str, str]]

    def is_party(self, speaker: str | None) -> bool:
        """Whether a speaker (or actor) text speaks for a party to the conflict (RU or UA)."""
        return side_of(speaker, self)[1] in ("RU", "UA")

    def window(self, first: str, last: str) -> tuple[str, str]:
        """(since, until) dates that hold every claim any claim dated first..last can contradict."""
        days = timedelta(days=max(self.windows.values()))
        return (date.fromisoformat(first[:10]) - days).isoformat(), (
            date.fromisoformat(last[:10]) + days
        ).isoformat()


def _alt(patterns: Iterable[str], anchored: str = "") -> re.Pattern[str]:
    body = "|".join(p.replace(" ", r"\s+") for p in sorted(patterns, key=len, reverse=True))
    if not body:
        body = r"(?!x)x"
    return re.compile(rf"{anchored}(?<![\w'’])(?:{body})(?![\w])", re.IGNORECASE)


# The characters outside ASCII that a case-insensitive pattern matches to an ASCII letter although
# their lower case is no ASCII letter (İ, ı, ſ, the Kelvin sign): a text with one is never prefiltered.
_CASE_TWINS = re.compile("[\u0130\u0131\u017f\u212a]")
_LEADING_LITERAL = re.compile(r"[a-z0-9]*")


def _literal_starts(patterns: Iterable[str]) -> tuple[str, ...] | None:
    """The literal lower-case prefixes of (case-insensitive) patterns, to look for in a lower-cased
    text; None when a pattern has no plain lower-case prefix."""
    starts: set[str] = set()
    for p in patterns:
        lit = _LEADING_LITERAL.match(p).group(0)  # type: ignore[union-attr]  # matches the empty string
        if p[len(lit) : len(lit) + 1] in ("?", "*", "{"):
            lit = lit[:-1]  # 'fires?': the 's' may be absent
        if not lit or _alternates(p):
            return None
        starts.add(lit)
    return tuple(sorted(starts))


def _alternates(pattern: str) -> bool:
    """Whether a pattern has a '|' outside any group (then its prefix is only one branch's)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _end_alt(patterns: Iterable[str]) -> re.Pattern[str]:
    body = "|".join(p.replace(" ", r"\s+") for p in sorted(patterns, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’])(?:{body})\s*$", re.IGNORECASE)


def rules_from_json(data: Mapping[str, Any]) -> ContradictionRules:
    """Compile a rules mapping (the json's content) into ContradictionRules."""
    sides = data["sides"]
    side_words = tuple((None if s == "none" else s, _alt(words)) for s, words in sides.items())
    places = data["places"]
    control = data["control"]
    counts = data["counts"]
    blame = data["blame"]
    heads = places["facility_heads"]
    return ContradictionRules(
        raw=data,
        windows=dict(data["windows_days"]),
        confidence=dict(data["confidence"]),
        factors=dict(data["confidence_factors"]),
        unbounded=int(data["unbounded"]),
        approx_tolerance=float(data["approx_tolerance"]),
        side_words=side_words,
        own_words=_alt(data["own_side_words"]),
        enemy_words=_alt(data["enemy_words"]),
        first_person=frozenset(w.casefold() for w in data["first_person_speakers"]),
        side_names=dict(data["side_names"]),
        side_adjectives=dict(data["side_adjectives"]),
        party_outlets=tuple(
            PartyOutlet(
                tuple(h.casefold() for h in o["hosts"]),
                tuple(n.casefold() for n in o["names"]),
                o["side"],
                o["speaker"],
            )
            for o in data["party_outlets"]
        ),
        ignore_features=frozenset(places["ignore_features"]),
        broad_features=frozenset(places["broad_features"]),
        anaphora=_alt(places["anaphora"]),
        anaphora_features=frozenset(places["anaphora_features"]),
        anaphora_reach=int(places["anaphora_reach_chars"]),
        facility_heads={k.casefold(): v for k, v in heads.items()},
        facility_after=_alt(list(heads), anchored=r"^[\s\"“”'’]*"),
        fold=tuple((a, b) for a, b in places["fold"]),
        holds=_alt(control["holds"]),
        lost_withdraw=_alt(control["lost_withdraw"]),
        lost_capture=_alt(control["lost_capture"]),
        capture_agent=_alt(control["capture_agent_markers"], anchored=r"^\s*"),
        control_negators=_alt(control["negators"]),
        modals=_alt(control["modals"]),
        negation_window=int(control["negation_window_tokens"]),
        things=tuple((what, spec["kind"], _alt(spec["words"])) for what, spec in counts["things"].items()),
        equipment_actions=tuple((a, _alt(w)) for a, w in counts["equipment_actions"].items()),
        at_least=_end_alt(counts["at_least"]),
        at_most=_end_alt(counts["at_most"]),
        approx=_end_alt(counts["approx"]),
        number_words={k.casefold(): int(v) for k, v in counts["number_words"].items()},
        vague={k.casefold(): (int(v[0]), int(v[1])) for k, v in counts["vague"].items()},
        multipliers={k.casefold(): int(v) for k, v in counts["multipliers"].items()},
        number_starts=frozenset(
            k.casefold().split(" ", 1)[0] for k in (*counts["number_words"], *counts["vague"])
        ),
        thing_window=int(counts["thing_window_tokens"]),
        verb_before=int(counts["verb_before_tokens"]),
        skip_years=(int(counts["skip_years"][0]), int(counts["skip_years"][1])),
        accuse=_alt(blame["accuse_verbs"]),
        agent_markers=_alt(blame["agent_markers"], anchored=r"^\s*"),
        blame_negators=_alt(blame["negators"]),
        blame_window=int(blame["negation_window_tokens"]),
        subject_window=int(blame["subject_window_tokens"]),
        blame_sub_types=frozenset(blame["blame_sub_types"]),
        passive=_end_alt(blame["passive_markers"]),
        blame_families=tuple(blame["blame_families"]),
        event_words=tuple((fam, _alt(words)) for fam, words in data["event_words"].items()),
        event_starts=tuple(_literal_starts(words) for words in data["event_words"].values()),
        event_nouns=dict(data["event_nouns"]),
        templates={k: v for k, v in data["templates"].items() if not k.startswith("_")},
        verbs={k: (v[0], v[1]) for k, v in data["verbs"].items()},
    )


@cache
def load_rules() -> ContradictionRules:
    """The bundled rules (``frontwire/data/link/contradictions.json``), compiled once per process."""
    text = (
        importlib_resources.files("frontwire")
        .joinpath("data/link/contradictions.json")
        .read_text(encoding="utf-8")
    )
    return rules_from_json(json.loads(text))


# ---------------------------------------------------------------------------------------------
# Sides


def side_of(text: str | None, rules: ContradictionRules) -> tuple[bool, str | None]:
    """(found, side) of the earliest side word in a speaker or actor text; side None = neutral."""
    if not text:
        return False, None
    best: tuple[int, str | None] | None = None
    for side, pattern in rules.side_words:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), side)
    return (False, None) if best is None else (True, best[1])


def _other(side: str | None) -> str | None:
    return {"RU": "UA", "UA": "RU"}.get(side or "")


def _side_words(text: str, speaker_side: str | None, rules: ContradictionRules) -> list[tuple[int, int, str]]:
    """(start, end, side) of every RU/UA side word in a text; 'our'/'the enemy' relative to the speaker."""
    out: list[tuple[int, int, str]] = []
    for side, pattern in rules.side_words:
        if side is None:
            continue
        out.extend((m.start(), m.end(), side) for m in pattern.finditer(text))
    if speaker_side in ("RU", "UA"):
        out.extend((m.start(), m.end(), speaker_side) for m in rules.own_words.finditer(text))
        other = _other(speaker_side)
        if other:
            out.extend((m.start(), m.end(), other) for m in rules.enemy_words.finditer(text))
    out.sort()
    # A word inside a longer side phrase (e.g. 'ukraine' in 'armed forces of ukraine') counts once.
    kept: list[tuple[int, int, str]] = []
    for item in out:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def _party_outlet(document: Document, rules: ContradictionRules) -> PartyOutlet | None:
    art = document.article
    hosts = [urlsplit(u).hostname or "" for u in (art.url, art.canonical_url) if u]
    outlet = (art.outlet or "").casefold()
    for party in rules.party_outlets:
        for host in hosts:
            host = host.casefold()
            if any(host == h or host.endswith("." + h) for h in party.hosts):
                return party
        if outlet and outlet in party.names:
            return party
    return None


# ---------------------------------------------------------------------------------------------
# Text helpers


def _window_before(text: str, pos: int, n: int) -> str:
    tokens = _TOKEN.findall(text[:pos].replace("n't", " not").replace("n’t", " not"))
    return " ".join(tokens[-n:]) if n else ""


def _fold(name: str, rules: ContradictionRules) -> str:
    s = unicodedata.normalize("NFKD", name.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    for a, b in rules.fold:
        s = s.replace(a, b)
    s = re.sub(r"[^\w ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a clean text (a plain splitter: no parser needed here)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _sentence_at(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return None


def _event_families(text: str, rules: ContradictionRules) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    low = None if _CASE_TWINS.search(text) else text.lower()
    for (fam, pattern), starts in zip(rules.event_words, rules.event_starts, strict=True):
        if low is not None and starts is not None and not any(s in low for s in starts):
            continue
        m = pattern.search(text)
        if m:
            found.append((m.start(), fam))
    found.sort()
    return found


# ---------------------------------------------------------------------------------------------
# Places


def _place_of_mention(
    pm: PlaceMention, text: str, rules: ContradictionRules
) -> tuple[str | None, str] | None:
    """(place id, display name) of a mention; a mention followed by a facility head ("Zaporizhzhya
    Nuclear Power Plant") names the facility, not the town (no id: matched by folded name)."""
    if pm.feature in rules.ignore_features:
        return None
    m = rules.facility_after.match(text[pm.end : pm.end + 40])
    if m and pm.feature != "facility":
        head = rules.facility_heads.get(re.sub(r"\s+", " ", m.group(0).strip(" \"“”'’").casefold()))
        if head:
            base = _fold(pm.text if pm.name is None else pm.name, rules).title()
            return None, f"{base} {head.title()}"
    if pm.place_id is None and pm.name is None:
        return None
    return pm.place_id, pm.name or pm.text


def _places_in(
    document: Document, start: int, end: int, rules: ContradictionRules
) -> list[tuple[str | None, str, str | None]]:
    out: list[tuple[str | None, str, str | None]] = []
    for pm in document.places:
        if start <= pm.start and pm.end <= end:
            got = _place_of_mention(pm, document.text, rules)
            if got:
                out.append((got[0], got[1], pm.feature))
    return out


def _specific(
    places: list[tuple[str | None, str, str | None]], rules: ContradictionRules
) -> list[tuple[str | None, str, str | None]]:
    narrow = [p for p in places if p[2] not in rules.broad_features]
    return narrow or places


def _resolve_places(
    document: Document,
    start: int,
    end: int,
    sentence: tuple[int, int] | None,
    events: Sequence[Event],
    rules: ContradictionRules,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Places of a claim: those in its content, else its events', else an anaphor's ('the city'),
    else its sentence's."""
    by_id = {pm.place_id: pm for pm in document.places if pm.place_id}
    places = _specific(_places_in(document, start, end, rules), rules)
    if not places:
        for ev in events:
            pm = by_id.get(ev.place_id) if ev.place_id else None
            if ev.place_id and (pm is None or pm.feature not in rules.ignore_features):
                places.append(
                    (
                        ev.place_id,
                        ev.place or (pm.name if pm else None) or ev.place_id,
                        pm.feature if pm else None,
                    )
                )
        places = _specific(places, rules)
    content = document.text[start:end]
    if not places and rules.anaphora.search(content):
        before = [
            pm
            for pm in document.places
            if pm.end <= start
            and start - pm.end <= rules.anaphora_reach
            and pm.feature in rules.anaphora_features
        ]
        if before:
            got = _place_of_mention(before[-1], document.text, rules)
            if got:
                places.append((got[0], got[1], before[-1].feature))
    if not places and sentence:
        places = _specific(_places_in(document, sentence[0], sentence[1], rules), rules)
    ids: list[str] = []
    names: list[str] = []
    for pid, name, _ in places:
        if pid and pid not in ids:
            ids.append(pid)
        if name not in names:
            names.append(name)
    return tuple(ids), tuple(names)


# ---------------------------------------------------------------------------------------------
# Control


def _negated(text: str, pos: int, pattern: re.Pattern[str], n: int) -> bool:
    return bool(pattern.search(_window_before(text, pos, n)))


def _nearest_side_before(
    text: str, pos: int, speaker_side: str | None, rules: ContradictionRules
) -> str | None:
    words = [w for w in _side_words(text[:pos], speaker_side, rules) if w[1] <= pos]
    return words[-1][2] if words else None


def _control(
    content: str,
    speaker_side: str | None,
    event_side: str | None,
    lead: str,
    rules: ContradictionRules,
) -> tuple[str | None, str | None]:
    """('holds'|'lost'|None, side) of a content. ``lead`` is the sentence text before the content
    (for a content starting 'which ...'); ``event_side`` the side of the claim's event's actor1."""
    n = rules.negation_window
    relative = re.match(r"\s*(which|who|that)\b", content, re.IGNORECASE) is not None
    for m in rules.lost_withdraw.finditer(content):
        if _negated(content, m.start(), rules.control_negators, n) or _negated(
            content, m.start(), rules.modals, n
        ):
            continue
        side = _nearest_side_before(content, m.start(), speaker_side, rules) or event_side
        if side is None and relative:
            side = _nearest_side_before(lead, len(lead), speaker_side, rules)
        if side is not None:  # "civilians left", "the evacuation": nobody's forces withdrew
            return "lost", side
    for m in rules.lost_capture.finditer(content):
        if _negated(content, m.start(), rules.control_negators, n) or _negated(
            content, m.start(), rules.modals, n
        ):
            continue
        after = content[m.end() :]
        agent = rules.capture_agent.match(after)
        capturer = None
        if agent:
            words = _side_words(after[agent.end() : agent.end() + 60], speaker_side, rules)
            capturer = words[0][2] if words and words[0][0] < 25 else None
        if capturer is None:
            capturer = _nearest_side_before(content, m.start(), speaker_side, rules)
        return "lost", _other(capturer)
    for m in rules.holds.finditer(content):
        if _negated(content, m.start(), rules.control_negators, n):
            continue
        side = _nearest_side_before(content, m.start(), speaker_side, rules) or event_side
        if side is None and relative:
            side = _nearest_side_before(lead, len(lead), speaker_side, rules)
        side = side or speaker_side
        if side in ("RU", "UA"):
            return "holds", side
    return None, None


def lost_how(content: str, rules: ContradictionRules) -> str:
    """'withdraw' when a content reports a withdrawal, else 'capture' (for the explanation)."""
    return "withdraw" if rules.lost_withdraw.search(content) else "capture"


# ---------------------------------------------------------------------------------------------
# Counts


def _number_at(
    tokens: Sequence[re.Match[str]], i: int, rules: ContradictionRules
) -> tuple[int, int, int] | None:
    """(low, high, tokens used) of a number starting at token i, or None."""
    tok = tokens[i].group(0).casefold()
    nxt = tokens[i + 1].group(0).casefold() if i + 1 < len(tokens) else ""
    pair = f"{tok} {nxt}"
    if pair in rules.vague:
        lo, hi = rules.vague[pair]
        return lo, hi, 2
    if pair in rules.number_words:
        return rules.number_words[pair], rules.number_words[pair], 2
    if tok in rules.vague:
        lo, hi = rules.vague[tok]
        return lo, hi, 1
    value: float | None = None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", tok):
        value = float(tok.replace(",", ""))
        if "," not in tok and "." not in tok and rules.skip_years[0] <= value <= rules.skip_years[1]:
            return None
    elif tok in rules.number_words:
        value = float(rules.number_words[tok])
    if value is None:
        return None
    used = 1
    if nxt in rules.multipliers:
        value *= rules.multipliers[nxt]
        used = 2
    return int(value), int(value), used


def _counts(content: str, rules: ContradictionRules) -> tuple[tuple[str, int, int], ...]:
    tokens = list(_TOKEN.finditer(content))
    out: list[tuple[str, int, int]] = []
    starts = rules.number_starts
    i = 0
    while i < len(tokens):
        word = tokens[i].group(0)
        if not word[0].isdecimal() and word.casefold() not in starts:  # \d is Unicode Nd, as isdecimal
            i += 1
            continue
        num = _number_at(tokens, i, rules)
        if num is None:
            i += 1
            continue
        lo, hi, used = num
        first = tokens[i]
        j = i + used
        # "between 5 and 10", "5 to 10", "5-10"
        if j + 1 < len(tokens) and tokens[j].group(0).casefold() in ("and", "to"):
            second = _number_at(tokens, j + 1, rules)
            if second and second[1] >= hi:
                hi = second[1]
                j += 1 + second[2]
        elif j < len(tokens) and re.fullmatch(
            r"\s*[-–]\s*", content[tokens[j - 1].end() : tokens[j].start()]
        ):
            second = _number_at(tokens, j, rules)
            if second and second[1] >= hi:
                hi = second[1]
                j += second[2]
        before = content[: first.start()]
        if lo == hi:
            if rules.at_least.search(before):
                hi = rules.unbounded
            elif rules.at_most.search(before):
                lo = 0
            elif rules.approx.search(before):
                lo = int(lo * (1 - rules.approx_tolerance))
                hi = round(hi * (1 + rules.approx_tolerance))
        end = tokens[j - 1].end()
        after = " ".join(t.group(0) for t in tokens[j : j + rules.thing_window])
        prior = " ".join(t.group(0) for t in tokens[max(0, i - rules.verb_before) : i])
        what: str | None = None
        best = None
        for name, _kind, pattern in rules.things:
            m = pattern.search(after)
            if m and (best is None or m.start() < best):
                best, what = m.start(), name
        if what is None:
            for name, kind, pattern in rules.things:
                if kind == "casualties" and pattern.search(prior):
                    what = name
                    break
        if what is not None:
            if dict((w, k) for w, k, _ in rules.things)[what] == "equipment":
                around = content[max(0, first.start() - 40) : end + 60]
                for action, pattern in rules.equipment_actions:
                    if pattern.search(around):
                        what = f"{what} {action}"
                        break
            out.append((what, lo, hi))
        i = j
    return tuple(dict.fromkeys(out))


# ---------------------------------------------------------------------------------------------
# Blame


def _blame(
    content: str, speaker_side: str | None, events: Sequence[Event], rules: ContradictionRules
) -> tuple[str | None, tuple[str, ...]]:
    """(side blamed, what for) of a content: 'accused X of', '... carried out by X', 'X shelled ...',
    else the claim's attack event's actor1."""
    n = rules.blame_window
    families = [f for _, f in _event_families(content, rules)]
    blamed: str | None = None
    for m in rules.accuse.finditer(content):
        if _negated(content, m.start(), rules.blame_negators, n):
            continue
        words = [w for w in _side_words(content[m.end() :], speaker_side, rules) if w[0] < 60]
        if words:
            blamed = words[0][2]
            break
    if blamed is None and families:
        for fam, pattern in rules.event_words:
            for hit in pattern.finditer(content):
                tail = content[hit.end() : hit.end() + 100]
                marker = rules.agent_markers.match(tail)
                if marker is None or _negated(content, hit.start(), rules.blame_negators, n):
                    continue
                words = _side_words(tail[marker.end() :], speaker_side, rules)
                if words and words[0][0] < 20:
                    blamed = words[0][2]
                    families = [fam, *[f for f in families if f != fam]]
                    break
            if blamed:
                break
    if blamed is None and families:
        attack_like = set(rules.blame_families)
        for start, end, side in _side_words(content, speaker_side, rules):
            # The first words after the side word (not every word of the rest, then cut).
            window = " ".join(m.group(0) for m in islice(_TOKEN.finditer(content, end), rules.subject_window))
            found = [(p, f) for p, f in _event_families(window, rules) if f in attack_like]
            fams = [f for _, f in found]
            between = window[: found[0][0]] if found else ""
            if (
                fams
                and not _negated(content, start, rules.blame_negators, n)
                and not rules.blame_negators.search(between)
                and not rules.modals.search(between)
                and not rules.passive.search(between)
            ):
                blamed = side
                families = [fams[0], *[f for f in families if f != fams[0]]]
                break
    subs: list[str] = []
    for ev in events:
        if ev.sub_event_type in rules.blame_sub_types and ev.modality is None:
            known, actor_side = side_of(ev.actor1, rules)
            if blamed is None and known and actor_side:
                blamed = actor_side
            if ev.sub_event_type not in subs:
                subs.append(ev.sub_event_type)
    if blamed is None:
        return None, ()
    return blamed, tuple(dict.fromkeys([*families, *subs]))


# ---------------------------------------------------------------------------------------------
# Facts of a document


def _day(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", value)
    return m.group(0) if m else None


def _facts(
    document: Document,
    claim_id: str,
    speaker: str | None,
    speaker_name: str | None,
    side: str | None,
    stance: str,
    start: int,
    end: int,
    said_on: str | None,
    events: Sequence[Event],
    spans: Sequence[tuple[int, int]],
    rules: ContradictionRules,
) -> ClaimFacts:
    text = document.text
    content = text[start:end]
    sentence = _sentence_at(spans, start)
    lead = text[sentence[0] : start] if sentence else ""
    ids, names = _resolve_places(document, start, end, sentence, events, rules)
    event_side = None
    for ev in events:
        found, s = side_of(ev.actor1, rules)
        if found and s:
            event_side = s
            break
    control: str | None = None
    control_side: str | None = None
    counts: tuple[tuple[str, int, int], ...] = ()
    blames: str | None = None
    blamed_for: tuple[str, ...] = ()
    if stance != "denied":
        control, control_side = _control(content, side, event_side, lead, rules)
        counts = _counts(content, rules)
        blames, blamed_for = _blame(content, side, events, rules)
    return ClaimFacts(
        doc_id=document.id,
        claim_id=claim_id,
        speaker=speaker,
        speaker_name=speaker_name,
        side=side,
        stance=stance,
        content=content,
        start=start,
        end=end,
        date=_day(said_on) or _day(document.article.published),
        places=ids,
        place_names=names,
        control=control,
        control_side=control_side,
        counts=counts,
        blames=blames,
        blamed_for=blamed_for,
        event_ids=tuple(ev.id for ev in events),
    )


def _speaker_side(claim: Claim, party: PartyOutlet | None, rules: ContradictionRules) -> str | None:
    for text in (claim.speaker, claim.speaker_name):
        found, side = side_of(text, rules)
        if found:
            return side
    if party and claim.speaker and claim.speaker.casefold() in rules.first_person:
        return party.side
    return None


def _uncovered(
    text: str, spans: Sequence[tuple[int, int]], covered: Sequence[tuple[int, int]], shortest: int = 20
) -> list[tuple[int, int]]:
    """The parts of each sentence outside every claim's content, trimmed of spaces and punctuation."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        parts = [(s, e)]
        for cs, ce in covered:
            parts = [q for p0, p1 in parts for q in ((p0, min(p1, cs)), (max(p0, ce), p1)) if q[0] < q[1]]
        for p0, p1 in parts:
            while p0 < p1 and (text[p0].isspace() or text[p0] in ',;:-–—"”’'):
                p0 += 1
            while p1 > p0 and text[p1 - 1].isspace():
                p1 -= 1
            if p1 - p0 >= shortest:
                out.append((p0, p1))
    return out


def claim_facts(document: Document, rules: ContradictionRules | None = None) -> list[ClaimFacts]:
    """The facts of every claim of a processed document (plus, in a party's own channel, of the
    sentences outside any claim that state control, counts or blame)."""
    rules = rules or load_rules()
    text = document.text
    spans = sentences(text)
    party = _party_outlet(document, rules)
    out: list[ClaimFacts] = []
    for claim in document.claims:
        if not (0 <= claim.start < claim.end <= len(text)):
            continue
        events = [ev for ev in document.events if ev.reported_by == claim.id]
        speaker_name = claim.speaker_name
        if party and speaker_name is None and (claim.speaker or "").casefold() in rules.first_person:
            speaker_name = party.speaker
        out.append(
            _facts(
                document,
                claim.id,
                claim.speaker,
                speaker_name,
                _speaker_side(claim, party, rules),
                claim.stance,
                claim.start,
                claim.end,
                claim.said_on,
                events,
                spans,
                rules,
            )
        )
    if party is not None:
        covered = sorted((c.start, c.end) for c in document.claims)
        for s, e in _uncovered(text, spans, covered):
            events = [ev for ev in document.events if s <= ev.start < e and ev.reported_by is None]
            facts = _facts(
                document,
                f"voice:{s}",
                party.speaker,
                party.speaker,
                party.side,
                "asserted",
                s,
                e,
                None,
                events,
                spans,
                rules,
            )
            if facts.control or facts.counts or facts.blames:
                out.append(facts)
    return out


# ---------------------------------------------------------------------------------------------
# Comparing facts


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _within(a: ClaimFacts, b: ClaimFacts, kind: str, rules: ContradictionRules) -> bool:
    apart = _days_apart(a.date, b.date)
    if apart is None:
        return a.doc_id == b.doc_id
    return apart <= rules.windows[kind]


def _shared_place(a: ClaimFacts, b: ClaimFacts, rules: ContradictionRules) -> tuple[str | None, bool]:
    """(display name of a shared place, matched by id) or (None, False)."""
    for i, pid in enumerate(a.places):
        if pid in b.places:
            j = b.places.index(pid)
            names = a.place_names if i < len(a.place_names) else b.place_names
            name = names[i] if i < len(names) else (b.place_names[j] if j < len(b.place_names) else pid)
            return name, True
    folded_b = {_fold(n, rules): n for n in b.place_names}
    for name in a.place_names:
        if _fold(name, rules) in folded_b:
            return name, False
    return None, False


def _speaker_key(f: ClaimFacts) -> str | None:
    name = f.speaker_name or f.speaker
    return name.casefold() if name else None


def _display(f: ClaimFacts) -> str:
    spoken, name = f.speaker, f.speaker_name
    if spoken and name and name.casefold() in spoken.casefold() and len(spoken) <= 45:
        return spoken
    if name:
        return name
    return spoken or "an unnamed source"


def _verb(f: ClaimFacts, verb: str, rules: ContradictionRules) -> str:
    last = _display(f).split()[-1] if _display(f).split() else ""
    plural = last[:1].islower() and last.endswith("s") and not last.endswith("ss")
    return rules.verbs[verb][1 if plural else 0]


def _fill(template: str, f: ClaimFacts, rules: ContradictionRules, **kw: str) -> str:
    return template.format(
        speaker=_display(f),
        say=_verb(f, "say", rules),
        report=_verb(f, "report", rules),
        blame=_verb(f, "blame", rules),
        deny=_verb(f, "deny", rules),
        date=f.date or "undated",
        **kw,
    )


def _count_text(lo: int, hi: int, rules: ContradictionRules) -> str:
    if lo == hi:
        return f"{lo:,}"
    if hi >= rules.unbounded:
        return f"at least {lo:,}"
    if lo == 0:
        return f"up to {hi:,}"
    return f"between {lo:,} and {hi:,}"


def _ref(f: ClaimFacts) -> ClaimRef:
    return ClaimRef(
        doc_id=f.doc_id,
        claim_id=f.claim_id,
        speaker=f.speaker or f.speaker_name,
        content=f.content,
        stance=f.stance,
        start=f.start,
        end=f.end,
    )


def _order(a: ClaimFacts, b: ClaimFacts) -> tuple[ClaimFacts, ClaimFacts]:
    def sort_key(f: ClaimFacts) -> tuple[int, str, str]:
        return (0 if f.date else 1, f.date or "", f.key())

    return (a, b) if sort_key(a) <= sort_key(b) else (b, a)


def contradiction_id(a: ClaimFacts, b: ClaimFacts, kind: str) -> str:
    keys = sorted([a.key(), b.key()])
    return sha256_hex(f"{keys[0]}|{keys[1]}|{kind}")[:16]


def _make(
    kind: str, x: ClaimFacts, y: ClaimFacts, clauses: Mapping[str, str], place: str | None, conf: float
) -> Contradiction:
    a, b = _order(x, y)
    text = f"{clauses[a.key()]}; {clauses[b.key()]}."
    return Contradiction(
        id=contradiction_id(a, b, kind),
        kind=kind,
        a=_ref(a),
        b=_ref(b),
        explanation=text[:1].upper() + text[1:],
        place=place,
        confidence=round(conf, 3),
    )


def _base_conf(kind: str, x: ClaimFacts, y: ClaimFacts, by_id: bool, rules: ContradictionRules) -> float:
    conf = rules.confidence[kind]
    for f in (x, y):
        if f.stance == "hedged":
            conf *= rules.factors["hedged"]
    if not by_id:
        conf *= rules.factors["name_only_place"]
    return conf


def _control_pair(x: ClaimFacts, y: ClaimFacts, rules: ContradictionRules) -> Contradiction | None:
    if {x.control, y.control} != {"holds", "lost"}:
        return None
    holds, lost = (x, y) if x.control == "holds" else (y, x)
    if holds.control_side not in ("RU", "UA") or lost.control_side not in (holds.control_side, None):
        return None
    if not _within(x, y, "control", rules):
        return None
    place, by_id = _shared_place(holds, lost, rules)
    if place is None:
        return None
    side = holds.control_side
    conf = _base_conf("control", x, y, by_id, rules)
    t = rules.templates
    clause_h = _fill(t["control_holds"], holds, rules, holder=rules.side_adjectives[side], place=place)
    if lost.control_side is None:
        conf *= rules.factors["side_unknown"]
        clause_l = _fill(t["control_fallen"], lost, rules, place=place)
    elif lost_how(lost.content, rules) == "withdraw":
        clause_l = _fill(
            t["control_withdraw"], lost, rules, side_adj=rules.side_adjectives[side], place=place
        )
    else:
        clause_l = _fill(t["control_capture"], lost, rules, side=rules.side_names[side], place=place)
    return _make("control", x, y, {holds.key(): clause_h, lost.key(): clause_l}, place, conf)


def _count_pairs(x: ClaimFacts, y: ClaimFacts, rules: ContradictionRules) -> list[Contradiction]:
    out: list[Contradiction] = []
    if not (x.counts and y.counts):
        return out
    place, by_id = _shared_place(x, y, rules)
    if place is None:
        return out
    kinds_of = {w: k for w, k, _ in rules.things}
    seen: set[str] = set()
    for what_x, lo_x, hi_x in x.counts:
        for what_y, lo_y, hi_y in y.counts:
            if what_x != what_y:
                continue
            kind = kinds_of.get(what_x.split(" ")[0], kinds_of.get(what_x, "casualties"))
            if kind in seen or not _within(x, y, kind, rules):
                continue
            if not (hi_x < lo_y or hi_y < lo_x):
                continue
            a, b = _order(x, y)
            conf = _base_conf(kind, x, y, by_id, rules)
            lo_a, hi_a, lo_b, hi_b = (lo_x, hi_x, lo_y, hi_y) if a is x else (lo_y, hi_y, lo_x, hi_x)
            if a.date != b.date and lo_b > hi_a:
                conf *= rules.factors["toll_may_have_risen"]  # the later, higher figure may be an update
            t = rules.templates["counts"]
            clauses = {
                a.key(): _fill(t, a, rules, count=_count_text(lo_a, hi_a, rules), what=what_x, place=place),
                b.key(): _fill(t, b, rules, count=_count_text(lo_b, hi_b, rules), what=what_x, place=place),
            }
            # the second clause does not repeat the place
            clauses[b.key()] = clauses[b.key()].replace(f" in {place} (", " (")
            out.append(_make(kind, x, y, clauses, place, conf))
            seen.add(kind)
    return out


def _responsibility_pair(x: ClaimFacts, y: ClaimFacts, rules: ContradictionRules) -> Contradiction | None:
    if x.blames not in ("RU", "UA") or y.blames not in ("RU", "UA") or x.blames == y.blames:
        return None
    if not (x.blamed_for and y.blamed_for) or not _within(x, y, "responsibility", rules):
        return None
    place, by_id = _shared_place(x, y, rules)
    if place is None:
        return None
    conf = _base_conf("responsibility", x, y, by_id, rules)
    t = rules.templates["responsibility"]

    def what(f: ClaimFacts) -> str:
        preferred = [w for w in rules.blame_families if w in f.blamed_for]
        nouns = [w for w in f.blamed_for if w in rules.event_nouns]
        return (preferred or nouns or [f.blamed_for[0].lower()])[0]

    clauses = {
        f.key(): _fill(t, f, rules, blamed=rules.side_names[f.blames or ""], what=what(f), place=place)
        for f in (x, y)
    }
    return _make("responsibility", x, y, clauses, place, conf)


def _denial_pair(x: ClaimFacts, y: ClaimFacts, rules: ContradictionRules) -> Contradiction | None:
    if {x.stance, y.stance} not in ({"denied", "asserted"}, {"denied", "hedged"}):
        return None
    if not _within(x, y, "denial", rules):
        return None
    fams_x = {f for _, f in _event_families(x.content, rules)}
    fams_y = {f for _, f in _event_families(y.content, rules)}
    shared = [f for _, f in _event_families(x.content, rules) if f in fams_y and f in fams_x]
    if not shared:
        return None
    place, by_id = _shared_place(x, y, rules)
    if place is None:
        return None
    conf = _base_conf("denial", x, y, by_id, rules)
    noun = rules.event_nouns.get(shared[0], shared[0])
    t = rules.templates
    clauses = {
        f.key(): _fill(
            t["denial_denied" if f.stance == "denied" else "denial_asserted"],
            f,
            rules,
            what=noun,
            place=place,
        )
        for f in (x, y)
    }
    return _make("denial", x, y, clauses, place, conf)


def compare(x: ClaimFacts, y: ClaimFacts, rules: ContradictionRules | None = None) -> list[Contradiction]:
    """Every kind of contradiction between two claims' facts (none between a claim and itself, nor
    between two claims of the same speaker: a source updating its own account is not contradicted)."""
    rules = rules or load_rules()
    if x.key() == y.key():
        return []
    kx, ky = _speaker_key(x), _speaker_key(y)
    if kx is not None and kx == ky:
        return []
    out: list[Contradiction] = []
    for found in (_control_pair(x, y, rules), _responsibility_pair(x, y, rules), _denial_pair(x, y, rules)):
        if found:
            out.append(found)
    out.extend(_count_pairs(x, y, rules))
    return out


def find_contradictions(
    new: Sequence[ClaimFacts], candidates: Sequence[ClaimFacts], rules: ContradictionRules | None = None
) -> list[Contradiction]:
    """Contradictions between each new claim and every candidate, and among the new claims
    (each unordered pair at most once per kind), in a stable order."""
    rules = rules or load_rules()
    out: dict[str, Contradiction] = {}
    new_keys = {f.key() for f in new}
    pairs: list[tuple[ClaimFacts, ClaimFacts]] = []
    for i, x in enumerate(new):
        pairs.extend((x, y) for y in new[i + 1 :])
        pairs.extend((x, y) for y in candidates if y.key() not in new_keys)
    for x, y in pairs:
        for c in compare(x, y, rules):
            out.setdefault(c.id, c)
    return sorted(out.values(), key=lambda c: (c.kind, c.a.doc_id, c.a.claim_id, c.b.doc_id, c.b.claim_id))
