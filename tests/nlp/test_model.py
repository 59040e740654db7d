"""Tests of frontwire/nlp/model.py: the model's layers run on numpy's BLAS, with spaCy's results."""

from __future__ import annotations

import pytest

from frontwire.nlp.model import load_model

pytestmark = pytest.mark.slow

TEXTS = [
    "Russian forces shelled Bakhmut on Monday, Donetsk Governor Pavlo Kyrylenko said.",
    "“We will hold the city,” Volodymyr Zelenskyy told reporters in Kyiv, though analysts at the"
    " Institute for the Study of War said a limited withdrawal was under way.",
    "HIMARS strikes hit a Wagner Group depot near Soledar; two T-90M tanks were destroyed.",
]


def _layers(nlp):  # type: ignore[no-untyped-def]
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if hasattr(model, "walk"):
            yield from model.walk()


def test_every_layer_multiplies_with_numpy_blas(resources) -> None:  # type: ignore[no-untyped-def]
    nlp = load_model(resources.settings)
    layers = list(_layers(nlp))
    assert len(layers) > 50  # tok2vec, tagger, senter, parser and ner, all their sub-layers
    assert {type(node.ops).__name__ for node in layers} == {"NumpyOps"}
    assert not any(node.ops.use_blis for node in layers)


def test_numpy_blas_gives_spacys_own_annotation(resources) -> None:  # type: ignore[no-untyped-def]
    import spacy

    ours = load_model(resources.settings)
    theirs = spacy.load(resources.settings.spacy_model)  # spaCy's default: BLIS products
    assert any(node.ops.use_blis for node in _layers(theirs))
    for a, b in zip(ours.pipe(TEXTS), theirs.pipe(TEXTS), strict=True):
        assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in a] == [
            (t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in b
        ]
        # The products differ only in rounding: the tensors agree to float32 precision, not bit for bit.
        assert a.tensor.shape == b.tensor.shape
        assert abs(a.tensor - b.tensor).max() < 1e-3


def test_blas_runs_on_one_thread(resources) -> None:  # type: ignore[no-untyped-def]
    from threadpoolctl import threadpool_info

    load_model(resources.settings)
    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    assert blas and all(info["num_threads"] == 1 for info in blas)
