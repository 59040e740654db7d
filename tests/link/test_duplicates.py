"""Tests of frontwire/link/duplicates.py: MinHash fingerprints, LSH bands, near-duplicate decisions."""

from __future__ import annotations

import pytest

from frontwire.link.duplicates import BANDS, fingerprint, group_batch, is_near_duplicate, match, similarity

BODY = (
    "Russian forces shelled the eastern city of Kharkiv overnight, killing three civilians and damaging "
    "a school, the regional governor said on Tuesday. Air defence units shot down several drones over "
    "the region, while emergency crews worked through the morning to clear rubble from residential "
    "buildings. The governor urged residents to stay in shelters as sirens sounded again before dawn, "
    "and the city council said heating would be restored to most homes by the evening."
)
OTHER = (
    "Ukraine's parliament approved a new budget on Wednesday that raises defence spending and sets "
    "aside funds for rebuilding bridges and power lines destroyed during the winter. Lawmakers said the "
    "plan depends on foreign loans, and the finance minister warned that tax revenue had fallen short "
    "of forecasts for the third month in a row, pushing the deficit higher than expected."
)


def test_duplicates_fingerprint_is_deterministic_and_banded() -> None:
    a, b = fingerprint("a", BODY), fingerprint("a", BODY)
    assert a is not None and a == b
    assert len(a.bands) == BANDS and len(set(a.bands)) == BANDS
    assert fingerprint("short", "Kharkiv was shelled.") is None  # too few shingles to judge


def test_duplicates_wire_copy_with_its_own_chrome_is_a_near_duplicate() -> None:
    copy = (
        "By Staff Reporter | World News\n\n" + BODY.upper() + "\n\nShare this article. Follow us on Telegram."
    )
    a, b = fingerprint("a", BODY), fingerprint("b", copy)
    assert a is not None and b is not None
    _, containment = similarity(a, b)
    assert containment >= 0.8  # case and chrome aside, the body is the same
    assert is_near_duplicate(a, b)
    assert set(a.bands) & set(b.bands)  # so the LSH index finds it


def test_duplicates_trimmed_version_is_found_by_containment() -> None:
    trimmed = BODY.rsplit(". ", 1)[0] + "."  # the last sentence cut
    a, b = fingerprint("a", BODY), fingerprint("b", trimmed)
    assert a is not None and b is not None
    assert is_near_duplicate(a, b)


def test_duplicates_different_stories_are_not() -> None:
    a, b = fingerprint("a", BODY), fingerprint("b", OTHER)
    assert a is not None and b is not None
    assert not is_near_duplicate(a, b)
    assert match(a, [b]) is None


def test_duplicates_batch_groups_copies_under_the_first() -> None:
    prints = [fingerprint(i, t) for i, t in (("first", BODY), ("other", OTHER), ("copy", BODY + " Updated."))]
    assert all(p is not None for p in prints)
    assert group_batch([p for p in prints if p is not None]) == {"copy": "first"}


def test_duplicates_minhash_equals_datasketch_affine32() -> None:
    # The signature is datasketch's (scheme "affine32", its default since 2.0), computed without it.
    datasketch = pytest.importorskip("datasketch")
    from frontwire.link.duplicates import NUM_PERM, SEED, minhash, shingle_set

    text = (
        "Ukrainian forces repelled 14 attacks near Bakhmut on Monday, the General Staff said, while"
        " Russian shelling hit Kherson and Zaporizhzhia overnight; officials reported two civilians"
        " killed and several buildings damaged in the strikes. Ще один абзац українською мовою."
    )
    shingles = sorted(shingle_set(text))
    reference = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    reference.update_batch(shingles)
    assert minhash(shingles).tolist() == [int(v) for v in reference.hashvalues]
    # Another seed and size, and more shingles than one chunk holds.
    many = [f"shingle {i}".encode() for i in range(10_000)]
    reference = datasketch.MinHash(num_perm=16, seed=7, scheme="affine32")
    reference.update_batch(many)
    assert minhash(many, num_perm=16, seed=7).tolist() == [int(v) for v in reference.hashvalues]


def test_duplicates_minhash_estimates_jaccard() -> None:
    from frontwire.link.duplicates import minhash

    # |A ∩ B| = 600, |A ∪ B| = 1400: Jaccard 3/7 = 0.43; 128 permutations give a standard error of
    # sqrt(J (1 - J) / 128) = 0.044, so 0.43 +- 0.15 is over 3 standard errors.
    a = [f"w{i}".encode() for i in range(1000)]
    b = [f"w{i}".encode() for i in range(400, 1400)]
    estimate = float((minhash(a) == minhash(b)).mean())
    assert abs(estimate - 3 / 7) < 0.15
    assert minhash(a).tolist() == minhash(list(reversed(a))).tolist()  # a set: order does not matter
