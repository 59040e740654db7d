"""Tests of the PolNeAR attribution scorer (Citron exact/overlap metrics) on hand-made spans."""

from __future__ import annotations

import pytest

from frontwire.evaluate.claims import Attribution, claims_scores, is_direct

TEXT = 'Smith said "the bridge fell." Jones told reporters the town is lost.'
# Offsets: Smith 0-5, said 6-10, quote 11-29 ("the bridge fell." with its marks), Jones 30-35,
# told 36-40, content 'the town is lost' 51-67 (the '.' at 67).


def _gold() -> list[Attribution]:
    return [
        Attribution(cue=[(6, 10)], source=[(0, 5)], content=[(11, 29)]),
        Attribution(cue=[(36, 40)], source=[(30, 35)], content=[(51, 67)]),
    ]


def test_claims_spans_are_where_the_test_says() -> None:
    assert TEXT[6:10] == "said" and TEXT[11:29] == '"the bridge fell."' and TEXT[51:67] == "the town is lost"


def test_claims_perfect_prediction_after_trimming() -> None:
    # Predicted content without quote marks / final dot equals the gold once both are trimmed.
    pred = [
        Attribution(cue=[(6, 10)], source=[(0, 5)], content=[(12, 27)], speaker="Smith", direct=True),
        Attribution(cue=[(36, 40)], source=[(30, 35)], content=[(51, 68)], speaker="Jones", direct=False),
    ]
    s = claims_scores({"d": pred}, {"d": (TEXT, _gold())})
    for role in ("cue", "source", "content", "all"):
        assert s.metrics[f"{role}.exact.f1"] == 1.0
    assert s.metrics["content.recall50"] == 1.0
    assert s.metrics["speaker.accuracy"] == 1.0
    assert s.metrics["direct_flag.accuracy"] == 1.0
    assert s.metrics["content.recall50.direct"] == 1.0


def test_claims_partial_content_and_wrong_source() -> None:
    # One prediction: cue 'told' right, source 'reporters' (wrong), content 'the town' (2 of 4 tokens).
    pred = [Attribution(cue=[(36, 40)], source=[(41, 50)], content=[(51, 59)], speaker="reporters")]
    s = claims_scores({"d": pred}, {"d": (TEXT, _gold())})
    # cue exact: tp=1 fp=0 fn=1 -> P=1, R=.5, F1=2/3. source/content exact: tp=0 fp=1 fn=2 -> F1 0.
    assert s.metrics["cue.exact.f1"] == pytest.approx(2 / 3)
    assert s.metrics["source.exact.f1"] == 0.0
    assert s.metrics["content.exact.f1"] == 0.0
    # content overlap: 2 shared tokens; predicted 2, gold 'the bridge fell'(3) + 'the town is lost'(4) = 7.
    # P = 2/2 = 1, R = 2/7, F1 = 2*(2/7)/(1+2/7) = 4/9.
    assert s.metrics["content.overlap.precision"] == 1.0
    assert s.metrics["content.overlap.recall"] == pytest.approx(2 / 7)
    assert s.metrics["content.overlap.f1"] == pytest.approx(4 / 9)
    # recall at >= 50 %: 'the town' covers 2/4 = 50 % of the Jones content -> 1 of 2 gold found.
    assert s.metrics["content.recall50"] == 0.5
    # speaker on that match: 'reporters' is not 'Jones' -> 0/1.
    assert s.metrics["speaker.accuracy"] == 0.0


def test_claims_empty_prediction_and_empty_gold() -> None:
    s = claims_scores({}, {"d": (TEXT, _gold())})
    # No predictions: P unknown, R 0.
    assert s.metrics["cue.exact.precision"] is None
    assert s.metrics["cue.exact.recall"] == 0.0
    assert s.metrics["content.recall50"] == 0.0
    s = claims_scores({"d": _gold()}, {"d": (TEXT, [])})
    # Nothing to find: every prediction a FP, recall unknown.
    assert s.metrics["cue.exact.precision"] == 0.0
    assert s.metrics["cue.exact.recall"] is None


def test_claims_no_source_attribution_matches_empty_speaker() -> None:
    gold = [Attribution(cue=[(36, 40)], source=[], content=[(51, 67)])]
    pred = [Attribution(cue=[(36, 40)], source=[], content=[(51, 67)], speaker=None)]
    s = claims_scores({"d": pred}, {"d": (TEXT, gold)})
    assert s.metrics["all.exact.f1"] == 1.0
    assert s.counts["no_source_gold"] == 1
    assert s.metrics["speaker.accuracy"] is None


def test_claims_direct_rule_is_a_quote_mark() -> None:
    assert is_direct(TEXT, [(11, 29)])
    assert not is_direct(TEXT, [(51, 67)])
    assert is_direct("He said \u201cno\u201d", [(8, 12)])
