"""Name keys for gazetteer lookup: one loose key absorbs diacritics, apostrophes and transliteration drift."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophe-like marks that transliterations use or drop at will (Mar'yinka, Mariupol', Kramators'k).
_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u02bb\u00b4\u0060\u2032]")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/.,]+")
_NON_KEY = re.compile(r"[^a-z0-9 ]")
_DOUBLED = re.compile(r"([a-z])\1+")
# Ukrainian/Russian romanisations write the same sound as i, y, iy, yi, ii, ij (Avdiivka / Avdiyivka).
_I_RUNS = re.compile(r"[iyj]+")
_ASCII_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Case-folded, diacritics stripped, apostrophes dropped, separators as single spaces."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    return text.strip()


def is_latin(text: str) -> bool:
    """True when the folded name is plain Latin script (the only alternate names worth indexing)."""
    folded = fold(text)
    return bool(folded) and not _NON_KEY.search(folded)


@lru_cache(maxsize=65536)  # scoring asks for the same few hundred names again and again
def loose_key(text: str) -> str:
    """The lookup key: folded, i/y/j runs merged, doubled letters collapsed (Odessa = Odesa, Kyiv = Kiiv)."""
    return key_of_folded(fold(text))


def key_of_folded(folded: str) -> str:
    """loose_key of a string already passed through :func:`fold`."""
    folded = _NON_KEY.sub("", folded)
    folded = _I_RUNS.sub("i", folded)
    return _DOUBLED.sub(r"\1", folded)
