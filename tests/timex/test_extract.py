"""Tests of frontwire.timex: recognition and resolution of hand-made sentences, fixed publication date."""

from __future__ import annotations

import pytest

from frontwire.model import Article, TimeExpression
from frontwire.timex import extract, extract_text
from tests.utils import PUB
from tests.utils import times_by_text as _times


def test_extract_weekdays_read_back_from_publication(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times(
        "On Friday, Canada sent guns. Officials said on Monday that they stay. Talks went on Tuesday.", lex
    )
    assert t["Friday"].value == "2023-03-03/2023-03-03"  # Tuesday 7 minus 4 days
    assert t["Monday"].value == "2023-03-06/2023-03-06"  # Tuesday 7 minus 1 day
    assert t["Tuesday"].value == "2023-03-07/2023-03-07"  # the publication weekday is the publication day
    assert t["Monday"].precision == "day"
    assert t["Monday"].anchor == "published:2023-03-07"
    assert t["Monday"].timex3 == "2023-03-06"


def test_extract_weekend_excludes_preposition(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("Prigozhin claimed over the weekend that shells were short.", lex)
    assert "over the weekend" not in t
    w = t["the weekend"]
    assert w.value == "2023-03-04/2023-03-05"  # the Saturday and Sunday before Tuesday 7
    assert w.precision == "days"
    assert w.timex3 == "2023-W09-WE"


def test_extract_deictic_words_and_units(lex) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Yesterday the town fell. Two days ago it was shelled. Last week the road was cut. "
        "Earlier this month the mayor left. Elections are due next year."
    )
    t = _times(text, lex)
    assert t["Yesterday"].value == "2023-03-06/2023-03-06"
    assert t["Two days ago"].value == "2023-03-05/2023-03-05"
    # the week before the week of Monday 6 March runs Monday 27 February to Sunday 5 March (ISO week 9)
    assert t["Last week"].value == "2023-02-27/2023-03-05"
    assert t["Last week"].timex3 == "2023-W09"
    assert t["Earlier this month"].value == "2023-03-01/2023-03-31"
    assert t["Earlier this month"].precision == "month"
    assert t["next year"].value == "2024-01-01/2024-12-31"
    assert t["next year"].precision == "year"


def test_extract_anaphora_chain(lex) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Papers were signed on February 22 and the shells arrived the following day. "
        "Two days later the convoy left."
    )
    t = _times(text, lex)
    assert t["February 22"].value == "2023-02-22/2023-02-22"
    assert t["the following day"].value == "2023-02-23/2023-02-23"
    assert t["the following day"].anchor == f"previous:February 22@char{text.index('February 22')}"
    # "two days later" moves on from the latest date, 23 February
    assert t["Two days later"].value == "2023-02-25/2023-02-25"


def test_extract_no_anchor_leaves_relative_unresolved(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times(
        "On Monday the bridge fell; the following day it was rebuilt. It opened on 3 March 2022.", lex, None
    )
    for key in ("Monday", "the following day"):
        assert t[key].value is None
        assert t[key].precision is None
        assert t[key].anchor is None
    assert t["3 March 2022"].value == "2022-03-03/2022-03-03"  # explicit dates need no anchor


def test_extract_false_friends(lex) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ukraine May Not Withdraw From Bakhmut. A T-90M tank was hit. The 20-year-old soldier said "
        "2000 troops and 1,500 civilians were there."
    )
    assert extract_text(text, PUB, lex) == []


def test_extract_durations(lex) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The battle has been raging for six months. It was a victory for months. "
        "They held out for 2 1/2 years."
    )
    t = _times(text, lex)
    assert t["six months"].type == "DURATION"
    assert t["six months"].value == "P6M"
    assert t["six months"].precision is None
    assert t["months"].type == "DURATION"
    assert t["months"].value == "PXM"
    assert t["2 1/2 years"].value == "P2Y6M"


def test_extract_sets(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("Troops are sent in every day, fresh shells each week and a convoy every Monday.", lex)
    assert (t["every day"].type, t["every day"].timex3, t["every day"].value) == ("SET", "P1D", None)
    assert t["each week"].timex3 == "P1W"
    assert t["every Monday"].timex3 == "XXXX-WXX-1"


def test_extract_generic_today(lex) -> None:  # type: ignore[no-untyped-def]
    text = "He reports on the pressing issues of today. The talks resume today."
    generic, specific = extract_text(text, PUB, lex)
    assert (generic.timex3, generic.value) == ("PRESENT_REF", None)
    assert specific.value == "2023-03-07/2023-03-07"


def test_extract_year_rollover_nearest_reading(lex) -> None:  # type: ignore[no-untyped-def]
    # published 5 January: 30 December is six days back in 2022, not 359 days ahead in 2023
    t = _times("The last talks ended on December 30.", lex, "2023-01-05")
    assert t["December 30"].value == "2022-12-30/2022-12-30"
    # published 20 December: 10 January is three weeks ahead in 2024
    t = _times("Talks resume on January 10.", lex, "2023-12-20T10:00:00")
    assert t["January 10"].value == "2024-01-10/2024-01-10"


def test_extract_quarters_and_years(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("Profit rose in the third quarter of 2022, after a loss in 2021 and in the 1990s.", lex)
    assert t["the third quarter of 2022"].value == "2022-07-01/2022-09-30"
    assert t["the third quarter of 2022"].timex3 == "2022-Q3"
    assert t["2021"].value == "2021-01-01/2021-12-31"
    assert t["the 1990s"].timex3 == "199"
    assert t["the 1990s"].precision == "decade"


def test_extract_accepts_document_without_spacy(lex) -> None:  # type: ignore[no-untyped-def]
    from frontwire.model import Document

    doc = Document(article=Article(id="x", source="t", text="Shelling resumed on Sunday.", published=PUB))
    (t,) = extract(doc, None)
    assert t.value == "2023-03-05/2023-03-05"  # Tuesday 7 minus 2 days
    assert t.extractor == "timex.rules/1"


# ---------------------------------------------------------------- with spaCy (tense, entities)


def _doc_times(text: str, resources, published: str | None = PUB) -> dict[str, TimeExpression]:  # type: ignore[no-untyped-def]
    from frontwire import nlp

    doc = nlp.annotate(Article(id="x", source="t", text=text, published=published), resources)
    out = extract(doc, resources)
    for t in out:
        assert text[t.start : t.end] == t.text
    return {t.text: t for t in out}


@pytest.mark.slow
def test_extract_future_tense_weekday(resources) -> None:  # type: ignore[no-untyped-def]
    t = _doc_times("The minister will visit Kyiv on Friday.", resources)
    assert t["Friday"].value == "2023-03-10/2023-03-10"  # Tuesday 7 plus 3 days
    t = _doc_times("The minister visited Kyiv on Friday.", resources)
    assert t["Friday"].value == "2023-03-03/2023-03-03"  # Tuesday 7 minus 4 days


@pytest.mark.slow
def test_extract_past_tense_rolls_year_back(resources) -> None:  # type: ignore[no-untyped-def]
    # published 10 January: a past clause cannot mean 29 November of the coming year
    t = _doc_times("Russian troops shelled the city on November 29.", resources, "2023-01-10")
    assert t["November 29"].value == "2022-11-29/2022-11-29"


@pytest.mark.slow
def test_extract_modal_may_is_not_a_month(resources) -> None:  # type: ignore[no-untyped-def]
    assert _doc_times("Is this the reason Ukraine May Not Withdraw From Bakhmut?", resources) == {}
    t = _doc_times("The offensive began in May.", resources)
    assert t["May"].value == "2022-05-01/2022-05-31"  # past clause: the May before March 2023


@pytest.mark.slow
def test_extract_seed_page(resources, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    from frontwire import nlp

    doc = nlp.annotate(Article(id="seed", source="seed", text=seed_text, published=PUB), resources)
    times = extract(doc, resources)
    by_text: dict[str, list[TimeExpression]] = {}
    for t in times:
        assert seed_text[t.start : t.end] == t.text
        by_text.setdefault(t.text, []).append(t)
    assert by_text["Friday"][0].value == "2023-03-03/2023-03-03"
    assert {t.value for t in by_text["Monday"]} == {"2023-03-06/2023-03-06"}
    assert by_text["six months"][0].type == "DURATION" and by_text["six months"][0].value == "P6M"
    assert by_text["the weekend"][0].value == "2023-03-04/2023-03-05"
    assert by_text["Sunday"][0].value == "2023-03-05/2023-03-05"
    assert by_text["February 22"][0].value == "2023-02-22/2023-02-22"
    assert by_text["the following day"][0].value == "2023-02-23/2023-02-23"
    assert by_text["the following day"][0].anchor.startswith("previous:February 22@char")
    assert all(t.type == "DURATION" and t.value in (None, "PXM") for t in by_text["months"])
    assert by_text["every day"][0].type == "SET"
    assert all(t.timex3 == "PRESENT_REF" and t.value is None for t in by_text["today"])
    assert not any(t.text == "May" for t in times)
