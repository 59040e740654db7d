"""Load frontwire/data/timex_rules.json once and compile its recognition patterns."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from typing import Any

from frontwire.errors import ResourceError

RULES_FILE = "timex_rules.json"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled recognition rule."""

    index: int
    name: str
    kind: str
    type: str
    regex: re.Pattern[str]
    ambiguous: str | None  # name of the word list one of which must precede a bare match
    needs: tuple[str, ...] = ()  # trigger classes: the pattern is tried only near such a word


@dataclass(slots=True)
class Lexicon:
    """The loaded rules: word tables plus compiled patterns."""

    data: dict[str, Any]
    patterns: list[Pattern] = field(default_factory=list)
    months: dict[str, int] = field(default_factory=dict)  # lower-cased, dot-less name -> month
    prev_lists: dict[str, frozenset[str]] = field(default_factory=dict)
    # word -> trigger classes; month and weekday names are keyed as written (capitalised)
    triggers: dict[str, frozenset[str]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def _alternation(words: list[str]) -> str:
    # Longest first so that "Sept." wins over "Sept" and "this past" over "this".
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    """Compile a rules mapping (the parsed JSON) into a Lexicon; raises ResourceError on a bad rule."""
    # Month and weekday names are proper nouns: matching them case-sensitively keeps "may"/"march" out.
    fills = {
        "{MONTH}": "(?-i:" + _alternation(list(data["months"])) + ")",
        "{WEEKDAY}": "(?-i:" + _alternation(list(data["weekdays"])) + ")",
        "{SEASON}": "(?:" + _alternation(list(data["seasons"])) + ")",
        "{HOLIDAY}": "(?-i:" + _alternation(list(data["holidays"])) + ")",
        "{SPELLED_YEAR}": data["spelled_year"],
    }
    lex = Lexicon(data=data)
    for name, month in data["months"].items():
        lex.months[name.rstrip(".").lower()] = month
    lex.prev_lists = {k: frozenset(v) for k, v in data["prev_lists"].items()}
    classes: dict[str, set[str]] = {}
    for cls, words in data["triggers"].items():
        for w in words:
            classes.setdefault(w.lower(), set()).add(cls)
    for name in list(data["months"]) + list(data["weekdays"]):
        cls = "month" if name in data["months"] else "weekday"
        classes.setdefault(name.rstrip("."), set()).add(cls)
    lex.triggers = {w: frozenset(c) for w, c in classes.items()}
    for i, spec in enumerate(data["patterns"]):
        src = spec["regex"]
        for key, value in fills.items():
            src = src.replace(key, value)
        try:
            rx = re.compile(src, re.IGNORECASE)
        except re.error as exc:
            raise ResourceError(f"timex pattern {spec.get('name')!r} does not compile: {exc}") from exc
        needs = tuple(spec.get("needs", ()))
        lex.patterns.append(
            Pattern(i, spec["name"], spec["kind"], spec["type"], rx, spec.get("ambiguous"), needs)
        )
    return lex


def load_lexicon() -> Lexicon:
    """Read and compile the bundled rules file."""
    path = importlib_resources.files("frontwire") / "data" / RULES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"cannot read timex rules {RULES_FILE}: {exc}") from exc
    return build_lexicon(data)
