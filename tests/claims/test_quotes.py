"""Tests of the quote finder: doubled-apostrophe and TeX quotes, a misprinted opening mark (no spaCy)."""

from __future__ import annotations

from frontwire.claims.quotes import find_quotes


def _inner(text: str) -> list[str]:
    return [text[q.inner_start : q.inner_end] for q in find_quotes(text)]


def test_quotes_doubled_apostrophes() -> None:
    text = "''We will stay,'' the mayor said. He added: ''The road is open.''"
    quotes = find_quotes(text)
    assert _inner(text) == ["We will stay,", "The road is open."]
    assert text[quotes[0].start : quotes[0].end] == "''We will stay,''"


def test_quotes_backticks_open_and_apostrophes_close() -> None:
    assert _inner("He said ``no comment'' and left.") == ["no comment"]


def test_quotes_doubled_apostrophes_span_paragraphs() -> None:
    text = "''The first part.\n\n''The second part,'' she said."
    assert _inner(text) == ["The first part.\n\n''The second part,"]


def test_quotes_closing_mark_at_line_start_opens() -> None:
    text = "”Nobody came to help.” ― Ana Lopez\n"
    assert _inner(text) == ["Nobody came to help."]


def test_quotes_single_apostrophes_are_not_quotes() -> None:
    assert find_quotes("The soldiers' families and the town's mayor.") == []
