"""Claims that contradict each other (frontwire.link.contradictions).

Unit tests build small Documents by hand (no spaCy); the tests marked slow run the real pipeline
on the bundled example page and on the Zaporizhzhia statements of both sides.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from frontwire.link.contradictions import (
    ClaimFacts,
    claim_facts,
    compare,
    contradiction_id,
    find_contradictions,
    load_rules,
    side_of,
)
from frontwire.model import Article, Claim, Document, Event, PlaceMention, sha256_hex

RULES = load_rules()
BIG = RULES.unbounded

# Gazetteer-like ids for the test places (their values do not matter, only their equality).
PLACES = {
    "Soledar": ("geonames:694423", "city"),
    "Bakhmut": ("geonames:713174", "city"),
    "Kramatorsk": ("geonames:704508", "city"),
    "Vuhledar": ("geonames:689558", "town"),
    "Kyiv": ("geonames:703448", "city"),
    "Nikopol": ("geonames:700051", "city"),
    "Zaporizhzhia nuclear power plant": ("frontwire:zaporizhzhia-nuclear-power-plant", "facility"),
    "Ukraine": ("geonames:690791", "country"),
}


def make_doc(
    doc_id: str,
    published: str,
    text: str,
    claims: list[tuple[str | None, str, str]],
    url: str | None = None,
    events: list[Event] | None = None,
) -> Document:
    """A Document whose claims are (speaker, content, stance), found in ``text``, and whose places
    are every name of PLACES that occurs in it."""
    art = Article(id=doc_id, source=doc_id, text=text, published=published, url=url)
    doc = Document(article=art)
    for name, (pid, feature) in PLACES.items():
        pos = text.find(name)
        while pos >= 0:
            doc.places.append(
                PlaceMention(name, pos, pos + len(name), name, pid, None, None, 1.0, 1.0, feature=feature)
            )
            pos = text.find(name, pos + 1)
    doc.places.sort(key=lambda p: p.start)
    for i, (speaker, content, stance) in enumerate(claims, 1):
        start = text.index(content)
        s_start = text.index(speaker) if speaker else None
        doc.claims.append(
            Claim(
                id=f"c{i}",
                speaker=speaker,
                speaker_start=s_start,
                speaker_end=None if s_start is None or speaker is None else s_start + len(speaker),
                speaker_name=speaker,
                speaker_entity_id=None,
                cue="said",
                cue_start=0,
                cue_end=0,
                direct=False,
                stance=stance,
                content=content,
                start=start,
                end=start + len(content),
            )
        )
    doc.events = events or []
    return doc


def one(doc_id: str, published: str, speaker: str, content: str, stance: str = "asserted") -> ClaimFacts:
    """The facts of a one-sentence document '<speaker> said <content>.'."""
    text = f"{speaker} said {content}."
    [facts] = claim_facts(make_doc(doc_id, published, text, [(speaker, content, stance)]), RULES)
    return facts


# ---------------------------------------------------------------------------------------------
# sides


@pytest.mark.parametrize(
    ("speaker", "side"),
    [
        ("the Kremlin", "RU"),
        ("Russia's defence ministry", "RU"),
        ("Dmitry Peskov", "RU"),
        ("Wagner chief Yevgeny Prigozhin", "RU"),
        ("Ukrainian officials", "UA"),
        ("Donetsk Governor Pavlo Kyrylenko", "UA"),
        ("the General Staff of the Armed Forces of Ukraine", "UA"),
        ("Russian envoy to the UN Vassily Nebenzia", "RU"),  # the earliest side word decides
    ],
)
def test_side_of_party_speakers(speaker: str, side: str) -> None:
    assert side_of(speaker, RULES) == (True, side)


@pytest.mark.parametrize(
    "speaker", ["the Institute for the Study of War", "UN Secretary-General", "U.S. officials"]
)
def test_side_of_neutral_speakers(speaker: str) -> None:
    assert side_of(speaker, RULES) == (True, None)


def test_side_of_unknown_speaker() -> None:
    assert side_of("a local resident", RULES) == (False, None)
    assert RULES.is_party("the Kremlin") and not RULES.is_party("the Institute for the Study of War")


# ---------------------------------------------------------------------------------------------
# facts of one claim


def test_facts_control_holds_and_capture() -> None:
    holds = one("d1", "2023-01-10", "Ukrainian officials", "Ukrainian forces still hold Soledar")
    assert (holds.side, holds.control, holds.control_side) == ("UA", "holds", "UA")
    assert holds.places == (PLACES["Soledar"][0],) and holds.place_names == ("Soledar",)
    assert holds.date == "2023-01-10"
    captured = one("d2", "2023-01-12", "Russia's defence ministry", "Russian forces captured Soledar")
    # Russia captured it: the side that lost it is Ukraine.
    assert (captured.side, captured.control, captured.control_side) == ("RU", "lost", "UA")
    passive = one("d3", "2023-01-12", "a local official", "Soledar was captured by Wagner fighters")
    assert (passive.control, passive.control_side) == ("lost", "UA")


def test_facts_withdrawal_side_and_negation() -> None:
    withdrew = one("d1", "2023-03-07", "analysts", "Ukrainian forces are withdrawing from Bakhmut")
    assert (withdrew.side, withdrew.control, withdrew.control_side) == (None, "lost", "UA")
    # Preventing a capture is no capture; a future withdrawal is no withdrawal; a denial states nothing.
    prevented = one(
        "d2", "2023-03-07", "Ukrainian officials", "they will prevent Russia from taking control of Bakhmut"
    )
    assert prevented.control is None
    maybe = one("d3", "2023-03-07", "analysts", "Ukrainian forces could withdraw from Bakhmut")
    assert maybe.control is None
    denied = one("d4", "2023-03-07", "the Kremlin", "Russian troops withdrew from Bakhmut", stance="denied")
    assert denied.control is None and denied.blames is None


def test_facts_holds_needs_a_side() -> None:
    # "hold talks" is no holding, and nobody's forces are named in a neutral speaker's claim.
    talks = one("d1", "2023-03-07", "UN officials", "the parties will hold talks in Kyiv")
    assert talks.control is None


def test_facts_place_from_anaphor_and_event() -> None:
    text = "Fighting went on in Bakhmut. Ukrainian officials said their troops hold the city."
    doc = make_doc(
        "d1", "2023-03-07", text, [("Ukrainian officials", "their troops hold the city", "asserted")]
    )
    [facts] = claim_facts(doc, RULES)
    assert facts.places == (PLACES["Bakhmut"][0],)
    # No place in the content, nor an anaphor: the event the claim reports gives it.
    text = "Ukrainian officials said the defenders hold their positions."
    event = Event(
        id="e1", event_type="Battles", sub_event_type="Armed clash", plover_type=None, plover_mode=None,
        actor1="Military Forces of Ukraine (2019-)", actor2=None, target=None, place="Soledar",
        place_id=PLACES["Soledar"][0], country="UA", admin1=None, lat=None, lon=None, geo_precision=1,
        date=None, time_precision=None, date_from_published=True, fatalities=None, reported_by="c1",
        stance="asserted", evidence=text, start=0, end=len(text),
    )  # fmt: skip
    doc = make_doc(
        "d2", "2023-03-07", text, [("Ukrainian officials", "the defenders hold their positions", "asserted")],
        events=[event],
    )  # fmt: skip
    [facts] = claim_facts(doc, RULES)
    assert facts.places == (PLACES["Soledar"][0],) and facts.event_ids == ("e1",)
    assert (facts.control, facts.control_side) == ("holds", "UA")


@pytest.mark.parametrize(
    ("content", "counts"),
    [
        ("at least 12 civilians were killed in Kramatorsk", (("killed", 12, BIG),)),
        ("between 5 and 10 soldiers were wounded", (("wounded", 5, 10),)),
        ("Russian bombs killed 47 people in Kramatorsk", (("killed", 47, 47),)),
        ("up to 30 drones were shot down over Kyiv", (("drones destroyed", 0, 30),)),
        ("Russia launched 35 drones at Kyiv", (("drones launched", 35, 35),)),
        ("in 2022 three people died", (("killed", 3, 3),)),
        ("about 100 tanks were destroyed", (("tanks destroyed", 85, 115),)),
        ("2,500 troops arrived", ()),
    ],
)
def test_facts_counts(content: str, counts: tuple[tuple[str, int, int], ...]) -> None:
    assert one("d1", "2023-03-07", "officials", content).counts == counts


def test_facts_blame() -> None:
    accused = one(
        "d1",
        "2022-08-06",
        "Russia's defence ministry",
        "Ukraine shelled the Zaporizhzhia nuclear power plant",
    )
    assert accused.blames == "UA" and "attack" in accused.blamed_for
    accuse_verb = one(
        "d2",
        "2022-08-06",
        "Ukraine's energy ministry",
        "it accused Russia of shelling the Zaporizhzhia nuclear power plant",
    )
    assert accuse_verb.blames == "RU"
    by_agent = one(
        "d3", "2022-08-06", "the Kremlin", "provocations carried out by Ukrainian saboteurs near Nikopol"
    )
    assert by_agent.blames == "UA" and by_agent.blamed_for[0] == "provocation"
    # "attempts to blame X" rejects the blame; a victim in the passive is not the attacker.
    rejected = one(
        "d4",
        "2022-08-06",
        "the Kremlin",
        "attempts to blame the Russian military for the fire at Nikopol are lies",
    )
    assert rejected.blames is None
    victims = one("d5", "2022-08-06", "Ukrainian officials", "200 Russian soldiers were killed near Nikopol")
    assert victims.blames is None and victims.counts == (("killed", 200, 200),)


def test_facts_json_round_trip() -> None:
    facts = one("d1", "2023-03-07", "officials", "at least 12 civilians were killed in Kramatorsk")
    stored = json.loads(json.dumps(asdict(facts)))
    assert ClaimFacts.from_json(stored) == facts
    assert ClaimFacts.from_json(facts.to_json()) == facts


def test_voice_of_a_party_channel() -> None:
    text = "Russian troops attacked the Zaporizhzhia nuclear power plant. We thank our partners."
    doc = make_doc("d1", "2022-03-04", text, [], url="https://www.president.gov.ua/en/news/x")
    [facts] = claim_facts(doc, RULES)
    assert facts.claim_id == "voice:0" and facts.side == "UA" and facts.blames == "RU"
    assert facts.content == "Russian troops attacked the Zaporizhzhia nuclear power plant."
    # The same sentence in an ordinary outlet is the outlet's reporting, not a party's claim.
    assert claim_facts(make_doc("d2", "2022-03-04", text, [], url="https://example.com/a"), RULES) == []


# ---------------------------------------------------------------------------------------------
# pairs


def test_control_contradiction() -> None:
    holds = one("d1", "2023-01-10", "Ukrainian officials", "Ukrainian forces still hold Soledar")
    captured = one("d2", "2023-01-12", "Russia's defence ministry", "Russian forces captured Soledar")
    [c] = find_contradictions([captured], [holds], RULES)
    assert c.kind == "control" and c.place == "Soledar"
    assert (c.a.doc_id, c.b.doc_id) == ("d1", "d2")  # a is the earlier claim
    assert c.a.speaker == "Ukrainian officials" and c.b.stance == "asserted"
    assert c.explanation == (
        "Ukrainian officials say Ukraine's forces hold Soledar (2023-01-10); "
        "Russia's defence ministry says Ukraine has lost Soledar (2023-01-12)."
    )
    keys = sorted(["d1:c1", "d2:c1"])
    assert (
        c.id
        == sha256_hex(f"{keys[0]}|{keys[1]}|control")[:16]
        == contradiction_id(holds, captured, "control")
    )


def test_control_withdrawal_explanation() -> None:
    holds = one("d1", "2023-03-06", "Ukrainian officials", "Ukrainian forces will hold Bakhmut")
    withdrew = one(
        "d2",
        "2023-03-07",
        "the Institute for the Study of War",
        "Ukrainian forces are withdrawing from Bakhmut",
    )
    [c] = find_contradictions([holds, withdrew], [], RULES)
    assert c.explanation == (
        "Ukrainian officials say Ukraine's forces hold Bakhmut (2023-03-06); the Institute for the Study"
        " of War reports a withdrawal of Ukraine's forces from Bakhmut (2023-03-07)."
    )


def test_control_not_contradictions() -> None:
    holds = one("d1", "2023-01-10", "Ukrainian officials", "Ukrainian forces still hold Soledar")
    # The same side twice.
    assert (
        compare(
            holds, one("d2", "2023-01-11", "Ukraine's General Staff", "Ukrainian troops hold Soledar"), RULES
        )
        == []
    )
    # Russia holding it and Ukraine withdrawing from it agree.
    ru_holds = one("d3", "2023-01-11", "the Kremlin", "Russian forces hold Soledar")
    ua_left = one("d4", "2023-01-11", "analysts", "Ukrainian forces withdrew from Soledar")
    assert compare(ru_holds, ua_left, RULES) == []
    # Another place.
    assert (
        compare(holds, one("d5", "2023-01-12", "the Kremlin", "Russian forces captured Bakhmut"), RULES) == []
    )
    # Too far apart in time: the town changed hands.
    assert (
        compare(holds, one("d6", "2023-03-01", "the Kremlin", "Russian forces captured Soledar"), RULES) == []
    )
    # A source updating its own account.
    assert (
        compare(
            holds,
            one("d7", "2023-01-12", "Ukrainian officials", "Ukrainian forces withdrew from Soledar"),
            RULES,
        )
        == []
    )


def test_casualty_counts() -> None:
    low = one("d1", "2023-04-08", "the city council", "12 people were killed in Kramatorsk")
    high = one(
        "d2",
        "2023-04-08",
        "the Institute for the Study of War",
        "at least 40 people were killed in Kramatorsk",
    )
    [c] = find_contradictions([low, high], [], RULES)
    assert c.kind == "casualties" and c.place == "Kramatorsk"
    assert c.explanation == (
        "The city council says 12 killed in Kramatorsk (2023-04-08); "
        "the Institute for the Study of War says at least 40 killed (2023-04-08)."
    )
    ranged = one("d3", "2023-04-08", "police", "between 5 and 10 people were killed in Kramatorsk")
    assert [x.kind for x in compare(ranged, low, RULES)] == ["casualties"]  # 5-10 against 12


def test_counts_not_contradictions() -> None:
    at_least = one("d1", "2023-04-08", "the city council", "at least 12 people were killed in Kramatorsk")
    forty = one("d2", "2023-04-08", "police", "40 people were killed in Kramatorsk")
    assert compare(at_least, forty, RULES) == []  # "at least 12" admits 40
    ranged = one("d3", "2023-04-08", "medics", "between 5 and 10 people were killed in Kramatorsk")
    eight = one("d4", "2023-04-08", "rescuers", "8 people were killed in Kramatorsk")
    assert compare(ranged, eight, RULES) == []
    wounded = one("d5", "2023-04-08", "doctors", "40 people were wounded in Kramatorsk")
    assert compare(eight, wounded, RULES) == []  # killed and wounded are different counts
    elsewhere = one("d6", "2023-04-08", "officials", "40 people were killed in Kyiv")
    assert compare(eight, elsewhere, RULES) == []
    later = one("d7", "2023-04-20", "officials", "40 people were killed in Kramatorsk")
    assert compare(eight, later, RULES) == []


def test_equipment_counts() -> None:
    ua = one(
        "d1", "2023-02-10", "Ukraine's General Staff", "Ukrainian units destroyed 20 tanks near Vuhledar"
    )
    ru = one("d2", "2023-02-10", "the Kremlin", "only 3 tanks were destroyed near Vuhledar")
    [c] = find_contradictions([ua], [ru], RULES)
    assert c.kind == "equipment" and c.place == "Vuhledar"
    # Drones launched and drones shot down are different numbers.
    launched = one("d3", "2023-02-10", "the Kremlin", "Russian forces launched 35 drones at Kyiv")
    downed = one("d4", "2023-02-10", "Ukraine's air force", "20 drones were shot down over Kyiv")
    assert compare(launched, downed, RULES) == []


def test_responsibility() -> None:
    ua = one(
        "d1",
        "2022-08-06",
        "Ukraine's energy ministry",
        "Russian forces shelled the Zaporizhzhia nuclear power plant",
    )
    ru = one(
        "d2",
        "2022-08-07",
        "Russia's defence ministry",
        "it accused Ukraine of shelling the Zaporizhzhia nuclear power plant",
    )
    [c] = find_contradictions([ru], [ua], RULES)
    assert c.kind == "responsibility" and c.place == "Zaporizhzhia nuclear power plant"
    assert "blames Russia" in c.explanation and "blames Ukraine" in c.explanation
    # Both blame the same side: no disagreement.
    analyst = one(
        "d3", "2022-08-07", "the IAEA", "Russian forces shelled the Zaporizhzhia nuclear power plant"
    )
    assert compare(ua, analyst, RULES) == []


def test_denial() -> None:
    asserted = one("d1", "2022-08-10", "Ukrainian officials", "Russian forces shelled Nikopol")
    denied = one("d2", "2022-08-11", "the Kremlin", "Russian forces shelled Nikopol", stance="denied")
    [c] = find_contradictions([denied], [asserted], RULES)
    assert c.kind == "denial" and c.place == "Nikopol"
    assert c.explanation == (
        "Ukrainian officials report an attack at Nikopol (2022-08-10); "
        "the Kremlin denies an attack at Nikopol (2022-08-11)."
    )
    # A hedged and an asserted report of the same thing agree.
    hedged = one("d3", "2022-08-11", "analysts", "Russian forces probably shelled Nikopol", stance="hedged")
    assert compare(asserted, hedged, RULES) == []
    # A denial of something else at the same place.
    other = one("d4", "2022-08-11", "the Kremlin", "Russian forces captured Nikopol", stance="denied")
    assert compare(asserted, other, RULES) == []


def test_find_contradictions_pairs_once_and_never_self() -> None:
    holds = one("d1", "2023-01-10", "Ukrainian officials", "Ukrainian forces still hold Soledar")
    captured = one("d2", "2023-01-12", "Russia's defence ministry", "Russian forces captured Soledar")
    # The store may hand back the new claims among the candidates: still one record per pair and kind.
    found = find_contradictions([holds, captured], [holds, captured, holds], RULES)
    assert len(found) == 1
    assert find_contradictions([holds], [holds], RULES) == []
    assert (
        find_contradictions([], [holds, captured], RULES) == []
    )  # candidates are not compared among themselves


# ---------------------------------------------------------------------------------------------
# real text


def _process(text: str, published: str, resources: object, url: str | None = None) -> Document:
    from frontwire.model import RawItem
    from frontwire.pipeline import process_items

    item = RawItem(
        source=url or "example", data=text.encode("utf-8"), kind="text", published=published, url=url
    )
    [out] = process_items([item], resources)  # type: ignore[arg-type]
    assert out.document is not None
    return out.document


@pytest.mark.slow
def test_example_page_bakhmut(resources: object, seed_text: str) -> None:
    doc = _process(seed_text, "2023-03-07", resources)
    facts = claim_facts(doc, RULES)
    found = [c for c in find_contradictions(facts, [], RULES) if c.kind == "control"]
    pairs = {(c.a.speaker, c.b.speaker): c for c in found}
    c = pairs[("Ukrainian officials", "the Institute for the Study of War")]
    assert c.place == "Bakhmut"
    assert "maintain a military presence" in c.a.content and "withdrawal" in c.b.content
    assert c.explanation.startswith("Ukrainian officials say Ukraine's forces hold Bakhmut (2023-03-06);")
    assert doc.text[c.b.start : c.b.end] == c.b.content


def _licensed(name: str) -> Path:
    repo = Path(__file__).resolve().parents[2]
    for folder in (repo / "examples", repo.parent / "shared" / "examples" / "licensed"):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name} not present")


@pytest.mark.slow
def test_zaporizhzhia_each_side_blames_the_other(resources: object) -> None:
    ua_path = _licensed("president-gov-ua-2022-03-04-address-zaporizhzhia-npp-night.txt")
    ru_path = _licensed("kremlin-2022-03-06-putin-macron-call-zaporizhzhia-npp.txt")
    # The URLs of SOURCES.md: the channel tells whose voice the text is.
    ua = _process(
        ua_path.read_text(encoding="utf-8"), "2022-03-04", resources,
        "https://www.president.gov.ua/en/news/mi-perezhili-nich-yaka-mogla-zupiniti-istoriyu-ukrayini-ta-y-73337",
    )  # fmt: skip
    ru = _process(
        ru_path.read_text(encoding="utf-8"),
        "2022-03-06",
        resources,
        "http://en.kremlin.ru/events/president/news/67918",
    )
    found = find_contradictions(claim_facts(ru, RULES), claim_facts(ua, RULES), RULES)
    [c] = [c for c in found if c.kind == "responsibility"]
    assert c.a.doc_id == ua.id and c.b.doc_id == ru.id
    assert "attacked the Zaporizhzhia nuclear power plant" in c.a.content
    assert "provocations carried out by Ukrainian" in c.b.content
    assert c.place is not None and "Nuclear Power Plant" in c.place
