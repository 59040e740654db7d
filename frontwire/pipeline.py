"""The ordered per-document stages and the runner that applies them.

Every stage is a pure function ``(record, resources) -> record``: it never touches the store or
the environment, so a document can be processed in-process, in a pool or on a remote worker.
A stage failure is recorded on the document (``Document.errors``) and the next stages still run;
only extraction failures (no article at all) turn into a skip.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from frontwire.errors import FrontwireError
from frontwire.model import Article, Document, RawItem, StageError
from frontwire.resources import Resources


@dataclass(frozen=True, slots=True)
class Stage:
    """One row of the stage table: a per-document stage and its contract.

    ``kind`` says how the runner calls ``entry``:
    - ``item``: ``function(RawItem, resources) -> Article`` (raises a FrontwireError for no article);
    - ``batch``: ``function(list[Article], resources) -> Iterator[Document]`` (one ``nlp.pipe`` pass);
    - ``document``: ``function(Document, resources) -> list``, stored in the one attribute it assigns.
    ``requires``/``assigns`` name RawItem fields (item stages) or Document attributes (the others);
    ``resources`` names the ``Resources`` attributes it reads, loaded once per process.
    """

    name: str
    entry: str  # 'module:function'
    kind: str  # 'item' | 'batch' | 'document'
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    extractor: str  # name/version written on its records ('a|b' where inputs of two kinds get two)
    resources: tuple[str, ...] = ()

    def load(self) -> Callable[..., Any]:
        return _load_entry(self.entry)

    def load_resources(self, resources: Resources) -> None:
        """Load what the stage reads now (bench and workers time model loading apart)."""
        for name in self.resources:
            getattr(resources, name)


def _load_entry(entry: str) -> Callable[..., Any]:
    # Looked up on every call (the module is cached by import): tests and plugins can patch it.
    module, func = entry.split(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


# The one table of per-document stages, in order. Order matters: claims read times (said_on) and
# mentions (speakers); geo reads mentions; events read all of them.
STAGES: tuple[Stage, ...] = (
    Stage(
        "extract", "frontwire.extract:article", "item",
        requires=("data", "kind"), assigns=("article",), extractor="extract.trafilatura/1|extract.text/1",
        resources=("text_rules",),
    ),
    Stage(
        "nlp", "frontwire.nlp:annotate_batch", "batch",
        requires=("text",), assigns=("nlp", "mentions", "entities"), extractor="nlp.spacy/1",
        resources=("nlp", "entity_lexicon"),
    ),
    Stage(
        "timex", "frontwire.timex:extract", "document",
        requires=("text", "nlp", "published"), assigns=("times",), extractor="timex.rules/1",
        resources=("timex_rules",),
    ),
    Stage(
        "geo", "frontwire.geo:extract", "document",
        requires=("text", "nlp", "mentions"), assigns=("places",), extractor="geo.gazetteer/1",
        resources=("gazetteer",),
    ),
    Stage(
        "claims", "frontwire.claims:extract", "document",
        requires=("text", "nlp", "mentions", "times"), assigns=("claims",), extractor="claims.rules/1",
        resources=("cues",),
    ),
    Stage(
        "events", "frontwire.events:extract", "document",
        requires=("text", "nlp", "published", "mentions", "times", "places", "claims"), assigns=("events",),
        extractor="events.rules/1", resources=("event_classifier", "event_rules"),
    ),
)  # fmt: skip
STAGE_BY_NAME = {s.name: s for s in STAGES}
DOCUMENT_STAGES = tuple(s for s in STAGES if s.kind == "document")


def stage(name: str) -> Stage:
    """The table row of ``name`` (KeyError names the known stages)."""
    try:
        return STAGE_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no stage {name!r}; stages: {', '.join(STAGE_BY_NAME)}") from None


def extract_article(item: RawItem, resources: Resources) -> Article:
    """The item stage: RawItem -> Article (raises InputError/ExtractError when there is no article)."""
    return stage("extract").load()(item, resources)  # type: ignore[no-any-return]


def run_stage(stage_: Stage, document: Document, resources: Resources) -> None:
    """Apply one document stage; a failure is recorded on the document, not raised."""
    try:
        setattr(document, stage_.assigns[0], stage_.load()(document, resources))
    except Exception as exc:  # one bad stage must not lose the document
        document.errors.append(
            StageError(stage=stage_.name, error=type(exc).__name__, message=str(exc)[:500])
        )


def run_stages(document: Document, resources: Resources, timings: dict[str, float] | None = None) -> Document:
    """Apply the document stages in order; a failing stage is recorded on the document, not raised."""
    for stage_ in DOCUMENT_STAGES:
        t0 = time.perf_counter()
        run_stage(stage_, document, resources)
        if timings is not None:
            timings[stage_.name] = timings.get(stage_.name, 0.0) + time.perf_counter() - t0
    return document


def process_articles(
    articles: Iterable[Article], resources: Resources, timings: dict[str, float] | None = None
) -> Iterator[Document]:
    """NLP (batched) then the per-document stages, for articles already extracted."""
    nlp_stage = stage("nlp")
    arts = list(articles)
    t0 = time.perf_counter()
    try:
        docs: list[Document | Exception] = list(nlp_stage.load()(arts, resources))
    except Exception:
        # One document broke the batch: annotate one by one so only that one is lost to NLP.
        docs = []
        for art in arts:
            try:
                docs.extend(nlp_stage.load()([art], resources))
            except Exception as exc:
                docs.append(exc)
    if timings is not None:
        timings["nlp"] = timings.get("nlp", 0.0) + time.perf_counter() - t0
    for art, doc in zip(arts, docs, strict=True):
        if isinstance(doc, Exception):
            # The article is kept, without entities; the failure is on record.
            failed = Document(article=art)
            failed.errors.append(
                StageError(stage=nlp_stage.name, error=type(doc).__name__, message=str(doc)[:500])
            )
            yield failed
        else:
            yield run_stages(doc, resources, timings)


@dataclass(slots=True)
class Outcome:
    """What became of one input item: a Document, or a skip with its reason."""

    source: str
    document: Document | None = None
    skip_reason: str | None = None
    message: str | None = None


def process_items(
    items: Iterable[RawItem | Outcome], resources: Resources, timings: dict[str, float] | None = None
) -> Iterator[Outcome]:
    """Extract then process a batch of items; Outcomes passed in (ingest skips) go through unchanged."""
    pending: list[tuple[int, Article]] = []
    outcomes: list[Outcome] = []
    for entry in items:
        if isinstance(entry, Outcome):
            outcomes.append(entry)
            continue
        t0 = time.perf_counter()
        try:
            art = extract_article(entry, resources)
        except FrontwireError as exc:
            outcomes.append(Outcome(source=entry.source, skip_reason=exc.reason, message=str(exc)))
            continue
        except Exception as exc:  # a library failure on odd input: skip the item, keep the run
            message = f"{entry.source}: {type(exc).__name__}: {exc}"[:500]
            outcomes.append(Outcome(source=entry.source, skip_reason="extract_failed", message=message))
            continue
        finally:
            if timings is not None:
                timings["extract"] = timings.get("extract", 0.0) + time.perf_counter() - t0
        outcomes.append(Outcome(source=entry.source))
        pending.append((len(outcomes) - 1, art))
    for (index, _), doc in zip(
        pending, process_articles([a for _, a in pending], resources, timings), strict=True
    ):
        outcomes[index].document = doc
    yield from outcomes
