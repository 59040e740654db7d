"""Link-stage scorers (duplicates, fusion) on tiny hand-made data, expected values computed by hand."""

from __future__ import annotations

import random

import pytest

from frontwire.evaluate import link as L

_SENTENCE = (
    "the regional governor said russian forces shelled the town overnight damaging a school and two "
    "houses while emergency crews worked until morning to clear the rubble from the main street near "
    "the railway station where residents had gathered to collect water and bread from volunteers who "
    "arrived from the neighbouring district after the bridge was repaired last week by engineers"
)
WORDS = _SENTENCE.split()


def _text(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(n))


def test_pairwise_scores_by_hand() -> None:
    # predicted {ab, cd}, gold {ab, ac}: tp 1, fp 1, fn 1 -> P = R = F1 = 1/2
    s = L.pairwise_scores({("a", "b"), ("c", "d")}, {("a", "b"), ("a", "c")}, lambda x: x, resamples=0)
    assert (s.metrics["precision"], s.metrics["recall"], s.metrics["f1"]) == (0.5, 0.5, 0.5)
    assert s.counts == {"tp": 1, "fp": 1, "fn": 1, "gold_pairs": 2}
    # restricted to the pairs of a, b, c: cd drops out -> P 1, R 1/2
    universe = {("a", "b"), ("a", "c"), ("b", "c")}
    s = L.pairwise_scores({("a", "b"), ("c", "d")}, {("a", "b"), ("a", "c")}, str, universe, resamples=50)
    assert s.metrics["precision"] == 1.0 and s.metrics["recall"] == 0.5
    assert s.metrics["recall.lo"] is not None and s.metrics["recall.lo"] <= 0.5 <= (
        s.metrics["recall.hi"] or 0
    )


def test_groups_to_pairs_and_roots() -> None:
    assert L.groups_to_pairs({"a": "g", "b": "g", "c": "g", "d": "h"}) == {("a", "b"), ("a", "c"), ("b", "c")}
    groups, long_chains = L.roots({"a": None, "b": "a", "c": "b"})
    assert groups == {"a": "a", "b": "a", "c": "a"} and long_chains == 1


def test_derive_variants_deterministic_and_trim_keeps_most() -> None:
    text = "\n\n".join(_text(i, 30) for i in range(5))
    one = L.derive_variants("x", text, "GB", "Other story text here", random.Random(1))
    two = L.derive_variants("x", text, "GB", "Other story text here", random.Random(1))
    assert one == two and set(one) == set(L.TRANSFORMS)
    assert one["trim"].count("\n\n") == 3  # 5 paragraphs, the last one cut (80 % of the words stay)
    assert one["header_footer"].endswith("Read more: Other story text here")
    assert one["rewrap"].split() == text.split()


def test_detector_and_baselines_on_three_documents() -> None:
    a, b = _text(1), _text(2)
    docs = [
        L.DupDoc("a", a, "2022-02-24", "GB", "a", "real"),
        L.DupDoc(
            "a2",
            "By Staff | GB News\n\n" + a + "\n\nShare this article",
            "2022-02-24",
            "GB",
            "a",
            "header_footer",
        ),
        L.DupDoc("b", b, "2022-02-24", "GB", "b", "real"),
    ]
    ours, _ = L.roots(L.run_detector(docs, batch_size=2))
    assert L.groups_to_pairs(ours) == {("a", "a2")}
    assert L.groups_to_pairs(L.exact_jaccard_groups(docs)) == {("a", "a2")}
    assert L.groups_to_pairs(L.exact_hash_groups(docs)) == set()


def _ev(i: str, doc: str, sub: str, admin1: str | None, day: str, cluster: str | None) -> L.StoredEvent:
    return L.StoredEvent(i, doc, "examples", "Explosions/Remote violence", sub, admin1, admin1, day, day,
                         f"evidence {i}", L.text_sha(f"evidence {i}"), cluster)  # fmt: skip


def test_fusion_scores_baseline_and_traps_by_hand() -> None:
    e1 = _ev("1", "d1", "Air/drone strike", "Kharkiv", "2022-03-01", "k1")
    e2 = _ev("2", "d2", "Air/drone strike", "Kharkiv", "2022-03-01", "k1")  # same event, fused: tp
    e3 = _ev("3", "d3", "Air/drone strike", "Kharkiv", "2022-03-03", "k1")  # same place other day, fused: fp
    e4 = _ev("4", "d4", "Air/drone strike", "Odesa", "2022-03-01", "k4")  # same day other place
    labels = [
        {"doc_a": x.doc, "sha256_a": x.sha256, "doc_b": y.doc, "sha256_b": y.sha256, "same": same}
        for x, y, same in ((e1, e2, True), (e1, e3, False), (e1, e4, False), (e2, e4, False))
    ] + [{"doc_a": "gone", "sha256_a": "0", "doc_b": "d1", "sha256_b": e1.sha256, "same": True}]
    pairs, unmatched = L.match_labels([e1, e2, e3, e4], labels)
    assert len(pairs) == 4 and unmatched == 1
    ours = L.fusion_scores(pairs, lambda a, b: a.cluster_id == b.cluster_id, resamples=0)
    assert ours.counts["tp"] == 1 and ours.counts["fp"] == 1 and ours.counts["fn"] == 0
    assert ours.metrics["precision"] == 0.5 and ours.metrics["recall"] == 1.0
    assert ours.metrics["f1"] == pytest.approx(2 / 3)
    assert (
        ours.counts["same_place_other_day.pairs"] == 1
        and ours.counts["same_place_other_day.merged_wrongly"] == 1
    )
    assert ours.counts["same_day_other_place.pairs"] == 2 and ours.counts["same_day_other_place.merged"] == 0
    base = L.fusion_scores(pairs, L.baseline_same, resamples=0)
    assert base.counts["tp"] == 1 and base.counts["fp"] == 0 and base.metrics["f1"] == 1.0


def test_candidate_pairs_window_and_fused() -> None:
    e1 = _ev("1", "d1", "Air/drone strike", "Kharkiv", "2022-03-01", "k1")
    e2 = _ev("2", "d2", "Air/drone strike", "Kharkiv", "2022-03-04", None)  # 3 days: a candidate
    e3 = _ev("3", "d3", "Air/drone strike", "Kharkiv", "2022-03-09", "k1")  # 8 days but fused with e1
    e4 = _ev("4", "d4", "Air/drone strike", "Kharkiv", "2022-03-20", None)  # too far
    e5 = _ev("5", "d1", "Air/drone strike", "Kharkiv", "2022-03-01", None)  # same document as e1
    got = {frozenset((a.id, b.id)) for a, b in L.candidate_pairs([e1, e2, e3, e4, e5])}
    assert got == {frozenset(p) for p in (("1", "2"), ("1", "3"), ("2", "5"))}
