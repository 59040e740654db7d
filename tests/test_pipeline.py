"""Tests of frontwire/pipeline.py: stage order contracts and per-document failure handling."""

from __future__ import annotations

import pytest

from frontwire import pipeline
from frontwire.model import Article, Document, RawItem
from frontwire.pipeline import STAGES, Outcome, Stage, run_stages


def test_pipeline_stage_requirements_are_assigned_earlier() -> None:
    # What the NLP stage and the Article provide before the post-NLP stages run.
    available = {"text", "nlp", "published", "mentions", "entities"}
    for stage in STAGES:
        missing = set(stage.requires) - available
        assert not missing, f"{stage.name} requires {missing} before anything assigns it"
        available.add(stage.assigns)


def test_pipeline_stage_entry_points_exist() -> None:
    for stage in STAGES:
        assert callable(stage.load()), stage.entry


def _boom(document: Document, resources: object) -> list[object]:
    raise RuntimeError("stage exploded")


def _ok(document: Document, resources: object) -> list[object]:
    return ["fine"]


def test_pipeline_failing_stage_is_recorded_and_later_stages_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        pipeline,
        "STAGES",
        (
            Stage("first", f"{__name__}:_boom", requires=(), assigns="times"),
            Stage("second", f"{__name__}:_ok", requires=(), assigns="claims"),
        ),
    )
    doc = Document(article=Article(id="x", source="s", text="t"))
    run_stages(doc, resources=None)  # type: ignore[arg-type]
    assert [(e.stage, e.error, e.message) for e in doc.errors] == [
        ("first", "RuntimeError", "stage exploded")
    ]
    assert doc.claims == ["fine"]  # type: ignore[comparison-overlap]
    assert doc.times == []


def test_pipeline_extraction_failure_becomes_a_skip(resources) -> None:  # type: ignore[no-untyped-def]
    items = [
        Outcome(source="gone.html", skip_reason="not_found", message="no such file"),
        RawItem(source="empty.html", data=b"", kind="html"),
    ]
    outcomes = list(pipeline.process_items(items, resources))
    assert [(o.source, o.skip_reason, o.document) for o in outcomes] == [
        ("gone.html", "not_found", None),
        ("empty.html", "empty", None),
    ]


def test_pipeline_unexpected_extraction_error_is_a_skip(monkeypatch: pytest.MonkeyPatch, resources) -> None:  # type: ignore[no-untyped-def]
    def broken(item: RawItem, res: object) -> None:
        raise RecursionError("maximum recursion depth exceeded in lxml")

    monkeypatch.setattr(pipeline, "extract_article", broken)
    item = RawItem(source="deep.html", data=b"<p>x</p>", kind="html")
    [outcome] = pipeline.process_items([item], resources)
    assert outcome.document is None and outcome.skip_reason == "extract_failed"
    assert "RecursionError" in (outcome.message or "")


def test_pipeline_nlp_failure_loses_only_that_document(monkeypatch: pytest.MonkeyPatch, resources) -> None:  # type: ignore[no-untyped-def]
    from frontwire import nlp

    real = nlp.annotate

    def annotate(article: Article, res: object) -> Document:
        if "poison" in article.text:
            raise ValueError("bad document")
        return real(article, res)  # type: ignore[arg-type]

    def batch(articles: object, res: object) -> object:
        raise ValueError("batch failed")

    monkeypatch.setattr(nlp, "annotate", annotate)
    monkeypatch.setattr(nlp, "annotate_batch", batch)
    arts = [Article(id=str(i), source=str(i), text=t) for i, t in enumerate(["Kyiv is calm.", "poison pill"])]
    good, bad = pipeline.process_articles(arts, resources)
    assert good.errors == [] and any(m.text == "Kyiv" for m in good.mentions)
    assert bad.id == "1" and [(e.stage, e.error) for e in bad.errors] == [("nlp", "ValueError")]
