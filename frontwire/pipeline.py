"""The ordered per-document stages and the runner that applies them.

Every stage is a pure function ``(record, resources) -> record``: it never touches the store or
the environment, so a document can be processed in-process, in a pool or on a remote worker.
A stage failure is recorded on the document (``Document.errors``) and the next stages still run;
only extraction failures (no article at all) turn into a skip.
"""

from __future__ import annotations

import functools
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
    """One per-document stage after NLP: reads ``requires`` of the Document, fills ``assigns``."""

    name: str
    entry: str  # 'module:function', called as function(document, resources) -> list
    requires: tuple[str, ...]
    assigns: str  # the Document attribute the returned list is stored in

    def load(self) -> Callable[[Document, Resources], list[Any]]:
        return _load_entry(self.entry)


@functools.cache
def _load_entry(entry: str) -> Callable[[Document, Resources], list[Any]]:
    module, func = entry.split(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


# Order matters: claims read times (said_on) and mentions (speakers); geo reads mentions.
STAGES: tuple[Stage, ...] = (
    Stage("timex", "frontwire.timex:extract", requires=("text", "nlp", "published"), assigns="times"),
    Stage("geo", "frontwire.geo:extract", requires=("text", "nlp", "mentions"), assigns="places"),
    Stage(
        "claims", "frontwire.claims:extract", requires=("text", "nlp", "mentions", "times"), assigns="claims"
    ),
)


def extract_article(item: RawItem, resources: Resources) -> Article:
    """Stage 1: RawItem -> Article (raises InputError/ExtractError when there is no article)."""
    from frontwire import extract

    return extract.article(item, resources)


def run_stages(document: Document, resources: Resources, timings: dict[str, float] | None = None) -> Document:
    """Apply the post-NLP stages in order; a failing stage is recorded, not raised."""
    for stage in STAGES:
        t0 = time.perf_counter()
        try:
            setattr(document, stage.assigns, stage.load()(document, resources))
        except Exception as exc:  # one bad stage must not lose the document
            document.errors.append(
                StageError(stage=stage.name, error=type(exc).__name__, message=str(exc)[:500])
            )
        if timings is not None:
            timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - t0
    return document


def process_articles(
    articles: Iterable[Article], resources: Resources, timings: dict[str, float] | None = None
) -> Iterator[Document]:
    """NLP (batched) then the per-document stages, for articles already extracted."""
    from frontwire import nlp

    arts = list(articles)
    t0 = time.perf_counter()
    try:
        docs: list[Document | Exception] = list(nlp.annotate_batch(arts, resources))
    except Exception:
        # One document broke the batch: annotate one by one so only that one is lost to NLP.
        docs = []
        for art in arts:
            try:
                docs.append(nlp.annotate(art, resources))
            except Exception as exc:
                docs.append(exc)
    if timings is not None:
        timings["nlp"] = timings.get("nlp", 0.0) + time.perf_counter() - t0
    for art, doc in zip(arts, docs, strict=True):
        if isinstance(doc, Exception):
            # The article is kept, without entities; the failure is on record.
            failed = Document(article=art)
            failed.errors.append(StageError(stage="nlp", error=type(doc).__name__, message=str(doc)[:500]))
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
