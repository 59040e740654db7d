"""Event-type scorers (hand-computed toy cases) and the fixed tune/check split."""

from __future__ import annotations

import pytest

from frontwire.evaluate.events import (
    bootstrap_ci,
    case_scores,
    classification_metrics,
    is_check,
    load_case,
    load_news,
    load_plover,
    plover_name,
    plover_scores,
    split,
)
from tests.conftest import shared_eval

# Toy 3-class case, computed by hand:
#   gold  A A A B B C
#   pred  A A B B C None
# A: tp 2 fp 0 fn 1 -> P 1,   R 2/3, F1 0.8
# B: tp 1 fp 1 fn 1 -> P 1/2, R 1/2, F1 0.5
# C: tp 0 fp 1 fn 1 -> P 0,   R 0,   F1 0
# micro: tp 3, fp 2, fn 3 -> P 3/5, R 1/2, F1 6/11
# macro F1 = 1.3/3; weighted F1 = (3*0.8 + 2*0.5 + 1*0)/6 = 3.4/6; accuracy 3/6
GOLD = ["A", "A", "A", "B", "B", "C"]
PRED: list[str | None] = ["A", "A", "B", "B", "C", None]


def test_classification_metrics_by_hand() -> None:
    m = classification_metrics(GOLD, PRED)
    assert m["micro.precision"] == pytest.approx(3 / 5)
    assert m["micro.recall"] == pytest.approx(1 / 2)
    assert m["micro.f1"] == pytest.approx(6 / 11)
    assert m["macro.f1"] == pytest.approx(1.3 / 3)
    assert m["macro.precision"] == pytest.approx(0.5)
    assert m["weighted.f1"] == pytest.approx(3.4 / 6)
    assert m["accuracy"] == pytest.approx(0.5)


def test_labels_restrict_classes() -> None:
    # A prediction outside the label set costs recall only.
    m = classification_metrics(["A", "B"], ["A", "X"], labels=["A", "B"])
    assert m["micro.precision"] == pytest.approx(1.0)
    assert m["micro.recall"] == pytest.approx(0.5)


def test_no_event_is_not_a_class() -> None:
    m = classification_metrics(["A", "A"], ["none", None])
    assert m["micro.f1"] == 0.0
    assert m["micro.precision"] == 0.0


def test_case_scores_event_type_and_ci() -> None:
    gold = ["Armed clash", "Armed clash", "Air/drone strike", "Peaceful protest"]
    pred = ["Armed clash", "Government regains territory", "Shelling/artillery/missile attack", None]
    s = case_scores(gold, pred, resamples=200)
    assert s.metrics["micro.f1"] == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    # Battles, Battles, Explosions, (none): 3 of 4 right at the event-type level.
    assert s.metrics["event_type.accuracy"] == pytest.approx(0.75)
    lo, hi = s.ci["weighted.f1"]
    assert 0.0 <= lo <= s.metrics["weighted.f1"] <= hi <= 1.0
    assert s.counts["no_event"] == 1
    again = case_scores(gold, pred, resamples=200)
    assert again.ci == s.ci  # fixed seed


def test_bootstrap_constant_stat() -> None:
    ci = bootstrap_ci(10, lambda idx: {"x": 0.5}, resamples=50)
    assert ci["x"] == (0.5, 0.5)


def test_plover_names_and_scores() -> None:
    assert plover_name("FIGHT") == "ASSAULT"
    assert plover_name("DEMAND") == "REQUEST"
    assert plover_name("disapprove") == "ACCUSE"
    assert plover_name("AGREE") == "AGREE"
    s = plover_scores(
        ["FIGHT", "DEMAND", "AGREE", "AID"], ["ASSAULT", "REQUEST", None, "AGREE"], resamples=50
    )
    assert s.metrics["accuracy"] == pytest.approx(0.5)
    assert s.counts["no_event"] == 1
    # ASSAULT F1 1, REQUEST 1, AGREE 0 (fp and fn), AID 0 -> macro 0.5
    assert s.metrics["macro.f1"] == pytest.approx(0.5)


def test_split_is_deterministic_and_disjoint() -> None:
    ids = [str(i) for i in range(2000)]
    items = [{"id": i} for i in ids]
    tune, check = split(items)
    assert {x["id"] for x in tune}.isdisjoint({x["id"] for x in check})
    assert len(tune) + len(check) == len(items)
    assert 0.25 < len(check) / len(items) < 0.35
    assert [x["id"] for x in check] == [i for i in ids if is_check(i)]
    # The rule itself, pinned: sha256("frontwire-split/1:" + id) % 10 < 3.
    import hashlib

    for i in ids[:50]:
        h = int(hashlib.sha256(("frontwire-split/1:" + i).encode()).hexdigest(), 16)
        assert is_check(i) == (h % 10 < 3)


@pytest.mark.network
def test_loaders_split_shared_sets() -> None:
    data = shared_eval("case2021-task2-acled").parent
    tune, check = load_case(data)
    assert len(tune) + len(check) == 823
    assert not {x["id"] for x in tune} & {x["id"] for x in check}
    assert all(not is_check(x["id"]) for x in tune)
    ptune, pcheck = load_plover(shared_eval("plover-gsr").parent)
    assert len(ptune) + len(pcheck) == 254
    assert all(x["plover_type"] not in {"FIGHT", "DEMAND", "DISAPPROVE"} for x in ptune + pcheck)
    _ntune, ncheck = load_news(shared_eval("ukraine-news-raw").parent)
    assert all(is_check(a["id"]) for a in ncheck)
