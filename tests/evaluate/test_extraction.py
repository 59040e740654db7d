"""Tests of the extraction scorers on hand-made cases, and of the Zyte metric against the README figure."""

from __future__ import annotations

import gzip
import json

import pytest

from frontwire.evaluate.extraction import (
    count_segments,
    metadata_scores,
    segment_scores,
    shingle_matching,
    shingles,
    tokenize,
    zyte_scores,
)


def test_extraction_tokenize_unicode_words() -> None:
    # \w+ keeps Cyrillic and accented words whole and drops punctuation.
    assert tokenize("Бахмут, Kyiv's café!") == ["Бахмут", "Kyiv", "s", "café"]


def test_extraction_short_text_gives_one_short_shingle() -> None:
    # 2 tokens < 4: one shingle of the 2 tokens; an empty text gives none.
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("") == {}


def test_extraction_shingle_counts_normalised() -> None:
    # true "a b c d e": shingles abcd, bcde. pred "a b c d x": abcd, bcdx.
    # tp=1 (abcd), fp=1 (bcdx), fn=1 (bcde); normalised by 3 -> 1/3 each.
    tp, fp, fn = shingle_matching("a b c d e", "a b c d x")
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_extraction_zyte_macro_average() -> None:
    gold = {"x": "a b c d e", "y": "p q r s"}
    # x: tp=fp=fn=1/3 -> P=0.5, R=0.5. y: prediction empty -> tp=fp=0 (skipped for P), R=0.
    # P = mean([0.5]) = 0.5; R = mean([0.5, 0]) = 0.25; F1 = 2*.5*.25/.75 = 1/3.
    s = zyte_scores({"x": "a b c d x", "y": None}, gold)
    assert s.metrics["precision"] == pytest.approx(0.5)
    assert s.metrics["recall"] == pytest.approx(0.25)
    assert s.metrics["f1"] == pytest.approx(1 / 3)
    assert s.metrics["accuracy"] == 0.0
    assert s.worst[0]["id"] == "y"


def test_extraction_zyte_exact_match_is_accuracy() -> None:
    # Same tokens, different punctuation/spacing: accuracy 1, P = R = 1.
    s = zyte_scores({"x": "Hello,  world  again now"}, {"x": "Hello world again now."})
    assert s.metrics["accuracy"] == 1.0
    assert s.metrics["f1"] == 1.0


def test_extraction_zyte_empty_gold_and_prediction() -> None:
    # Both empty: tp=fp=fn=0, left out of both means -> P and R unknown; tokens equal -> accuracy 1.
    s = zyte_scores({"x": ""}, {"x": ""})
    assert s.metrics["precision"] is None and s.metrics["f1"] is None
    assert s.metrics["accuracy"] == 1.0


def test_extraction_segments_micro() -> None:
    page = {"with": ["first  part", "second part"], "without": ["Share this", "Cookie"]}
    # Output holds 'first part' (whitespace-normalised) and 'Share this': tp=1 fn=1 fp=1 tn=1.
    assert count_segments(page, "first\npart of it. Share this") == (1, 1, 1, 1)
    # None output: every with a FN, every without a TN.
    assert count_segments(page, None) == (0, 0, 2, 2)
    s = segment_scores({"a": "first part. Share this", "b": None}, {"a": page, "b": page})
    # totals tp=1 fp=1 fn=3 tn=3: P=.5, R=.25, acc=4/8, F1=2/(2+1+3)=1/3.
    assert s.metrics["precision"] == pytest.approx(0.5)
    assert s.metrics["recall"] == pytest.approx(0.25)
    assert s.metrics["accuracy"] == pytest.approx(0.5)
    assert s.metrics["f1"] == pytest.approx(1 / 3)


def test_extraction_metadata_exact_match_normalised() -> None:
    gold = {
        "a": {"title": "War  news", "author": ["Ann Lee", "Bo Yu"], "date": "2023-03-07"},
        "b": {"title": "", "author": "Cy Zed", "date": "2022-01-01"},
    }
    preds = {"a": {"title": "War news", "author": "Ann Lee; Bo Yu", "date": "2023-03-07T10:00:00"}, "b": None}
    s = metadata_scores(preds, gold)
    # title: only 'a' labelled (empty = none) and right -> 1/1; author 1/2; date 1/2.
    assert s.metrics == {"title": 1.0, "author": 0.5, "date": 0.5}
    assert s.counts["title.labelled"] == 1


@pytest.mark.slow
def test_extraction_zyte_reproduces_readme_trafilatura_figure() -> None:
    from tests.conftest import shared_eval

    path = shared_eval("article-extraction-benchmark")
    gold = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    with gzip.open(path / "baselines" / "trafilatura.json.gz", "rt", encoding="utf-8") as fh:
        out = json.load(fh)["output"]
    s = zyte_scores(
        {k: v.get("articleBody") for k, v in out.items()}, {k: v["articleBody"] for k, v in gold.items()}
    )
    # README: trafilatura 2.0.0 on the 143 shared items, F1 0.957 (P .936 R .979).
    assert s.metrics["f1"] == pytest.approx(0.957, abs=5e-4)
    assert s.metrics["precision"] == pytest.approx(0.936, abs=5e-4)
    assert s.metrics["recall"] == pytest.approx(0.979, abs=5e-4)
