"""The packaged event-type classifier on sentences written for these tests, its tables and its trainer."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from frontwire.events.classify import (
    acled_codes,
    acled_types,
    load_classifier,
    plover_map,
    weapon_patterns,
    word_classes,
)

VIOLENT = {
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Riots",
}


@pytest.fixture(scope="module")
def clf():  # type: ignore[no-untyped-def]
    return load_classifier()


def test_tables() -> None:
    types = acled_types()
    assert len(types) == 25
    assert len(set(types.values())) == 6
    assert acled_codes()["ART_MISS_ATTACK"] == "Shelling/artillery/missile attack"
    pm = plover_map()
    assert set(pm) == set(types)
    assert pm["Air/drone strike"] == ("ASSAULT", "aerial")
    assert pm["Agreement"][0] == "AGREE"
    assert pm["Non-violent transfer of territory"][0] == "CONCEDE"
    assert all(sub in types for _p, sub, _c in weapon_patterns())
    assert "ROCKET" in word_classes("HIMARS strikes")
    assert "DRONE" in word_classes("a Shahed-136 hit the port")


def _one(clf, text: str, abstain: bool = True):  # type: ignore[no-untyped-def]
    return clf.predict([text], abstain=abstain)[0]


def test_shelling(clf) -> None:  # type: ignore[no-untyped-def]
    p = _one(clf, "Russian forces shelled Kharkiv overnight with Grad rockets.")
    assert p.sub_event_type == "Shelling/artillery/missile attack"
    assert p.event_type == "Explosions/Remote violence"
    assert p.plover_type == "ASSAULT"
    assert 0.0 < p.probability <= 1.0
    assert len(p.ranked) == 3 and p.ranked[0][0] == p.sub_event_type


def test_drone_strike(clf) -> None:  # type: ignore[no-untyped-def]
    assert _one(clf, "A Shahed drone hit an energy facility in Odesa.").sub_event_type == "Air/drone strike"


def test_territory(clf) -> None:  # type: ignore[no-untyped-def]
    p = _one(clf, "Ukraine's army recaptured the village of Andriivka near Bakhmut, the General Staff said.")
    assert p.event_type == "Battles"
    assert p.sub_event_type in {"Government regains territory", "Non-state actor overtakes territory"}


def test_abstains_on_analysis(clf) -> None:  # type: ignore[no-untyped-def]
    p = _one(clf, "Analysts say the city would be Russia's first major victory in months.")
    assert p.sub_event_type is None and p.event_type is None
    forced = _one(
        clf, "Analysts say the city would be Russia's first major victory in months.", abstain=False
    )
    assert forced.sub_event_type in acled_types()


def test_arms_delivery_not_violent(clf) -> None:  # type: ignore[no-untyped-def]
    p = _one(clf, "Canada and France delivered artillery to Ukraine.")
    assert p.event_type not in VIOLENT
    assert p.plover_type == "AID"


def test_plover_verbal(clf) -> None:  # type: ignore[no-untyped-def]
    assert clf.plover_predict(["Putin threatened to use nuclear weapons against the West."]) == ["THREATEN"]


def test_deterministic_and_fast(clf) -> None:  # type: ignore[no-untyped-def]
    texts = ["Police arrested 12 protesters in Minsk on Sunday."] * 200 + ["The weather was fine."] * 200
    t = time.perf_counter()
    a = clf.predict(texts)
    dt = time.perf_counter() - t
    assert a == clf.predict(texts)
    assert len(texts) / dt > 300  # > 1,000/s on a quiet core; loose bound for shared CI machines
    assert clf.predict([]) == []


def test_model_small_and_plain() -> None:
    from frontwire.events.classify import model_paths

    j, n = model_paths()
    meta = json.loads(j.read_text(encoding="utf-8"))
    assert 0.0 <= meta["threshold"] < 1.0
    assert j.stat().st_size + n.stat().st_size < 10_000_000
    import numpy as np

    with np.load(n, allow_pickle=False) as z:  # plain arrays only
        assert "acled_coef" in z.files


def test_trainer_runs_on_tiny_set(tmp_path: Path) -> None:
    from frontwire.events import train

    ex = train.expand_templates()
    labels = sorted({e.acled for e in ex if e.acled})
    small = [e for lab in labels for e in [x for x in ex if x.acled == lab][:6]]
    raw = train.raw_matrix([e.text for e in small])
    idf = train.fit_idf(raw)
    la, coef, icpt = train.fit_linear(
        train.weighted(raw, idf), [str(e.acled) for e in small], [1.0] * len(small), 0.5
    )
    stem = tmp_path / "m"
    train.export(stem, idf, {"acled": (la, coef, icpt, 1.0)}, 0.2, {})
    tiny = load_classifier(stem.with_suffix(".json"))
    p = tiny.predict(["Russian forces shelled Kharkiv with Grad rockets."])[0]
    assert p.ranked[0][0] in labels


def test_classify_prepare_adds_each_word_class_once_as_the_rows_say() -> None:
    from frontwire.events.classify import prepare, word_classes

    for text in (
        "Russian forces fired Grad rockets and shelled Kharkiv with howitzers.",
        "A Shahed drone and a cruise missile hit Odesa.",
        "Parliament met on Tuesday.",
    ):
        classes = sorted(set(word_classes(text)))
        assert prepare(text) == text + "".join(f" wc_{c.lower()}" for c in classes)


SENTENCES = [
    "Russian forces shelled Kherson overnight with artillery and Grad rockets, killing two civilians.",
    "A Shahed drone hit an energy facility in Odesa, the governor said on Telegram.",
    "Ukrainian troops repelled attacks near Bakhmut and Avdiivka, the General Staff reported.",
    "Protesters gathered in Tbilisi; police used tear gas and water cannon.",
    "The talks in Istanbul ended without agreement on grain exports.",
    "HIMARS strikes destroyed an ammunition depot near Nova Kakhovka.",
    "",
    "Zelensky met Biden in Washington.",
]


def test_weapon_rows_are_lower_case() -> None:
    # prepare() tests every row at once, case-sensitively, against the lower-cased text.
    for pat, _sub, _cls in weapon_patterns():
        assert pat.pattern == pat.pattern.lower(), pat.pattern


def test_prepare_adds_the_same_classes_as_the_rows() -> None:
    from frontwire.events.classify import prepare

    for text in [*SENTENCES, "M777 HOWITZERS and Bayraktar TB2", "no weapon here at all"]:
        classes = sorted(set(word_classes(text)))
        added = prepare(text)[len(text) :].split()
        assert sorted(added) == ["wc_" + c.lower() for c in classes], text


def test_numpy_features_equal_the_sparse_matrix(clf) -> None:  # type: ignore[no-untyped-def]
    # Inference builds the features without SciPy; the trainer's sparse path must give the same.
    import numpy as np

    from frontwire.events.classify import _softmax, features
    from frontwire.events.train import raw_matrix, weighted

    sparse = weighted(raw_matrix(SENTENCES), clf._idf).tocsr()
    dense = sparse.toarray()
    mine = features(SENTENCES, clf._vecs, clf._idf)
    ours = np.zeros(sparse.shape, dtype=np.float32)
    ours[mine.rows, mine.cols] = mine.values
    assert mine.n == len(SENTENCES)
    assert np.allclose(dense, ours, atol=1e-6)
    for head in (clf._acled, clf._plover):
        # The linear head on the sparse matrix, as scikit-learn's decision function computes it.
        scores = np.asarray(sparse[:, head.cols] @ head.coef) + head.intercept
        assert np.allclose(_softmax(scores / head.temperature), head.proba(mine), atol=1e-5)


def test_unpacked_cache_gives_the_packaged_models_answers(clf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    sentences = [
        "Russian forces shelled the outskirts of Kharkiv overnight, the regional governor said.",
        "The ministers met in Brussels to discuss the budget for next year.",
        "A drone struck an oil depot near Belgorod on Tuesday.",
    ]
    first = load_classifier(cache_dir=tmp_path)  # unpacks the model into the cache folder
    [unpacked] = tmp_path.glob("events-model-v1-*.npz")
    with np.load(unpacked) as z:
        assert z["acled_coef"].dtype == np.float32 and z["idf"].dtype == np.float32
    again = load_classifier(cache_dir=tmp_path)  # reads the unpacked copy
    want = clf.predict(sentences)
    assert first.predict(sentences) == want == again.predict(sentences)
    assert np.array_equal(again.acled_proba(sentences)[1], clf.acled_proba(sentences)[1])
    unpacked.write_bytes(b"truncated")  # a broken copy is written again, answers unchanged
    assert load_classifier(cache_dir=tmp_path).predict(sentences) == want
    with np.load(unpacked) as z:
        assert "acled_coef" in z.files


def test_head_scores_are_the_per_label_bincount_sums_to_the_bit() -> None:
    """_Head sums each row's entries in their order in float64, as one bincount per label did (rows
    without a kept feature, rows only in the second block and unsorted rows included)."""
    import numpy as np

    from frontwire.events.classify import Features, _Head

    rng = np.random.default_rng(11)
    n_cols, n_labels = 500, 7
    cols = np.sort(rng.choice(n_cols, 200, replace=False))
    head = _Head(
        labels=[str(j) for j in range(n_labels)],
        cols=cols,
        coef=rng.normal(size=(len(cols), n_labels)).astype(np.float32),
        intercept=rng.normal(size=n_labels).astype(np.float32),
        temperature=0.7,
    )
    n = 9
    # Two blocks, each row-major (as features() stacks its vectorisers); rows 3 and 7 stay empty.
    block = [np.sort(rng.choice([0, 1, 2, 4, 5, 6, 8], 300)) for _ in range(2)]
    x = Features(
        rows=np.concatenate(block),
        cols=rng.integers(0, n_cols + 50, 600),  # some past the head's columns
        values=rng.random(600).astype(np.float32),
        n=n,
    )
    pos = np.full(n_cols + 50, -1)
    pos[cols] = np.arange(len(cols))
    kept = pos[x.cols] >= 0
    contrib = x.values[kept, None] * head.coef[pos[x.cols][kept]]
    want = np.stack(
        [np.bincount(x.rows[kept], weights=contrib[:, j], minlength=n) for j in range(n_labels)], axis=1
    )
    got = head._scores(x)
    assert got.tobytes() == (want + head.intercept).astype(np.float32).tobytes()
    assert np.array_equal(got[3], head.intercept) and np.array_equal(got[7], head.intercept)
    assert (
        head._scores(Features(x.rows[:0], x.cols[:0], x.values[:0], 2)).tobytes()
        == np.tile(head.intercept, (2, 1)).astype(np.float32).tobytes()
    )
