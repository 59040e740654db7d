"""Tests of canonical entities: names, merging, types and roles (fake docs, and the real pipeline)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from frontwire.model import entity_id
from frontwire.nlp.canonical import canonicalise, clean_name, load_lexicon

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "ARMED_GROUP", "WEAPON", "UNIT"})


@pytest.fixture(scope="module")
def vocab():  # type: ignore[no-untyped-def]
    return spacy.blank("en").vocab


def _doc(vocab, words: list[str], ents: list[tuple[int, int, str, str]]) -> Doc:  # type: ignore[no-untyped-def]
    """A Doc with hand-set entities (start token, end token, label, ruler id or '')."""
    spaces = [i + 1 < len(words) and words[i + 1] not in {",", ".", "’s", "'s"} for i in range(len(words))]
    doc = Doc(vocab, words=words, spaces=spaces)
    doc.ents = [Span(doc, s, e, label=lab, span_id=pid) for s, e, lab, pid in ents]
    return doc


def test_canonical_clean_name_strips_articles_and_possessives() -> None:
    assert clean_name("the Wagner Group") == "Wagner Group"
    assert clean_name("Prigozhin’s") == "Prigozhin"
    assert clean_name("Zelenskyy's") == "Zelenskyy"
    assert clean_name("U.K.") == "U.K."


def test_canonical_surname_links_to_full_name_with_title_role(vocab) -> None:  # type: ignore[no-untyped-def]
    words = [
        "Donetsk",
        "Governor",
        "Pavlo",
        "Kyrylenko",
        "spoke",
        ".",
        "Kyrylenko",
        "’s",
        "aides",
        "left",
        ".",
    ]
    doc = _doc(vocab, words, [(0, 1, "GPE", "Donetsk"), (2, 4, "PERSON", ""), (6, 7, "ORG", "")])
    entities, mentions = canonicalise(doc, load_lexicon(), LABELS)
    people = [m for m in mentions if m.type == "PERSON"]
    assert [(m.text, m.name) for m in people] == [
        ("Pavlo Kyrylenko", "Pavlo Kyrylenko"),
        ("Kyrylenko", "Pavlo Kyrylenko"),
    ]
    assert people[0].role == "Donetsk Governor"
    assert people[1].entity_id == entity_id("PERSON", "Pavlo Kyrylenko")
    assert len([e for e in entities if e.type == "PERSON"]) == 1


def test_canonical_title_inside_spacy_span_becomes_role(vocab) -> None:  # type: ignore[no-untyped-def]
    words = ["Ukrainian", "President", "Volodomyr", "Zelenskyy", "agreed", "."]
    doc = _doc(vocab, words, [(0, 1, "NORP", ""), (1, 4, "PERSON", "")])
    _, mentions = canonicalise(doc, load_lexicon(), LABELS)
    person = next(m for m in mentions if m.type == "PERSON")
    assert person.text == "Volodomyr Zelenskyy"
    assert doc.text[person.start : person.end] == person.text
    assert person.name == "Volodymyr Zelenskyy"  # alias table spelling
    assert person.role == "Ukrainian President"
    assert person.extractor == "nlp.spacy/1"


def test_canonical_alias_table_fixes_type(vocab) -> None:  # type: ignore[no-untyped-def]
    words = ["Prigozhin", "met", "Prigozhin", "’s", "men", "."]
    doc = _doc(vocab, words, [(0, 1, "ORG", ""), (2, 3, "GPE", "")])
    entities, mentions = canonicalise(doc, load_lexicon(), LABELS)
    assert {(m.name, m.type) for m in mentions} == {("Yevgeny Prigozhin", "PERSON")}
    assert len(entities) == 1


def test_canonical_fuzzy_merges_near_spellings(vocab) -> None:  # type: ignore[no-untyped-def]
    words = ["Oleksandr", "Kovalenkko", "and", "Oleksandr", "Kovalenko", "met", "Zelenskky", "."]
    doc = _doc(vocab, words, [(0, 2, "PERSON", ""), (3, 5, "PERSON", ""), (6, 7, "PERSON", "")])
    entities, mentions = canonicalise(doc, load_lexicon(), LABELS)
    assert mentions[0].entity_id == mentions[1].entity_id
    assert mentions[2].name == "Volodymyr Zelenskyy"
    assert len(entities) == 2


def test_canonical_majority_vote_without_alias(vocab) -> None:  # type: ignore[no-untyped-def]
    words = ["Ukraine", "and", "Ukraine", "’s", "army", "and", "Ukraine", "."]
    doc = _doc(vocab, words, [(0, 1, "GPE", ""), (2, 4, "ORG", ""), (6, 7, "GPE", "")])
    entities, mentions = canonicalise(doc, load_lexicon(), LABELS)
    assert [(m.text, m.type) for m in mentions] == [
        ("Ukraine", "GPE"),
        ("Ukraine’s", "GPE"),
        ("Ukraine", "GPE"),
    ]
    assert mentions[1].confidence < mentions[0].confidence  # retyped by the vote
    assert [e.name for e in entities] == ["Ukraine"]


def test_canonical_right_apposition_role(vocab) -> None:  # type: ignore[no-untyped-def]
    words = [
        "Ivan",
        "Petrenko",
        ",",
        "the",
        "head",
        "of",
        "the",
        "regional",
        "council",
        ",",
        "said",
        "so",
        ".",
    ]
    doc = _doc(vocab, words, [(0, 2, "PERSON", "")])
    _, mentions = canonicalise(doc, load_lexicon(), LABELS)
    assert mentions[0].role == "head of the regional council"
    words = ["Ivan", "Petrenko", ",", "Olha", "Shevchuk", "and", "others", "came", "."]
    doc = _doc(vocab, words, [(0, 2, "PERSON", ""), (3, 5, "PERSON", "")])
    _, mentions = canonicalise(doc, load_lexicon(), LABELS)
    assert mentions[0].role is None


def test_canonical_ruler_hits_score_higher(vocab) -> None:  # type: ignore[no-untyped-def]
    words = ["Wagner", "fighters", "and", "Ivan", "Petrenko", "."]
    doc = _doc(vocab, words, [(0, 1, "ARMED_GROUP", "Wagner Group"), (3, 5, "PERSON", "")])
    _, mentions = canonicalise(doc, load_lexicon(), LABELS)
    assert mentions[0].name == "Wagner Group" and mentions[0].extractor == "nlp.ruler/1"
    assert mentions[0].confidence > mentions[1].confidence


@pytest.mark.slow
def test_canonical_seed_example(seed_text: str, resources) -> None:  # type: ignore[no-untyped-def]
    # The raw seed page (boilerplate included), so the "MORE:" teaser with T-90M is still there.
    from frontwire import nlp
    from frontwire.model import Article

    text = seed_text
    doc = nlp.annotate(Article(id="seed", source="seed", text=text, published="2023-03-07"), resources)
    for m in doc.mentions:
        assert text[m.start : m.end] == m.text
    by_text: dict[str, list] = {}
    for m in doc.mentions:
        by_text.setdefault(m.text, []).append(m)
    assert text.count("Bakhmut") == 8
    assert len(by_text["Bakhmut"]) == 8 and {m.type for m in by_text["Bakhmut"]} == {"GPE"}
    assert {m.type for m in by_text["Donetsk"]} == {"GPE"}
    prig = [m for m in doc.mentions if "Prigozhin" in m.text]
    assert len(prig) == text.count("Prigozhin")
    assert {(m.name, m.type) for m in prig} == {("Yevgeny Prigozhin", "PERSON")}
    assert next(m for m in prig if m.text == "Yevgeny Prigozhin").role.startswith(
        "head of the Russian paramilitary"
    )
    kyr = by_text["Kyrylenko"] + by_text["Pavlo Kyrylenko"]
    assert {m.name for m in kyr} == {"Pavlo Kyrylenko"}
    assert by_text["Pavlo Kyrylenko"][0].role == "Donetsk Governor"
    zel = by_text["Volodomyr Zelenskyy"][0]
    assert (zel.name, zel.type, zel.role) == ("Volodymyr Zelenskyy", "PERSON", "Ukrainian President")
    assert {m.type for m in by_text["Wagner Group"]} == {"ARMED_GROUP"}
    assert by_text["Institute for the Study of War"][0].type == "ORG"
    assert by_text["M777"][0].type == "WEAPON"
    assert by_text["T-90M"][0].type == "WEAPON"


@pytest.mark.slow
def test_canonical_misspelt_first_name_joins_the_known_surname(resources) -> None:  # type: ignore[no-untyped-def]
    from frontwire import nlp
    from frontwire.model import Article

    text = "Russian President Vladamir Putin spoke. On Monday Putin spoke again."
    doc = nlp.annotate(Article(id="x", source="t", text=text), resources)
    people = [(m.text, m.name, m.role) for m in doc.mentions if m.type == "PERSON"]
    # The misspelt first name is part of the mention (so the role before it is found), and the
    # bare surname later is the same entity; "Monday" is not taken for a first name.
    assert people == [
        ("Vladamir Putin", "Vladimir Putin", "Russian President"),
        ("Putin", "Vladimir Putin", None),
    ]


@pytest.mark.slow
def test_canonical_other_first_name_is_another_person(resources) -> None:  # type: ignore[no-untyped-def]
    from frontwire import nlp
    from frontwire.model import Article

    text = "Ivanka Trump said she would attend. President Trump spoke later."
    doc = nlp.annotate(Article(id="x", source="t", text=text), resources)
    people = [(m.text, m.name, m.role) for m in doc.mentions if m.type == "PERSON"]
    # A known surname after another first name is not the known person; a title before it is a role.
    assert people == [("Ivanka Trump", "Ivanka Trump", None), ("Trump", "Donald Trump", "President")]
