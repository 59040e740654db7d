"""Disambiguation from document evidence, region cues, precision, unresolved names; seed page (slow)."""

from __future__ import annotations

import re

import pytest

from frontwire.config import Settings
from frontwire.geo import load_gazetteer
from frontwire.geo.resolve import extract
from frontwire.model import Article, Document, Mention
from tests.conftest import EXAMPLES

SEED = EXAMPLES / "19fortyfive-bakhmut.txt"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(Settings())


def _doc(text: str, places: list[str], kind: str = "GPE") -> Document:
    """A Document whose place mentions are every occurrence of the given names (no spaCy needed)."""
    mentions = []
    for name in places:
        for m in re.finditer(re.escape(name), text):
            mentions.append(
                Mention(text=name, start=m.start(), end=m.end(), name=name, type=kind, entity_id=name)
            )
    mentions.sort(key=lambda m: m.start)
    return Document(article=Article(id="t", source="test", text=text), mentions=mentions)


def _by_text(places, text):
    return [p for p in places if p.text == text]


def test_resolve_us_state_context_picks_georgia_the_state(gaz):
    doc = _doc(
        "Storms hit Atlanta and Savannah on Monday; Georgia officials closed schools.",
        ["Atlanta", "Savannah", "Georgia"],
    )
    georgia = _by_text(extract(doc, gaz), "Georgia")[0]
    assert georgia.country == "US" and georgia.feature == "admin1"


def test_resolve_caucasus_context_picks_georgia_the_country(gaz):
    doc = _doc(
        "Protesters gathered in Tbilisi as Georgia and Armenia held talks.", ["Tbilisi", "Georgia", "Armenia"]
    )
    georgia = _by_text(extract(doc, gaz), "Georgia")[0]
    assert georgia.country == "GE" and georgia.feature == "country"


def test_resolve_explicit_container_picks_paris_texas(gaz):
    doc = _doc("A tornado damaged homes in Paris, Texas, late on Sunday.", ["Paris", "Texas"])
    paris = _by_text(extract(doc, gaz), "Paris")[0]
    assert paris.country == "US" and paris.admin1 == "Texas"
    assert abs(paris.lat - 33.66) < 0.2


def test_resolve_paris_alone_is_the_capital(gaz):
    doc = _doc("Leaders met in Paris to discuss the summit.", ["Paris"])
    paris = extract(doc, gaz)[0]
    assert paris.country == "FR" and paris.precision == 1


def test_resolve_donetsk_city_of_bakhmut_reads_donetsk_as_the_oblast(gaz):
    doc = _doc(
        "Troops held the Donetsk city of Bakhmut while the Donetsk Governor spoke.", ["Donetsk", "Bakhmut"]
    )
    places = extract(doc, gaz)
    donetsk = _by_text(places, "Donetsk")
    assert len(donetsk) == 2 and all(p.feature == "admin1" and p.precision == 3 for p in donetsk)
    bakhmut = _by_text(places, "Bakhmut")[0]
    assert bakhmut.place_id == "geonames:713174" and bakhmut.admin1 == "Donetsk"


def test_resolve_region_word_extends_the_span(gaz):
    text = "Shelling continued in the Kharkiv region overnight, while Kharkiv itself was quiet."
    doc = _doc(text, ["Kharkiv"])
    places = extract(doc, gaz)
    region = [p for p in places if p.feature == "admin1"]
    city = [p for p in places if p.feature == "city"]
    assert region and region[0].text == "Kharkiv region" and region[0].precision == 3
    assert text[region[0].start : region[0].end] == "Kharkiv region"
    assert city and city[0].text == "Kharkiv" and city[0].precision == 1


def test_resolve_near_gives_precision_two(gaz):
    doc = _doc("Fighting raged near Soledar and in Bakhmut.", ["Soledar", "Bakhmut"])
    places = {p.text: p for p in extract(doc, gaz)}
    assert places["Soledar"].precision == 2
    assert places["Bakhmut"].precision == 1


def test_resolve_co_mentioned_places_pull_ambiguous_names_together(gaz):
    # Several Andriivkas exist; next to Klishchiivka and Bakhmut it is the village south of Bakhmut.
    doc = _doc(
        "Ukrainian units advanced from Klishchiivka towards Andriivka, south of Bakhmut.",
        ["Klishchiivka", "Andriivka", "Bakhmut"],
    )
    andriivka = _by_text(extract(doc, gaz), "Andriivka")[0]
    assert andriivka.admin1 == "Donetsk" and abs(andriivka.lat - 48.5) < 0.1


def test_resolve_unknown_name_is_kept_without_coordinates(gaz):
    doc = _doc("Reports came from Qwxzzyplonk late on Friday.", ["Qwxzzyplonk"])
    (place,) = extract(doc, gaz)
    assert place.lat is None and place.lon is None and place.place_id is None
    assert place.confidence < 0.5


def test_resolve_offsets_select_the_text(gaz):
    text = "The Donetsk region and Kyiv's suburbs were struck."
    doc = _doc(text, ["The Donetsk region", "Kyiv's"])
    for p in extract(doc, gaz):
        assert text[p.start : p.end] == p.text
    assert {p.text for p in extract(doc, gaz)} == {"Donetsk region", "Kyiv"}


@pytest.mark.slow
def test_resolve_seed_page_end_to_end():
    if not SEED.is_file():
        pytest.skip("seed example not available")
    from frontwire import geo, nlp
    from frontwire.resources import Resources

    r = Resources()
    doc = nlp.annotate(
        Article(id="seed", source="seed", text=SEED.read_text(encoding="utf-8"), published="2023-03-07"), r
    )
    places = geo.extract(doc, r)
    by_text: dict[str, list] = {}
    for p in places:
        by_text.setdefault(p.text, []).append(p)
    bakhmut = by_text["Bakhmut"]
    assert all(abs(p.lat - 48.59) < 0.02 and abs(p.lon - 38.00) < 0.02 for p in bakhmut)
    assert all(p.country == "UA" and p.admin1 == "Donetsk" for p in bakhmut)
    assert all(p.feature == "admin1" for p in by_text["Donetsk"])  # "Donetsk city of", "Donetsk Governor"
    for name, cc in (("Canada", "CA"), ("France", "FR"), ("Russia", "RU"), ("Ukraine", "UA")):
        assert all(p.country == cc and p.feature == "country" for p in by_text[name])
    assert all(p.place_id == "geonames:5128581" and p.country == "US" for p in by_text["New York"])
    # A demonym names its country, at country precision, under its own extractor (issue 11).
    assert by_text["Ukrainian"]
    for p in by_text["Ukrainian"]:
        assert (p.country, p.feature, p.precision, p.extractor) == ("UA", "country", 3, "geo.demonym/1")
    # A person's name gives no place record.
    people = [(m.start, m.end) for m in doc.mentions if m.type == "PERSON"]
    assert not [p for p in places if any(a <= p.start and p.end <= b for a, b in people)]


def test_resolve_county_cue_picks_the_county_in_the_named_state(gaz):
    doc = _doc(
        "Deputies from Henderson County arrested a man in Athens, Texas, on Monday.",
        ["Henderson County", "Athens", "Texas"],
    )
    places = extract(doc, gaz)
    county = _by_text(places, "Henderson County")[0]
    assert county.feature == "admin2" and county.country == "US" and county.admin1 == "Texas"
    assert _by_text(places, "Athens")[0].admin1 == "Texas"


def test_resolve_unknown_facility_is_looked_up_by_its_place_part(gaz):
    text = "He was booked into the Henderson County Jail in Athens, Texas."
    doc = _doc(text, ["Henderson County Jail", "Athens", "Texas"])
    jail = _by_text(extract(doc, gaz), "Henderson County Jail")[0]
    # The mention keeps its extent; its point is the county's.
    assert (jail.start, jail.end) == (text.index("Henderson"), text.index(" in Athens"))
    assert jail.feature == "admin2" and jail.admin1 == "Texas"


def test_resolve_natural_feature_is_not_narrowed_to_a_town(gaz):
    doc = _doc("Boats crowded Lake Zorbington near Gainesville, Georgia.", ["Lake Zorbington", "Gainesville"])
    lake = _by_text(extract(doc, gaz), "Lake Zorbington")[0]
    assert lake.name is None and lake.lat is None


def test_resolve_parish_container_names_the_state(gaz):
    doc = _doc("The council of Mansfield, De Soto Parish, met on Monday.", ["Mansfield"])
    mansfield = _by_text(extract(doc, gaz), "Mansfield")[0]
    assert mansfield.country == "US" and mansfield.admin1 == "Louisiana"


def test_resolve_bare_name_follows_the_county_named_earlier(gaz):
    doc = _doc(
        "Walton County deputies said the crash happened in Walton on Friday.", ["Walton County", "Walton"]
    )
    places = extract(doc, gaz)
    county = _by_text(places, "Walton County")[0]
    bare = _by_text(places, "Walton")[0]
    assert county.feature == "admin2" and bare.place_id == county.place_id


def test_resolve_repeated_name_keeps_the_support_of_other_places(gaz):
    # Each 'Madison County' must not cancel the Kentucky evidence that Louisville and Kentucky give.
    doc = _doc(
        "Louisville, Kentucky: four Madison County teams reached the final, and Madison County won. "
        "Kentucky schools will compete again in Louisville.",
        ["Louisville", "Kentucky", "Madison County"],
    )
    counties = _by_text(extract(doc, gaz), "Madison County")
    assert counties and all(c.admin1 == "Kentucky" and c.feature == "admin2" for c in counties)


def test_resolve_world_city_beats_a_small_namesake_in_regional_context(gaz):
    doc = _doc(
        "Shelling hit Bakhmut, Ukraine, again. The author is a journalist based in New York who "
        "covers the U.S.",
        ["Bakhmut", "Ukraine", "New York", "U.S."],
    )
    ny = _by_text(extract(doc, gaz), "New York")[0]
    assert ny.country == "US" and ny.admin1 == "New York"
