"""The cheaper paths of the link step give what the plain ones give: the event-word prefilter, the
shingles cut from one folded string, the digests read at once, the claim facts written in batches."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, replace

import numpy as np

from frontwire.link import duplicates
from frontwire.link.contradictions import (
    _CASE_TWINS,
    ClaimFacts,
    _alternates,
    _event_families,
    _literal_starts,
    load_rules,
)
from tests.link.test_contradictions import make_doc

RULES = load_rules()


def _families_plain(text: str) -> list[tuple[int, str]]:
    found = [(m.start(), fam) for fam, p in RULES.event_words if (m := p.search(text))]
    return sorted(found)


def test_case_twins_are_every_non_ascii_letter_a_case_insensitive_ascii_letter_matches() -> None:
    # Outside them, a character an ASCII letter matches case-insensitively lower-cases to that letter,
    # so a lower-cased text holds every literal the patterns could match.
    chars = "".join(chr(c) for c in range(0x80, 0x110000))
    for c in re.findall("[a-z]", chars, re.IGNORECASE):
        assert _CASE_TWINS.match(c) or re.fullmatch("[a-z]", c.lower()), hex(ord(c))


def test_literal_starts() -> None:
    assert _literal_starts(["attack\\w*", "fires?", "pull\\w* out", "withdr[ae]w\\w*"]) == (
        "attack",
        "fire",
        "pull",
        "withdr",
    )
    assert _literal_starts(["fir(?:ed|ing) (?:at|on)"]) == ("fir",)
    assert _literal_starts(["attack", "(?:un)?armed"]) is None  # no plain prefix
    assert _literal_starts(["attack", "a|bomb"]) is None  # two branches
    assert _literal_starts(["attack", "x*"]) is None
    assert _alternates("a|b") and _alternates("(a)|b")
    assert not _alternates("(a|b)c") and not _alternates("[|]") and not _alternates("\\|")
    # Every family of the bundled rules is prefiltered (a regression would only cost time).
    assert all(s is not None for s in RULES.event_starts)


def test_event_families_prefilter_changes_nothing() -> None:
    texts = [
        "Nothing happened in the village today.",
        "Russian forces SHELLED the city, killing three; a drone was shot   down.",
        "The army withdrew from the town and blew up the bridge; fires burned.",
        "ſhelling and \u212ailled (case twins match the patterns case-insensitively)",
        "F\u0130RED ON the convoy, then fİred at it",
        "troops fired on the column; the ship sank",
        "",
    ]
    for text in texts:
        assert _event_families(text, RULES) == _families_plain(text), text
    assert _event_families("ſhelling", RULES) == [(0, "attack")]


def test_shingles_and_minhash_as_word_by_word() -> None:
    texts = [
        "İstanbul ß ǰ ﬁre Σίσυφος ΣΑΣ and then some more words here",
        "A B C D E F G",
        "one two three four",
        "",
        "Ünïcödé wörds — “quoted” and ’apostrophes’ in a longer line of text",
    ]
    for text in texts:
        words = [w.casefold() for w in re.findall(r"\w+", text)]
        n = duplicates.SHINGLE_WORDS
        if len(words) < n:
            plain = {" ".join(words).encode()} if words else set()
        else:
            plain = {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}
        assert duplicates.shingle_set(text) == plain, text
        a, b = duplicates._permutations(duplicates.NUM_PERM, duplicates.SEED)
        hashed = np.array([int.from_bytes(hashlib.sha1(s).digest()[:4], "little") for s in plain], np.uint32)
        want = np.full(duplicates.NUM_PERM, 0xFFFFFFFF, np.uint32)
        with np.errstate(over="ignore"):
            for h in duplicates._fmix32(hashed):
                want = np.minimum(want, h * a + b)
        assert (duplicates.minhash(plain) == want).all()


def _facts(claim_id: str, places: tuple[str, ...]) -> ClaimFacts:
    return ClaimFacts(
        doc_id="d1", claim_id=claim_id, speaker="officials", speaker_name=None, side="UA",
        stance="asserted", content="Ünïcödé 12 civilians were killed", start=0, end=10, date="2023-03-07",
        places=places, place_names=("Kramatorsk",), counts=(("civilians killed", 12, 12),),
        blamed_for=("attack",),
    )  # fmt: skip


def test_save_claim_facts_json_and_places(store) -> None:  # type: ignore[no-untyped-def]
    store.add_documents([make_doc("d1", "2023-03-07", "Officials said 12 civilians were killed.", [])])
    first, second = _facts("c1", ("p1", "p2")), _facts("c2", ("p3",))
    again = replace(first, places=("p9",))  # the same claim twice in one batch: its last facts count
    store.save_claim_facts([first, second, again])
    rows = dict(store.db.execute("SELECT claim_id, facts_json FROM claim_facts").fetchall())
    assert rows == {f.claim_id: json.dumps(asdict(f), ensure_ascii=False) for f in (again, second)}
    places = sorted(store.db.execute("SELECT place, claim_id FROM claim_fact_places").fetchall())
    assert places == [("kramatorsk", "c1"), ("kramatorsk", "c2"), ("p3", "c2"), ("p9", "c1")]
