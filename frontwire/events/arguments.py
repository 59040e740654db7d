"""Coding one candidate sentence: the governing trigger, its sub-type, actors, target, place, date,
fatalities, modality and the claim that reports it, from the dependency parse and the records the
earlier stages made (mentions, places, times, claims)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from spacy.attrs import LEMMA, LIKE_NUM, LOWER, POS
from spacy.symbols import ADJ, NOUN, PROPN, VERB

from frontwire.events.rules import EventRules, Family
from frontwire.geo.resolve import DEMONYM_EXTRACTOR
from frontwire.model import Claim, Document, Event, Mention, PlaceMention, TimeExpression, sha256_hex

EXTRACTOR = "events.rules/1"
# ACLED time precision from the time expression's precision.
TIME_PRECISION = {"day": 1, "days": 2, "week": 2, "month": 3}
# Mention types that can be actors, in order of preference when several overlap a phrase.
ACTOR_TYPES = ("ARMED_GROUP", "UNIT", "ORG", "GPE", "NORP", "PERSON")
LOWER_BOUND = {"least", "more", "over", "than", "exceeding", "above"}
UPPER_BOUND = {"up", "most", "nearly", "almost", "under", "fewer", "less"}
# Dependencies through which a clause shares its governor's subject ("continue to bombard",
# "determined to hold").
CLIMB_TO_SUBJECT = frozenset({"xcomp", "conj", "advcl", "acl", "pcomp", "pobj", "prep", "dobj", "acomp"})
STATEMENT_DEPS = frozenset({"ccomp", "parataxis", "ROOT", "relcl", "acl", "advcl"})
NEAR_PREPS = {"near", "around", "outside", "of", "towards", "toward", "close", "from"}
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    doc: Any  # the parsed spaCy Doc of the sentence
    offset: int  # document offset of its first character


def _chars(tok: Any, sentence: Sentence) -> tuple[int, int]:
    return sentence.offset + tok.idx, sentence.offset + tok.idx + len(tok.text)


def _phrase(tok: Any, sentence: Sentence) -> tuple[int, int]:
    """The noun phrase headed by ``tok``: its left modifiers, itself and compounds/flat names."""
    left = tok.left_edge
    right = tok
    for child in tok.rights:
        if child.dep_ in ("compound", "flat", "appos", "nummod", "amod") and child.i == right.i + 1:
            right = child
    return sentence.offset + left.idx, sentence.offset + right.idx + len(right.text)


def _is_root(tok: Any) -> bool:
    """Whether ``tok`` heads its sentence. By index: spaCy makes a new Token object on every access,
    so ``tok.head is tok`` is never true (a depth counted that way was always the cap)."""
    return bool(tok.head.i == tok.i)


def _depth(tok: Any) -> int:
    n = 0
    while not _is_root(tok) and n < 50:
        tok, n = tok.head, n + 1
    return n


# -- the trigger and the type --------------------------------------------------------------------


def _family_of(lemma: str, lower: str, rules: EventRules) -> Family | None:
    """The family of a token with this lemma and lower-case form (the lemma first)."""
    for key in (lemma.lower(), lower):
        name = rules.trigger_family.get(key)
        if name is not None:
            return rules.families[name]
    return None


def _names_a_place(tok: Any, places: list[tuple[int, int]], rules: EventRules) -> bool:
    """The trigger's clause names a place: a resolved place mention or a settlement/area noun."""
    head = tok if tok.pos_ == "VERB" else tok.head
    nodes = list(head.subtree)  # a verb's subtree holds its subject too ("Bakhmut fell")
    lo, hi = nodes[0].idx, nodes[-1].idx + len(nodes[-1].text)
    if any(lo <= a < hi for a, _ in places):
        return True
    return any(t.lemma_.lower() in rules.place_anaphora or t.lemma_.lower() in PLACE_NOUNS for t in nodes)


def _triggers(sent: Any, rules: EventRules, places: list[tuple[int, int]]) -> list[tuple[Any, Family]]:
    """Trigger tokens and their families; ``places`` are place-mention offsets relative to the sentence."""
    out = []
    strings = sent.vocab.strings
    # Attributes from one column array: a Token object only for the few tokens of a family.
    for i, (pos, lemma, lower) in enumerate(sent.to_array([POS, LEMMA, LOWER]).tolist()):
        if pos not in TRIGGER_POS:
            continue
        fam = _family_of(strings[lemma], strings[lower], rules)
        if fam is None:
            continue
        tok = sent[i]
        if (
            fam.needs_object
            and tok.lemma_.lower() not in fam.needs_object  # "military aid", "a package" name it
            and not any(t.lemma_.lower() in fam.needs_object for t in tok.subtree if t.i != tok.i)
        ):
            continue  # "send" a message, "provide" details: not aid
        if tok.tag_ in ("VBN", "JJ") and tok.dep_ in ("amod", "acl", "compound"):
            continue  # a state, not an event: "occupied territories", "the Russian-held city"
        if fam.needs_place and not _names_a_place(tok, places, rules):
            continue  # "regain the initiative", "taken off the frontline": no place changes hands
        out.append((tok, fam))
    return out


TRIGGER_POS = frozenset({int(VERB), int(NOUN), int(ADJ), int(PROPN)})


@dataclass(slots=True)
class Choice:
    """The governing trigger, its family and the sub-type chosen for the sentence.

    ``overruled``: the classifier called the sentence "no event"; the stage codes it only when the
    parse shows a realis event verb with a party to the conflict as its agent.
    """

    trigger: Any
    family: Family
    sub_type: str
    probability: float
    overruled: bool = False


def _choose(
    triggers: list[tuple[Any, Family]],
    moods: dict[int, tuple[str | None, bool]],
    prediction: Any,
    rules: EventRules,
) -> Choice | None:
    """The classifier's sub-type when a trigger family allows it (or it is confident); else the
    best-ranked type the governing trigger's family allows, or that family's default. ``moods``:
    each trigger's :func:`_modality`, by token index."""
    if not triggers:
        return None
    # Realis triggers first (a "would leave" clause does not govern the sentence's event), then the
    # least embedded one.
    ordered = sorted(triggers, key=lambda tf: (moods[tf[0].i][0] is not None, _depth(tf[0]), tf[0].i))
    sub = prediction.sub_event_type
    governing_tok, governing = ordered[0]
    if sub is not None and governing.plover == "AID" and sub in rules.violent and governing.default:
        # "delivered HIMARS and artillery shells": weapon words in a supply sentence are not an attack.
        return Choice(governing_tok, governing, governing.default, prediction.probability)
    if sub is not None:
        fitting = [tf for tf in ordered if sub in tf[1].sub_types]
        if fitting:
            # "agreed to strengthen the defence": the family whose own default is the sub-type wins.
            tok, fam = min(fitting, key=lambda tf: tf[1].default != sub)
            return Choice(tok, fam, sub, prediction.probability)
        if prediction.probability >= rules.thresholds["override_family"]:
            tok, fam = ordered[0]
            return Choice(tok, fam, sub, prediction.probability)
    tok, fam = ordered[0]
    if fam.default is None:
        return None
    ranked = dict(prediction.ranked)
    best = next((label for label, _ in prediction.ranked if label in fam.sub_types), fam.default)
    none_p = ranked.get("none", 0.0)
    if none_p >= rules.thresholds["none_veto"]:
        if fam.name not in rules.overrule_families or tok.lemma_.lower() in rules.weak_lemmas:
            return None
        return Choice(tok, fam, best, rules.thresholds["overruled_confidence"], overruled=True)
    return Choice(tok, fam, best, rules.thresholds["fallback_confidence"])


def _verbal(trigger: Any, rules: EventRules) -> bool:
    """An event verb, or an event noun carried by a light verb ("conducting a withdrawal")."""
    if trigger.pos_ == "VERB":
        return trigger.tag_ not in ("VBG",) or trigger.dep_ in ("ROOT", "conj", "ccomp", "relcl", "xcomp")
    return trigger.dep_ in ("dobj", "nsubjpass") and trigger.head.lemma_.lower() in rules.light_verbs


# -- modality ------------------------------------------------------------------------------------


def _clause_head(tok: Any) -> Any:
    """The verb that governs a nominal trigger ("the attack was repelled" -> repelled)."""
    while tok.pos_ != "VERB" and not _is_root(tok) and tok.dep_ not in ("ROOT",):
        tok = tok.head
    return tok


def _is_question(sent: Any) -> bool:
    """``sent.text.rstrip().endswith("?")`` from the last tokens alone (``Doc.text`` joins them all)."""
    for i in range(len(sent) - 1, -1, -1):
        text = sent[i].text.rstrip()  # its trailing space, if any, is stripped with it
        if text:
            return bool(text.endswith("?"))
    return False


def _modality(trigger: Any, question: bool, rules: EventRules) -> tuple[str | None, bool]:
    """('negated' | 'future' | 'hypothetical' | 'background' | None, hedged) of the trigger's clause;
    ``question``: the sentence is one (:func:`_is_question`, once per sentence, not per trigger)."""
    m = rules.modality
    hedged = False
    if question:
        return "hypothetical", False
    chain = [trigger]
    tok = trigger
    # The verbs above the trigger inside its own statement (xcomp, conj, nominal heads): "plans to
    # attack", "the attack would ...", "was unable to take". A reporting verb's content clause (ccomp),
    # a relative or adverbial clause starts a statement of its own and stops the climb.
    while not _is_root(tok) and tok.dep_ not in STATEMENT_DEPS and len(chain) < 8:
        tok = tok.head
        chain.append(tok)
    top = chain[-1]
    if top.dep_ in ("ccomp", "xcomp") and top.head.lemma_.lower() in m["intent_heads"]:
        return "hypothetical", False  # "does not expect Ukraine to launch", "fears Russia will attack"
    for i, t in enumerate(chain):
        kids = list(t.children)
        if any(k.lower_ in m["background_marks"] and k.dep_ in ("mark", "prep") for k in kids):
            return "background", False  # "since Russia launched its invasion"
        if any(
            k.dep_ == "neg" or (k.lower_ in m["negation_words"] and k.dep_ in ("det", "advmod")) for k in kids
        ):
            return "negated", False
        if (
            any(k.tag_ == "TO" and k.dep_ == "aux" for k in kids)
            and not _is_root(t)
            and t.head.lemma_.lower() not in m["realis_governors"]
        ):
            return "hypothetical", False  # an infinitive: "the potential to mobilise", "ordered to attack"
        if i and t.lemma_.lower() in m["intent_heads"]:
            return "hypothetical", False
        auxes = [k for k in kids if k.dep_ in ("aux", "auxpass")]
        lowers = {a.lower_ for a in auxes}
        if lowers & m["future_aux"]:
            return "future", False
        modal = lowers & m["hypothetical_aux"]
        if modal:
            # "may be conducting", "might have withdrawn": a hedged report of a real event.
            if modal <= m["epistemic_aux"] and ({"be", "have", "been"} & lowers or t.tag_ in ("VBG", "VBN")):
                hedged = True
            else:
                return "hypothetical", False
        if any(k.dep_ == "mark" and k.lower_ in m["conditional_marks"] for k in kids):
            return "hypothetical", False
        if t.dep_ in ("advcl",) and any(k.lower_ in ("to",) for k in kids):
            return "hypothetical", False  # purpose clause: "to capture the city"
        if (
            t.dep_ == "pcomp"
            and t.head.lower_ in ("from", "of")
            and t.head.head.lemma_.lower() in m["intent_heads"]
        ):
            return "hypothetical", False  # "prevent Russia from taking control"
    return None, hedged


# -- actors --------------------------------------------------------------------------------------


def _mentions_in(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if m.start < end and start < m.end]


def _actor_name(
    tok: Any, sentence: Sentence, document: Document, rules: EventRules, violent: bool
) -> tuple[str | None, tuple[int, int]]:
    """ACLED-style actor name of the phrase headed by ``tok`` (None when it names no actor)."""
    start, end = _phrase(tok, sentence)
    head = tok.lemma_.lower()
    military = head in rules.military_nouns or violent
    found = sorted(
        _mentions_in(document.mentions, start, end),
        key=lambda m: (ACTOR_TYPES.index(m.type) if m.type in ACTOR_TYPES else 99, m.start),
    )
    for m in found:
        if m.type not in ACTOR_TYPES or rules.weapon_name(m.text):
            continue  # "HARM", "HIMARS": weapons are not actors
        name = m.name or m.text
        key = name.casefold()
        if key in rules.not_actors or m.text.casefold() in rules.not_actors:
            continue
        if key in rules.groups:
            return rules.groups[key], (start, end)
        country = rules.country_of_form.get(key) or rules.country_of_form.get(m.text.casefold())
        if country is not None:
            c = rules.countries[country]
            govt = head in ("government", "authorities", "ministry", "officials", "president", "leader")
            return (c.government if govt or not military else c.military), (start, end)
        if m.type == "GPE":
            if head in rules.military_nouns:
                return f"Military Forces of {name}", (start, end)
            return (f"Military Forces of {name}" if violent else f"Government of {name}"), (start, end)
        return name, (start, end)
    if head in rules.civilian_nouns:
        return "Civilians", (start, end)
    if head in ("police", "policeman", "policemen", "officer", "officers"):
        return "Police Forces", (start, end)
    if any(t.lower_ == "country" and any(k.lower_ == "the" for k in t.children) for t in tok.subtree):
        # "the country's military leaders": the state named last before the phrase.
        for m in reversed([m for m in document.mentions if m.end <= start]):
            country = rules.country_of_form.get((m.name or m.text).casefold())
            if country is not None:
                c = rules.countries[country]
                return (c.military if military else c.government), (start, end)
    return None, (start, end)


def _subject(verb: Any) -> Any | None:
    tok = verb
    for _ in range(6):
        for k in tok.children:
            if k.dep_ in ("nsubj", "csubj"):
                if k.tag_ in ("WDT", "WP") and tok.dep_ == "relcl":
                    return tok.head  # "the military, which is conducting a withdrawal"
                return k
        if tok.dep_ in CLIMB_TO_SUBJECT and not _is_root(tok):
            tok = tok.head
            continue
        break
    return None


def _arguments(trigger: Any, named: Any) -> tuple[Any | None, Any | None, Any | None]:
    """(agent, patient, recipient) tokens of the trigger; ``named(token)`` says if a mention covers it."""
    agent = patient = recipient = None
    kids = list(trigger.children)
    before = trigger.nbor(-1) if trigger.i > 0 else None
    if (
        before is not None
        and trigger.tag_ in ("NN", "NNS", "VBG")
        and before.tag_ in ("JJ", "NNP", "NNPS", "POS")
    ):
        # "Russian shelling", "Russia's shelling" (POS: the name before it), however the parse attached it.
        named_before = before.nbor(-1) if before.tag_ == "POS" and before.i > 0 else before
        if named(named_before):
            agent = named_before
    for k in kids:
        if k.dep_ == "agent":
            agent = next((g for g in k.children if g.dep_ == "pobj"), None)
        elif k.dep_ in ("dobj", "nsubjpass", "attr") and patient is None:
            patient = k
        elif k.dep_ == "prep":
            obj = next((g for g in k.children if g.dep_ == "pobj"), None)
            if obj is None:
                continue
            if k.lower_ in ("on", "against", "at") and patient is None:
                patient = obj
            elif k.lower_ == "to" and recipient is None:
                recipient = obj
            elif k.lower_ == "by" and agent is None:
                agent = obj
            elif k.lower_ == "of" and trigger.pos_ == "NOUN" and patient is None:
                patient = obj
        elif (
            k.dep_ in ("poss", "compound", "amod")
            and trigger.pos_ == "NOUN"
            and agent is None
            and (k.pos_ == "PROPN" or k.tag_ in ("NNP", "NNPS") or named(k))
        ):
            agent = k  # "Russian shelling", "Russia's attack"
    if agent is None and trigger.pos_ == "VERB":
        agent = _subject(trigger)
    if agent is None and trigger.pos_ != "VERB":
        head = _clause_head(trigger)
        if head is not trigger:
            agent = _subject(head)
            if recipient is None:
                for k in head.children:
                    if k.dep_ == "prep" and k.lower_ == "to":
                        recipient = next((g for g in k.children if g.dep_ == "pobj"), None)
    # The recipient of a nominal aid phrase hangs off the noun's own "of" object ("delivery of X to Y").
    if recipient is None and patient is not None:
        for k in patient.children:
            if k.dep_ == "prep" and k.lower_ == "to":
                recipient = next((g for g in k.children if g.dep_ == "pobj"), None)
    return agent, patient, recipient


# -- place, date, fatalities, reporting claim ---------------------------------------------------


SPECIFICITY = {"city": 0, "town": 0, "village": 0, "admin2": 1, "admin1": 2, "region": 2, "country": 3}


def _place(
    document: Document,
    sentence: Sentence,
    trigger: Any,
    avoid: list[tuple[int, int]],
    rules: EventRules,
) -> tuple[PlaceMention | None, int | None]:
    """The most specific resolved place of the sentence (outside actor phrases), else a definite
    "the city"/"the region" resolved to the latest such place before the sentence."""
    t_start = sentence.offset + trigger.idx
    # A place inside an organisation's or person's name ("New York Times", "White House") or inside
    # the speaker of the sentence's claim is not where the event happened.
    names = [
        (m.start, m.end) for m in document.mentions
        if m.type in NON_PLACE_TYPES and sentence.start <= m.start < sentence.end
    ] + [
        (c.speaker_start, c.speaker_end) for c in document.claims
        if c.speaker_start is not None and c.speaker_end is not None
        and sentence.start <= c.speaker_start < sentence.end
    ]  # fmt: skip
    placed = [
        p for p in document.places
        if sentence.start <= p.start < sentence.end and p.lat is not None
        and not any(a <= p.start < b for a, b in avoid)
        and not any(a <= p.start and p.end <= b for a, b in names)
        and p.extractor != DEMONYM_EXTRACTOR  # "Russian troops" names an actor, not where it happened
    ]  # fmt: skip
    # The trigger's own clause first ("shelled Kyiv, while in Melitopol ..."), then the sentence.
    nodes = list(_clause_head(trigger).subtree)
    lo, hi = sentence.offset + nodes[0].idx, sentence.offset + nodes[-1].idx + len(nodes[-1].text)
    placed = [p for p in placed if lo <= p.start < hi] or placed
    best = min(
        placed, key=lambda p: (SPECIFICITY.get(p.feature or "", 1), abs(p.start - t_start)), default=None
    )
    if best is not None and best.feature in SETTLEMENT_FEATURES:
        return best, best.precision
    # "the entire city" names a town more precisely than a country or province in the same sentence.
    referred = _anaphora(document, sentence, rules)
    if referred is not None and (
        best is None or SPECIFICITY.get(referred.feature or "", 1) < SPECIFICITY.get(best.feature or "", 1)
    ):
        return referred, referred.precision
    if best is not None:
        return best, best.precision
    return None, None


SETTLEMENT_FEATURES = frozenset({"city", "town", "village"})
PLACE_NOUNS = frozenset({"territory", "position", "positions", "height", "heights", "bridgehead", "island"})
NON_PLACE_TYPES = frozenset({"ORG", "PERSON", "ARMED_GROUP", "UNIT", "WEAPON"})


def _anaphora(document: Document, sentence: Sentence, rules: EventRules) -> PlaceMention | None:
    """A definite "the city" / "the region" resolved to the latest such place before the sentence."""
    doc = sentence.doc
    strings = doc.vocab.strings
    for i, (pos, lemma) in enumerate(doc.to_array([POS, LEMMA]).tolist()):
        kind = rules.place_anaphora.get(strings[lemma].lower())
        if kind is None or pos != NOUN:
            continue
        if not any(k.lower_ in ("the", "this", "that") for k in doc[i].children):
            continue
        before = [
            p for p in document.places
            if p.end <= sentence.start and p.lat is not None
            and ((p.feature in ("city", "town", "village")) == (kind == "settlement"))
            and p.feature != "country"
        ]  # fmt: skip
        if before:
            return before[-1]
    return None


def _date(document: Document, sentence: Sentence, trigger: Any) -> tuple[str | None, int | None, bool]:
    """(interval, ACLED precision, from_published) for the event."""
    t_start = sentence.offset + trigger.idx
    dated = [
        t for t in document.times
        if sentence.start <= t.start < sentence.end and t.type in ("DATE", "TIME") and t.value
        and "/" in t.value and (t.precision in TIME_PRECISION or t.type == "TIME")
    ]  # fmt: skip
    if dated:
        t = min(dated, key=lambda t: abs(t.start - t_start))
        return _interval(t), TIME_PRECISION.get(t.precision or "", 1), False
    published = (document.article.published or "")[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        return f"{published}/{published}", 2, True
    return None, None, False


def _tense_of_date(interval: str, published: str | None, rules: EventRules) -> str | None:
    """'background' for an event dated well before publication, 'future' for one after it."""
    pub = (published or "")[:10]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", pub):
        return None
    start, _, end = interval.partition("/")
    day = date.fromisoformat(pub)
    try:
        if date.fromisoformat(end[:10]) < day - timedelta(days=int(rules.thresholds["background_days"])):
            return "background"
        if date.fromisoformat(start[:10]) > day + timedelta(days=1):
            return "future"
    except ValueError:
        return None
    return None


def _interval(t: TimeExpression) -> str:
    start, _, end = (t.value or "").partition("/")
    return f"{start[:10]}/{end[:10]}"


def _number(tok: Any, number_words: dict[str, int]) -> int | None:
    word = tok.lower_.replace(",", "")
    if word.isdigit():
        return int(word) if len(word) <= 7 else None
    return number_words.get(word)


def _fatalities(
    sentence: Sentence, rules: EventRules, times: list[tuple[int, int]]
) -> dict[str, int | None] | None:
    """Deaths the sentence states as a number ("killing at least 12", "the death toll rose to 20")."""
    doc = sentence.doc
    for i, like_num in enumerate(doc.to_array(LIKE_NUM).tolist()):
        if not like_num:
            continue
        tok = doc[i]
        s = sentence.offset + tok.idx
        if any(a <= s < b for a, b in times):
            continue  # a date or a time, not a count
        n = _number(tok, rules.number_words)
        if n is None:
            continue
        path = [tok.head, tok.head.head, tok.head.head.head]
        words = {t.lemma_.lower() for t in path} | {t.lower_ for t in path}
        if tok.head.lower_ == "to":  # "rose to 20"
            words |= {k.lemma_.lower() for k in tok.head.head.children}
        words |= {k.lower_ for k in tok.head.head.children if k.dep_ in ("oprd", "acomp", "xcomp", "ccomp")}
        if not words & rules.fatality_words or (
            words & rules.injury_words and tok.head.lemma_.lower() in rules.injury_words
        ):
            continue
        mods = {k.lower_ for k in tok.children} | {tok.nbor(-1).lower_ if tok.i > 0 else ""}
        mods |= {tok.nbor(-2).lower_ if tok.i > 1 else ""}
        low = high = None
        if mods & LOWER_BOUND:
            low = n
        elif mods & UPPER_BOUND:
            high = n
        return {"low": low, "best": n, "high": high}
    return None


def _reporting_claim(document: Document, position: int) -> Claim | None:
    inside = [c for c in document.claims if c.start <= position < c.end]
    return min(inside, key=lambda c: c.end - c.start) if inside else None


# -- the event -----------------------------------------------------------------------------------


def _territory(sub: str, agent_name: str | None, place: PlaceMention | None, rules: EventRules) -> str:
    """ACLED: a government regaining its own territory vs a non-state or foreign force taking it."""
    if sub not in ("Government regains territory", "Non-state actor overtakes territory") or not agent_name:
        return sub
    if place is None or place.country is None:
        return sub
    own = {c.name for c in rules.countries.values() if agent_name in (c.military, c.government)}
    country_of_place = {"UA": "Ukraine", "RU": "Russia", "BY": "Belarus", "SY": "Syria", "IL": "Israel"}.get(
        place.country
    )
    if not own:
        return "Non-state actor overtakes territory"
    return (
        "Government regains territory" if country_of_place in own else "Non-state actor overtakes territory"
    )


def code_sentence(document: Document, sentence: Sentence, prediction: Any, rules: EventRules) -> Event | None:
    sent = sentence.doc
    in_sentence = [
        (p.start - sentence.offset, p.end - sentence.offset)
        for p in document.places
        if sentence.start <= p.start < sentence.end and p.lat is not None
    ]
    triggers = _triggers(sent, rules, in_sentence)
    question = _is_question(sent) if triggers else False
    moods = {tok.i: _modality(tok, question, rules) for tok, _ in triggers}
    chosen = _choose(triggers, moods, prediction, rules)
    if chosen is None:
        return None
    trigger, family, sub, probability = chosen.trigger, chosen.family, chosen.sub_type, chosen.probability
    violent = sub in rules.violent
    modality, hedged = moods[trigger.i]
    if chosen.overruled and (modality is not None or not _verbal(trigger, rules)):
        return None  # overruling "no event" takes a realis event verb (and, below, a party and a place)

    def named(tok: Any) -> bool:
        a, b = _chars(tok, sentence)
        return any(m.type in ACTOR_TYPES for m in _mentions_in(document.mentions, a, b))

    agent, patient, recipient = _arguments(trigger, named)
    if patient is not None and patient.pos_ not in ("NOUN", "PROPN", "PRON"):
        patient = None
    avoid: list[tuple[int, int]] = []
    actor1 = actor2 = target = None
    trigger_start, trigger_end = _chars(trigger, sentence)
    claim = _reporting_claim(document, trigger_start)
    if agent is not None:
        actor1, span = _actor_name(agent, sentence, document, rules, violent)
        avoid.append(span)
        if actor1 is None and agent.tag_ == "PRP" and agent.lower_ in ("i", "we", "he", "she") and claim:
            actor1 = claim.speaker_name  # "he and his commanders had agreed ...", said by Zelenskyy
    for tok in (patient, recipient):
        if tok is None:
            continue
        name, span = _actor_name(tok, sentence, document, rules, violent)
        if (
            name is not None
            and name != actor1
            and actor2 is None
            and not _is_place_only(tok, sentence, document, rules)
        ):
            actor2 = name
            avoid.append(span)
        elif target is None:
            a, b = _phrase(tok, sentence)
            target = _SPACES.sub(" ", document.text[a:b]).strip()[:80] or None
    # Parties named around the trigger ("Canada joined France in announcing ...") are actors, not places.
    tok = trigger
    while not _is_root(tok) and tok.dep_ not in STATEMENT_DEPS:
        tok = tok.head
        avoid += [_phrase(k, sentence) for k in tok.children if k.dep_ in ("nsubj", "dobj", "nsubjpass")]
    if chosen.overruled and not _state_or_group(actor1, rules):
        return None
    place, precision = _place(document, sentence, trigger, avoid, rules)
    if chosen.overruled and place is None and family.name not in rules.overrule_without_place:
        return None
    if family.plover == "AID" and recipient is not None:
        # Aid happens where it is delivered: the recipient's place, when it is one.
        a, b = _phrase(recipient, sentence)
        there = [p for p in document.places if a <= p.start < b and p.lat is not None]
        if there:
            place, precision = there[0], there[0].precision
    sub = _territory(sub, actor1, place, rules)
    times = [(t.start, t.end) for t in document.times]
    date, time_precision, from_published = _date(document, sentence, trigger)
    if modality is None and date is not None and not from_published:
        modality = _tense_of_date(date, document.article.published, rules)
    if chosen.overruled and modality is not None:
        return None
    stance = claim.stance if claim is not None else ("hedged" if hedged else None)
    plover, mode = rules.plover_of.get(sub, (None, None))
    if family.plover and (plover is None or not violent):
        plover = family.plover
    if plover is None:
        plover, mode = prediction.plover_type, prediction.plover_mode
    if (
        modality in ("future", "hypothetical")
        and violent
        and trigger.head.lemma_.lower() in ("threaten", "warn", "vow")
    ):
        plover, mode = "THREATEN", None
    confidence = probability * (0.5 if modality else 1.0) * (0.9 if from_published else 1.0)
    evidence = document.text[sentence.start : sentence.end]
    return Event(
        id=sha256_hex(f"{document.id}|{sentence.start}|{sentence.end}|{trigger_start}|{sub}")[:16],
        event_type=rules.event_type_of[sub],
        sub_event_type=sub,
        plover_type=plover,
        plover_mode=mode,
        actor1=actor1,
        actor2=actor2,
        target=target,
        place=place.name if place else None,
        place_id=place.place_id if place else None,
        country=place.country if place else None,
        admin1=place.admin1 if place else None,
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        geo_precision=precision,
        date=date,
        time_precision=time_precision,
        date_from_published=from_published,
        fatalities=_fatalities(sentence, rules, times) if violent else None,
        reported_by=claim.id if claim is not None else None,
        stance=stance,
        evidence=evidence,
        start=sentence.start,
        end=sentence.end,
        trigger=document.text[trigger_start:trigger_end],
        modality=modality,
        extractor=EXTRACTOR,
        confidence=round(min(0.95, confidence), 2),
    )


def _state_or_group(actor: str | None, rules: EventRules) -> bool:
    """A state's forces or government, or a known armed group: an agent that can overrule "no event"."""
    return actor is not None and (actor in rules.parties or actor.startswith(STATE_PREFIXES))


STATE_PREFIXES = ("Government of ", "Military Forces of ", "Police Forces")


def _is_place_only(tok: Any, sentence: Sentence, document: Document, rules: EventRules) -> bool:
    """A patient that is a place ("shelled Kharkiv") is the target and the place, not an actor."""
    start, end = _phrase(tok, sentence)
    ms = _mentions_in(document.mentions, start, end)
    places = all(m.type in ("GPE", "LOC", "PLACE", "FAC") for m in ms)
    states = any((m.name or m.text).casefold() in rules.country_of_form for m in ms)
    return bool(ms) and places and not states and tok.lemma_.lower() not in rules.military_nouns
