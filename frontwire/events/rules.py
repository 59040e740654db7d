"""The events stage's tables, loaded once per process: trigger families, modality words, actor names,
ACLED types and the ACLED -> PLOVER map (all under ``frontwire/data/events/``)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Any

from frontwire.errors import InputError

DATA = "frontwire.data"


@dataclass(frozen=True, slots=True)
class Family:
    """Trigger words that evoke one kind of event, the ACLED sub-types they are compatible with,
    and what to code when the classifier is unsure between event types (``default``)."""

    name: str
    lemmas: frozenset[str]
    sub_types: tuple[str, ...]
    default: str | None
    plover: str | None = None
    needs_object: frozenset[str] = frozenset()
    needs_place: bool = False


@dataclass(frozen=True, slots=True)
class Country:
    """A state: its ACLED-style military and government actor names and the words that name it."""

    name: str
    military: str
    government: str
    forms: frozenset[str]


@dataclass(slots=True)
class EventRules:
    families: dict[str, Family]
    trigger_family: dict[str, str]  # lower-case word or lemma -> family name (first family listed wins)
    event_type_of: dict[str, str]  # ACLED sub-type -> event type
    violent: frozenset[str]  # violent ACLED sub-types
    plover_of: dict[str, tuple[str | None, str | None]]  # ACLED sub-type -> (PLOVER type, mode)
    modality: dict[str, frozenset[str]]
    fatality_words: frozenset[str]
    injury_words: frozenset[str]
    military_nouns: frozenset[str]
    civilian_nouns: frozenset[str]
    place_anaphora: dict[str, str]
    countries: dict[str, Country]
    country_of_form: dict[str, str]  # case-folded form -> country name
    capitals_as_actor_only: frozenset[str]
    groups: dict[str, str]  # case-folded canonical name -> ACLED actor name
    not_actors: frozenset[str]
    thresholds: dict[str, float]
    number_words: dict[str, int]
    light_verbs: frozenset[str]
    overrule_families: frozenset[str]
    weak_lemmas: frozenset[str]  # never overrule 'no event'
    overrule_without_place: frozenset[str]  # families whose overruled events need no place
    parties: frozenset[str]  # actor names of states and armed groups
    weapon_patterns: tuple[re.Pattern[str], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def weapon_name(self, text: str) -> bool:
        """The words name a weapon system (weapons.csv), never an actor."""
        return any(p.search(text) for p in self.weapon_patterns)


def _read(name: str) -> str:
    try:
        return (importlib_resources.files(DATA) / "events" / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"events data file missing: frontwire/data/events/{name}") from exc


def load_rules() -> EventRules:
    raw = json.loads(_read("rules.json"))
    families: dict[str, Family] = {}
    trigger_family: dict[str, str] = {}
    for name, f in raw["families"].items():
        fam = Family(
            name=name,
            lemmas=frozenset(w.lower() for w in f["lemmas"]),
            sub_types=tuple(f["sub_types"]),
            default=f.get("default"),
            plover=f.get("plover"),
            needs_object=frozenset(f.get("needs_object", ())),
            needs_place=bool(f.get("needs_place", False)),
        )
        families[name] = fam
        for w in fam.lemmas:
            trigger_family.setdefault(w, name)
    types = list(csv.DictReader(_read("acled_types.csv").splitlines()))
    event_type_of = {r["sub_event_type"]: r["event_type"] for r in types}
    for fam in families.values():
        unknown = [s for s in (*fam.sub_types, fam.default) if s is not None and s not in event_type_of]
        if unknown:
            raise InputError(f"events rules: family {fam.name} names unknown ACLED sub-types {unknown}")
    plover_of = {
        r["sub_event_type"]: (r["plover_type"] or None, r["plover_mode"] or None)
        for r in csv.DictReader(_read("plover_map.csv").splitlines())
    }
    countries = {
        name: Country(name, c["military"], c["government"], frozenset(c["forms"]))
        for name, c in raw["countries"].items()
    }
    return EventRules(
        families=families,
        trigger_family=trigger_family,
        event_type_of=event_type_of,
        violent=frozenset(r["sub_event_type"] for r in types if r["violent"] == "1"),
        plover_of=plover_of,
        modality={k: frozenset(v) for k, v in raw["modality"].items()},
        fatality_words=frozenset(raw["fatality_words"]),
        injury_words=frozenset(raw["injury_words"]),
        military_nouns=frozenset(raw["military_nouns"]),
        civilian_nouns=frozenset(raw["civilian_nouns"]),
        place_anaphora=dict(raw["place_anaphora"]),
        countries=countries,
        country_of_form={f.casefold(): c.name for c in countries.values() for f in c.forms},
        capitals_as_actor_only=frozenset(raw["capitals_as_actor_only"]),
        groups={k.casefold(): v for k, v in raw["groups"].items()},
        not_actors=frozenset(n.casefold() for n in raw["not_actors"]),
        thresholds=dict(raw["thresholds"]),
        weapon_patterns=tuple(
            re.compile(r["pattern"], re.I) for r in csv.DictReader(_read("weapons.csv").splitlines())
        ),
        number_words={k: int(v) for k, v in raw["number_words"].items()},
        light_verbs=frozenset(raw["light_verbs"]),
        overrule_families=frozenset(raw["overrule_families"]),
        weak_lemmas=frozenset(raw["weak_lemmas"]),
        overrule_without_place=frozenset(raw["overrule_without_place"]),
        parties=frozenset(
            [n for c in countries.values() for n in (c.military, c.government)] + list(raw["groups"].values())
        ),
    )
