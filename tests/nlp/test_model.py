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


# Six 20 MB arrays at once, freed together, six times over: under glibc's own policy the heap's
# top is handed back after each round and every round faults its pages in again.
_ROUNDS = """
import resource, sys
import numpy as np
from frontwire.nlp.model import keep_freed_arrays
if sys.argv[1] == "kept":
    assert keep_freed_arrays()
counts = []
for _ in range(6):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    arrays = [np.ones(5 * 2**20, dtype=np.float32) for _ in range(6)]
    del arrays
    counts.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(" ".join(map(str, counts)))
"""


def _faults(mode: str) -> list[int]:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _ROUNDS, mode], capture_output=True, text=True, check=True)
    return [int(n) for n in out.stdout.split()]


def test_freed_arrays_stay_in_the_heap_for_the_next_batch() -> None:
    import os

    if not hasattr(os, "confstr") or not os.confstr("CS_GNU_LIBC_VERSION"):
        pytest.skip("glibc's mallopt only")
    default, kept = _faults("default"), _faults("kept")
    # The first round faults the memory in either way; afterwards only the default policy does.
    assert min(default[1:]) >= 50  # 120 MB: ~30,000 pages of 4 KB, or 60 huge pages of 2 MB
    assert max(kept[1:]) < min(default[1:]) / 10
