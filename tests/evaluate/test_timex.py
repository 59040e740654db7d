"""Tests of the TempEval-3 timex scorer on hand-made extents and values."""

from __future__ import annotations

import pytest

from frontwire.evaluate.timex import Timex, timex_scores


def test_timex_strict_relaxed_and_value_f1() -> None:
    gold = {
        "d": [
            Timex(0, 6, "DATE", "2013-03-22", True, "Friday"),
            Timex(10, 23, "DATE", "2013-W11", True, "the last week"),
            Timex(30, 37, "DURATION", "P1M", False, "a month"),
        ]
    }
    pred = {
        "d": [
            Timex(0, 6, "DATE", "2013-03-22", text="Friday"),  # strict, value right
            Timex(14, 23, "DATE", "2013-W12", text="last week"),  # relaxed only, value wrong
            Timex(50, 55, "DATE", "2013", text="today"),  # false positive
        ]
    }
    s = timex_scores(pred, gold)
    # strict: 1 of 3 predicted, 1 of 3 gold -> P = R = F1 = 1/3.
    assert s.metrics["strict.f1"] == pytest.approx(1 / 3)
    # relaxed: 2/3 predicted overlap a gold, 2/3 gold found -> 2/3.
    assert s.metrics["relaxed.precision"] == pytest.approx(2 / 3)
    assert s.metrics["relaxed.recall"] == pytest.approx(2 / 3)
    # value accuracy over the 2 relaxed matches: 1/2; value F1 = harmonic(.5*2/3, .5*2/3) = 1/3.
    assert s.metrics["value.accuracy"] == 0.5
    assert s.metrics["value.f1"] == pytest.approx(1 / 3)
    # temporalFunction subset: 2 gold, both found, 1 right value.
    assert s.metrics["temporal_function.recall"] == 1.0
    assert s.metrics["temporal_function.value.accuracy"] == 0.5
    # per type: the DURATION was missed.
    assert s.metrics["type.DURATION.recall"] == 0.0
    assert s.metrics["type.DATE.value.accuracy"] == 0.5


def test_timex_overlap_picks_the_largest_shared_prediction() -> None:
    gold = {"d": [Timex(0, 20, "DATE", "2013-03", text="x" * 20)]}
    pred = {"d": [Timex(0, 3, "DATE", "2013-01"), Timex(5, 20, "DATE", "2013-03")]}
    assert timex_scores(pred, gold).metrics["value.accuracy"] == 1.0


def test_timex_empty_prediction_and_empty_gold() -> None:
    gold = {"d": [Timex(0, 6, "DATE", "2013-03-22")]}
    s = timex_scores({}, gold)
    assert s.metrics["relaxed.precision"] is None and s.metrics["relaxed.recall"] == 0.0
    assert s.metrics["value.accuracy"] is None and s.metrics["value.f1"] is None
    s = timex_scores({"d": [Timex(0, 6, "DATE", "2013-03-22")]}, {"d": []})
    assert s.metrics["relaxed.precision"] == 0.0 and s.metrics["relaxed.recall"] is None
