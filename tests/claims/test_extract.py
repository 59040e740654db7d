"""Tests of claims.extract on hand-written sentences and on the seed page (spaCy: slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontwire import claims, nlp
from frontwire.errors import InputError
from frontwire.model import Article, Claim, Document, TimeExpression

SEED = Path(__file__).parents[2] / "examples" / "19fortyfive-bakhmut.txt"


def _doc(resources, text: str) -> Document:  # type: ignore[no-untyped-def]
    return nlp.annotate(Article(id="t", source="test", text=text, published="2023-03-07"), resources)


def _run(resources, text: str) -> list[Claim]:  # type: ignore[no-untyped-def]
    document = _doc(resources, text)
    found = claims.extract(document, resources)
    for c in found:  # offsets are exact for every record
        assert text[c.start : c.end] == c.content
        assert text[c.cue_start : c.cue_end] == c.cue
        if c.speaker is not None:
            assert text[c.speaker_start : c.speaker_end] == c.speaker
    return found


def _by_cue(found: list[Claim], cue: str) -> Claim:
    return next(c for c in found if c.cue == cue)


def test_extract_empty_text_gives_no_claims(resources) -> None:  # type: ignore[no-untyped-def]
    document = Document(article=Article(id="e", source="t", text="   "))
    assert claims.extract(document, resources) == []


def test_extract_without_nlp_is_input_error(resources) -> None:  # type: ignore[no-untyped-def]
    document = Document(article=Article(id="e", source="t", text="He said it."))
    with pytest.raises(InputError):
        claims.extract(document, resources)


@pytest.mark.slow
def test_extract_direct_quote_before_cue(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Maria Kovalenko is the mayor of Izium.\n\n“The bridge is gone and the water is off,” Kovalenko said."
    )
    (c,) = _run(resources, text)
    assert c.direct and c.stance == "asserted" and c.cue == "said"
    assert c.content == "The bridge is gone and the water is off"
    assert c.speaker == "Kovalenko" and c.speaker_name == "Maria Kovalenko"
    assert c.speaker_entity_id is not None and c.id == "c1"


@pytest.mark.slow
def test_extract_inverted_and_colon_quotes(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“We will not leave the city,” said Oleksandr Syrskyi.\n\n"
        "Oleksandr Syrskyi said: “Our troops are holding their positions.”"
    )
    found = _run(resources, text)
    assert [c.content for c in found] == [
        "We will not leave the city",
        "Our troops are holding their positions",
    ]
    assert all(c.direct and c.speaker == "Oleksandr Syrskyi" for c in found)
    assert [c.id for c in found] == ["c1", "c2"]


@pytest.mark.slow
def test_extract_quote_spanning_paragraphs(resources) -> None:  # type: ignore[no-untyped-def]
    text = "“The shelling went on all night.\n\n“In the morning we counted the damage,” the mayor said."
    (c,) = _run(resources, text)
    assert c.direct
    assert c.content.startswith("The shelling went on all night.") and c.content.endswith(
        "counted the damage"
    )


@pytest.mark.slow
def test_extract_indirect_with_date_and_group_speaker(resources) -> None:  # type: ignore[no-untyped-def]
    text = "Ukrainian officials said on Monday that the convoy had reached the town."
    document = _doc(resources, text)
    start = text.index("on Monday")
    document.times = [
        TimeExpression(
            text="on Monday",
            start=start,
            end=start + 9,
            type="DATE",
            value="2023-03-06/2023-03-06",
            precision="day",
        )
    ]
    (c,) = claims.extract(document, resources)
    assert not c.direct and c.stance == "asserted"
    assert c.content == "that the convoy had reached the town"
    assert c.speaker == "Ukrainian officials" and c.speaker_name == "Ukrainian officials"
    assert c.speaker_entity_id is None
    assert c.said_on == "2023-03-06/2023-03-06"


@pytest.mark.slow
def test_extract_stance_classes(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The ministry claimed that its troops had taken the village. "
        "The army denied that any soldiers had been captured. "
        "The governor confirmed that the power plant was working."
    )
    found = _run(resources, text)
    assert _by_cue(found, "claimed").stance == "hedged"
    assert _by_cue(found, "denied").stance == "denied"
    assert _by_cue(found, "confirmed").stance == "asserted"


@pytest.mark.slow
def test_extract_hedge_marker_and_negation(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The regional governor said that 12 drones were shot down, a figure that could not be independently "
        "verified.\n\nThe ministry did not confirm that the depot was hit."
    )
    found = _run(resources, text)
    assert _by_cue(found, "said").stance == "hedged"
    assert _by_cue(found, "confirm").stance == "hedged"


@pytest.mark.slow
def test_extract_according_to_and_mixed_quote(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The unit is conducting a “limited” withdrawal, according to the Institute for the Study of War."
    (c,) = _run(resources, text)
    assert c.cue == "according to" and c.stance == "hedged" and not c.direct
    assert c.speaker == "the Institute for the Study of War"
    assert "“limited” withdrawal" in c.content


@pytest.mark.slow
def test_extract_pronoun_and_surname_resolution(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Vitaly Kim, the governor of Mykolaiv, spoke to reporters in the city.\n\n"
        "He said that the port had been shelled again. Kim added that two people were wounded."
    )
    found = _run(resources, text)
    assert _by_cue(found, "said").speaker == "He"
    assert _by_cue(found, "said").speaker_name == "Vitaly Kim"
    assert _by_cue(found, "added").speaker_name == "Vitaly Kim"


@pytest.mark.slow
def test_extract_told_reporting_nesting(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The commander said a prisoner told him that the bridge had been mined."
    found = _run(resources, text)
    outer, inner = _by_cue(found, "said"), _by_cue(found, "told")
    assert inner.parent == outer.id and outer.parent is None
    assert inner.content == "that the bridge had been mined"
    assert inner.speaker == "a prisoner"


@pytest.mark.slow
def test_extract_belief_headline_is_not_a_claim(resources) -> None:  # type: ignore[no-untyped-def]
    assert _run(resources, "Wagner Chief Doesn’t Believe Russia Is Sending Sufficient Resources\n") == []


@pytest.mark.slow
def test_extract_seed_page(resources) -> None:  # type: ignore[no-untyped-def]
    if not SEED.is_file():
        pytest.skip("seed example absent")
    text = SEED.read_text(encoding="utf-8")
    document = _doc(resources, text)
    sunday = text.index("on Sunday")
    document.times = [
        TimeExpression(
            text="on Sunday",
            start=sunday,
            end=sunday + 9,
            type="DATE",
            value="2023-03-05/2023-03-05",
            precision="day",
        )
    ]
    found = claims.extract(document, resources)
    officials = next(c for c in found if c.speaker == "Ukrainian officials")
    assert officials.stance == "asserted" and officials.speaker_entity_id is None
    assert officials.content.startswith("that the country’s military leaders are determined")
    noted = _by_cue(found, "noted")
    assert noted.stance == "asserted" and "Kyrylenko" in (noted.speaker_name or "")
    direct = next(c for c in found if c.direct)
    assert direct.content.startswith("Civilians are fleeing the region")
    assert (
        direct.speaker == "Kyrylenko"
        and direct.speaker_name == "Pavlo Kyrylenko"
        and direct.stance == "asserted"
    )
    confirmed = _by_cue(found, "confirmed")
    assert confirmed.stance == "asserted" and confirmed.content.startswith(
        "that he and his military commanders"
    )
    claimed = [c for c in found if c.cue == "claimed"]
    assert len(claimed) == 2 and all(c.stance == "hedged" for c in claimed)
    assert all(c.speaker_name == "Yevgeny Prigozhin" for c in claimed)
    assert (
        claimed[1].content.startswith("that papers had been signed")
        and claimed[1].said_on == "2023-03-05/2023-03-05"
    )
    revealed = _by_cue(found, "revealed")
    assert revealed.stance == "asserted" and revealed.speaker_name == "Yevgeny Prigozhin"
    isw = _by_cue(found, "according to")
    assert isw.stance == "hedged" and "Institute for the Study of War" in (isw.speaker_name or "")
    assert "“limited” withdrawal" in isw.content
    assert not any("Believe" in c.cue for c in found)
    assert [c.id for c in found] == [f"c{i}" for i in range(1, len(found) + 1)]
