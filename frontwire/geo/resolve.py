"""Find place mentions in a Document and resolve each to a gazetteer record using document evidence."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

from frontwire.geo.gazetteer import (
    FLAG_CAPITAL,
    FLAG_SEAT,
    FLAG_SUPPLEMENT,
    Gazetteer,
    load_rules,
    match_admin1,
    strip_region_words,
)
from frontwire.geo.normalise import fold, loose_key
from frontwire.model import Document, PlaceMention

EXTRACTOR = "geo.gazetteer/1"
DEMONYM_EXTRACTOR = "geo.demonym/1"  # 'Russian', 'Ukrainians': the country, at country precision
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC", "PLACE"})
# Entity types whose tokens are never scanned for place names (a person called Paris, "Ukrainian").
BLOCKING_TYPES = frozenset(
    {
        "PERSON",
        "NORP",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "CARDINAL",
        "ORDINAL",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "PRODUCT",
        "WEAPON",
        "UNIT",
        "ARMED_GROUP",
        "EVENT",
    }
)
AREA_FEATURES = frozenset({"admin1", "admin2", "country", "continent", "region"})
# Natural features (geo_features.csv): shown at area precision, never proximity anchors.
NATURAL_FEATURES = frozenset(load_rules().get("natural_features", []))
# Document mention types that name no place: a span so typed is never a place record, and the
# gazetteer scan never finds a place inside one (a person's surname is no Dutch city).
PERSON_TYPES = frozenset({"PERSON"})
NAMED_NON_PLACE_TYPES = frozenset({"PERSON", "ORG", "ARMED_GROUP", "UNIT", "WEAPON", "NORP"})
SETTLEMENTS = frozenset({"city", "town", "village"})
MAX_SCAN_TOKENS = 4
_WORD = re.compile(r"[\w'’.\-]+")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.?){2,4}$")
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_DEMONYM_PREFIX = re.compile(r"^(?:pro|anti|non|ethnic)[-\s]+", re.IGNORECASE)


_Group = tuple[str, str | None, str | None]


@dataclass
class _Span:
    start: int
    end: int
    query: str
    source: str  # 'ner' | 'scan'
    cue: str | None = None  # 'admin1' | 'admin2' | 'settlement' | None
    near: bool = False
    locative: bool = False
    container: str | None = None  # admin1 code or country code named right after (", Texas")
    choice: int | None = None
    score: float = 0.0
    margin: float = 0.0
    candidates: tuple[int, ...] = field(default_factory=tuple)

    @property
    def group(self) -> _Group:
        return (loose_key(self.query), self.cue, self.container)


@dataclass(frozen=True)
class _Lexicon:
    region_words: frozenset[str]
    admin2_words: frozenset[str]
    subspan_block: frozenset[str]
    admin1_after: frozenset[str]
    admin1_modifiers: tuple[tuple[str, ...], ...]
    settlement_before: tuple[tuple[str, ...], ...]
    settlement_after: frozenset[str]
    near: tuple[tuple[str, ...], ...]
    locative: frozenset[str]
    stop_names: frozenset[str]
    non_place: frozenset[str]
    particles: tuple[tuple[str, ...], ...]
    demonyms: dict[str, tuple[str, str]]
    weights: dict[str, float]
    accept: dict[str, float]


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    r = load_rules()

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted((tuple(p.lower().split()) for p in r[key]), key=len, reverse=True))

    return _Lexicon(
        region_words=frozenset(w.lower() for w in r["region_words"]),
        admin2_words=frozenset(w.lower() for w in r.get("admin2_words", [])),
        subspan_block=frozenset(w.lower() for w in r.get("subspan_block_words", [])),
        admin1_after=frozenset(w.lower() for w in r["admin1_after_words"]),
        admin1_modifiers=phrases("admin1_modifier_phrases"),
        settlement_before=phrases("settlement_before_phrases"),
        settlement_after=frozenset(w.lower() for w in r["settlement_after_words"]),
        near=phrases("near_phrases"),
        locative=frozenset(w.lower() for w in r["locative_words"]),
        stop_names=frozenset(fold(w) for w in r["stop_names"]),
        non_place=frozenset(fold(w) for w in r.get("non_place_names", [])),
        particles=phrases("surname_particles"),
        demonyms=_demonyms(r),
        weights={k: float(v) for k, v in r["weights"].items()},
        accept={k: float(v) for k, v in r["accept"].items() if not k.startswith("_")},
    )


def _demonyms(rules: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Folded demonym (and its regular plural) -> (code, feature) from geo_demonyms.csv."""
    path = importlib_resources.files("frontwire") / "data" / "geo_demonyms.csv"
    if not path.is_file():
        return {}
    plural_after = tuple(rules.get("demonym", {}).get("plural_suffix_after", []))
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    out: dict[str, tuple[str, str]] = {}
    for row in csv.DictReader(lines):
        name, value = row["demonym"].strip(), (row["code"].strip(), row["feature"].strip())
        out.setdefault(fold(name), value)
        if name.endswith(plural_after):
            out.setdefault(fold(name + "s"), value)
    return out


def _words_before(text: str, start: int, n: int = 4) -> list[str]:
    return [w.lower().strip(".,") for w in _WORD.findall(text[max(0, start - 60) : start])][-n:]


def _words_after(text: str, end: int, n: int = 3) -> list[str]:
    return [w.lower() for w in _WORD.findall(text[end : end + 50])][:n]


def _ends_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(len(p) <= len(words) and tuple(words[-len(p) :]) == p for p in phrases)


def _starts_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(len(p) <= len(words) and tuple(words[: len(p)]) == p for p in phrases)


def _annotate_cues(span: _Span, text: str, gaz: Gazetteer, lex: _Lexicon) -> None:
    """Set cue/near/locative/container from the words around the span; may extend it over 'Oblast'."""
    words = fold(span.query).split()
    if len(words) > 1 and words[-1] in lex.region_words:
        span.cue = "admin2" if words[-1] in lex.admin2_words else "admin1"
        span.query = strip_region_words(span.query)
    after = _words_after(text, span.end)
    raw_after = text[span.end : span.end + 40]
    if after and after[0] in lex.region_words and re.match(r"\s+\w", raw_after):
        # "Donetsk region" / "Kharkiv Oblast": the region word belongs to the name.
        m = re.match(r"\s+[\w'’]+", raw_after)
        word = m.group(0).strip().lower().strip("'’") if m else ""
        if m and word in lex.region_words:
            span.end += m.end()
            span.cue = "admin2" if word in lex.admin2_words else "admin1"
    elif after and (after[0] in lex.admin1_after or _starts_with(after, lex.admin1_modifiers)):
        span.cue = "admin1"  # "Donetsk Governor ...", "the Donetsk city of Bakhmut"
    elif after and after[0] in lex.settlement_after and span.cue is None:
        span.cue = "settlement"
    before = _words_before(text, span.start)
    if span.cue is None and _ends_with(before, lex.settlement_before):
        span.cue = "settlement"
    span.near = _ends_with(before, lex.near)
    span.locative = bool(before) and before[-1] in lex.locative
    # "Bakhmut, Donetsk Oblast" / "Alexandria, La." : the next name contains this one.
    m = re.match(
        r",\s+((?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3})", text[span.end : span.end + 60]
    )
    if m:
        container = m.group(1)
        for cut in range(len(container.split()), 0, -1):
            cand = " ".join(container.split()[:cut])
            code = _container_code(gaz, cand)
            if code:
                span.container = code
                break


def _container_code(gaz: Gazetteer, name: str) -> str | None:
    hits = gaz.lookup(strip_region_words(name) or name)
    for i in hits:
        f = gaz.feature.get(i)
        if f == "admin1":
            return gaz.a1[i]
        if f == "country":
            return gaz.cc[i]
    # "Athens, Henderson County": a county names its state when every county so called is in one state.
    if name.split()[-1].lower() in lexicon().admin2_words:
        states = {gaz.a1[i] for i in hits if gaz.feature.get(i) == "admin2"}
        if len(states) == 1:
            return states.pop()
    return None


def _candidate_spans(document: Document, gaz: Gazetteer, lex: _Lexicon) -> tuple[list[_Span], list[_Span]]:
    """Spans from spaCy place entities, and spans from the gazetteer scan over proper-noun runs."""
    text = document.text
    ner: list[_Span] = []
    taken = bytearray(len(text) + 1)
    blocked = bytearray(len(text) + 1)
    named: set[tuple[int, int]] = set()  # extents of names typed as a person, organisation, ...
    for m in document.mentions:
        if m.type in PERSON_TYPES:
            blocked[m.start : m.end] = b"\x01" * (m.end - m.start)
        if m.type in NAMED_NON_PLACE_TYPES:
            named.add(_trim(text, m.start, m.end))
        if m.type not in PLACE_TYPES:
            continue
        start, end = _trim(text, m.start, m.end)
        if end <= start or fold(text[start:end]) in lex.non_place:
            continue
        ner.append(_Span(start, end, text[start:end], "ner"))
        taken[start:end] = b"\x01" * (end - start)
    doc = document.nlp
    scan: list[_Span] = []
    if doc is None:
        return ner, scan
    inside = bytearray(len(text) + 1)  # within an organisation's or other non-place name
    for a, b in named:
        if fold(text[a:b]) in lex.non_place:
            blocked[a:b] = b"\x01" * (b - a)  # 'White House': not 'White' either
        else:
            inside[a:b] = b"\x01" * (b - a)
    for ent in doc.ents:
        if ent.label_ in BLOCKING_TYPES:
            blocked[ent.start_char : ent.end_char] = b"\x01" * (ent.end_char - ent.start_char)
    run: list[Any] = []

    def flush() -> None:
        i = 0
        while i < len(run):
            for n in range(min(MAX_SCAN_TOKENS, len(run) - i), 0, -1):
                toks = run[i : i + n]
                s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
                surface = text[s:e]
                folded = fold(surface)
                if folded in lex.stop_names or folded in lex.non_place or len(loose_key(surface)) < 4:
                    continue
                if (s, e) in named:  # the whole of an organisation's name ('White House') is no town
                    continue
                hits = gaz.lookup(surface) or gaz.lookup(strip_region_words(surface))
                if (
                    hits
                    and inside[s]
                    and not any(i >= gaz.n_cities or _plain(gaz.names[i]) == _plain(surface) for i in hits)
                ):
                    continue  # a place inside a name must be spelt as the place is ('Nenagh MDC')
                if hits:
                    scan.append(_Span(s, e, surface, "scan"))
                    i += n
                    break
            else:
                i += 1
        run.clear()

    # Only proper nouns become Token objects: the tag column is read as integers.
    proper_tags = {doc.vocab.strings[t] for t in ("NNP", "NNPS")}
    for i, tag in enumerate(doc.to_array("TAG").tolist()):
        tok = doc[i] if tag in proper_tags else None
        if tok is not None and tok.text[:1].isupper() and not taken[tok.idx] and not blocked[tok.idx]:
            run.append(tok)
        elif run:
            flush()
    flush()
    return ner, scan


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A mention's extent without a leading 'the' and a trailing possessive."""
    lead = _LEADING_THE.match(text[start:end])
    if lead:
        start += lead.end()
    tail = _POSSESSIVE.search(text[start:end])
    if tail:
        end -= len(tail.group(0))
    return start, end


def _surnames(document: Document) -> frozenset[str]:
    """Folded last words of the document's person names ('von der Leyen' -> 'leyen'), and one-word ones."""
    out = set()
    for m in document.mentions:
        if m.type in PERSON_TYPES:
            words = _WORD.findall(document.text[m.start : m.end])
            if words:
                out.add(fold(_POSSESSIVE.sub("", words[-1])))
    return frozenset(out)


def _named_for_person(
    gaz: Gazetteer, span: _Span, surnames: frozenset[str], text: str = "", lex: _Lexicon | None = None
) -> bool:
    """A one-word name that is a person's surname in this document ('Leyen' after 'Ursula von der
    Leyen', or right after 'von der'), and no country, region or capital."""
    if len(span.query.split()) != 1:
        return False
    after_particle = (
        lex is not None and bool(text) and _ends_with(_words_before(text, span.start, 2), lex.particles)
    )
    if fold(span.query) not in surnames and not after_particle:
        return False
    return not any(
        gaz.feature_of(i) in ("country", "admin1", "continent") or gaz.flags[i] & FLAG_CAPITAL
        for i in _candidates(gaz, span)
    )


def _demonym_spans(document: Document, gaz: Gazetteer, lex: _Lexicon, ner: list[_Span]) -> list[_Span]:
    """NORP mentions (and unknown place-typed names) that are demonyms: spans placed at their country."""
    text = document.text
    out: list[_Span] = []
    extents = [(m.start, m.end) for m in document.mentions if m.type == "NORP"]
    extents += [(s.start, s.end) for s in ner if fold(s.query) in lex.demonyms and not _candidates(gaz, s)]
    for start, end in extents:
        start, end = _trim(text, start, end)
        surface = text[start:end]
        prefix = _DEMONYM_PREFIX.match(surface)
        if prefix:
            start += prefix.end()
            surface = text[start:end]
        hit = lex.demonyms.get(fold(surface))
        if hit is None:
            continue
        code, feature = hit
        if feature == "country":
            rec = gaz.country_record.get(code)
        else:
            rec = next((i for i in gaz.lookup(code) if gaz.feature.get(i) == feature), None)
        if rec is None:
            continue
        span = _Span(start, end, surface, "demonym")
        span.choice, span.margin = rec, 5.0
        out.append(span)
    return out


def _score(
    gaz: Gazetteer,
    i: int,
    span: _Span,
    ctx: Counter[str],
    ctx_mentioned: set[str],
    ctx_admin1: Counter[str],
    anchors: list[tuple[float, float, str]],
    lex: _Lexicon,
    shadowed: set[str],
    chosen: dict[int, set[_Group]] | None = None,
) -> float:
    w = lex.weights
    feature = gaz.feature_of(i)
    s = w["population_log10"] * math.log10(gaz.pop[i] + 1)
    if feature == "country":
        s += w["country_feature"]
    elif feature == "admin1":
        s += w["admin1_feature"]
        if span.cue != "admin1" and gaz.a1[i] in shadowed:
            s += w["admin1_shadowed_by_city"]
    elif feature == "admin2":
        s += w["admin2_feature"]
        if span.cue != "admin2" and gaz.a1[i] in shadowed:
            s += w["admin2_shadowed_by_city"]
    elif feature == "continent":
        s += w["continent_feature"]
    elif feature in NATURAL_FEATURES or (feature == "region" and gaz.flags[i] & FLAG_SUPPLEMENT):
        s += w["natural_feature"]  # 'Black Sea', 'Middle East': the sea or region, not a hamlet so called
    if gaz.pop[i] >= lex.accept["major_city_population"] and feature in SETTLEMENTS:
        s += w["major_city"]  # a world city is named bare; its small namesakes get qualifiers
    flags = gaz.flags[i]
    if flags & FLAG_CAPITAL:
        s += w["capital"]
    if flags & FLAG_SEAT:
        s += w["admin_seat"]
    if flags & FLAG_SUPPLEMENT:
        s += w["supplement"]
    if loose_key(gaz.names[i]) == loose_key(span.query):
        s += w["primary_name"]
    if span.cue == "admin1":
        s += w["feature_cue_match"] if feature in ("admin1", "region") else w["feature_cue_mismatch"]
    elif span.cue == "admin2":  # "X County": a county first; an admin1 so called (Kenya) is no mismatch
        if feature == "admin2":
            s += w["feature_cue_match"]
        elif feature not in ("admin1", "region"):
            s += w["feature_cue_mismatch"]
    elif span.cue == "settlement":
        area = feature in AREA_FEATURES or feature in NATURAL_FEATURES
        s += w["feature_cue_match"] if not area else w["feature_cue_mismatch"]
    cc = gaz.cc[i]
    if cc and ctx.get(cc, 0) > 0:
        s += w["context_country"]
        if cc in ctx_mentioned:
            s += w["context_country_mentioned"]
    if ctx_admin1.get(gaz.a1[i], 0) > 0:  # for an admin1 itself: it contains other places of the text
        s += w["context_admin1"]
    if span.container and span.container in (gaz.a1[i], cc):
        s += w["explicit_container"]
    if chosen and chosen.get(i, set()) - {span.group}:
        s += w["same_record_other_surface"]  # "Walton County" ... "Walton": one place, two surfaces
    if anchors and feature not in ("country", "continent"):
        key = loose_key(span.query)
        lat, lon = gaz.lat[i], gaz.lon[i]
        best = min((_km(lat, lon, a, b) for a, b, k in anchors if k != key), default=None)
        if best is not None:
            if best < 25:
                s += w["near_25km"]
            elif best < 50:
                s += w["near_50km"]
            elif best < 200:
                s += w["near_200km"]
            elif best < 500:
                s += w["near_500km"]
    return s


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Equirectangular is exact enough at these thresholds and much cheaper than haversine.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def _candidates(gaz: Gazetteer, span: _Span) -> tuple[int, ...]:
    hits = gaz.lookup(span.query)
    if not hits:
        stem = strip_region_words(span.query)
        if stem and stem != fold(span.query):
            hits = gaz.lookup(stem)
    if _ABBREVIATION.match(span.query):
        # 'US', 'UK', 'DPR': an abbreviation names what it is curated for (a country, a state), not
        # a GeoNames village spelt with the same letters (Us, France).
        hits = tuple(i for i in hits if i >= gaz.n_cities or gaz.names[i].isupper())
    return hits


def _resolve(
    gaz: Gazetteer,
    spans: list[_Span],
    ctx: Counter[str],
    mentioned: set[str],
    ctx_admin1: Counter[str],
    anchors: list[tuple[float, float, str]],
    own: dict[_Group, tuple[str, str, int]],
    lex: _Lexicon,
    chosen: dict[int, set[_Group]] | None = None,
) -> None:
    """Choose a record for each span (one decision per surface group: one sense per discourse)."""
    decided: dict[_Group, tuple[int | None, float, float]] = {}
    for span in spans:
        g = span.group
        if g in decided:
            span.choice, span.score, span.margin = decided[g]
            continue
        cands = span.candidates or _candidates(gaz, span)
        span.candidates = cands
        # Settlements with the same key in an admin1 shadow it ("Donetsk" alone is the city).
        shadowed = {gaz.a1[i] for i in cands if gaz.feature_of(i) in SETTLEMENTS and gaz.pop[i] >= 1000}
        # The group's own earlier decision must not vote for itself (other spans' votes stay).
        own_cc, own_a1, n_own = own.get(g, ("", "", 0))
        c_ctx, a1_ctx = ctx, ctx_admin1
        if own_cc:
            c_ctx = ctx.copy()
            c_ctx[own_cc] -= n_own
        if own_a1:
            a1_ctx = ctx_admin1.copy()
            a1_ctx[own_a1] -= n_own
        scored = sorted(
            (
                (_score(gaz, i, span, c_ctx, mentioned, a1_ctx, anchors, lex, shadowed, chosen), i)
                for i in cands
            ),
            reverse=True,
        )
        if scored:
            best = scored[0]
            margin = best[0] - scored[1][0] if len(scored) > 1 else 5.0
            decided[g] = (best[1], best[0], margin)
        else:
            decided[g] = (None, 0.0, 0.0)
        span.choice, span.score, span.margin = decided[g]


def _chosen(spans: list[_Span]) -> dict[int, set[_Group]]:
    """Record -> the surface groups that chose it (a record chosen under another surface is evidence)."""
    out: dict[int, set[_Group]] = {}
    for span in spans:
        if span.choice is not None:
            out.setdefault(span.choice, set()).add(span.group)
    return out


def _context(
    gaz: Gazetteer, spans: list[_Span]
) -> tuple[
    Counter[str], set[str], Counter[str], list[tuple[float, float, str]], dict[_Group, tuple[str, str, int]]
]:
    ctx: Counter[str] = Counter()
    mentioned: set[str] = set()
    admin1: Counter[str] = Counter()
    anchors: list[tuple[float, float, str]] = []
    own: dict[_Group, tuple[str, str, int]] = {}
    seen: set[str] = set()
    for span in spans:
        i = span.choice
        if i is None:
            continue
        feature = gaz.feature_of(i)
        cc = gaz.cc[i]
        a1 = gaz.a1[i] if feature not in ("country", "continent") else ""
        if cc:
            ctx[cc] += 1
            if feature == "country":
                mentioned.add(cc)
        if a1 and not a1.endswith("."):
            admin1[a1] += 1
        else:
            a1 = ""
        prev = own.get(span.group)
        own[span.group] = (cc, a1, prev[2] + 1 if prev else 1)
        key = loose_key(span.query)
        if (
            feature not in ("country", "continent", "admin1", "region")
            and feature not in NATURAL_FEATURES
            and key not in seen
        ):
            seen.add(key)
            anchors.append((gaz.lat[i], gaz.lon[i], key))
    return ctx, mentioned, admin1, anchors, own


def _accept_scan(
    gaz: Gazetteer, span: _Span, ctx: Counter[str], anchors: list[tuple[float, float, str]], lex: _Lexicon
) -> bool:
    """Gate for names only the gazetteer scan found: they need evidence beyond 'some place is called so'."""
    i = span.choice
    if i is None:
        return False
    a = lex.accept
    feature = gaz.feature_of(i)
    pop = gaz.pop[i]
    if feature in ("country", "continent"):
        return True
    if feature == "admin1":
        return span.cue == "admin1" or ctx.get(gaz.cc[i], 0) > 0 or span.locative
    if feature == "admin2" and span.cue == "admin2":
        return True
    if gaz.flags[i] & FLAG_SUPPLEMENT:
        return True
    if pop >= a["min_population"]:
        return True
    if span.cue == "settlement" or span.container:
        return True
    if ctx.get(gaz.cc[i], 0) > 0 and pop >= a["min_population_in_context"]:
        return True
    if span.locative and pop >= a["min_population_after_locative"]:
        return True
    key = loose_key(span.query)
    lat, lon = gaz.lat[i], gaz.lon[i]
    return any(_km(lat, lon, x, y) <= a["context_distance_km"] for x, y, k in anchors if k != key)


def _plain(text: str) -> str:
    return _NON_ALNUM.sub("", fold(text))


def _plain_match_ok(
    gaz: Gazetteer,
    span: _Span,
    ctx: Counter[str],
    own: dict[_Group, tuple[str, str, int]],
    anchors: list[tuple[float, float, str]],
    lex: _Lexicon,
) -> bool:
    """False for a weak match (not the record's own name) of a small GeoNames place without support.

    Support: a container or settlement cue, another place of the same country in the text, or a
    point within ``context_distance_km``. Curated records (regions, countries, supplements, features)
    and places of ``min_population`` or more keep their alternate names.
    """
    i = span.choice
    if i is None or i >= gaz.n_cities or gaz.flags[i] & FLAG_SUPPLEMENT:
        return True
    if gaz.pop[i] >= lex.accept["min_population"] or _plain(span.query) == _plain(gaz.names[i]):
        return True
    if span.container or span.cue == "settlement":
        return True
    own_cc, _, n_own = own.get(span.group, ("", "", 0))
    cc = gaz.cc[i]
    if cc and ctx.get(cc, 0) - (n_own if own_cc == cc else 0) > 0:
        return True
    key = loose_key(span.query)
    lat, lon = gaz.lat[i], gaz.lon[i]
    return any(_km(lat, lon, x, y) <= lex.accept["context_distance_km"] for x, y, k in anchors if k != key)


def _confidence(span: _Span) -> float:
    if span.choice is None:
        return 0.2
    conf = 0.5 + 0.45 * math.tanh(max(span.margin, 0.0) / 3.0)
    return round(conf - (0.1 if span.source == "scan" else 0.0), 3)


def _to_record(gaz: Gazetteer, span: _Span, text: str) -> PlaceMention:
    i = span.choice
    surface = text[span.start : span.end]
    if i is None:
        return PlaceMention(
            text=surface,
            start=span.start,
            end=span.end,
            name=None,
            place_id=None,
            country=None,
            admin1=None,
            lat=None,
            lon=None,
            extractor=EXTRACTOR,
            confidence=_confidence(span),
        )
    feature = gaz.feature_of(i)
    area = feature in AREA_FEATURES or feature in NATURAL_FEATURES
    precision = 3 if area else (2 if span.near else 1)
    demonym = span.source == "demonym"
    rules = load_rules().get("demonym", {})
    return PlaceMention(
        text=surface,
        start=span.start,
        end=span.end,
        name=gaz.names[i],
        place_id=gaz.place_id(i),
        country=gaz.cc[i] or None,
        admin1=gaz.admin1_name(i),
        lat=round(gaz.lat[i], 5),
        lon=round(gaz.lon[i], 5),
        feature=feature,
        precision=precision,
        extractor=rules.get("extractor", DEMONYM_EXTRACTOR) if demonym else EXTRACTOR,
        confidence=float(rules.get("confidence", 0.6)) if demonym else _confidence(span),
    )


def extract(document: Document, gaz: Gazetteer) -> list[PlaceMention]:
    """Place mentions of the document, each resolved to a gazetteer record (or left unresolved)."""
    lex = lexicon()
    text = document.text
    ner, scan = _candidate_spans(document, gaz, lex)
    demonyms = _demonym_spans(document, gaz, lex, ner)
    taken = {(d.start, d.end) for d in demonyms}
    surnames = _surnames(document)
    surnames |= {  # 'von der Leyen' once makes 'Leyen' a surname all through the text
        fold(s.query)
        for s in (*ner, *scan)
        if len(s.query.split()) == 1 and _ends_with(_words_before(text, s.start, 2), lex.particles)
    }
    ner = [
        s for s in ner if (s.start, s.end) not in taken and not _named_for_person(gaz, s, surnames, text, lex)
    ]
    scan = [s for s in scan if not _named_for_person(gaz, s, surnames, text, lex)]
    for span in (*ner, *scan):
        _annotate_cues(span, text, gaz, lex)
    for span in ner:
        if not _candidates(gaz, span) and _narrow_query(span, text, gaz, lex):
            _annotate_cues(span, text, gaz, lex)
    empty: Counter[str] = Counter()
    # Pass 1: priors only; pass 2: with the countries, regions and points of pass 1.
    _resolve(gaz, ner, empty, set(), Counter(), [], {}, lex)
    ctx = _context(gaz, ner)
    for span in ner:
        span.candidates = ()
    _resolve(gaz, ner, *ctx, lex, chosen=_chosen(ner))
    ctx = _context(gaz, ner)
    _resolve(gaz, scan, ctx[0], ctx[1], ctx[2], ctx[3], {}, lex)
    accepted = [s for s in scan if _accept_scan(gaz, s, ctx[0], ctx[3], lex)]
    if accepted:  # let the new names inform each other and the NER ones once more
        everything = ner + accepted
        ctx = _context(gaz, everything)
        for span in everything:
            span.candidates = ()
        _resolve(gaz, everything, *ctx, lex, chosen=_chosen(everything))
    # A name that matched only through a GeoNames alternate or the loose key ('Human' -> Uman,
    # 'Marshal' -> Marshall) and names no large place needs support from the rest of the text.
    ctx = _context(gaz, ner + accepted)
    for span in ner:
        if not _plain_match_ok(gaz, span, ctx[0], ctx[4], ctx[3], lex):
            span.choice = None
    accepted = [s for s in accepted if _plain_match_ok(gaz, s, ctx[0], ctx[4], ctx[3], lex)]
    # An unresolved single word like "Ukrainian" is a demonym spaCy typed GPE: not a place (we skip
    # demonyms rather than geocode them to the country: they rarely name where something happened).
    ner = [s for s in ner if s.choice is not None or not _looks_demonym(s.query)]
    spans = sorted(ner + accepted + demonyms, key=lambda s: s.start)
    return [_to_record(gaz, s, text) for s in spans]


def _narrow_query(span: _Span, text: str, gaz: Gazetteer, lex: _Lexicon) -> bool:
    """Look an unknown entity up by its longest known leading or trailing words (True when found).

    'Henderson County Jail' is looked up as 'Henderson County', 'Northeast Georgia' as 'Georgia'; the
    span keeps its extent (the entity is the jail). Never for natural features ('Lake Lanier' is not
    Lanier) nor down to a stop name.
    """
    words = [
        (m.start() + span.start, m.end() + span.start) for m in _WORD.finditer(text[span.start : span.end])
    ]
    if len(words) < 2 or any(fold(text[a:b]) in lex.subspan_block for a, b in words):
        return False
    for n in range(len(words) - 1, 0, -1):
        for part in (words[:n], words[-n:]):
            surface = text[part[0][0] : part[-1][1]].rstrip(".,'’")
            if fold(surface) in lex.stop_names or len(loose_key(surface)) < 4:
                continue
            if gaz.lookup(surface) or gaz.lookup(strip_region_words(surface)):
                span.query = surface
                return True
    return False


def _looks_demonym(query: str) -> bool:
    words = query.split()
    suffixes = load_rules().get("demonym_suffixes", [])
    return len(words) == 1 and any(words[0].lower().endswith(x) for x in suffixes)


def resolve_name(
    gaz: Gazetteer, name: str, country: str | None = None, admin1: str | None = None
) -> PlaceMention | None:
    """Resolve one place name, optionally inside a country (ISO-2 or name) and admin1 (code or name)."""
    lex = lexicon()
    name = (name or "").strip()
    if not name:
        return None
    span = _Span(0, len(name), name, "ner")
    words = fold(name).split()
    if len(words) > 1 and words[-1] in lex.region_words:
        span.cue = "admin1"
        span.query = strip_region_words(name)
    cc = None
    if country:
        c = country.strip()
        if c.upper() in gaz.country_record:
            cc = c.upper()
        else:
            cc = next((gaz.cc[i] for i in gaz.lookup(c) if gaz.feature.get(i) == "country"), None)
    a1 = match_admin1(gaz, admin1, cc) if admin1 else None
    span.container = a1 or cc
    ctx: Counter[str] = Counter({cc: 1} if cc else {})
    cands = _candidates(gaz, span)
    if cc:
        inside = tuple(i for i in cands if gaz.cc[i] == cc)
        cands = inside or cands
    span.candidates = cands
    _resolve(gaz, [span], ctx, {cc} if cc else set(), Counter({a1: 1} if a1 else {}), [], {}, lex)
    if span.choice is None:
        return None
    return _to_record(gaz, span, name)
