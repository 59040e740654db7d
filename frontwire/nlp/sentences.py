"""Sentences of an annotated document, and the dependency parse of chosen ones (shared by the stages).

The main NLP pass runs without the parser; a stage that needs syntax parses only its candidate
sentences. Several stages (claims, events) often want the same sentence, so parses are memoised
on the spaCy Doc (``doc.user_data``, transient like the Doc itself): each sentence is parsed once.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import LEMMA

_CACHE_KEY = "frontwire.parses"


def sentence_spans(doc: Any, text: str) -> list[tuple[int, int]]:
    """Sentence spans from ``senter``, also cut at line breaks (a sentence never spans paragraphs)."""
    out: list[tuple[int, int]] = []
    for sent in doc.sents:
        s = sent.start_char
        for piece in text[sent.start_char : sent.end_char].split("\n"):
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((s + lead, s + len(piece.rstrip())))
            s += len(piece) + 1
    return out


def parse_sentences(
    resources: Any, doc: Any, text: str, spans: list[tuple[int, int]]
) -> list[tuple[Any, int]]:
    """Dependency-parse the given sentences; returns (parsed Doc, offset of its first character) each.

    Fast path: the main pass already ran tok2vec, whose output the parser's listener reads from
    ``doc.tensor`` at inference, so the parser alone runs on light per-sentence copies (words, tags,
    lemmas and the tensor rows), all in one batch: the parser advances the sentences together, which
    costs a fraction of parsing them one by one or of :func:`frontwire.nlp.model.parse_span` (which
    re-runs tok2vec, tagger and lemmatizer). Results are memoised per Doc and sentence span.
    """
    cache: dict[tuple[int, int], tuple[Any, int]] = doc.user_data.setdefault(_CACHE_KEY, {})
    todo = [span for span in dict.fromkeys(spans) if span not in cache]
    if todo:
        for span, parsed in zip(todo, _parse(resources, doc, text, todo), strict=True):
            cache[span] = parsed
    return [cache[span] for span in spans]


def _parse(resources: Any, doc: Any, text: str, spans: list[tuple[int, int]]) -> list[tuple[Any, int]]:
    from spacy.attrs import ORTH, POS, SPACY, TAG
    from spacy.tokens import Doc

    from frontwire.nlp.model import parse_span

    nlp = resources.nlp
    tensor = getattr(doc, "tensor", None)
    fast = tensor is not None and tensor.size and len(tensor) == len(doc) and "parser" in nlp.pipe_names
    out: list[tuple[Any, int] | None] = [None] * len(spans)
    batch: list[Any] = []
    slots: list[tuple[int, int]] = []
    if fast:
        attrs = [TAG, POS, LEMMA]
        array = doc.to_array(attrs)
        # Words and spaces from the columns: no Python Token object per word.
        words_spaces = doc.to_array([ORTH, SPACY])
        strings = doc.vocab.strings
        for n, (start, end) in enumerate(spans):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            cols = words_spaces[span.start : span.end]
            sdoc = Doc(
                doc.vocab,
                words=[strings[int(o)] for o in cols[:, 0]],
                spaces=cols[:, 1].astype(bool).tolist(),
            )
            sdoc.from_array(attrs, array[span.start : span.end])
            sdoc.tensor = tensor[span.start : span.end]  # type: ignore[index]  # checked not None above
            batch.append(sdoc)
            slots.append((n, span.start_char))
        for (n, off), parsed in zip(slots, nlp.get_pipe("parser").pipe(batch, batch_size=512), strict=True):
            out[n] = (parsed, off)
    return [
        res if res is not None else (parse_span(nlp, text[start:end]), start)
        for res, (start, end) in zip(out, spans, strict=True)
    ]
