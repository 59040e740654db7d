"""Tests of the cue lexicon and the quote finder (no spaCy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontwire.claims.lexicon import load_lexicon
from frontwire.claims.quotes import find_quotes
from frontwire.errors import ResourceError


def test_lexicon_stance_classes() -> None:
    lex = load_lexicon()
    assert lex.verbs["say"].stance == "asserted"
    assert lex.verbs["reveal"].stance == "asserted"
    assert lex.verbs["claim"].stance == "hedged"
    assert lex.verbs["allege"].stance == "hedged"
    assert lex.verbs["deny"].stance == "denied"
    assert lex.verbs["reject"].stance == "denied"
    according = next(p for p in lex.phrases if p.tokens == ("according", "to"))
    assert according.stance == "hedged" and according.source == "object"


def test_lexicon_tell_has_addressee_object() -> None:
    assert load_lexicon().verbs["tell"].addressee


def test_lexicon_negation_policy() -> None:
    lex = load_lexicon()
    assert lex.stance_of("asserted", negated=True) == "hedged"
    assert lex.stance_of("denied", negated=True) == "hedged"
    assert lex.stance_of("asserted", negated=False) == "asserted"


def test_lexicon_belief_and_intention_verbs_are_hedged() -> None:
    lex = load_lexicon()
    for lemma, kind in (
        ("believe", "belief"),
        ("think", "belief"),
        ("want", "intention"),
        ("plan", "intention"),
    ):
        entry = lex.verbs[lemma]
        assert entry.kind == kind and entry.stance == "hedged"
        assert entry.needs_source and not entry.in_quote


def test_lexicon_negated_belief_is_denied() -> None:
    lex = load_lexicon()
    assert lex.stance_of("hedged", negated=True, kind="belief") == "denied"
    assert lex.stance_of("hedged", negated=True, kind="intention") == "denied"
    assert lex.stance_of("asserted", negated=True, kind="speech") == "hedged"


def test_lexicon_content_prepositions_and_cue_modifiers() -> None:
    lex = load_lexicon()
    assert "for" in lex.verbs["call"].preps and "about" in lex.verbs["talk"].preps
    assert {"aux", "neg"} <= lex.cue_deps and "also" in lex.cue_adverbs


def test_lexicon_hedge_markers() -> None:
    markers = load_lexicon().hedge_markers
    assert ("could", "not", "be", "independently", "verified") in markers
    assert ("reportedly",) in markers


def test_lexicon_bad_stance_is_resource_error(tmp_path: Path) -> None:
    bad = json.loads(Path(__file__).parents[2].joinpath("frontwire/data/claim_cues.json").read_text())
    bad["verbs"]["say"]["stance"] = "maybe"
    path = tmp_path / "cues.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ResourceError):
        load_lexicon(path)


def test_lexicon_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ResourceError):
        load_lexicon(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ResourceError):
        load_lexicon(broken)


def test_quotes_curly_and_straight() -> None:
    text = 'He said “we hold the line” and then "nothing more".'
    quotes = find_quotes(text)
    assert [text[q.inner_start : q.inner_end] for q in quotes] == ["we hold the line", "nothing more"]
    assert text[quotes[0].start : quotes[0].end] == "“we hold the line”"


def test_quotes_span_paragraphs() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph,” she said.\n"
    (quote,) = find_quotes(text)
    assert text[quote.inner_start : quote.inner_end] == "First paragraph of the quote.\n\n“Second paragraph,"


def test_quotes_unclosed_line_is_dropped() -> None:
    assert find_quotes("“An unclosed quote\n\nA plain paragraph.") == []
