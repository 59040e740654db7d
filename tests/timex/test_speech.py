"""Deictic words inside quotations and reported statements read from the day the text gives the statement."""

from __future__ import annotations

from frontwire.timex import extract_text
from frontwire.timex._speech import quotations
from tests.utils import PUB  # Tuesday 2023-03-07


def _by_text(text: str, lex) -> dict[str, list]:  # type: ignore[no-untyped-def]
    out: dict[str, list] = {}
    for t in extract_text(text, PUB, lex):
        assert text[t.start : t.end] == t.text
        out.setdefault(t.text, []).append(t)
    return out


def test_quote_then_dated_attribution(lex) -> None:  # type: ignore[no-untyped-def]
    t = _by_text('"The shelling stopped today," the governor said on Monday.', lex)
    assert t["today"][0].timex3 == "2023-03-06"
    assert t["today"][0].anchor == "statement:Monday@char51"
    assert t["Monday"][0].timex3 == "2023-03-06"


def test_dated_attribution_before_quote(lex) -> None:  # type: ignore[no-untyped-def]
    text = 'Speaking on Sunday, the president said: "We will hold talks tomorrow and today we mourn."'
    t = _by_text(text, lex)
    assert t["tomorrow"][0].timex3 == "2023-03-06"
    assert t["today"][0].timex3 == "2023-03-05"


def test_reported_statement_content(lex) -> None:  # type: ignore[no-untyped-def]
    t = _by_text("Officials said on Monday that the convoy would arrive tomorrow.", lex)
    assert t["tomorrow"][0].timex3 == "2023-03-07"
    t = _by_text("Troops crossed the river yesterday, the governor said on Sunday.", lex)
    assert t["yesterday"][0].timex3 == "2023-03-04"
    t = _by_text('He said yesterday: "Tonight the trains stop."', lex)
    assert t["Tonight"][0].timex3 == "2023-03-06TNI"


def test_undated_or_same_day_statements_keep_publication_anchor(lex) -> None:  # type: ignore[no-untyped-def]
    t = _by_text('"Tomorrow we attack," the colonel said.', lex)
    assert t["Tomorrow"][0].timex3 == "2023-03-08"
    assert t["Tomorrow"][0].anchor == f"published:{PUB}"
    t = _by_text('"Today we decide," the minister said on Tuesday.', lex)  # Tuesday is publication day
    assert t["Today"][0].anchor == f"published:{PUB}"
    # a date in the next sentence is not the quotation's
    t = _by_text('"We mourn today." Officials said on Monday that the road is open.', lex)
    assert t["today"][0].timex3 == "2023-03-07"
    # a date inside the quotation is no attribution
    t = _by_text('"On Monday they came, and today they left," he said.', lex)
    assert t["today"][0].timex3 == "2023-03-07"


def test_quotations_marks() -> None:
    text = "A “curly” b \"straight\" c ``tex'' d ''wire'' e «guillemets»."
    found = [text[s:e] for s, e in quotations(text)]
    assert found == ["“curly”", '"straight"', "``tex''", "''wire''", "«guillemets»"]


def test_day_extents_are_one_expression(lex) -> None:  # type: ignore[no-untyped-def]
    t = _by_text("Kherson was shelled late on Friday and again on Thursday evening.", lex)
    assert t["late on Friday"][0].timex3 == "2023-03-03"
    assert t["Thursday evening"][0].timex3 == "2023-03-02TEV"
    # TempEval-3 leaves "the early hours of" out of the extent; the day keeps its value
    t = _by_text("A drone struck Odesa in the early hours of Saturday.", lex)
    assert t["Saturday"][0].timex3 == "2023-03-04"


def test_comparative_and_event_anchored_spans_are_durations(lex) -> None:  # type: ignore[no-untyped-def]
    t = _by_text("The season started a month earlier than usual.", lex)
    assert t["a month"][0].type == "DURATION" and t["a month"][0].timex3 == "P1M"
    t = _by_text("The move comes a month after Qantas cut flights.", lex)
    assert t["a month"][0].timex3 == "P1M"
    t = _by_text("The deal was signed on March 1. Two days later the convoy left.", lex)
    assert t["Two days later"][0].timex3 == "2023-03-03"
