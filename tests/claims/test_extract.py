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
    # the cue keeps its auxiliary and negation, as PARC/PolNeAR mark it
    assert _by_cue(found, "did not confirm").stance == "hedged"


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
def test_extract_belief_headline_is_a_denied_belief(resources) -> None:  # type: ignore[no-untyped-def]
    # a negated belief verb is neg-raising: "doesn't believe X" rejects X
    (c,) = _run(resources, "Wagner Chief Doesn’t Believe Russia Is Sending Sufficient Resources\n")
    assert c.speaker == "Wagner Chief" and c.cue == "Doesn’t Believe"
    assert c.speaker_name != "Wagner Group"  # the chief of the group, not the group
    assert c.stance == "denied" and c.content == "Russia Is Sending Sufficient Resources"


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
    confirmed = _by_cue(found, "also confirmed")
    assert confirmed.stance == "asserted" and confirmed.content.startswith(
        "that he and his military commanders"
    )
    claimed = [c for c in found if c.cue == "claimed"]
    assert len(claimed) == 2 and all(c.stance == "hedged" for c in claimed)
    assert all(c.speaker_name == "Yevgeny Prigozhin" for c in claimed)
    # a reduced relative clause ("the resources troops need") does not cut the content short
    assert claimed[0].content == (
        "that Russia isn’t sending the resources troops need to achieve their goal in Bakhmut"
    )
    assert (
        claimed[1].content.startswith("that papers had been signed")
        and claimed[1].said_on == "2023-03-05/2023-03-05"
    )
    revealed = _by_cue(found, "also revealed")
    assert revealed.stance == "asserted" and revealed.speaker_name == "Yevgeny Prigozhin"
    isw = _by_cue(found, "according to")
    assert isw.stance == "hedged" and "Institute for the Study of War" in (isw.speaker_name or "")
    # "according to X" right after a relative clause vouches for that clause, with its verbless tail
    assert isw.content.startswith("which is now conducting a “limited” withdrawal")
    assert isw.content.endswith("rather than a full withdrawal from the city entirely")
    belief = _by_cue(found, "Doesn’t Believe")
    assert belief.speaker == "Wagner Chief" and belief.stance == "denied"
    assert [c.id for c in found] == [f"c{i}" for i in range(1, len(found) + 1)]


@pytest.mark.slow
def test_extract_belief_and_intention_are_hedged(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The commander believes that the bridge will hold. The governor plans to reopen the schools in May."
    )
    found = _run(resources, text)
    belief, plan = _by_cue(found, "believes"), _by_cue(found, "plans")
    assert belief.stance == "hedged" and belief.speaker == "The commander"
    assert belief.content == "that the bridge will hold"
    assert plan.stance == "hedged" and plan.content == "to reopen the schools in May"


@pytest.mark.slow
def test_extract_belief_inside_quote_is_not_a_claim(resources) -> None:  # type: ignore[no-untyped-def]
    text = "“I think the worst is over,” the mayor said."
    (c,) = _run(resources, text)
    assert c.cue == "said" and c.content == "I think the worst is over"


@pytest.mark.slow
def test_extract_infinitive_cue_is_not_a_claim(resources) -> None:  # type: ignore[no-untyped-def]
    found = _run(resources, "The ministry refused to disclose the number of casualties.")
    assert [c.cue for c in found] == ["refused"]
    assert found[0].content == "to disclose the number of casualties"


@pytest.mark.slow
def test_extract_cue_takes_auxiliaries_and_prepositions(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The mayor has also said that water is scarce. The council called for an immediate ceasefire."
    found = _run(resources, text)
    assert _by_cue(found, "has also said").content == "that water is scarce"
    called = _by_cue(found, "called for")
    assert called.speaker == "The council" and called.content == "an immediate ceasefire"


@pytest.mark.slow
def test_extract_indirect_content_runs_to_clause_end(resources) -> None:  # type: ignore[no-untyped-def]
    # the object noun with a reduced relative clause ("the shells gunners need") must not end the content
    text = "The general complained that the army is not getting the shells gunners need to hold the line."
    c = _by_cue(_run(resources, text), "complained")
    assert c.content == "that the army is not getting the shells gunners need to hold the line"


@pytest.mark.slow
def test_extract_according_to_after_relative_clause(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Aid reached the villagers, who are now leaving the valley, according to the Red Cross, "
        "rather than staying for the winter."
    )
    c = _by_cue(_run(resources, text), "according to")
    assert c.speaker == "the Red Cross"
    assert c.content.startswith("who are now leaving the valley")
    assert c.content.endswith("rather than staying for the winter")


@pytest.mark.slow
def test_extract_quote_after_attribution_sentence(resources) -> None:  # type: ignore[no-untyped-def]
    text = "“The dam is intact,” Olena Petrenko said in a statement on Tuesday. “Nobody should panic.”"
    found = _run(resources, text)
    assert [c.content for c in found] == ["The dam is intact", "Nobody should panic"]
    assert all(c.speaker == "Olena Petrenko" and c.direct for c in found)
    assert found[0].cue_start == found[1].cue_start  # one attribution, two quotations


@pytest.mark.slow
def test_extract_quote_paragraph_carries_speaker(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“We have no electricity,” said Olena Petrenko, a nurse in Kherson.\n\n"
        "“The generators run for two hours a day.”\n\n"
        "The city council met on Monday."
    )
    found = _run(resources, text)
    assert [c.content for c in found] == [
        "We have no electricity",
        "The generators run for two hours a day",
    ]
    assert found[1].speaker_name == "Olena Petrenko" and found[1].direct
    assert found[1].speaker_start == found[0].speaker_start
    assert found[1].confidence < found[0].confidence


@pytest.mark.slow
def test_extract_unattributed_quote_after_narrative_is_no_claim(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The council met on Monday to discuss the repairs.\n\n“The generators run for two hours a day.”"
    assert _run(resources, text) == []


@pytest.mark.slow
def test_extract_said_colon_takes_the_quote_after(resources) -> None:  # type: ignore[no-untyped-def]
    text = "“Is the road open?” a driver asked.\n\nThe officer replied: “Only for trucks.”"
    c = _by_cue(_run(resources, text), "replied")
    assert c.content == "Only for trucks" and c.speaker == "The officer"


@pytest.mark.slow
def test_extract_transcript_surname_colon(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Olena Petrenko spoke to the radio host on Sunday.\n\n"
        "PETRENKO: The shelling stopped at dawn and the children are safe.\n"
    )
    c = _by_cue(_run(resources, text), ":")
    assert c.speaker == "PETRENKO" and c.speaker_name == "Olena Petrenko"
    assert c.content == "The shelling stopped at dawn and the children are safe"


@pytest.mark.slow
def test_extract_relative_pronoun_is_the_source(resources) -> None:  # type: ignore[no-untyped-def]
    # PolNeAR/PARC mark the pronoun as the source; the speaker resolves through its antecedent.
    text = "Oleksandr Syrskyi, who said that the defence would hold, visited the front on Monday."
    c = _by_cue(_run(resources, text), "said")
    assert c.speaker == "who" and c.speaker_name == "Oleksandr Syrskyi"
    assert c.content == "that the defence would hold"


@pytest.mark.slow
def test_extract_evidence_object_is_content(resources) -> None:  # type: ignore[no-untyped-def]
    text = "Recent polls show a close contest in the region."
    c = _by_cue(_run(resources, text), "show")
    assert c.speaker == "Recent polls" and c.content == "a close contest in the region"


@pytest.mark.slow
def test_extract_dash_name_after_nbsp_and_full_stop(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“We will rebuild the school.”\u00a0― Hanna Melnyk\u00a0\n"
        "“The shelling never stops.”― Petro Savchuk.\n"
    )
    found = _run(resources, text)
    assert [(c.cue, c.speaker, c.content, c.direct) for c in found] == [
        ("―", "Hanna Melnyk", "We will rebuild the school", True),
        ("―", "Petro Savchuk", "The shelling never stops", True),
    ]


@pytest.mark.slow
def test_extract_colon_announces_next_paragraph(resources) -> None:  # type: ignore[no-untyped-def]
    text = "The governor added:\n\nThe convoy reached the city before dawn.\n"
    (c,) = _run(resources, text)
    assert c.cue == "added" and c.speaker == "The governor"
    assert c.content == "The convoy reached the city before dawn" and not c.direct


@pytest.mark.slow
def test_extract_colon_announces_quote_with_any_verb(resources) -> None:  # type: ignore[no-untyped-def]
    # a verb outside the lexicon: the whole announcing predicate up to the colon is the cue
    text = 'Zelensky struck back at the critics in a long post: "We are not going anywhere."'
    (c,) = _run(resources, text)
    assert c.cue == "struck back at the critics in a long post" and c.speaker == "Zelensky"
    assert c.content == "We are not going anywhere" and c.direct


@pytest.mark.slow
def test_extract_colon_inside_statement_is_no_announcement(resources) -> None:  # type: ignore[no-untyped-def]
    # Plain text after the colon on the same line: the colon is part of a sentence, not an attribution.
    assert _run(resources, "The lesson is clear: the bridge matters.") == []


@pytest.mark.slow
def test_extract_went_on_to_say_is_realised(resources) -> None:  # type: ignore[no-untyped-def]
    found = _run(resources, "The mayor went on to say that the water supply was restored.")
    c = _by_cue(found, "went on to say")
    assert c.speaker == "The mayor" and c.content == "that the water supply was restored"
    # 'refused to say' stays unrealised: the cue is 'refused', with the infinitive as its content
    refused = _run(resources, "The mayor refused to say whether the water supply was restored.")
    assert [c.cue for c in refused] == ["refused"]


@pytest.mark.slow
def test_extract_told_and_asked_take_infinitive_content(resources) -> None:  # type: ignore[no-untyped-def]
    c = _by_cue(_run(resources, "The general told his officers to evacuate the village."), "told")
    assert c.speaker == "The general" and c.content == "to evacuate the village"


@pytest.mark.slow
def test_extract_accused_of(resources) -> None:  # type: ignore[no-untyped-def]
    c = _by_cue(_run(resources, "Kyiv accused Moscow of shelling the power plant."), "accused")
    assert c.speaker == "Kyiv" and c.content == "shelling the power plant" and c.stance == "hedged"


@pytest.mark.slow
def test_extract_with_absolute_clause_continues_the_content(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The mayor noted how shells keep falling on the city “every night,” with more people being "
        "evacuated each week. The minister said it with a smile."
    )
    found = _run(resources, text)
    first = found[0]
    assert first.cue == "noted"
    assert first.content.endswith("with more people being evacuated each week")
    # A manner phrase of the cue is not content.
    assert all("smile" not in c.content for c in found)


@pytest.mark.slow
def test_extract_org_role_speaker_resolves_to_the_role_holder(resources) -> None:  # type: ignore[no-untyped-def]
    text = (
        "NATO Chief Says Alliance Will Stay United\n\n"
        "Jens Stoltenberg, the secretary general of NATO, said on Friday that members agreed to send more "
        "air defence systems."
    )
    found = _run(resources, text)
    headline = next(c for c in found if c.speaker == "NATO Chief")
    # The headline's "NATO Chief" is the one person whose stated role is in NATO.
    assert headline.speaker_name == "Jens Stoltenberg"
