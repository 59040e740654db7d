"""The search syntax of SQLite FTS5, parsed, for stores without FTS5 (PostgreSQL).

``frontwire search`` takes FTS5 syntax on every backend: words, "exact phrases" (``""`` escapes a
quote), ``AND``, ``OR``, ``NOT`` (binary: ``a NOT b``), parentheses, ``prefix*``, ``a + b``
(phrase concatenation), ``NEAR(a b, N)``, column filters (``title:``, ``text:``, ``-title:``,
``{title text}:``) and ``^`` (accepted; first-token anchoring is not enforced). Precedence is
FTS5's: adjacent phrases (an implicit AND) bind tightest, then NOT, AND, OR, all left-associative.
A query FTS5 would refuse is a QueryError here too, with the same message.

:func:`tsquery` compiles a query to one SQL ``tsquery`` expression over the PostgreSQL functions
``fw_tsq`` (a phrase of :func:`tokens`) and ``fw_near``; every word is a parameter (``?``), never
SQL. :func:`tsvector` makes the stored documents' tsvector from the same :func:`tokens`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from frontwire.store.base import QueryError

SYNTAX = (
    'SQLite FTS5 syntax: words, "exact phrases", AND, OR, NOT, NEAR(a b, 5), prefix*;'
    " put a word in double quotes to search it as written"
)
COLUMNS = ("title", "text")
WEIGHTS = {"title": "A", "text": "D"}  # the setweight labels of the stored tsvector
NEAR_DEFAULT = 10
_PUNCT = set("(){}:,+*-^")


# -- tokens, as FTS5's unicode61 tokenizer with remove_diacritics 2 makes them ------------------------
_LATIN_MARKS = re.compile(r"([a-z])[\u0300-\u036f]+")
_MAX_POS = 16383  # PostgreSQL's largest tsvector position
_MAX_POSITIONS = 256  # positions kept per lexeme
_MAX_LEXEME = 2047  # bytes


def _token_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co"


def tokens(text: str) -> list[str]:
    """The words of ``text`` as FTS5 unicode61 (remove_diacritics 2) indexes them: runs of letters
    and digits, lower case, diacritics removed from Latin letters (Cyrillic and Greek keep theirs)."""
    low = unicodedata.normalize("NFD", text.lower().replace("ς", "σ"))
    low = unicodedata.normalize("NFC", _LATIN_MARKS.sub(r"\1", low))
    out: list[str] = []
    word: list[str] = []
    for c in low:
        if _token_char(c):
            word.append(c)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def tsvector(title: str | None, text: str) -> str:
    """The tsvector literal of a document: title words (weight A), then body words, in order."""
    positions: dict[str, list[str]] = defaultdict(list)
    pos = 0
    for weight, part in (("A", title or ""), ("", text)):
        for tok in tokens(part):
            pos += 1
            if len(tok.encode()) > _MAX_LEXEME:
                continue
            kept = positions[tok]
            if len(kept) < _MAX_POSITIONS and pos <= _MAX_POS:
                kept.append(f"{pos}{weight}")
    out = []
    for tok, kept in positions.items():
        lexeme = "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"
        out.append(f"{lexeme}:{','.join(kept)}" if kept else lexeme)
    return " ".join(out)


def invalid(query: str, detail: str) -> QueryError:
    return QueryError(f"invalid full-text query {query!r} ({detail}); {SYNTAX}")


@dataclass(slots=True)
class _Tok:
    kind: str  # 'str' or a punctuation character, or 'end'
    text: str = ""
    quoted: bool = False


def _bareword_char(c: str) -> bool:
    return ord(c) >= 0x80 or (c.isascii() and c.isalnum()) or c in "_\x1a"


def _tokens(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == '"':
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise invalid(query, "unterminated string")
                if query[j] == '"':
                    if j + 1 < n and query[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(query[j])
                j += 1
            out.append(_Tok("str", "".join(buf), quoted=True))
            i = j + 1
        elif c in _PUNCT:
            if c == "*" and not out:
                raise invalid(query, "unknown special query")
            out.append(_Tok(c))
            i += 1
        elif _bareword_char(c):
            j = i
            while j < n and _bareword_char(query[j]):
                j += 1
            out.append(_Tok("str", query[i:j]))
            i = j
        else:
            raise invalid(query, f'fts5: syntax error near "{c}"')
    out.append(_Tok("end"))
    return out


# -- the query tree ---------------------------------------------------------------------------------
@dataclass(slots=True)
class Phrase:
    segments: list[tuple[str, bool]]  # (text, prefix) joined by '+'
    columns: frozenset[str] = field(default_factory=lambda: frozenset(COLUMNS))


@dataclass(slots=True)
class Near:
    phrases: list[Phrase]
    distance: int


@dataclass(slots=True)
class Op:
    op: str  # 'AND' | 'OR' | 'NOT'
    left: Node
    right: Node


Node = Phrase | Near | Op


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _tokens(query)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def error(self) -> QueryError:
        t = self.tok
        near = "" if t.kind == "end" else (t.text if t.kind == "str" else t.kind)
        return invalid(self.query, f'fts5: syntax error near "{near}"')

    def keyword(self, word: str) -> bool:
        return self.tok.kind == "str" and not self.tok.quoted and self.tok.text == word

    def expect(self, kind: str) -> _Tok:
        if self.tok.kind != kind:
            raise self.error()
        t = self.tok
        self.i += 1
        return t

    def parse(self) -> Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise self.error()
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.keyword("OR"):
            self.i += 1
            node = Op("OR", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.keyword("AND"):
            self.i += 1
            node = Op("AND", node, self.not_())
        return node

    def not_(self) -> Node:
        node = self.primary()
        while self.keyword("NOT"):
            self.i += 1
            node = Op("NOT", node, self.primary())
        return node

    def _starts_colset(self) -> bool:
        t = self.tok
        return t.kind in "{-" or (t.kind == "str" and self.peek().kind == ":")

    def _colset(self) -> frozenset[str]:
        negate = self.tok.kind == "-"
        if negate:
            self.i += 1
        names: list[str] = []
        if self.tok.kind == "{":
            self.i += 1
            while self.tok.kind == "str":
                names.append(self.expect("str").text)
            self.expect("}")
        else:
            names.append(self.expect("str").text)
        for name in names:
            if name.casefold() not in COLUMNS:
                raise invalid(self.query, f"no such column: {name}")
        chosen = {n.casefold() for n in names}
        self.expect(":")
        return frozenset(c for c in COLUMNS if (c in chosen) != negate)

    def primary(self) -> Node:
        if self.tok.kind == "(":
            self.i += 1
            node = self.or_()
            self.expect(")")
            return node
        if self._starts_colset():
            save = self.i
            columns = self._colset()
            if self.tok.kind == "(":
                self.i += 1
                node = self.or_()
                self.expect(")")
                return _restrict(node, columns)
            self.i = save
        return self.exprlist()

    def _starts_nearset(self) -> bool:
        t = self.tok
        if t.kind == "^" or self._starts_colset():
            return True
        return t.kind == "str" and (t.quoted or t.text not in ("AND", "OR", "NOT"))

    def exprlist(self) -> Node:
        if not self._starts_nearset():
            raise self.error()
        node = self.cnearset()
        while self._starts_nearset():
            node = Op("AND", node, self.cnearset())
        return node

    def cnearset(self) -> Node:
        columns = self._colset() if self._starts_colset() else frozenset(COLUMNS)
        if self.tok.kind == "^":
            self.i += 1
        elif self.keyword("NEAR") and self.peek().kind == "(":
            self.i += 2
            phrases = [self.phrase()]
            while self.tok.kind == "str":
                phrases.append(self.phrase())
            distance = NEAR_DEFAULT
            if self.tok.kind == ",":
                self.i += 1
                t = self.expect("str")
                if t.quoted or not t.text.isdigit():
                    raise invalid(self.query, f'fts5: syntax error near "{t.text}"')
                distance = int(t.text)
            self.expect(")")
            return _restrict(Near(phrases, distance), columns)
        elif self.tok.kind == "str" and self.peek().kind == "(" and not self.tok.quoted:
            raise self.error()  # FTS5 reads a word before "(" as a misspelt NEAR
        return _restrict(self.phrase(), columns)

    def phrase(self) -> Phrase:
        segments = [self._segment()]
        while self.tok.kind == "+":
            self.i += 1
            segments.append(self._segment())
        return Phrase(segments)

    def _segment(self) -> tuple[str, bool]:
        text = self.expect("str").text
        prefix = self.tok.kind == "*"
        if prefix:
            self.i += 1
        return text, prefix


def _restrict(node: Node, columns: frozenset[str]) -> Node:
    if isinstance(node, Phrase):
        node.columns = node.columns & columns
    elif isinstance(node, Near):
        for p in node.phrases:
            p.columns = p.columns & columns
    else:
        _restrict(node.left, columns)
        _restrict(node.right, columns)
    return node


def parse(query: str) -> Node:
    """The query tree of an FTS5 query (QueryError when FTS5 would refuse it)."""
    if not query.strip():
        raise invalid(query, 'fts5: syntax error near ""')
    return _Parser(query).parse()


def _phrase_sql(p: Phrase, params: list[Any]) -> str:
    if p.columns == frozenset(COLUMNS):
        weights = ""
    elif p.columns:
        weights = "".join(sorted(WEIGHTS[c] for c in p.columns))
    else:
        weights = "B"  # no column left: a label no stored lexeme has, so nothing matches
    parts = []
    for text, prefix in p.segments:
        params += [tokens(text), weights, prefix]
        parts.append("fw_tsq(?, ?, ?)")
    sql = parts[0]
    for part in parts[1:]:
        sql = f"tsquery_phrase({sql}, {part})"
    return sql


def _sql(node: Node, params: list[Any]) -> str:
    if isinstance(node, Phrase):
        return _phrase_sql(node, params)
    if isinstance(node, Near):
        if len(node.phrases) == 1:
            return _phrase_sql(node.phrases[0], params)
        # Each pair within the distance (FTS5 asks for one window holding them all: close to it).
        pairs = []
        for i, a in enumerate(node.phrases):
            for b in node.phrases[i + 1 :]:
                left = _phrase_sql(a, params)
                right = _phrase_sql(b, params)
                params.append(min(node.distance, 16000))
                pairs.append(f"fw_near({left}, {right}, ?)")
        return "(" + " && ".join(pairs) + ")"
    left = _sql(node.left, params)
    right = _sql(node.right, params)
    if node.op == "AND":
        return f"({left} && {right})"
    if node.op == "OR":
        return f"({left} || {right})"
    return f"({left} && !!{right})"


def tsquery(query: str) -> tuple[str, list[Any]]:
    """One SQL tsquery expression for an FTS5 query, and its parameters (``?`` placeholders)."""
    params: list[Any] = []
    return _sql(parse(query), params), params
