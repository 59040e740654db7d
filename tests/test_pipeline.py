"""Tests of frontwire/pipeline.py: stage order contracts and per-document failure handling."""

from __future__ import annotations

from dataclasses import fields
from functools import cached_property

import pytest

from frontwire import pipeline
from frontwire.model import Article, Document, RawItem
from frontwire.pipeline import STAGES, Outcome, Stage, run_stages


def test_pipeline_stage_table_contracts_name_real_fields() -> None:
    raw_fields = {f.name for f in fields(RawItem)}
    doc_attrs = {f.name for f in fields(Document)} | {"id", "text"}
    art_fields = {f.name for f in fields(Article)}
    kinds = [s.kind for s in STAGES]
    # One item stage first, then one batch (NLP) stage, then document stages.
    assert kinds[:2] == ["item", "batch"] and set(kinds[2:]) == {"document"}
    for s in STAGES:
        names = raw_fields if s.kind == "item" else doc_attrs | art_fields
        assert set(s.requires) <= names, f"{s.name} requires unknown {set(s.requires) - names}"
        if s.kind == "item":
            assert s.assigns == ("article",)
        else:
            assert set(s.assigns) <= {f.name for f in fields(Document)}, s.name
        if s.kind == "document":
            assert len(s.assigns) == 1, f"{s.name}: a document stage fills one attribute"


def test_pipeline_stage_requirements_are_assigned_earlier() -> None:
    # The Article provides its own fields; every other requirement is assigned by an earlier stage.
    available = {f.name for f in fields(Article)} | {"article"}
    for s in STAGES[1:]:
        missing = set(s.requires) - available
        assert not missing, f"{s.name} requires {missing} before anything assigns it"
        available.update(s.assigns)


def test_pipeline_stage_entry_points_and_resources_exist() -> None:
    from frontwire.resources import Resources

    for s in STAGES:
        assert callable(s.load()), s.entry
        for name in s.resources:
            assert isinstance(getattr(Resources, name, None), cached_property), f"{s.name}: {name}"


def test_pipeline_stage_extractor_matches_the_module() -> None:
    import importlib

    modules = {"extract": ["frontwire.extract.html", "frontwire.extract.text"]}
    for s in STAGES:
        names = modules.get(s.name, [s.entry.split(":")[0]])
        declared = "|".join(importlib.import_module(m).EXTRACTOR for m in names)
        assert declared == s.extractor, s.name


def _boom(document: Document, resources: object) -> list[object]:
    raise RuntimeError("stage exploded")


def _ok(document: Document, resources: object) -> list[object]:
    return ["fine"]


def test_pipeline_failing_stage_is_recorded_and_later_stages_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        pipeline,
        "DOCUMENT_STAGES",
        (
            Stage("first", f"{__name__}:_boom", "document", requires=(), assigns=("times",), extractor="t/1"),
            Stage("second", f"{__name__}:_ok", "document", requires=(), assigns=("claims",), extractor="t/1"),
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

    real = nlp.annotate_batch

    def batch(articles: list[Article], res: object) -> object:
        if any("poison" in a.text for a in articles):
            raise ValueError("bad document")
        return real(articles, res)  # type: ignore[arg-type]

    monkeypatch.setattr(nlp, "annotate_batch", batch)
    arts = [Article(id=str(i), source=str(i), text=t) for i, t in enumerate(["Kyiv is calm.", "poison pill"])]
    good, bad = pipeline.process_articles(arts, resources)
    assert good.errors == [] and any(m.text == "Kyiv" for m in good.mentions)
    assert bad.id == "1" and [(e.stage, e.error) for e in bad.errors] == [("nlp", "ValueError")]
