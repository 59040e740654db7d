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
    for _, component in nlp.components:  # the disabled senter too
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


def _maxout_layer(nP: int):  # type: ignore[no-untyped-def]
    import numpy as np
    from thinc.api import Maxout

    from frontwire.nlp.model import blas_ops

    layer = Maxout(nO=7, nI=5, nP=nP)
    layer.ops = blas_ops()
    layer.initialize(X=np.zeros((4, 5), dtype="f"), Y=np.zeros((4, 7), dtype="f"))
    b = np.random.default_rng(nP).normal(size=layer.get_param("b").shape).astype("f")
    layer.set_param("b", b)
    return layer


@pytest.mark.parametrize("nP", [1, 2, 3, 4])
def test_inference_maxout_gives_thincs_values(nP: int) -> None:
    import numpy as np
    from thinc.layers.maxout import forward as thinc_forward

    from frontwire.nlp.model import _maxout_forward

    layer = _maxout_layer(nP)
    X = np.random.default_rng(1).normal(size=(50, 5)).astype("f")
    X[10] = X[11] = 0.0  # every piece equal to its bias: ties between pieces
    want, _ = thinc_forward(layer, X, is_train=False)
    got, backprop = _maxout_forward(layer, X, is_train=False)
    assert got.dtype == want.dtype and got.shape == want.shape == (50, 7)
    assert np.array_equal(got, want)
    with pytest.raises(ValueError, match="no backward pass"):
        backprop(got)


def test_inference_maxout_leaves_nan_and_training_to_thinc() -> None:
    import numpy as np
    from thinc.layers.maxout import forward as thinc_forward

    from frontwire.nlp.model import _maxout_forward

    layer = _maxout_layer(3)
    X = np.random.default_rng(2).normal(size=(20, 5)).astype("f")
    X[3, 2] = np.nan  # thinc's kernel decides what a NaN piece gives (np.maximum would keep NaN)
    want, _ = thinc_forward(layer, X, is_train=False)
    got, _ = _maxout_forward(layer, X, is_train=False)
    assert np.array_equal(got, want, equal_nan=True)
    # Training takes thinc's own forward, whose backward pass works.
    Y, backprop = _maxout_forward(layer, X[4:], is_train=True)
    assert backprop(np.ones_like(Y)).shape == X[4:].shape


def test_every_maxout_layer_runs_the_inference_forward(resources) -> None:  # type: ignore[no-untyped-def]
    from frontwire.nlp.model import _maxout_forward

    nlp = load_model(resources.settings)
    names = [name for name, component in nlp.components if hasattr(getattr(component, "model", None), "walk")]
    patched = {
        name for name in names for node in nlp.get_pipe(name).model.walk() if node._func is _maxout_forward
    }
    assert {"tok2vec", "ner", "senter"} <= patched
