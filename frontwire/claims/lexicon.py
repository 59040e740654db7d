"""The cue lexicon of the claims stage, read once from ``frontwire/data/claim_cues.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from frontwire.errors import ResourceError

CUE_FILE = "claim_cues.json"
STANCES = frozenset({"asserted", "hedged", "denied"})


@dataclass(frozen=True, slots=True)
class VerbCue:
    """One cue verb: its stance class, kind and the syntactic slots its content may fill."""

    lemma: str
    stance: str
    kind: str
    object: bool = False  # a direct object can be the content ("denied the report")
    xcomp: bool = False  # an infinitive can be the content ("vowed to retake")
    addressee: bool = False  # the direct object is the person addressed ("told Reuters")
    quote_only: bool = False  # a cue only when its content is a direct quote ("continued")
    particle: str | None = None  # required particle ("point out")
    preps: tuple[str, ...] = ()  # prepositions whose object is the content ("called for X")
    needs_source: bool = False  # a cue only with an explicit source (a belief needs a holder)
    in_quote: bool = True  # a cue inside a direct quotation too ("I think" in a quote is not)
    # prepositions whose phrase extends an object content ("described X as Y", "blamed X for Y")
    complement_preps: tuple[str, ...] = ()
    learned: bool = False  # added from claim_cues_learned.json (frontwire.claims.train), not listed by hand


@dataclass(frozen=True, slots=True)
class PhraseCue:
    """A multi-word or adverbial cue ("according to", "reportedly")."""

    tokens: tuple[str, ...]
    stance: str
    kind: str
    source: str  # 'object' (the NP after the phrase) | 'none'


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the claims stage reads from its data file."""

    verbs: dict[str, VerbCue]
    phrases: tuple[PhraseCue, ...]
    hedge_markers: tuple[tuple[str, ...], ...]
    negation: dict[str, str]
    pronouns: dict[str, str]
    person_pronouns: frozenset[str]
    group_heads: frozenset[str]
    description_heads: dict[str, str]
    negation_by_kind: dict[str, str] = field(default_factory=dict)
    cue_deps: frozenset[str] = frozenset()
    cue_adverbs: frozenset[str] = frozenset()
    announce_openers: frozenset[str] = frozenset()
    announce_skip_subjects: frozenset[str] = frozenset()
    realising_heads: frozenset[str] = frozenset()

    def stance_of(self, stance: str, negated: bool, kind: str | None = None) -> str:
        """The stance after negation of the cue (policy documented in the data file)."""
        if not negated:
            return stance
        if kind is not None and kind in self.negation_by_kind:
            return self.negation_by_kind[kind]
        return self.negation.get(stance, stance)


def _check_stance(value: Any, where: str) -> str:
    if value not in STANCES:
        raise ResourceError(f"{CUE_FILE}: {where} has stance {value!r}, expected one of {sorted(STANCES)}")
    return str(value)


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    """Validate the JSON structure and build a :class:`Lexicon` (ResourceError when malformed)."""
    try:
        verbs = {
            lemma.lower(): VerbCue(
                lemma=lemma.lower(),
                stance=_check_stance(spec["stance"], f"verb {lemma!r}"),
                kind=str(spec["kind"]),
                object=bool(spec.get("object", False)),
                xcomp=bool(spec.get("xcomp", False)),
                addressee=bool(spec.get("addressee", False)),
                quote_only=bool(spec.get("quote_only", False)),
                particle=spec.get("particle"),
                preps=tuple(str(p).lower() for p in spec.get("preps", ())),
                needs_source=bool(spec.get("needs_source", False)),
                in_quote=bool(spec.get("in_quote", True)),
                complement_preps=tuple(str(p).lower() for p in spec.get("complement_preps", ())),
            )
            for lemma, spec in data["verbs"].items()
        }
        phrases = tuple(
            PhraseCue(
                tokens=tuple(t.lower() for t in p["tokens"]),
                stance=_check_stance(p["stance"], f"phrase {p['tokens']!r}"),
                kind=str(p["kind"]),
                source=str(p.get("source", "object")),
            )
            for p in data["phrases"]
        )
        negation = {k: _check_stance(v, f"negation of {k!r}") for k, v in data["negation"].items()}
        by_kind = {
            k: _check_stance(v, f"negation of kind {k!r}")
            for k, v in data.get("negation_by_kind", {}).items()
        }
        modifiers = data.get("cue_modifiers", {})
        announce = data.get("announcement", {})
        return Lexicon(
            verbs=verbs,
            phrases=phrases,
            hedge_markers=tuple(tuple(w.lower() for w in m) for m in data["hedge_markers"]),
            negation=negation,
            pronouns={k.lower(): str(v) for k, v in data["pronouns"].items()},
            person_pronouns=frozenset(p.lower() for p in data["person_pronouns"]),
            group_heads=frozenset(g.lower() for g in data["group_heads"]),
            description_heads={k.lower(): str(v) for k, v in data["description_heads"].items()},
            negation_by_kind=by_kind,
            cue_deps=frozenset(str(d) for d in modifiers.get("deps", ())),
            cue_adverbs=frozenset(str(a).lower() for a in modifiers.get("adverbs", ())),
            announce_openers=frozenset(str(c) for c in announce.get("openers", ())),
            announce_skip_subjects=frozenset(str(w).lower() for w in announce.get("skip_subjects", ())),
            realising_heads=frozenset(str(w).lower() for w in data.get("realising_heads", ())),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResourceError(f"{CUE_FILE} is malformed: {type(exc).__name__}: {exc}") from exc


LEARNED_FILE = "claim_cues_learned.json"


def learned_verbs(data: dict[str, Any], known: set[str]) -> dict[str, VerbCue]:
    """Cue verbs learned from PolNeAR train (``frontwire.claims.train``) that the hand lexicon lacks.

    A lemma is kept when it headed at least ``min_cue`` gold cues and at least ``min_precision`` of
    its verb occurrences were cues. It is an asserted speech act whose content sits in the slots the
    training data put it in (its direct object only when the lemma is a cue at least
    ``min_object_precision`` of the time: "launched an attack", "signed a law" report actions in war
    news, not statements), and it always needs a speaker (a name, a person pronoun or a person or
    group noun as subject: see ``rules.verb_claims``).
    """
    th = data.get("thresholds", {})
    min_cue, min_precision = int(th.get("min_cue", 1 << 30)), float(th.get("min_precision", 1.0))
    exclude = frozenset(str(w) for w in data.get("exclude", ()))
    min_object = float(th.get("min_object_precision", 1.0))
    out: dict[str, VerbCue] = {}
    for lemma, st in data.get("verbs", {}).items():
        n, total = int(st["cue"]), max(int(st["verb"]), 1)
        if lemma in known or lemma in exclude or n < min_cue or n / total < min_precision:
            continue
        slots: dict[str, int] = st.get("slots", {})
        least = max(2, 0.2 * n)
        # a preposition that held the content in at least a tenth of the cues ("focus on", "see X as")
        preps = tuple(
            sorted({k[5:] for k, v in slots.items() if k.startswith("prep:") and v >= max(2, 0.1 * n)})
        )
        out[lemma] = VerbCue(
            lemma=lemma, stance="asserted", kind="speech_act", preps=preps,
            object=slots.get("dobj", 0) >= least and n / total >= min_object,
            xcomp=slots.get("xcomp", 0) >= least,
            needs_source=True, learned=True,
        )  # fmt: skip
    return out


def _read_learned() -> dict[str, Any]:
    source = importlib_resources.files("frontwire") / "data" / LEARNED_FILE
    if not source.is_file():
        return {}
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"learned cues {source} are not valid JSON: {exc}") from exc
    return data if isinstance(data, dict) else {}


def load_lexicon(path: Path | None = None, learned: bool = True) -> Lexicon:
    """Read and validate the cue lexicon (the bundled file unless ``path`` is given), with the cue
    verbs learned from PolNeAR train added (bundled lexicon only, unless ``learned`` is False)."""
    if path is None and learned:
        lex = load_lexicon(None, learned=False)
        extra = learned_verbs(_read_learned(), set(lex.verbs))
        return replace(lex, verbs={**lex.verbs, **extra}) if extra else lex
    source = path if path is not None else importlib_resources.files("frontwire") / "data" / CUE_FILE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ResourceError(f"cue lexicon {source} is missing") from exc
    except json.JSONDecodeError as exc:
        raise ResourceError(f"cue lexicon {source} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ResourceError(f"cue lexicon {source} must hold a JSON object")
    return parse_lexicon(data)
