"""Issue 11: non-places, people's names, natural features and demonyms (no spaCy needed)."""

from __future__ import annotations

import re

import pytest

from frontwire.config import Settings
from frontwire.geo import load_gazetteer
from frontwire.geo.resolve import DEMONYM_EXTRACTOR, extract
from frontwire.model import Article, Document, Mention


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(Settings())


def _doc(text: str, typed: list[tuple[str, str]]) -> Document:
    mentions = [
        Mention(text=name, start=m.start(), end=m.end(), name=name, type=kind, entity_id=name)
        for name, kind in typed
        for m in re.finditer(re.escape(name), text)
    ]
    mentions.sort(key=lambda m: m.start)
    return Document(article=Article(id="t", source="test", text=text), mentions=mentions)


def test_known_non_places_are_never_placed(gaz):
    text = "The West and NATO met at the White House while the State Department watched Kyiv."
    doc = _doc(text, [("the West", "LOC"), ("NATO", "GPE"), ("White House", "FAC"), ("Kyiv", "GPE")])
    placed = {p.text for p in extract(doc, gaz)}
    assert placed == {"Kyiv"}


def test_a_persons_surname_is_no_town(gaz):
    text = "Ursula von der Leyen spoke in Kyiv. Leyen said aid would come."
    doc = _doc(text, [("Ursula von der Leyen", "PERSON"), ("Leyen", "GPE"), ("Kyiv", "GPE")])
    places = extract(doc, gaz)
    assert [p.text for p in places] == ["Kyiv"]


def test_seas_and_rivers_are_placed_from_the_features_table(gaz):
    text = "Ships in the Black Sea and troops on the Dnieper River near Kherson."
    doc = _doc(text, [("Black Sea", "LOC"), ("Dnieper River", "LOC"), ("Kherson", "GPE")])
    by = {p.text: p for p in extract(doc, gaz)}
    assert by["Black Sea"].feature == "sea" and by["Black Sea"].precision == 3
    assert abs(by["Black Sea"].lat - 43.0) < 2 and abs(by["Black Sea"].lon - 35.0) < 3
    assert by["Dnieper River"].feature == "river" and by["Dnieper River"].country == "UA"


def test_a_natural_feature_beats_a_small_namesake(gaz):
    doc = _doc("A storm crossed the Atlantic.", [("Atlantic", "LOC")])
    (p,) = extract(doc, gaz)
    assert p.feature == "ocean"


def test_demonyms_name_their_country_at_country_precision(gaz):
    text = "Russian troops and Ukrainians fought; pro-Russian officials and Turkish mediators met."
    doc = _doc(text, [("Russian", "NORP"), ("Ukrainians", "NORP"), ("Turkish", "NORP")])
    by = {p.text: p for p in extract(doc, gaz)}
    assert by["Russian"].country == "RU" and by["Ukrainians"].country == "UA"
    assert by["Turkish"].country == "TR"
    for p in by.values():
        assert (p.feature, p.precision, p.extractor) == ("country", 3, DEMONYM_EXTRACTOR)
        assert p.confidence < 0.7
    assert text[by["Russian"].start : by["Russian"].end] == "Russian"


def test_a_group_name_that_is_no_demonym_is_not_placed(gaz):
    doc = _doc("Western and Sunni leaders met.", [("Western", "NORP"), ("Sunni", "NORP")])
    assert extract(doc, gaz) == []


def test_abbreviation_names_the_country_not_a_village(gaz):
    text = "The US warned Moscow; France and Paris agreed. The US sent aid."
    doc = _doc(text, [("US", "GPE"), ("Moscow", "GPE"), ("France", "GPE"), ("Paris", "GPE")])
    assert {p.country for p in extract(doc, gaz) if p.text == "US"} == {"US"}


def test_a_name_after_a_surname_particle_is_a_person(gaz):
    doc = _doc("Ursula von der Leyen said Leyen would visit Kyiv.", [("Leyen", "GPE"), ("Kyiv", "GPE")])
    assert [p.text for p in extract(doc, gaz)] == ["Kyiv"]
