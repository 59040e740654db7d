"""NLP stage: Article -> Document with sentences, entity mentions and canonical entities.

Entry points: :func:`annotate` (one article) and :func:`annotate_batch` (many, via ``nlp.pipe``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from frontwire.model import Article, Document
from frontwire.nlp.canonical import canonicalise
from frontwire.nlp.model import main_pass_disabled
from frontwire.resources import Resources

EXTRACTOR = "nlp.spacy/1"
# spaCy labels that are entities of the record; DATE/TIME/numbers are the timex stage's business.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "ARMED_GROUP", "WEAPON", "UNIT", "PLACE", "EVENT"}
)


def _to_document(article: Article, doc: Any, resources: Resources) -> Document:
    document = Document(article=article, nlp=doc)
    entities, mentions = canonicalise(doc, resources.entity_lexicon, ENTITY_LABELS)
    document.entities = entities
    document.mentions = mentions
    return document


def annotate(article: Article, resources: Resources) -> Document:
    """Run the spaCy pipeline (parser off) and canonicalise the entity mentions of one article."""
    nlp = resources.nlp
    with nlp.select_pipes(disable=main_pass_disabled(nlp)):
        doc = nlp(article.text)
    return _to_document(article, doc, resources)


def annotate_batch(
    articles: Iterable[Article], resources: Resources, batch_size: int = 16
) -> Iterator[Document]:
    """Like :func:`annotate` over many articles, batched through ``nlp.pipe``."""
    nlp = resources.nlp
    arts = list(articles)
    with nlp.select_pipes(disable=main_pass_disabled(nlp)):
        for article, doc in zip(arts, nlp.pipe((a.text for a in arts), batch_size=batch_size), strict=True):
            yield _to_document(article, doc, resources)
