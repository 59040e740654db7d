"""Tests of frontwire/nlp/fastmorph.py: same POS, morphology and lemmas as spaCy's own components."""

from __future__ import annotations

import pytest

from frontwire.nlp.model import main_pass_disabled

pytestmark = pytest.mark.slow

SENTENCES = [
    "Ukrainian officials said on Monday that the country's military leaders are determined to hold the city.",
    "“Civilians are fleeing the region,” Kyrylenko said. He didn't say how many had left.",
    "Something went wrong, but nothing was lost; anyone who'd gone there couldn't come back.",
    "The troops gonna stay?  They wanna leave now.\n\nIt's 5:30 p.m. and 2,000 people were evacuated.",
    "Those drones, these shells and that tank: all were destroyed by the 93rd Brigade's units.",
    # Two-token rules of the attribute ruler (matched only around their anchor words) at Doc edges.
    "Let's go, y'all, we're gonna win and I gotta say c'mon, it ain't over. Y'all",
    "Gonna",
    # Rule lemmas with two forms in the lemma index ("hope"/"hop", "rage"/"rag"): spaCy's order
    # between them changed in 3.8.8, and frontwire_morph follows the installed one.
    "Residents hoped the raging fires would stop; officials are hoping for rain.",
]


def _reference(resources):  # type: ignore[no-untyped-def]
    import spacy

    ref = spacy.load(resources.settings.spacy_model, disable=["parser", "ner"])
    ref.enable_pipe("senter")
    return ref


def test_fastmorph_matches_spacy_components(resources, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    nlp = resources.nlp
    ref = _reference(resources)
    texts = [*SENTENCES, seed_text]
    with nlp.select_pipes(disable=main_pass_disabled(nlp)):
        ours = list(nlp.pipe(texts))
    theirs = list(ref.pipe(texts))
    for a, b in zip(ours, theirs, strict=True):
        got = [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_) for t in a]
        want = [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_) for t in b]
        assert got == want


def test_fastmorph_replaces_the_slow_components_in_the_main_pass(resources) -> None:  # type: ignore[no-untyped-def]
    nlp = resources.nlp
    disabled = main_pass_disabled(nlp)
    assert {"attribute_ruler", "lemmatizer", "parser"} <= set(disabled)
    assert "frontwire_morph" in nlp.pipe_names and "frontwire_morph" not in disabled
    # Run with everything on, the result is unchanged: the component keeps lemmas already set.
    doc = nlp("Prigozhin claimed the shells were not sent.")
    assert [t.lemma_ for t in doc][:2] == ["Prigozhin", "claim"]


def test_fastmorph_residual_windows_find_the_matchers_own_matches(resources) -> None:  # type: ignore[no-untyped-def]
    nlp = resources.nlp
    morph = nlp.get_pipe("frontwire_morph")
    assert morph.residual.plans, "every two-token rule of the shipped model has an anchor word"
    with nlp.select_pipes(enable=["tok2vec", "tagger"]):
        docs = list(nlp.pipe(SENTENCES))
    for doc in docs:
        # The windowed matches are the plain Matcher's over the whole Doc, in the same order.
        want = list(morph.residual.matcher(doc, allow_missing=True))
        assert list(morph.residual(doc, allow_missing=True)) == want
    # "gonna" is two rules (go + to), "let's" one, "y'all" one, "gotta" one, "c'mon" one.
    assert len(morph.residual(docs[5], allow_missing=True)) >= 6
