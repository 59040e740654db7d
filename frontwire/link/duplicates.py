"""Near-duplicate documents: wire copies, re-publications and updated versions of the same article.

Each document gets a MinHash signature of its word 5-gram shingles and LSH band keys. The signature
is datasketch's ``MinHash`` (scheme "affine32", its default since 2.0: SHA-1 of each shingle, the
MurmurHash3 finaliser, then ``a * h + b`` in uint32) computed here with numpy: importing datasketch
costs every run ~0.4 s (it pulls in SciPy), and its values must not change with its version (1.x
used another scheme) or stored fingerprints would stop matching new ones. ``tests/link`` checks
the values against datasketch's.
The store keeps the band keys in an indexed table, so a new batch finds its candidates with one
lookup per band instead of comparing against every stored document; candidates are confirmed by
the estimated Jaccard similarity, or by containment when one text is a trimmed copy of the other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

EXTRACTOR = "link.minhash/2"
NUM_PERM = 128
SHINGLE_WORDS = 5
# 32 bands of 4 rows: the LSH threshold (1/32)^(1/4) = 0.42 lies below the confirmation rule
# (Jaccard 0.6, or containment 0.8 for a trimmed copy, which can have a Jaccard near 0.5), so pairs
# the rule would confirm share a band with probability > 0.9 (at J = 0.5: 1 - (1 - 0.5^4)^32 = 0.87;
# at 0.6: 0.99); pairs under 0.2 almost never do.
BANDS, ROWS = 32, 4
SEED = 1
# Confirmed near-duplicate: the texts share this much of their shingles (estimated), or the shorter
# text lies this much inside the longer one (a trimmed or re-wrapped copy with its own header/footer).
MIN_JACCARD = 0.6
MIN_CONTAINMENT = 0.8
# Too short a text has too few shingles to tell a copy from a shared boilerplate paragraph.
MIN_SHINGLES = 20

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX32 = np.uint32(0xFFFFFFFF)
_CHUNK = 4096  # shingles per step, so a huge page needs at most _CHUNK x NUM_PERM x 4 bytes at once


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (a bijection that spreads weak hashes), wrapping in uint32."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))  # type: ignore[no-any-return]


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the affine permutations, drawn as datasketch draws them (odd a: a bijection)."""
    gen = np.random.RandomState(seed)  # the legacy generator: the same stream in every numpy
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(shingles: Iterable[bytes], num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """The MinHash signature (num_perm uint32 values) of a set of byte strings."""
    a, b = _permutations(num_perm, seed)
    # The first 4 bytes (little-endian) of each 20-byte digest, read from all digests at once.
    digests = b"".join([hashlib.sha1(s).digest() for s in shingles])
    hashed = np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32)
    out = np.full(num_perm, _MAX32, dtype=np.uint32)
    mixed = _fmix32(hashed)
    with np.errstate(over="ignore"):
        for start in range(0, len(mixed), _CHUNK):
            part = mixed[start : start + _CHUNK, None] * a + b  # uint32 wrap-around is the modulo 2^32
            np.minimum(out, part.min(axis=0), out=out)
    return out


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the store keeps of a document for near-duplicate search."""

    doc_id: str
    signature: bytes  # NUM_PERM hash values, little-endian uint64
    shingles: int  # number of distinct shingles (for containment)
    bands: tuple[str, ...]  # BANDS band keys ("<band>:<hex>")


def shingle_set(text: str) -> set[bytes]:
    words = _WORD.findall(text)
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).casefold().encode()} if words else set()
    # Case folding maps each character on its own, so the joined words fold as the words do; the
    # shingles are then slices of one encoded string (a space byte never occurs inside a UTF-8 sequence).
    data = " ".join(words).casefold().encode()
    starts = [0]
    for part in data.split(b" "):
        starts.append(starts[-1] + len(part) + 1)
    n = SHINGLE_WORDS
    return {data[starts[i] : starts[i + n] - 1] for i in range(len(words) - n + 1)}


def fingerprint(doc_id: str, text: str) -> Fingerprint | None:
    """The document's signature and band keys; None when the text is too short to compare."""
    shingles = shingle_set(text)
    if len(shingles) < MIN_SHINGLES:
        return None
    values = minhash(shingles).astype("<u8")
    bands = tuple(
        f"{b}:{hashlib.blake2b(values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).hexdigest()}"
        for b in range(BANDS)
    )
    return Fingerprint(doc_id, values.tobytes(), len(shingles), bands)


def similarity(a: Fingerprint, b: Fingerprint) -> tuple[float, float]:
    """(estimated Jaccard, estimated containment of the smaller text in the larger)."""
    va = np.frombuffer(a.signature, dtype="<u8")
    vb = np.frombuffer(b.signature, dtype="<u8")
    jaccard = float(np.mean(va == vb))
    small, large = sorted((a.shingles, b.shingles))
    # |A ∩ B| = J (|A| + |B|) / (1 + J); containment = |A ∩ B| / |A| for the smaller A.
    inter = jaccard * (small + large) / (1 + jaccard)
    return jaccard, min(1.0, inter / small) if small else 0.0


def is_near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    jaccard, containment = similarity(a, b)
    return jaccard >= MIN_JACCARD or containment >= MIN_CONTAINMENT


def match(new: Fingerprint, candidates: Iterable[Fingerprint]) -> Fingerprint | None:
    """The most similar confirmed near-duplicate among ``candidates`` (which share a band)."""
    best: tuple[float, Fingerprint] | None = None
    for c in candidates:
        if c.doc_id == new.doc_id or not is_near_duplicate(new, c):
            continue
        jaccard, containment = similarity(new, c)
        score = max(jaccard, containment)
        if best is None or score > best[0]:
            best = (score, c)
    return best[1] if best else None


def group_batch(prints: Sequence[Fingerprint]) -> dict[str, str]:
    """Near-duplicates inside one batch: later document id -> the earlier one it copies."""
    seen: dict[str, list[Fingerprint]] = {}
    out: dict[str, str] = {}
    for fp in prints:
        candidates = {c.doc_id: c for band in fp.bands for c in seen.get(band, [])}
        hit = match(fp, candidates.values())
        if hit is not None:
            out[fp.doc_id] = out.get(hit.doc_id, hit.doc_id)
        for band in fp.bands:
            seen.setdefault(band, []).append(fp)
    return out
