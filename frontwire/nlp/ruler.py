"""The conflict EntityRuler: front-line places, armed groups and units, weapons, institutions, key people.

Patterns come from ``frontwire/data/entity_patterns.jsonl`` (one spaCy pattern a line, with the
canonical name in ``id``; ``build_patterns.py`` beside it regenerates the file). The ruler runs
*before* ``ner`` with ``overwrite_ents`` so that its names win and the statistical model only fills
the gaps around them.

Start-up: spaCy's ``add_patterns`` tokenises every phrase pattern, and the tokenizer makes a vocabulary
entry (lexeme) for each new word: 0.5 s for ~5,600 patterns, most of the ruler's build time. The
tokens of each phrase are the same from one process to the next, so they are kept in a cache file
(named by a hash of the pattern texts, the spaCy version, the model and its tokenizer file) and the
PhraseMatcher is given their string hashes directly, pattern by pattern in file order as
``add_patterns`` does: the same matcher, the same matches in the same order, no lexeme made up front.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from frontwire.cachefiles import mark_used, prune, write_atomic
from frontwire.errors import ResourceError
from frontwire.nlp._anchored import AnchoredMatcher

PATTERN_FILE = "entity_patterns.jsonl"
RULER_NAME = "frontwire_ruler"
# Pattern id meaning "no fixed canonical name: the matched text is the name" (units, regional bodies).
TEXT_ID = "@text"


@lru_cache(maxsize=1)
def load_patterns() -> tuple[dict[str, Any], ...]:
    """All ruler patterns from the bundled data file (read once per process)."""
    data = importlib_resources.files("frontwire") / "data" / PATTERN_FILE
    patterns: list[dict[str, Any]] = []
    if not data.is_file():
        # Without it the ruler would silently do nothing: a broken install, not a choice.
        raise ResourceError(f"frontwire/data/{PATTERN_FILE} is missing: reinstall frontwire")
    for number, line in enumerate(data.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            pattern = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ResourceError(f"{PATTERN_FILE} line {number}: invalid JSON ({exc.msg})") from exc
        if "label" not in pattern or "pattern" not in pattern:
            raise ResourceError(f"{PATTERN_FILE} line {number}: a pattern needs 'label' and 'pattern'")
        patterns.append(pattern)
    return tuple(patterns)


# Bump when the cache file changes shape or what it is derived from.
CACHE_FORMAT = 1
CACHE_KEEP = 4  # phrase-token files kept, the last used (~100 kB each)


class PhraseText(str):
    """A phrase pattern kept in ``EntityRuler.phrase_patterns`` in place of its Doc (``.text`` is
    all that spaCy reads from it: ``ruler.patterns``, ``to_disk``)."""

    @property
    def text(self) -> str:
        return str(self)


def _tokenizer_digest(nlp: Any) -> str:
    """sha256 of the model's serialised tokenizer file ('' when the model was not loaded from disk)."""
    path = getattr(nlp, "_path", None)
    if path is None or not (Path(path) / "tokenizer").is_file():
        return ""
    return hashlib.sha256((Path(path) / "tokenizer").read_bytes()).hexdigest()


def cache_key(nlp: Any, texts: list[str]) -> str:
    """What the tokens of ``texts`` depend on: the texts, spaCy, the model and its tokenizer rules."""
    import spacy

    h = hashlib.sha256()
    meta = nlp.meta
    for part in (
        f"format {CACHE_FORMAT}",
        f"spacy {spacy.__version__}",
        f"model {meta.get('lang')}_{meta.get('name')} {meta.get('version')}",
        f"tokenizer {_tokenizer_digest(nlp)}",
        *texts,
    ):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def _read_cache(path: Path, key: str, n: int) -> list[list[str]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable or broken: rebuilt by the caller
        return None
    tokens = data.get("tokens") if isinstance(data, dict) and data.get("key") == key else None
    if (
        not isinstance(tokens, list)
        or len(tokens) != n
        or not all(isinstance(t, list) and all(isinstance(w, str) for w in t) for t in tokens)
    ):
        return None
    return tokens


def _write_cache(path: Path, key: str, tokens: list[list[str]]) -> None:
    data = {"format": CACHE_FORMAT, "key": key, "tokens": tokens}
    if write_atomic(path, lambda fh: json.dump(data, fh, ensure_ascii=False), binary=False):
        prune(path.parent, "ruler-phrases-v*.json", CACHE_KEEP, spare=path)


def phrase_tokens(nlp: Any, texts: list[str], cache_dir: Path | None = None) -> list[list[str]]:
    """The tokenizer's tokens of each phrase pattern, from the cache file in ``cache_dir`` when it
    holds them (None: no cache; the tokenizer is run)."""
    key = cache_key(nlp, texts) if cache_dir is not None else ""
    path = cache_dir / f"ruler-phrases-v{CACHE_FORMAT}-{key[:24]}.json" if cache_dir is not None else None
    if path is not None:
        found = _read_cache(path, key, len(texts))
        if found is not None:
            mark_used(path)
            return found
    tokens = [[t.text for t in doc] for doc in nlp.tokenizer.pipe(texts)]
    if path is not None:
        _write_cache(path, key, tokens)
    return tokens


def _add_phrase_patterns(ruler: Any, entries: list[dict[str, Any]], tokens: list[list[str]]) -> None:
    """What ``EntityRuler.add_patterns`` does with phrase patterns, given their tokens."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    for entry, words in zip(entries, tokens, strict=True):
        label = entry["label"]
        ent_id = entry.get("id")
        if ent_id:  # as add_patterns: a phrase pattern's id counts only when it is set
            ent_label = label
            label = ruler._create_label(label, ent_id)
            ruler._ent_ids[ruler.matcher._normalize_key(label)] = (ent_label, ent_id)
        ruler.phrase_patterns[label].append(PhraseText(entry["pattern"]))
        # PhraseMatcher.add takes a sequence of ORTH hashes as well as a Doc (whose ORTH hashes it
        # would take); an empty Doc adds the key and no phrase, and so does this.
        keyword = tuple(hash_string(w) for w in words)
        ruler.phrase_matcher.add(label, [keyword] if keyword else [])


def add_entity_ruler(nlp: Any, cache_dir: Path | None = None) -> Any:
    """Insert the ruler before ner (idempotent) and return it; ``cache_dir``: where the tokenised
    phrase patterns are cached (None: tokenise them now)."""
    if RULER_NAME in nlp.pipe_names:
        return nlp.get_pipe(RULER_NAME)
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe(
        "entity_ruler",
        name=RULER_NAME,
        config={"phrase_matcher_attr": "ORTH", "validate": False, "overwrite_ents": True},
        **before,
    )
    patterns = load_patterns()
    # Token patterns go through spaCy's own add_patterns (a few dozen: cheap); phrase patterns are
    # added from their cached tokens, after them, in file order, as add_patterns would.
    token_entries = [p for p in patterns if isinstance(p["pattern"], list)]
    phrase_entries = [p for p in patterns if isinstance(p["pattern"], str)]
    others = [name for name in nlp.pipe_names if name != RULER_NAME]
    with nlp.select_pipes(disable=others):
        ruler.add_patterns(token_entries)
    tokens = phrase_tokens(nlp, [p["pattern"] for p in phrase_entries], cache_dir)
    _add_phrase_patterns(ruler, phrase_entries, tokens)
    ruler.matcher = AnchoredMatcher(ruler.matcher, ruler.token_patterns, nlp.vocab)
    return ruler
