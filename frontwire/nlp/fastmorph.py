"""A faster, equivalent stand-in for spaCy's ``attribute_ruler`` + ``lemmatizer`` in the main pass.

Why: on news text the two components cost about a fifth of the main pass (measured on
ukraine-news-raw: 11 ms + 8 ms of ~100 ms per article), almost all of it Python overhead per token:
the attribute ruler runs a 179-pattern Matcher, the lemmatizer a method call per token.
This component applies *the model's own* rules, compiled, over whole token columns (string hashes,
``Doc.to_array``/``from_array``) rather than one Python Token object per word:

- single-token attribute-ruler patterns depend only on (TAG, lower-case form, is-space), so their
  combined effect is computed once per distinct key (rules indexed by tag and form) and cached;
- the few other patterns (two-token lemma fixes, whitespace and dependency conditions) still go
  through a small Matcher, run only on the windows around their anchor words, and all effects are
  applied in the ruler's pattern order, as spaCy does;
- lemmas are the model's rule lemmatizer's, cached per (form, POS, morphology); its lemma index is a
  list in the model's tables, so membership is tested against a set copy (same result, no scan).

``tests/nlp/test_fastmorph.py`` checks that POS, morphology and lemmas equal spaCy's own components.
The original components stay in the pipeline (disabled in the main pass) for ``parse_span``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline.lemmatizer import Lemmatizer
from spacy.tokens import Doc

from frontwire.errors import ResourceError
from frontwire.nlp._anchored import AnchoredMatcher

NAME = "frontwire_morph"
# Keys a single-token pattern may use and still be decided by (TAG, lower-case form, is-space) alone.
_SIMPLE_KEYS = frozenset({"TAG", "LOWER", "IS_SPACE"})
# Token columns read (rule keys, form, current values) and written (what the shipped rules set).
# DEP is set by one whitespace rule that applies only once the parser has run (parse_span).
_IN_COLS = [TAG, LOWER, IS_SPACE, ORTH, TAG, POS, MORPH, LEMMA, DEP]
_OUT_SLICE = slice(4, 9)
_OUT_ATTRS = [TAG, POS, MORPH, LEMMA, DEP]
_OUT_INDEX = {attr: j for j, attr in enumerate(_OUT_ATTRS)}
_POS_COL, _MORPH_COL, _LEMMA_COL = 1, 2, 3


class FastMorph:
    """Applies a model's attribute-ruler patterns and rule lemmatizer with per-form caches."""

    def __init__(self, nlp: Language) -> None:
        ruler: Any = nlp.get_pipe("attribute_ruler")
        self.lemmatizer: Any = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None
        self.vocab = nlp.vocab
        # (order, patterns) of single-token TAG/LOWER rules, and a Matcher for all the others.
        self.simple: list[tuple[int, dict[str, Any], dict[int, Any]]] = []
        # The other rules go to Matchers; those testing the dependency label apart, since they cannot
        # match before the parser has run.
        residual: dict[str, list[Any]] = {}
        self.residual_dep = Matcher(nlp.vocab, validate=False)
        self.residual_attrs: dict[int, tuple[dict[int, Any], int]] = {}
        # ruler.attrs[i] is the normalised (integer-keyed) form of ruler.patterns[i]["attrs"].
        for order, (entry, attrs) in enumerate(zip(ruler.patterns, ruler.attrs, strict=True)):
            for pattern in entry["patterns"]:
                if len(pattern) == 1 and set(pattern[0]) <= _SIMPLE_KEYS and entry.get("index", 0) in (0, -1):
                    self.simple.append((order, pattern[0], attrs))
                else:
                    if any("DEP" in tok for tok in pattern):
                        self.residual_dep.add(str(order), [pattern])
                    else:
                        residual.setdefault(str(order), []).append(pattern)
                    self.residual_attrs[order] = (attrs, entry.get("index", 0))
        matcher = Matcher(nlp.vocab, validate=False)
        for key, patterns in residual.items():
            matcher.add(key, patterns)
        # Two-word rules ("gon na") are matched only around their words.
        self.residual = AnchoredMatcher(matcher, residual, nlp.vocab)
        unsupported = {k for attrs in ruler.attrs for k in attrs} - set(_OUT_INDEX)
        if unsupported:
            names = sorted(nlp.vocab.strings[a] if a in nlp.vocab.strings else str(a) for a in unsupported)
            raise ResourceError(f"{NAME}: attribute-ruler attributes {names} are not supported")
        # Keys are string hashes: (TAG, LOWER, IS_SPACE) for rules, (ORTH, POS, MORPH) for lemmas.
        self._rule_cache: dict[tuple[int, int, int], list[tuple[int, dict[int, Any]]]] = {}
        self._merged_cache: dict[tuple[int, int, int], dict[int, Any]] = {}
        self._lemma_cache: dict[tuple[int, int, int], int] = {}
        self._tag_rules: dict[str, tuple[dict[str, list[Any]], list[Any]]] = {}
        # The lemma index is a list in the model's tables: membership tests scan it. Use a set instead,
        # where the lemmatizer is the stock rule lemmatizer (otherwise call it as it is).
        self._own_rules = (
            self.lemmatizer is not None
            and getattr(self.lemmatizer, "mode", None) == "rule"
            and getattr(type(self.lemmatizer), "rule_lemmatize", None) is Lemmatizer.rule_lemmatize
        )
        self._pos_tables: dict[str, tuple[bool, frozenset[str], dict[str, Any], list[Any]]] = {}
        self._index_first = self._own_rules and _index_forms_first(nlp)

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

    def _candidates(self, tag: str) -> tuple[dict[str, list[Any]], list[Any]]:
        """Simple rules whose TAG condition holds for ``tag``: indexed by their LOWER form, and the rest."""
        found = self._tag_rules.get(tag)
        if found is None:
            by_lower: dict[str, list[Any]] = {}
            rest: list[Any] = []
            for rule in self.simple:
                spec = rule[1]
                if "TAG" in spec and not self._matches({"TAG": spec["TAG"]}, tag, "", False):
                    continue
                want = spec.get("LOWER")
                if isinstance(want, str):
                    by_lower.setdefault(want, []).append(rule)
                elif isinstance(want, dict) and set(want) == {"IN"}:
                    for form in set(want["IN"]):
                        by_lower.setdefault(form, []).append(rule)
                else:
                    rest.append(rule)
            found = self._tag_rules[tag] = (by_lower, rest)
        return found

    def _rules_for(self, key: tuple[int, int, int]) -> list[tuple[int, dict[int, Any]]]:
        found = self._rule_cache.get(key)
        if found is None:
            strings = self.vocab.strings
            tag, lower, space = strings[key[0]], strings[key[1]], bool(key[2])
            by_lower, rest = self._candidates(tag)
            candidates = sorted([*by_lower.get(lower, ()), *rest], key=lambda r: r[0])
            found = [
                (order, attrs) for order, spec, attrs in candidates if self._matches(spec, tag, lower, space)
            ]
            self._rule_cache[key] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        # Work on whole token columns (string hashes): no Python Token object per word.
        cols = doc.to_array(_IN_COLS)
        extra: dict[int, list[tuple[int, dict[int, Any]]]] = {}
        matches = list(self.residual(doc, allow_missing=True))
        if doc.has_annotation("DEP"):
            matches += self.residual_dep(doc, allow_missing=True)
        for match_id, start, end in matches:
            order = int(self.vocab.strings[match_id])
            attrs, index = self.residual_attrs[order]
            pos = (start if index >= 0 else end) + index
            extra.setdefault(pos, []).append((order, attrs))
        out: Any = cols[:, _OUT_SLICE].copy()
        # Tokens sharing (TAG, LOWER, IS_SPACE) get the same rules: resolve each distinct key once.
        uid_of: dict[tuple[int, int, int], int] = {}
        uids = [uid_of.setdefault(key, len(uid_of)) for key in map(tuple, cols[:, :3].tolist())]
        values = np.zeros((len(uid_of), len(_OUT_ATTRS)), dtype="uint64")
        present = np.zeros((len(uid_of), len(_OUT_ATTRS)), dtype=bool)
        for key, uid in uid_of.items():
            merged = self._merged_cache.get(key)
            if merged is None:
                # Later rules win, attribute by attribute, as when spaCy applies them in order.
                merged = {k: v for _, attrs in self._rules_for(key) for k, v in attrs.items()}
                self._merged_cache[key] = merged
            for attr, value in merged.items():
                j = _OUT_INDEX[attr]
                values[uid, j], present[uid, j] = value, True
        rows = np.asarray(uids, dtype=np.intp)
        out = np.where(present[rows], values[rows], out)
        for i, found in extra.items():
            key = (int(cols[i, 0]), int(cols[i, 1]), int(cols[i, 2]))
            rules = sorted([*self._rules_for(key), *found], key=lambda r: r[0])
            for _, attrs in rules:
                for attr, value in attrs.items():
                    out[i, _OUT_INDEX[attr]] = value
        doc.from_array(_OUT_ATTRS, out)
        if self.lemmatizer is not None:
            self._lemmatize(doc, cols[:, 3], out)
        return doc

    def _lemmatize(self, doc: Doc, orths: Any, out: Any) -> None:
        """Lemmas of the tokens the rules left without one, cached per (form, POS, morphology)."""
        lemmas = out[:, _LEMMA_COL]
        todo = np.flatnonzero(lemmas == 0)
        if not len(todo):
            return
        cache = self._lemma_cache
        strings = self.vocab.strings
        pos_col, morph_col = out[:, _POS_COL], out[:, _MORPH_COL]
        # The rule lemmatizer reads the form, the POS and the morphology (is_base_form).
        keys = np.column_stack((orths[todo], pos_col[todo], morph_col[todo])).tolist()
        for i, row in zip(todo.tolist(), keys, strict=True):
            key = (row[0], row[1], row[2])
            lemma = cache.get(key)
            if lemma is None:
                lemma = strings.add(self._lemma_of(doc[i]))
                cache[key] = lemma
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas)

    def _lemma_of(self, token: Any) -> str:
        """``rule_lemmatize(token)[0]``, with the lemma index as a set instead of a list."""
        lem = self.lemmatizer
        univ_pos = token.pos_.lower()
        if not self._own_rules or univ_pos in ("", "eol", "space") or lem.is_base_form(token):
            return str(lem.lemmatize(token)[0])
        tables = self._pos_tables.get(univ_pos)
        if tables is None:
            tables = self._pos_tables[univ_pos] = self._tables_for(univ_pos)
        known, index, exceptions, rules = tables
        orig = token.text
        if not known:
            return orig if univ_pos == "propn" else orig.lower()
        # Same steps as spacy.pipeline.Lemmatizer.rule_lemmatize.
        string = orig.lower()
        forms: list[str] = []
        oov_forms: list[str] = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index or not form.isalpha():
                    if form in index and self._index_first:
                        forms.insert(0, form)
                    else:
                        forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        if not forms:
            forms.append(orig)
        return forms[0]

    def _tables_for(self, univ_pos: str) -> tuple[bool, frozenset[str], dict[str, Any], list[Any]]:
        lookups = self.lemmatizer.lookups
        index_table = lookups.get_table("lemma_index", {})
        exc_table = lookups.get_table("lemma_exc", {})
        rules_table = lookups.get_table("lemma_rules", {})
        known = any((index_table.get(univ_pos), exc_table.get(univ_pos), rules_table.get(univ_pos)))
        return (
            known,
            frozenset(index_table.get(univ_pos, {})),
            exc_table.get(univ_pos, {}),
            rules_table.get(univ_pos, {}),
        )


def _index_forms_first(nlp: Language) -> bool:
    """Whether the installed spaCy's rule lemmatizer puts the forms found in the lemma index before
    the other rule outputs, last rule first (3.8.8 and later: "raging" -> "rag"), or keeps the rules'
    order (before: "rage"). Asked of spaCy itself, on two made-up rules that both give indexed forms."""
    from spacy.lookups import Lookups

    lookups = Lookups()
    lookups.add_table("lemma_rules", {"verb": [["ing", "e"], ["ing", ""]]})
    lookups.add_table("lemma_index", {"verb": ["rage", "rag"]})
    lookups.add_table("lemma_exc", {"verb": {}})
    probe = Lemmatizer(nlp.vocab, None, mode="rule")
    probe.lookups = lookups
    doc = Doc(nlp.vocab, words=["raging"], pos=["VERB"])
    return bool(probe.rule_lemmatize(doc[0])[0] == "rag")


def make_fast_morph(nlp: Language, name: str) -> FastMorph:
    return FastMorph(nlp)


# The factory's arguments are validated from its annotations, which this module's postponed
# evaluation leaves as strings; confection before 1.0 (the one spaCy < 3.8.8 installs) cannot
# resolve those, so the factory carries the objects themselves.
make_fast_morph.__annotations__ = {"nlp": Language, "name": str, "return": FastMorph}
Language.factory(NAME, requires=["token.tag"], assigns=["token.pos", "token.morph", "token.lemma"])(
    make_fast_morph
)


__all__ = ["NAME", "FastMorph"]
