"""Tests of the geoparsing scorers: spans, geocoding error statistics, gazetteer resolution."""

from __future__ import annotations

import math

import pytest

from frontwire.evaluate.datasets import GoldToponym
from frontwire.evaluate.geo import (
    PredPlace,
    Resolved,
    admin1_code,
    error_stats,
    gazetteer_scores,
    geo_scores,
    haversine_km,
)


def test_geo_haversine_one_degree_of_latitude() -> None:
    # 1 degree of a great circle = 2*pi*6371.0088/360 = 111.195 km.
    assert haversine_km(48.0, 37.0, 49.0, 37.0) == pytest.approx(111.195, abs=0.01)


def test_geo_error_stats_as_gritta() -> None:
    errors = [0.0, 100.0, 200.0]
    s = error_stats(errors)
    # ln(1+e) < ln(161): 0 and 100 pass, 200 does not -> 2/3.
    assert s["acc161"] == pytest.approx(2 / 3)
    assert s["mean_km"] == pytest.approx(100.0)
    assert s["median_km"] == 100.0
    # AUC = trapz([0, ln101, ln201]) / (ln 20039 * 2) = (ln101/2 + (ln101+ln201)/2) / (2 ln 20039).
    logs = [0.0, math.log(101), math.log(201)]
    want = ((logs[0] + logs[1]) / 2 + (logs[1] + logs[2]) / 2) / (math.log(20039) * 2)
    assert s["auc"] == pytest.approx(want)
    assert error_stats([])["acc161"] is None


def test_geo_tagging_and_geocoding() -> None:
    gold = {
        "d": [
            GoldToponym(0, 7, "Bakhmut", "Literal", "713174", 48.59, 37.99),
            GoldToponym(20, 27, "Russian", "Demonym", "2017370", 60.0, 100.0),
            GoldToponym(40, 47, "Western", "Non_Toponym", None, None, None),
        ]
    }
    pred = {
        "d": [
            PredPlace(0, 7, 48.59, 37.99, "geonames:713174", text="Bakhmut"),  # exact, 0 km, id right
            PredPlace(20, 25, None, None, text="Russi"),  # overlap only, unresolved
            PredPlace(60, 66, 1.0, 1.0, text="Nowhere"),  # false positive
        ]
    }
    types = frozenset({"Literal", "Demonym"})  # the Non_Toponym gold is not scored
    s = geo_scores(pred, gold, types)
    # exact: 1 of 3 predicted, 1 of 2 gold -> P 1/3, R 1/2, F1 0.4. overlap: P 2/3, R 1.
    assert s.metrics["tagging.exact.precision"] == pytest.approx(1 / 3)
    assert s.metrics["tagging.exact.recall"] == 0.5
    assert s.metrics["tagging.exact.f1"] == pytest.approx(0.4)
    assert s.metrics["tagging.overlap.f1"] == pytest.approx(0.8)
    # geocoding over the 2 found gold: errors [0, 20039 (unresolved)] -> acc161 .5, exact id 1/2.
    assert s.metrics["geocoding.acc161"] == 0.5
    assert s.metrics["geocoding.exact_id"] == 0.5
    assert s.metrics["end_to_end.acc161"] == 0.5
    assert s.counts["unresolved_found"] == 1


def test_geo_spans_only_baseline_has_no_geocoding() -> None:
    gold = {"d": [GoldToponym(0, 7, "Bakhmut", None, "713174", 48.59, 37.99)]}
    s = geo_scores({"d": [PredPlace(0, 7)]}, gold, geocoding=False)
    assert s.metrics["tagging.exact.f1"] == 1.0
    assert "geocoding.acc161" not in s.metrics
    # Scored as a geocoder, the found-but-unresolved mention is a failure, not a skip.
    assert geo_scores({"d": [PredPlace(0, 7)]}, gold).metrics["geocoding.acc161"] == 0.0


def test_geo_admin1_code_from_spellings() -> None:
    assert admin1_code("UA", "Donets'ka oblast") == admin1_code("UA", "Donetsk Oblast") == "05"
    assert admin1_code("UA", "05") == "05"
    assert admin1_code("UA", "") is None


def test_geo_gazetteer_rows_and_towns() -> None:
    rows = [
        {"town/city": "Bakhmut", "province": "Donetsk Oblast", "lat_f": 48.59, "lon_f": 37.99},
        {"town/city": "Bakhmut", "province": "Donetsk Oblast", "lat_f": 48.68, "lon_f": 37.99},
        {"town/city": "Nowhereivka", "province": "Kharkiv Oblast", "lat_f": 49.0, "lon_f": 36.0},
    ]
    preds = {0: Resolved(48.59, 37.99, "05"), 1: Resolved(48.59, 37.99, "05"), 2: None}
    s = gazetteer_scores(preds, rows)
    # Row errors: 0 km, 0.09 deg lat = 10.0 km, unresolved. within 10 km: 1/3 (10.008 > 10); within 25: 2/3.
    assert s.metrics["row.within10km"] == pytest.approx(1 / 3)
    assert s.metrics["row.within25km"] == pytest.approx(2 / 3)
    assert s.metrics["row.unresolved"] == pytest.approx(1 / 3)
    assert s.metrics["row.oblast_correct"] == 1.0
    # Towns: Bakhmut median(0, 10.0) = 5.0 km; the other unresolved -> within 10 km 1/2.
    assert s.metrics["town.within10km"] == 0.5
    assert s.metrics["town.median_km"] == pytest.approx(5.0, abs=0.01)
