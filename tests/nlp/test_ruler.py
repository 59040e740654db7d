"""Tests of the conflict EntityRuler: its data file and what it finds in hand-written sentences."""

from __future__ import annotations

import json
from importlib import resources as importlib_resources

import pytest

from frontwire.nlp.ruler import TEXT_ID, load_patterns

LABELS = {"GPE", "LOC", "FAC", "ORG", "ARMED_GROUP", "UNIT", "WEAPON", "PERSON"}


def _string_patterns() -> dict[str, tuple[str, str]]:
    return {p["pattern"]: (p["label"], p["id"]) for p in load_patterns() if isinstance(p["pattern"], str)}


def test_ruler_patterns_have_known_labels_and_ids() -> None:
    patterns = load_patterns()
    assert len(patterns) > 1000
    for p in patterns:
        assert p["label"] in LABELS
        assert p["id"], p


def test_ruler_patterns_cover_transliteration_variants() -> None:
    strings = _string_patterns()
    for form, canonical in [
        ("Artemivsk", "Bakhmut"),
        ("Artyomovsk", "Bakhmut"),
        ("Kiev", "Kyiv"),
        ("Kharkov", "Kharkiv"),
        ("Zaporozhye", "Zaporizhzhia"),
        ("Nikolaev", "Mykolaiv"),
        ("Ugledar", "Vuhledar"),
        ("Donetsk region", "Donetsk Oblast"),
        ("Kherson oblast", "Kherson Oblast"),
        ("Khan Yunis", "Khan Younis"),
    ]:
        assert strings[form] == ("GPE", canonical), form


def test_ruler_patterns_skip_english_words_from_geonames() -> None:
    # GeoNames has Ukrainian towns called "Bar" and "Chop"; in English text they are ordinary words.
    strings = _string_patterns()
    assert "Bar" not in strings
    assert "Chop" not in strings


def test_ruler_alias_file_types_match_patterns() -> None:
    path = importlib_resources.files("frontwire") / "data" / "entity_aliases.json"
    entities = json.loads(path.read_text(encoding="utf-8"))["entities"]
    strings = _string_patterns()
    for canonical, entry in entities.items():
        if canonical in entry.get("needs_noun", []):
            continue
        label, pid = strings[canonical]
        assert label == entry["type"] and pid == canonical, canonical


@pytest.fixture(scope="module")
def nlp(resources):  # type: ignore[no-untyped-def]
    return resources.nlp


def _ents(nlp, text: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with nlp.select_pipes(disable=["parser"]):
        doc = nlp(text)
    return [(e.text, e.label_, e.ent_id_) for e in doc.ents]


@pytest.mark.slow
def test_ruler_finds_front_line_places(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _ents(nlp, "Fighting continued near Avdiivka, Klishchiivka and Artemivsk in the Donetsk region.")
    assert ("Avdiivka", "GPE", "Avdiivka") in ents
    assert ("Klishchiivka", "GPE", "Klishchiivka") in ents
    assert ("Artemivsk", "GPE", "Bakhmut") in ents
    assert ("Donetsk region", "GPE", "Donetsk Oblast") in ents


@pytest.mark.slow
def test_ruler_finds_units_by_shape(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The 93rd Mechanized Brigade, the 3rd Separate Assault Brigade and the 1st Guards Tank Army fought."
    )
    labels = {(t, lab) for t, lab, _ in _ents(nlp, text)}
    assert ("93rd Mechanized Brigade", "UNIT") in labels
    assert ("3rd Separate Assault Brigade", "UNIT") in labels
    assert ("1st Guards Tank Army", "UNIT") in labels
    lower = {(t, lab) for t, lab, _ in _ents(nlp, "Soldiers of the 72nd brigade held the line.")}
    assert ("72nd brigade", "UNIT") in lower
    assert all(pid == TEXT_ID for _, lab, pid in _ents(nlp, text) if lab == "UNIT")


@pytest.mark.slow
def test_ruler_weapons_need_context_when_ambiguous(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _ents(nlp, "Russia fired Shahed drones and a Kinzhal; a T-90M tank was hit by HIMARS.")
    found = {(t, pid) for t, lab, pid in ents if lab == "WEAPON"}
    assert {
        ("Shahed", "Shahed-136"),
        ("Kinzhal", "Kinzhal"),
        ("T-90M", "T-90M"),
        ("HIMARS", "HIMARS"),
    } <= found
    with_noun = _ents(nlp, "Germany sent two Patriot air defense systems.")
    assert ("Patriot air defense systems", "WEAPON", "Patriot") in with_noun
    # A "patriot" without a weapon noun is not a weapon.
    assert not [e for e in _ents(nlp, "He called himself a Patriot Party member.") if e[1] == "WEAPON"]


@pytest.mark.slow
def test_ruler_types_people_and_groups(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _ents(nlp, "Prigozhin said Wagner fighters and Hezbollah were not linked, the Kremlin said.")
    assert ("Prigozhin", "PERSON", "Yevgeny Prigozhin") in ents
    assert ("Wagner", "ARMED_GROUP", "Wagner Group") in ents
    assert ("Hezbollah", "ARMED_GROUP", "Hezbollah") in ents
    assert ("Kremlin", "ORG", "Kremlin") in ents


@pytest.mark.slow
def test_ruler_keeps_place_named_institutions_whole(nlp) -> None:  # type: ignore[no-untyped-def]
    ents = _ents(nlp, "The Kharkiv Regional Military Administration reported the strike.")
    assert ("Kharkiv Regional Military Administration", "ORG", TEXT_ID) in ents


_MATCHER_TEXTS = [
    "The 93rd Separate Mechanized Brigade and the Third Assault Brigade held; the 47th Brigade fell back.",
    "The Donetsk Oblast Military Administration and the Kyiv City Council of Kyiv Oblast met.",
    "Taurus cruise missiles, Patriot air defense systems and a Stinger anti-aircraft missile arrived.",
    "Brigade",  # an anchor word at the very start and end of a Doc
    "The Polish Ministry of Foreign Affairs said so. Nothing else was said.",
    "A text without any anchor word at all.",
]


@pytest.mark.slow
def test_ruler_anchored_matcher_finds_the_matchers_own_matches_in_order(nlp) -> None:  # type: ignore[no-untyped-def]
    from frontwire.nlp.ruler import AnchoredMatcher

    ruler = nlp.get_pipe("frontwire_ruler")
    assert isinstance(ruler.matcher, AnchoredMatcher) and ruler.matcher.plans
    with nlp.select_pipes(enable=[]):
        docs = [nlp(t) for t in _MATCHER_TEXTS]
    for doc in docs:
        assert ruler.matcher(doc) == ruler.matcher.matcher(doc), doc.text
    # The windows are small: most of a Doc is never matched token by token.
    assert ruler.matcher.windows(docs[-1]) == []
    assert sum(e - s for s, e in ruler.matcher.windows(docs[1])) < len(docs[1])


@pytest.mark.slow
def test_ruler_anchored_matcher_scans_whole_docs_for_unbounded_or_new_patterns(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.matcher import Matcher

    from frontwire.nlp.ruler import AnchoredMatcher

    unbounded = {"X": [[{"IS_TITLE": True, "OP": "+"}, {"ORTH": "Brigade"}]]}
    assert AnchoredMatcher(Matcher(nlp.vocab), unbounded, nlp.vocab).plans is None
    no_word = {"X": [[{"IS_DIGIT": True}, {"IS_TITLE": True}]]}
    assert AnchoredMatcher(Matcher(nlp.vocab), no_word, nlp.vocab).plans is None
    bounded = {"X": [[{"IS_TITLE": True, "OP": "{1,2}"}, {"ORTH": "Council"}]]}
    matcher = Matcher(nlp.vocab)
    matcher.add("X", bounded["X"])
    anchored = AnchoredMatcher(matcher, bounded, nlp.vocab)
    doc = nlp.make_doc("The Kyiv City Council met. Then the Council of Europe.")
    # "Council" at tokens 3 and 8, with up to two title words before it.
    assert anchored.windows(doc) == [(1, 4), (6, 9)]
    assert anchored(doc) == matcher(doc)
    anchored.add("Y", [[{"LOWER": "met"}]])  # a pattern added later has no window plan
    assert anchored.plans is None
    assert anchored(doc) == matcher(doc)
