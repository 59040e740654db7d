"""Start-up: the EntityRuler built from its phrase cache is spaCy's own; the caches are rebuilt when
broken or stale; a run's imports leave out what one article does not need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from frontwire.config import Settings

pytestmark = pytest.mark.slow

TEXTS = [
    "Fighting continued near Avdiivka, Klishchiivka and Artemivsk in the Donetsk region.",
    "The 93rd Mechanized Brigade and the Wagner Group fought; Prigozhin and Shoigu met in Moscow.",
    "Russia fired Shahed drones and a Kinzhal; a T-90M tank was hit by HIMARS near Kherson oblast.",
    "The Kharkiv Regional Military Administration and the Ministry of Defence of Ukraine reported it.",
]


def _spacy_ruler(nlp):  # type: ignore[no-untyped-def]
    """The ruler as spaCy's add_patterns builds it (the way frontwire built it before the cache)."""
    from frontwire.nlp._anchored import AnchoredMatcher
    from frontwire.nlp.ruler import RULER_NAME, load_patterns

    ruler = nlp.add_pipe(
        "entity_ruler",
        name=RULER_NAME,
        config={"phrase_matcher_attr": "ORTH", "validate": False, "overwrite_ents": True},
        before="ner",
    )
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n != RULER_NAME]):
        ruler.add_patterns(list(load_patterns()))
    ruler.matcher = AnchoredMatcher(ruler.matcher, ruler.token_patterns, nlp.vocab)
    return ruler


@pytest.fixture(scope="module")
def models():  # type: ignore[no-untyped-def]
    import spacy

    model = Settings().spacy_model
    return spacy.load(model), spacy.load(model), spacy.load(model)


def test_ruler_from_the_phrase_cache_is_spacys_own(models, tmp_path: Path, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    from frontwire.nlp.ruler import add_entity_ruler

    ref_nlp, cold_nlp, warm_nlp = models
    ref = _spacy_ruler(ref_nlp)
    cold = add_entity_ruler(cold_nlp, tmp_path)  # tokenises, writes the cache
    [cache] = tmp_path.glob("ruler-phrases-*.json")
    warm = add_entity_ruler(warm_nlp, tmp_path)  # reads it
    for ruler in (cold, warm):
        assert len(ruler) == len(ref) and len(ruler.phrase_matcher) == len(ref.phrase_matcher)
        assert dict(ruler._ent_ids) == dict(ref._ent_ids)
        assert sorted(map(str, ruler.patterns)) == sorted(map(str, ref.patterns))
    for text in [*TEXTS, seed_text]:
        with ref_nlp.select_pipes(enable=[]):
            doc = ref_nlp(text)
        # The same matches in the same order (ties between patterns are broken by that order).
        assert cold.phrase_matcher(doc) == warm.phrase_matcher(doc) == ref.phrase_matcher(doc)
        assert cold.match(doc) == warm.match(doc) == ref.match(doc)
        want = [(e.start, e.end, e.label_, e.ent_id_) for e in ref_nlp(text).ents]
        for nlp in (cold_nlp, warm_nlp):
            assert [(e.start, e.end, e.label_, e.ent_id_) for e in nlp(text).ents] == want
    assert json.loads(cache.read_text(encoding="utf-8"))["format"] == 1


def test_ruler_phrase_cache_broken_or_stale_is_rebuilt(models, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from frontwire.nlp.ruler import phrase_tokens

    nlp = models[0]
    texts = ["Kyiv", "Donetsk region", "U.S.-led coalition", "Ministry of Defence of Ukraine"]
    want = [[t.text for t in nlp.tokenizer(x)] for x in texts]
    assert phrase_tokens(nlp, texts, None) == want  # no cache folder: tokenised now
    assert phrase_tokens(nlp, texts, tmp_path) == want
    [cache] = tmp_path.glob("ruler-phrases-*.json")
    for broken in ("not json at all", json.dumps({"key": "other", "tokens": want}), "[]"):
        cache.write_text(broken, encoding="utf-8")
        assert phrase_tokens(nlp, texts, tmp_path) == want
        assert json.loads(cache.read_text(encoding="utf-8"))["tokens"] == want
    # Other texts are another key, hence another file.
    assert phrase_tokens(nlp, texts[:2], tmp_path) == want[:2]
    assert len(list(tmp_path.glob("ruler-phrases-*.json"))) == 2


def test_gazetteer_built_cache_is_the_build_and_follows_its_inputs(tmp_path: Path) -> None:
    from dataclasses import fields

    from frontwire.geo.gazetteer import BUILT_KEEP, Gazetteer, PackedIndex, _build_gazetteer, build_gazetteer

    user = tmp_path / "mine.csv"
    user.write_text(
        "name,alternate_names,lat,lon,country,admin1,feature,population,geonameid,source\n"
        "Zorvanka,Zorvanka Hill,48.1000,37.5000,UA,Donetsk,village,,,analyst\n",
        encoding="utf-8",
    )
    settings = Settings(cache_dir=str(tmp_path / "cache"), gazetteers=(str(user),))
    fresh = _build_gazetteer(settings)
    assert isinstance(fresh.index, dict)
    fresh.index = PackedIndex.pack(fresh.index)  # as build_gazetteer returns it, read back or not
    first = build_gazetteer(settings)  # writes the built cache
    [built] = (tmp_path / "cache").glob("gazetteer-built-*.pkl")
    cached = build_gazetteer(settings)
    # Read back, not rebuilt: reading must not change the key (it holds the derived tables' mtime).
    assert list((tmp_path / "cache").glob("gazetteer-built-*.pkl")) == [built]
    for f in fields(Gazetteer):
        value = getattr(fresh, f.name)
        assert getattr(first, f.name) == value == getattr(cached, f.name), f.name
        if isinstance(value, dict):
            assert list(getattr(cached, f.name).items()) == list(value.items()), f.name
    built.write_bytes(b"not a pickle")
    assert build_gazetteer(settings).names == fresh.names  # a broken file is rebuilt
    # An edit to an input is a new key: the edit shows at once; only the newest few files are kept.
    before = "Zorvanka"
    for name in ("Bilovarka", "Chernozirka", "Dovhanivka", "Estrynivka"):
        user.write_text(user.read_text(encoding="utf-8").replace(before, name), "utf-8")
        again = build_gazetteer(settings)
        assert again.lookup(name) and not again.lookup(before)
        before = name
    kept = list((tmp_path / "cache").glob("gazetteer-built-*.pkl"))
    assert len(kept) == BUILT_KEEP and built not in kept


def test_a_one_article_run_does_not_import_scikit_learn(tmp_path: Path, seed_text: str) -> None:
    article = tmp_path / "one.txt"
    article.write_text(seed_text, encoding="utf-8")
    code = (
        "import sys\n"
        "from frontwire.cli import app\n"
        f"try:\n    app([ 'run', {str(article)!r}, '--db', {str(tmp_path / 'x.db')!r}])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('SKLEARN', 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "SKLEARN False" in out.stdout
