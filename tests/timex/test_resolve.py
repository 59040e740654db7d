"""Tests of the normalisation conventions of frontwire.timex: periods, 'the year', 'current', holidays,
spelled-out years, deadline words and year-on-year comparisons."""

from __future__ import annotations

import pytest

from frontwire.model import Article, TimeExpression
from frontwire.timex import extract
from frontwire.timex._resolve import year_number
from tests.utils import PUB
from tests.utils import times_by_text as _times


def _doc_times(text: str, resources, published: str | None = PUB) -> dict[str, TimeExpression]:  # type: ignore[no-untyped-def]
    from frontwire import nlp

    doc = nlp.annotate(Article(id="x", source="t", text=text, published=published), resources)
    out = extract(doc, resources)
    for t in out:
        assert text[t.start : t.end] == t.text
    return {t.text: t for t in out}


def test_resolve_year_number_reads_words(lex) -> None:  # type: ignore[no-untyped-def]
    assert year_number(lex, "1996") == 1996
    assert year_number(lex, "nineteen ninety-six") == 1996
    assert year_number(lex, "nineteen hundred and five") == 1905
    assert year_number(lex, "nineteen oh four") == 1904
    assert year_number(lex, "two thousand") == 2000
    assert year_number(lex, "two thousand and one") == 2001


def test_resolve_spelled_out_years(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("It began in nineteen ninety-six. January nineteen ninety-seven was worse.", lex)
    assert t["nineteen ninety-six"].value == "1996-01-01/1996-12-31"
    assert t["January nineteen ninety-seven"].timex3 == "1997-01"
    t = _times("The approach of the year two thousand worried them; two thousand people came.", lex)
    assert t["the year two thousand"].timex3 == "2000"
    assert not any("people" in k or k == "two thousand" for k in t)  # a count is no year


def test_resolve_the_year_is_the_publication_year(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("Shares hit a high for the year in June.", lex)
    assert t["the year"].value == "2023-01-01/2023-12-31"
    assert t["the year"].anchor == "published:2023-03-07"
    # a reporting year that ends on a date is a fiscal year: a duration
    t = _times("The unit had revenue of $76 million for the year ended March 31.", lex)
    assert t["the year"].type == "DURATION" and t["the year"].value == "P1Y"
    # "the year before" stays an anaphoric shift, not the publication year
    t = _times("Sales reached $3 million, up from $2 million the year before.", lex)
    assert "the year" not in t


def test_resolve_current_is_present_ref(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("The current crisis deepened, at the then current market price.", lex)
    assert t["current"].timex3 == "PRESENT_REF" and t["current"].value is None
    assert t["then current"].timex3 == "PAST_REF"
    assert _times("The current account deficit widened.", lex) == {}


def test_resolve_holidays_fixed_and_movable(lex) -> None:  # type: ignore[no-untyped-def]
    # last Thanksgiving before 7 March 2023: the fourth Thursday of November 2022 (Nov 1 is a Tuesday,
    # Thursdays 3, 10, 17, 24)
    t = _times("Prices jumped last Thanksgiving and again at Christmas 2021.", lex)
    assert t["last Thanksgiving"].value == "2022-11-24/2022-11-24"
    assert t["Christmas 2021"].timex3 == "2021-12-25"
    # next Easter after 7 March 2023 is Sunday 9 April; its week is Monday 3 to Sunday 9 April (ISO W14)
    t = _times("Talks resume next Easter. Easter week will be busy.", lex)
    assert t["next Easter"].value == "2023-04-09/2023-04-09"
    assert t["Easter week"].timex3 == "2023-W14"
    # without a publication date a fixed holiday keeps an underspecified TIMEX3 value and no interval
    t = _times("They met at Christmas.", lex, None)
    assert t["Christmas"].timex3 == "XXXX-12-25" and t["Christmas"].value is None


def test_resolve_election_day_is_tuesday_after_first_monday(lex) -> None:  # type: ignore[no-untyped-def]
    # published 20 November 2022: the Election Day of that year, 8 November (first Monday is the 7th)
    t = _times("Turnout was high on Election Day.", lex, "2022-11-20")
    assert t["Election Day"].value == "2022-11-08/2022-11-08"


def test_resolve_year_ago_compares_the_reported_quarter(lex) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Net income rose to $5 million in the third quarter. Sales were up 10% from a year ago "
        "and margins improved from a year earlier."
    )
    t = _times(text, lex, "1989-10-26")
    assert t["the third quarter"].timex3 == "1989-Q3"
    # both comparisons mean the same quarter of the previous year; neither moves the other
    assert t["a year ago"].timex3 == "1988-Q3"
    assert t["a year earlier"].timex3 == "1988-Q3"


def test_resolve_year_ago_without_period_does_not_chain(lex) -> None:  # type: ignore[no-untyped-def]
    t = _times("Prices were 10% higher than a year ago and 4% above the level a year earlier.", lex)
    assert t["a year ago"].timex3 == "2022"
    # "a year earlier" is read from the publication day, not from the comparison "a year ago"
    assert t["a year earlier"].timex3 == "2022-03-07"


@pytest.mark.slow
def test_resolve_reported_quarter_stays_in_publication_year(resources) -> None:  # type: ignore[no-untyped-def]
    # a future clause about a quarter that just closed (30 September) still means this year's
    t = _doc_times(
        "The company said it expects to report third-quarter net income of $2 million.",
        resources,
        "1989-10-26",
    )
    assert t["third-quarter"].timex3 == "1989-Q3"
    # a past clause cannot name a quarter that has not begun: published in March, the fourth is last year's
    t = _doc_times("Profit fell 20% in the fourth quarter.", resources)
    assert t["the fourth quarter"].timex3 == "2022-Q4"
    # a future clause about a quarter long closed looks forward: first quarter named in late November
    t = _doc_times("The company will report first-quarter results in April.", resources, "2023-11-20")
    assert t["first-quarter"].timex3 == "2024-Q1"


@pytest.mark.slow
def test_resolve_deadline_words_fix_direction(resources) -> None:  # type: ignore[no-untyped-def]
    # published Thursday 9 March 2023; a past verb alone would read Tuesday as 7 March
    t = _doc_times("Officials postponed until Tuesday any action on the bridge.", resources, "2023-03-09")
    assert t["Tuesday"].value == "2023-03-14/2023-03-14"
    # published 26 October 2023: a past clause alone would push 15 December back to 2022
    t = _doc_times("The firm declared a dividend, payable Dec. 15 to holders.", resources, "2023-10-26")
    assert t["Dec. 15"].value == "2023-12-15/2023-12-15"
    # sentence-initial "Until" describes the past: the Thursday before Tuesday 7 March
    t = _doc_times("Until Thursday, they had not called him.", resources)
    assert t["Thursday"].value == "2023-03-02/2023-03-02"
