"""A faster, equivalent stand-in for spaCy's ``attribute_ruler`` + ``lemmatizer`` in the main pass.

Why: on news text the two components cost about a fifth of the main pass (measured on
ukraine-news-raw: 11 ms + 8 ms of ~100 ms per article), almost all of it Python overhead per token:
the attribute ruler runs a 179-pattern Matcher, the lemmatizer a method call per token.
This component applies *the model's own* rules, compiled:

- single-token attribute-ruler patterns depend only on (TAG, lower-case form), so their combined
  effect is computed once per (TAG, form) and cached;
- the few other patterns (two-token lemma fixes, whitespace and dependency conditions) still go
  through a small Matcher, and all effects are applied in the ruler's pattern order, as spaCy does;
- lemmas come from the model's rule lemmatizer, cached per (form, POS) exactly as it caches them.

``tests/nlp/test_fastmorph.py`` checks that POS, morphology and lemmas equal spaCy's own components.
The original components stay in the pipeline (disabled in the main pass) for ``parse_span``.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

NAME = "frontwire_morph"
# Keys a single-token pattern may use and still be decided by (TAG, lower-case form, is-space) alone.
_SIMPLE_KEYS = frozenset({"TAG", "LOWER", "IS_SPACE"})


class FastMorph:
    """Applies a model's attribute-ruler patterns and rule lemmatizer with per-form caches."""

    def __init__(self, nlp: Language) -> None:
        ruler: Any = nlp.get_pipe("attribute_ruler")
        self.lemmatizer: Any = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None
        self.vocab = nlp.vocab
        # (order, patterns) of single-token TAG/LOWER rules, and a Matcher for all the others.
        self.simple: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        self.residual = Matcher(nlp.vocab, validate=False)
        # Patterns that test the dependency label cannot match before the parser has run.
        self.residual_dep = Matcher(nlp.vocab, validate=False)
        self.residual_attrs: dict[int, tuple[dict[str, Any], int]] = {}
        # ruler.attrs[i] is the normalised (integer-keyed) form of ruler.patterns[i]["attrs"].
        for order, (entry, attrs) in enumerate(zip(ruler.patterns, ruler.attrs, strict=True)):
            for pattern in entry["patterns"]:
                if len(pattern) == 1 and set(pattern[0]) <= _SIMPLE_KEYS and entry.get("index", 0) in (0, -1):
                    self.simple.append((order, pattern[0], attrs))
                else:
                    matcher = self.residual_dep if any("DEP" in tok for tok in pattern) else self.residual
                    matcher.add(str(order), [pattern])
                    self.residual_attrs[order] = (attrs, entry.get("index", 0))
        self._rule_cache: dict[tuple[str, str, bool], list[tuple[int, dict[str, Any]]]] = {}
        self._merged_cache: dict[tuple[str, str, bool], dict[str, Any]] = {}
        self._lemma_cache: dict[tuple[int, int, int], str] = {}

    @staticmethod
    def _matches(spec: dict[str, Any], tag: str, lower: str, space: bool) -> bool:
        for key, want in spec.items():
            have: object = tag if key == "TAG" else lower if key == "LOWER" else space
            if isinstance(want, dict):
                if "IN" in want and have not in want["IN"]:
                    return False
                if "NOT_IN" in want and have in want["NOT_IN"]:
                    return False
                if set(want) - {"IN", "NOT_IN"}:
                    return False  # never produced by _SIMPLE_KEYS patterns of the shipped models
            elif have != want:
                return False
        return True

    def _rules_for(self, tag: str, lower: str, space: bool) -> list[tuple[int, dict[str, Any]]]:
        key = (tag, lower, space)
        found = self._rule_cache.get(key)
        if found is None:
            found = [
                (order, attrs) for order, spec, attrs in self.simple if self._matches(spec, tag, lower, space)
            ]
            self._rule_cache[key] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        extra: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        matches = list(self.residual(doc, allow_missing=True))
        if doc.has_annotation("DEP"):
            matches += self.residual_dep(doc, allow_missing=True)
        for match_id, start, end in matches:
            order = int(self.vocab.strings[match_id])
            attrs, index = self.residual_attrs[order]
            pos = (start if index >= 0 else end) + index
            extra.setdefault(pos, []).append((order, attrs))
        merged_cache = self._merged_cache
        for i, token in enumerate(doc):
            key = (token.tag_, token.lower_, token.is_space)
            if i in extra:
                rules = sorted([*self._rules_for(*key), *extra[i]], key=lambda r: r[0])
                merged = {k: v for _, attrs in rules for k, v in attrs.items()}
            else:
                merged = merged_cache.get(key)  # type: ignore[assignment]
                if merged is None:
                    # Later rules win, attribute by attribute, as when spaCy applies them in order.
                    merged = {k: v for _, attrs in self._rules_for(*key) for k, v in attrs.items()}
                    merged_cache[key] = merged
            if merged:
                set_token_attrs(token, merged)
        if self.lemmatizer is not None:
            cache = self._lemma_cache
            lemmatize = self.lemmatizer.lemmatize
            for token in doc:
                if token.lemma != 0:
                    continue  # set by an attribute-ruler exception; the lemmatizer keeps it too
                # The rule lemmatizer reads the form, the POS and the morphology (is_base_form).
                form = (token.orth, token.pos, token.morph.key)  # type: ignore[attr-defined]
                lemma = cache.get(form)
                if lemma is None:
                    lemma = lemmatize(token)[0]
                    cache[form] = lemma
                token.lemma_ = lemma
        return doc


@Language.factory(NAME, requires=["token.tag"], assigns=["token.pos", "token.morph", "token.lemma"])
def make_fast_morph(nlp: Language, name: str) -> FastMorph:
    return FastMorph(nlp)


__all__ = ["NAME", "FastMorph"]
