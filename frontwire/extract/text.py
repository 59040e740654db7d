"""Plain-text page dumps -> article body and metadata, with a line classifier (no HTML needed)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any
from urllib.parse import urlsplit

from frontwire.errors import BinaryContent, EmptyInput, ExtractError, ResourceError, UnsupportedFormat
from frontwire.extract.metadata import given_date, iso_date, plausible_date
from frontwire.model import Article, Boilerplate, RawItem, document_id, sha256_hex
from frontwire.resources import Resources

EXTRACTOR = "extract.text/1"

_WORD = re.compile(r"\w+")
# Full-width stops and closing brackets end Chinese and Japanese sentences.
_SENTENCE_END = tuple(".!?\"”’')»…;:。！？」』）")
# Kana and Han ideographs: scripts written without spaces, where ``\w+`` sees a whole sentence as one word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
CJK_CHARS_PER_WORD = 2  # a Japanese or Chinese word is one to three characters long
_PAYLOAD = re.compile(r"[:|>»›–—-]\s*\w")
_QUOTES = re.compile("[’‘“”\u00a0]")
_QUOTE_MAP = {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}


def _plain(text: str) -> str:
    """Typographic quotes as ASCII, so that one rule covers both spellings."""
    return _QUOTES.sub(lambda m: _QUOTE_MAP[m.group(0)], text) if _QUOTES.search(text) else text


@dataclass(frozen=True, slots=True)
class TextRules:
    """Compiled rules of ``frontwire/data/text_rules.json``."""

    max_rule_words: int
    full: re.Pattern[str]  # one named group per category, fullmatch on short lines
    start: re.Pattern[str] | None  # match at the start of short lines
    contains: re.Pattern[str] | None  # search in short lines
    long: re.Pattern[str] | None  # search in lines of any length
    section_end: re.Pattern[str]  # a heading after which the article is over (related, comments, ...)
    comment_start: re.Pattern[str]  # a line that opens the readers' comments
    bio_head: re.Pattern[str]  # "<Name> is <Outlet>'s <role>" / "<Name> is a <role>"
    bio_outlet: re.Pattern[str]
    bio_pronoun: re.Pattern[str]
    bio_about: re.Pattern[str]  # "About <Name>": the heading of an author box
    date_shape: re.Pattern[str]
    copyright_outlet: re.Pattern[str]
    byline_name: re.Pattern[str]
    byline_label: re.Pattern[str]
    stopwords: dict[str, tuple[int, ...]]  # stop word -> the languages (indices) it belongs to
    languages: int
    article_categories: frozenset[str]  # categories the light mode (already-extracted text) removes
    article_keep: re.Pattern[str] | None  # lines the light mode keeps although a category rule names them
    edge_max_words: int = 12
    edge_closing: re.Pattern[str] | None = None  # a short sentence right after the body (closing line)
    edge_opening: re.Pattern[str] | None = None  # a dateline or numbered subheading right before it


def _group(parts: dict[str, list[str]], anchor: str = "") -> re.Pattern[str] | None:
    """One pattern with a named group per category; ``anchor`` is a cheap test shared by every rule."""
    alts = [f"(?P<{name}>{'|'.join(f'(?:{p})' for p in pats)})" for name, pats in parts.items() if pats]
    return re.compile(anchor + "(?:" + "|".join(alts) + ")", re.I) if alts else None


def _stop_index(lists: dict[str, list[str]]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for lang, words in enumerate(lists.values()):
        for word in set(words):
            index.setdefault(word.casefold(), []).append(lang)
    return {word: tuple(langs) for word, langs in index.items()}


@lru_cache(maxsize=1)
def load_rules() -> TextRules:
    """Load and compile the bundled rules (cached: one copy per process)."""
    try:
        raw = (
            importlib_resources.files("frontwire.data")
            .joinpath("text_rules.json")
            .read_text(encoding="utf-8")
        )
        data: dict[str, Any] = json.loads(raw)
        cats: dict[str, dict[str, list[str]]] = data["categories"]
        full = _group({k: v.get("full", []) for k, v in cats.items()})
        if full is None:
            raise ValueError("no 'full' rules")
        bio = data["bio"]
        head = rf"^{bio['subject']} {bio['predicate']} (?:{bio['outlet_role']}|{bio['role_words']})"
        return TextRules(
            max_rule_words=int(data["max_rule_words"]),
            full=full,
            start=_group({k: v.get("start", []) for k, v in cats.items()}),
            contains=_group({k: v.get("contains", []) for k, v in cats.items()}),
            long=_group({k: v.get("long", []) for k, v in cats.items()}, anchor="(?<!\\w)"),
            section_end=re.compile("|".join(f"(?:{p})" for p in data["section_end"]), re.I),
            comment_start=re.compile("|".join(f"(?:{p})" for p in data["comment_start"]), re.I),
            bio_head=re.compile(head),
            bio_outlet=re.compile(rf"^{bio['subject']} {bio['predicate']} {bio['outlet_role']}"),
            bio_pronoun=re.compile(bio["pronoun_sentence"]),
            bio_about=re.compile(rf"^(?:{bio['about_heading']}){bio['subject']}$"),
            date_shape=re.compile(data["date_shape"], re.I),
            copyright_outlet=re.compile(data["copyright_outlet"], re.I),
            byline_name=re.compile(data["byline_name"], re.I),
            byline_label=re.compile(data["byline_label"], re.I),
            stopwords=_stop_index(data["stopwords"]),
            languages=len(data["stopwords"]),
            article_categories=frozenset(data["article_mode"]["categories"]),
            article_keep=(
                re.compile("|".join(f"(?:{p})" for p in data["article_mode"]["keep"]), re.I)
                if data["article_mode"]["keep"]
                else None
            ),
            edge_max_words=int(data["edges"]["max_words"]),
            edge_closing=re.compile(data["edges"]["closing"]),
            edge_opening=re.compile(
                f"(?:{data['edges']['dateline']})|(?:{data['edges']['numbered_heading']})"
            ),
        )
    except (OSError, KeyError, TypeError, ValueError, re.error) as exc:
        raise ResourceError(f"frontwire/data/text_rules.json: {exc}") from exc


@dataclass(slots=True)
class CleanText:
    """The article body of a text dump, what was removed from it, and the metadata it states."""

    body: str
    boilerplate: list[Boilerplate] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    section: str | None = None
    published: str | None = None


@dataclass(slots=True)
class _Line:
    start: int  # offsets of the stripped line in the input
    end: int
    text: str
    block: int  # index of the blank-line separated block
    words: int
    plain: str = ""  # text with ASCII quotes (what the rules read)
    key: str = ""  # case-folded, whitespace-collapsed: the identity of repeated blocks
    reason: str | None = None  # rule verdict (boilerplate category) or None
    score: float = 0.0
    keep: bool = False
    cjk: int = 0  # characters of a script written without spaces
    bio: bool = False  # "<Name> is a <role>": an author bio, which closes the article


def _count_words(text: str) -> tuple[int, int]:
    """Words and CJK characters of a line; CJK runs count one word per ``CJK_CHARS_PER_WORD`` characters."""
    cjk = len(_CJK.findall(text)) if _CJK.search(text) else 0
    if not cjk:
        return len(_WORD.findall(text)), 0
    rest = len(_WORD.findall(_CJK.sub(" ", text)))
    return rest + -(-cjk // CJK_CHARS_PER_WORD), cjk


def word_count(text: str) -> int:
    """Words of a text, CJK runs counted as ``_count_words`` does (Japanese has no spaces to split on)."""
    return _count_words(text)[0]


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    block, pos, blank = 0, 0, False
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        stripped = content.strip()
        if stripped:
            if blank and out:
                block += 1
            lead = len(content) - len(content.lstrip())
            start = pos + lead
            words, cjk = _count_words(stripped)
            plain = _plain(stripped)
            key = " ".join(plain.split()).casefold()
            out.append(_Line(start, start + len(stripped), stripped, block, words, plain, key, cjk=cjk))
            blank = False
        else:
            blank = True
        pos += len(raw)
    return out


# A line this long is prose, maybe a whole article flattened onto one line with the site's chrome
# glued to its end; chrome paragraphs (cookie, newsletter, copyright notices) are shorter.
_FLAT_LINE_WORDS = 80
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)")


def _split_flat_lines(text: str, rules: TextRules) -> str:
    """Break a flattened article's line before its first chrome sentence ("All rights reserved."), so
    that the chrome is judged apart and the article is not lost with it (offsets stay the same: the
    space before that sentence becomes the line break)."""
    out = []
    for raw in text.split("\n"):
        if len(raw) >= 400 and _count_words(raw)[0] >= _FLAT_LINE_WORDS:
            starts = [0] + [m.end() for m in _SENTENCE.finditer(raw)]
            for i, start in enumerate(starts[1:], start=1):
                end = starts[i + 1] if i + 1 < len(starts) else len(raw)
                parsed = _lines(raw[start:end])
                if (
                    _count_words(raw[:start])[0] >= _FLAT_LINE_WORDS // 2
                    and parsed
                    and _rule(parsed[0], rules) is not None
                ):
                    raw = raw[: start - 1] + "\n" + raw[start:]
                    break
        out.append(raw)
    return "\n".join(out)


def _rule(line: _Line, rules: TextRules) -> str | None:
    text = line.plain
    if line.words <= rules.max_rule_words:
        m = rules.full.fullmatch(text)
        if m is None and rules.start is not None:
            m = rules.start.match(text)
        if m is None and rules.contains is not None:
            m = rules.contains.search(text)
        if m is not None:
            return m.lastgroup
    if rules.long is not None:
        m = rules.long.search(text)
        if m is not None:
            return m.lastgroup
    return None


def _stop_ratio(text: str, rules: TextRules) -> float:
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return 0.0
    counts = [0] * rules.languages
    index = rules.stopwords
    for token in tokens:
        for lang in index.get(token, ()):
            counts[lang] += 1
    return max(counts) / len(tokens)


def _score(line: _Line, rules: TextRules) -> float:
    """Content evidence of one line: positive for prose, negative for chrome."""
    if line.reason is not None:
        # A bare teaser heading ("More from X", "Latest Headlines") opens a list of other stories;
        # an inline teaser with its headline ("MORE: ...") is only a line inside the article.
        if line.reason == "teaser" and line.words <= 5 and not _PAYLOAD.search(line.text):
            return -200.0
        return -30.0
    # A CJK character carries what two or three Latin letters do.
    n = len(line.text) + line.cjk
    ends = line.text.endswith(_SENTENCE_END)
    if line.words >= 8 or n >= 60:
        # No stop-word list reads a CJK sentence; its full stop is the evidence.
        stop = 1.0 if 2 * line.cjk >= len(line.text) else _stop_ratio(line.text, rules)
        if ends and (stop >= 0.15 or n >= 120):
            return float(n)
        if ends:
            return n * 0.3
        if line.words >= 25 and stop >= 0.2:
            return n * 0.5
        return -2.0
    if ends and line.words >= 4:
        return 5.0
    return -10.0


LINE_COST = 40.0


def _continues(line: _Line, nxt: _Line, rules: TextRules) -> bool:
    """``nxt`` carries on the sentence of ``line``: a hard-wrapped paragraph (mail, <pre>, feeds)."""
    if nxt.block != line.block or line.reason is not None or nxt.reason is not None:
        return False
    if line.words < 2 or line.text.endswith(_SENTENCE_END):
        return False
    head = nxt.text[0]
    if head.islower() or head.isdigit() or head in "(,[":
        return True
    # Before a capitalised word, only a comma or a function word shows that the sentence goes on;
    # a list of headlines in one block ends its lines with content words.
    last = line.text.rsplit(None, 1)[-1].lower()
    return line.text.endswith(",") or last in rules.stopwords


def _rescore_wrapped(lines: list[_Line], rules: TextRules) -> None:
    """Score a hard-wrapped paragraph as one unit, spread over its lines by length.

    Line by line, a wrapped paragraph looks like a stack of fragments that end mid-sentence; as a
    unit it is the prose it is. Its lines together cost what one line costs in the zone search.
    """
    i, n = 0, len(lines)
    while i < n:
        j = i
        while j + 1 < n and _continues(lines[j], lines[j + 1], rules):
            j += 1
        if j > i:
            unit = lines[i : j + 1]
            joined = " ".join(ln.text for ln in unit)
            probe = _Line(
                0,
                len(joined),
                joined,
                unit[0].block,
                sum(ln.words for ln in unit),
                _plain(joined),
                cjk=sum(ln.cjk for ln in unit),
            )
            total = _score(probe, rules) + (j - i) * LINE_COST
            size = sum(len(ln.text) for ln in unit)
            for ln in unit:
                ln.score = total * len(ln.text) / size
        i = j + 1


_GLUE = re.compile(r"[a-z]{3}[?!'’”)]?(?=[A-Z][a-z]*\s)")


def _glued_headline(text: str, rules: TextRules) -> bool:
    """A teaser card flattened into one line: a Title Case headline run into its summary."""
    m = _GLUE.search(text, 0, 200)
    if m is None or len(text) < 60:
        return False
    # Function words stay lower case in Title Case headlines.
    words = [w for w in text[: m.end()].split() if w.lower() not in rules.stopwords]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return caps >= 0.8 * len(words)


def _headline_like(line: _Line) -> bool:
    return line.reason is None and 3 <= line.words <= 25 and not line.text.endswith((".", ",", ";", ":"))


CARD_FACTOR = 0.4


def _mark_cards(lines: list[_Line], rules: TextRules) -> None:
    """Lists of other stories: headline and one-paragraph summary, again and again.

    Such summaries are prose, and many of them outweigh a short article. A run of three or more
    cards (one summary paragraph between headline-like lines) is discounted; a glued headline or a
    summary that is the start of a longer paragraph elsewhere on the page is a teaser outright.
    """
    n = len(lines)
    by_head: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line.reason is None and line.words >= 8 and _glued_headline(line.text, rules):
            line.reason, line.score = "teaser", -30.0
        elif line.score >= 60:
            by_head.setdefault(line.key[:80], []).append(i)
    for group in by_head.values():
        if len(group) < 2:
            continue
        longest = max(len(lines[i].key) for i in group)
        for i in group:
            if len(lines[i].key.rstrip(".… ")) < longest - 20:
                lines[i].reason, lines[i].score = "teaser", -30.0
    cards: list[int] = []
    for i, line in enumerate(lines):
        if line.score < 60:
            continue
        prev = i - 1
        while prev >= 0 and lines[prev].reason in ("date_line", "byline", "image_credit") and prev > i - 3:
            prev -= 1
        if prev < 0 or not _headline_like(lines[prev]):
            continue
        if i + 1 < n and lines[i + 1].score >= 60:
            continue
        cards.append(i)
    run: list[int] = []
    for i in [*cards, n + 10]:
        if run and i - run[-1] <= 5 and not any(lines[j].score >= 60 for j in range(run[-1] + 1, i)):
            run.append(i)
            continue
        if len(run) >= 3:
            for j in run:
                lines[j].score *= CARD_FACTOR
        run = [i]


HARD_BREAK = -200.0


def _best_zone(lines: list[_Line], lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """Maximum-sum run of line scores in ``lines[lo:hi]``: the densest stretch of prose (Kadane).

    Every line costs a little, so that the run prefers dense prose to a long tail of short teasers
    and comments whose few sentences would otherwise add up. A hard break (a "Related stories" or
    comments heading) ends every run.
    """
    best, best_span = 0.0, None
    run, run_start = 0.0, lo
    for i in range(lo, len(lines) if hi is None else hi):
        line = lines[i]
        if line.score <= HARD_BREAK:
            run = 0.0
            continue
        if run <= 0:
            run, run_start = 0.0, i
        run += max(line.score, -30.0) - LINE_COST
        if run > best:
            best, best_span = run, (run_start, i)
    return best_span


def _prose_resumes(lines: list[_Line], indices: range) -> bool:
    """Two paragraphs of prose in a row right beside a break: the break was a box inside the article."""
    streak = 0
    for j in indices:
        line = lines[j]
        if line.reason == "comments":
            return False
        streak = streak + 1 if line.score >= 60 else 0
        if streak >= 2:
            return True
    return False


def _box(lines: list[_Line], heading: int) -> range:
    """A box inside the article: its heading and the short lines under it, up to the next prose."""
    end = heading + 1
    while end < len(lines) and lines[end].score < 60:
        end += 1
    return range(heading, end)


def _zone(lines: list[_Line]) -> tuple[tuple[int, int] | None, set[int]]:
    """The article's lines: the densest run, joined across boxes where the article resumes.

    Returns the zone and the lines of the boxes it was joined across (not part of the article).
    """
    zone = _best_zone(lines)
    boxes: set[int] = set()
    n = len(lines)
    for _ in range(50):
        if zone is None:
            break
        first, last = zone
        after = next((j for j in range(last + 1, min(n, last + 5)) if lines[j].score <= HARD_BREAK), None)
        before = next(
            (j for j in range(first - 1, max(-1, first - 5), -1) if lines[j].score <= HARD_BREAK), None
        )
        other = None
        if (
            after is not None
            and lines[after].reason != "comments"
            and _prose_resumes(lines, range(after + 1, min(n, after + 10)))
        ):
            end = next((j for j in range(after + 1, n) if lines[j].score <= HARD_BREAK), n)
            other = _best_zone(lines, after + 1, end)
            if other is not None:
                boxes.update(_box(lines, after))
        if (
            other is None
            and before is not None
            and _prose_resumes(lines, range(before - 1, max(-1, before - 10), -1))
        ):
            start = next((j for j in range(before - 1, -1, -1) if lines[j].score <= HARD_BREAK), -1)
            other = _best_zone(lines, start + 1, before)
            if other is not None:
                boxes.update(_box(lines, before))
        if other is None:
            break
        zone = (min(first, other[0]), max(last, other[1]))
    return zone, boxes


# Lines no bridge crosses: the readers' comments, the page footer, a cookie banner (and author bios).
_BRIDGE_STOP = frozenset({"comments", "footer", "cookie"})
BRIDGE_MIN = 150.0  # the least a prose run beyond a gap must be worth
BRIDGE_MAX_GAP = 80  # lines
BOX_MAX_GAP = 12


def _gap_cost(line: _Line) -> float:
    """What a line between two prose runs costs a bridge: little for a bare table cell or list item."""
    if line.score > 0:
        return 0.0
    return 3.0 if line.reason is None else 10.0


def _bridge(lines: list[_Line], first: int, last: int, boxes: set[int]) -> tuple[int, int]:
    """Join the zone to prose runs beyond sparse stretches (tables, lists, code) or inline boxes.

    A gap of bare short lines is article (a table between paragraphs) and stays; a gap that holds a
    related-stories heading is a box, which goes, and then the prose beyond must be the article's
    own (two paragraphs in a row).
    """
    n = len(lines)
    for step in (1, -1):
        for _ in range(20):
            edge = last if step == 1 else first
            j = edge + step
            while (
                0 <= j < n
                and lines[j].reason not in _BRIDGE_STOP
                and not lines[j].bio
                and abs(j - edge) <= BRIDGE_MAX_GAP + 40
            ):
                j += step
            lo, hi = (edge + 1, j) if step == 1 else (j + 1, edge)
            if hi - lo < 1:
                break
            other = _best_zone(lines, lo, hi)
            if other is None:
                break
            near = other[0] if step == 1 else other[1]
            gap = range(edge + step, near, step)
            if len(gap) > BRIDGE_MAX_GAP:
                break
            run = range(other[0], other[1] + 1)
            value = sum(lines[k].score - LINE_COST for k in run)
            if sum(1 for k in run if lines[k].score >= 60) < 2:
                break  # one paragraph (a standfirst, a caption, a promo) is not the article going on
            breaks = sum(1 for k in gap if lines[k].score <= HARD_BREAK)
            if breaks:
                # One box of links only: a heading and short lines, no summaries.
                if (
                    breaks > 1 or len(gap) > BOX_MAX_GAP or any(lines[k].score >= 100 for k in gap)
                ) or not _prose_resumes(
                    lines, range(near, other[1] + 1) if step == 1 else range(near, other[0] - 1, -1)
                ):
                    break
                boxes.update(k for k in gap if lines[k].score < 60)
            if value < BRIDGE_MIN or value < sum(_gap_cost(lines[k]) for k in gap):
                break
            first, last = min(first, other[0]), max(last, other[1])
    return first, last


# Lines the zone never grows across: the article is over (or not yet begun) on their other side.
_BARRIERS = frozenset({"teaser", "comments", "footer", "newsletter", "cookie", "section_end"})
EXTEND_COST = 5.0


def _inline_teaser(line: _Line) -> bool:
    """An ALL-CAPS headline (5+ words) between two paragraphs is a teaser inside the article, not its end."""
    text = line.text
    return line.words >= 5 and text.upper() == text and text.lower() != text


EXTEND_GIVE_UP = -150.0


def _extend(lines: list[_Line], first: int, last: int) -> tuple[int, int]:
    """Grow the dense core over sparser lines (code, lists, short paragraphs) that lead to more prose."""

    def reach(indices: range) -> int | None:
        run, best, best_i = 0.0, 0.0, None
        for j in indices:
            line = lines[j]
            if line.score <= HARD_BREAK or line.bio:
                break
            if line.reason in _BARRIERS and not (line.reason == "teaser" and _inline_teaser(line)):
                break
            run += line.score - EXTEND_COST
            if run > best:
                best, best_i = run, j
            if run < EXTEND_GIVE_UP:
                break
        return best_i

    right = reach(range(last + 1, len(lines)))
    left = reach(range(first - 1, -1, -1))
    return (first if left is None else left, last if right is None else right)


def _is_bio(text: str, rules: TextRules) -> bool:
    return bool(rules.bio_head.match(_plain(text)))


def _title_like(line: _Line) -> bool:
    return 2 <= line.words <= 40 and not line.text.endswith((".", ",", ";")) and len(line.text) >= 10


_NOT_TITLE = re.compile(r"https?:|www\.|<\w|@\w|\.(?:jpe?g|png|gif|mp3|mp4)\b|^by\b", re.I)
TITLE_SPAN = 40  # lines before the body searched for the headline


def _content_words(text: str, rules: TextRules) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in rules.stopwords and not w.isdigit()}


def _pick_title(
    lines: list[_Line], first: int, last: int, reasons: dict[int, str], rules: TextRules
) -> int | None:
    """The headline: a title-like line before the body whose words the opening paragraphs repeat.

    The line right above the body is often a caption, a byline, a date or a share widget, so
    candidates are ranked: overlap with the body's opening, Title Case, a headline's length, and
    closeness to the body; names, dates, links and captions (long full sentences) are no headline.
    """
    opening = " ".join(lines[k].text for k in range(first, min(last + 1, first + 6)) if k not in reasons)
    body_words = _content_words(opening[:1500], rules)
    best, best_i = 0.5, None
    for i in range(first - 1, max(-1, first - TITLE_SPAN), -1):
        line = lines[i]
        if line.reason is not None or not _title_like(line) or line.words < 3:
            continue
        if i + 1 < len(lines) and _continues(line, lines[i + 1], rules):
            continue  # the first line of a hard-wrapped paragraph
        if i > 0 and lines[i - 1].reason == "byline" and rules.byline_label.fullmatch(lines[i - 1].plain):
            continue
        text = line.plain
        if _name(text) or _NOT_TITLE.search(text) or rules.date_shape.search(text) or line.words > 30:
            continue
        words = _content_words(text, rules)
        if not words:
            continue
        score = 2.0 * len(words & body_words) / len(words)
        caps = [w for w in text.split() if w.lower() not in rules.stopwords]
        if caps and sum(1 for w in caps if w[:1].isupper()) >= 0.8 * len(caps):
            score += 0.5
        if 5 <= line.words <= 20:
            score += 0.5
        if line.text.endswith((".", "!")) and line.words >= 12:
            score -= 1.0  # a caption or a standfirst
        score -= 0.02 * (first - i)
        if score > best:
            best, best_i = score, i
    return best_i


def _section_like(line: _Line) -> bool:
    return 1 <= line.words <= 4 and len(line.text) <= 40 and not line.text.endswith((".", ",", ";", ":", "?"))


def _parse_date(text: str, rules: TextRules) -> str | None:
    m = rules.date_shape.search(text)
    if not m:
        return None
    return iso_date(m.group(0))


_NAME = re.compile(
    r"^(?:[A-Z][\w'’.-]*|[A-Z]\.)(?:\s+(?:[A-Z][\w'’.-]*|[A-Z]\.|de|van|von|der|da|al|bin)){0,4}$"
)


def _name(text: str) -> str | None:
    text = text.strip(" ,;:|-–—")
    return text if _NAME.match(text) and len(text.split()) >= 2 else None


AUTHOR_BOX_LINES = 3  # paragraphs of an author box under its heading


def _mark_author_box(
    lines: list[_Line], first: int, last: int, reasons: dict[int, str], rules: TextRules
) -> None:
    """An "About <Name>" heading over paragraphs that name that person, at the end of the body.

    The heading alone may be a section of the article; it is an author box only when the text under
    it names the person (first or last name) and no article prose follows the box.
    """
    for h in range(last - 1, first - 1, -1):
        line = lines[h]
        if h in reasons or line.words > 8:
            continue
        m = rules.bio_about.match(line.plain)
        if m is None:
            continue
        names = set(m.group("name").split())
        box = [h]
        for j in range(h + 1, min(last + 1, h + 1 + AUTHOR_BOX_LINES)):
            if j in reasons:
                continue
            if names & set(_WORD.findall(lines[j].text)) or rules.bio_pronoun.match(lines[j].plain):
                box.append(j)
            else:
                break
        if len(box) < 2:
            continue
        if any(lines[k].score >= 60 and k not in reasons for k in range(box[-1] + 1, last + 1)):
            continue  # the article goes on after it
        for k in box:
            reasons[k] = "author_bio"
        return


def _edges(lines: list[_Line], first: int, last: int, rules: TextRules) -> tuple[int, int]:
    """Keep the short lines the zone search leaves at the body's edges: a closing one-line sentence
    ("Glory to Ukraine!") after it, a dateline ("KYIV, Ukraine (AP) —") or a numbered subheading
    ("1. The front line") before it. Only lines no rule names; one line each side."""

    def fits(line: _Line, pattern: re.Pattern[str] | None) -> bool:
        return (
            pattern is not None
            and line.reason is None
            and not line.bio
            and 1 <= line.words <= rules.edge_max_words
            and pattern.match(line.plain) is not None
        )

    if last + 1 < len(lines) and last >= first and fits(lines[last + 1], rules.edge_closing):
        nxt = lines[last + 2] if last + 2 < len(lines) else None
        # not the first of a run of short sentences (a list of links, a teaser box)
        if nxt is None or nxt.score >= 60 or not fits(nxt, rules.edge_closing):
            last += 1
    if first > 0 and fits(lines[first - 1], rules.edge_opening):
        prev = lines[first - 2] if first > 1 else None
        # a numbered line after another is a list (most-read boxes), not a subheading
        if prev is None or not fits(prev, rules.edge_opening):
            first -= 1
    return first, last


def clean_text(text: str, rules: TextRules, max_chars: int | None = None) -> CleanText:
    """Split a text dump into article body and boilerplate, and recover the metadata it states.

    Boilerplate offsets index ``text``. With ``max_chars``, a longer body is cut at a paragraph
    boundary and the cut is recorded with reason ``truncated``.
    """
    lines = _lines(text)
    result = CleanText(body="")
    if not lines:
        return result
    counts: dict[str, int] = {}
    prose, comments_from = 0.0, None
    for line in lines:
        line.reason = _rule(line, rules)
        line.score = _score(line, rules)
    _rescore_wrapped(lines, rules)
    _mark_cards(lines, rules)
    for line in lines:
        line.bio = bool(rules.bio_head.match(line.plain))
        if line.words >= 6:
            key = line.key
            counts[key] = counts.get(key, 0) + 1
        plain = line.plain
        if line.words <= 8 and rules.section_end.fullmatch(plain):
            # A related-stories or comments heading: the article rarely goes on after it.
            line.score = -200.0
        if line.words <= 40 and rules.comment_start.fullmatch(plain):
            line.reason, line.score = "comments", -200.0
            if comments_from is None and prose >= 400:
                comments_from = line.start
        if line.score > 0:
            if comments_from is not None:
                # Readers' comments are prose too, but not the article's.
                line.score *= 0.3
            prose += line.score
    # Blocks printed twice (footers, bios, disclaimers) are weak evidence of the article, unless
    # the whole page is doubled (some dumps hold the article twice).
    doubled = [ln for ln in lines if ln.score > 0 and ln.words >= 6 and counts[ln.key] > 1]
    positive = sum(ln.score for ln in lines if ln.score > 0)
    if doubled and sum(ln.score for ln in doubled) < 0.5 * positive:
        for ln in doubled:
            ln.score = 0.0
    zone, boxes = _zone(lines)
    # Sparse stretches first (a list closing a paragraph), then across gaps to more prose.
    zone = (0, len(lines) - 1) if zone is None else _bridge(lines, *_extend(lines, *zone), boxes)
    core_first, last = _extend(lines, *zone)
    first, last = _edges(lines, core_first, last, rules)
    reasons: dict[int, str] = {}
    for i, line in enumerate(lines):
        if i < first or i > last:
            reasons[i] = line.reason or "outside_body"
        elif line.reason:
            reasons[i] = line.reason
        elif i in boxes:
            reasons[i] = "teaser"
    # Repeats: a later copy of a line already in the body goes (pull quotes, doubled blocks).
    seen: dict[str, int] = {}
    for i in range(first, last + 1):
        if i in reasons or lines[i].words < 6:
            continue
        key = lines[i].key
        if key in seen:
            reasons[i] = "repeated"
        else:
            seen[key] = i
    # Author bio at the tail: walk back over the last body lines, skipping lines already removed;
    # bios after the body (outside the zone) count too.
    bio_subject: str | None = None
    bio_outlet: str | None = None

    def mark_bio(i: int) -> None:
        nonlocal bio_subject, bio_outlet
        reasons[i] = "author_bio"
        head = rules.bio_head.match(lines[i].plain)
        if head and bio_subject is None:
            bio_subject = head.group("name")
        outlet = rules.bio_outlet.match(lines[i].plain)
        if outlet and bio_outlet is None:
            bio_outlet = outlet.group("outlet")

    for i in range(last, first - 1, -1):
        if i in reasons and reasons[i] != "repeated":
            continue
        plain = lines[i].plain
        if rules.bio_head.match(plain) or (
            reasons.get(i + 1) == "author_bio" and rules.bio_pronoun.match(plain)
        ):
            mark_bio(i)
            continue
        break
    for i in range(last + 1, min(len(lines), last + 30)):
        if lines[i].reason is None and rules.bio_head.match(lines[i].plain):
            mark_bio(i)
    _mark_author_box(lines, first, last, reasons, rules)
    # A block identical to a bio is a bio wherever it is (printed twice: after the body and in a box).
    bio_keys = {lines[i].key for i, r in reasons.items() if r == "author_bio"}
    if bio_keys:
        for i, line in enumerate(lines):
            if line.key in bio_keys:
                reasons[i] = "author_bio"

    # Title and section label: the best headline-like line before the body.
    head_limit = max(0, first - 25)
    title_i = _pick_title(lines, first, last, reasons, rules)
    lead = lines[first] if first < len(lines) else None
    if (
        title_i is None
        and lead is not None
        and lead.reason is None
        and first == core_first  # a dateline or numbered subheading kept at the edge is no headline
        and _title_like(lead)
        and first < last
        and not _continues(lead, lines[first + 1], rules)
    ):
        title_i = first if not lead.text.endswith(_SENTENCE_END) else None
    if title_i is not None:
        result.title = lines[title_i].text
        reasons[title_i] = "title"
        for j in range(title_i - 1, max(-1, title_i - 3), -1):
            cand = lines[j]
            if cand.reason is None and _section_like(cand):
                result.section = cand.text
                reasons[j] = "section"
                break
            if cand.reason not in ("date_line", "byline", "social", "image_credit"):
                break

    # Author, outlet and date from byline, date and footer lines of the page.
    head_end = min(len(lines), first + 5)
    for i, line in enumerate(lines):
        txt = line.plain
        near_head = head_limit <= i < head_end
        if result.author is None and line.reason == "byline":
            if rules.byline_label.fullmatch(txt):
                nxt = lines[i + 1].text if i + 1 < len(lines) else ""
                name = _name(nxt)
                if name:
                    result.author = name
            else:
                m = rules.byline_name.match(txt)
                if m:
                    result.author = _name(m.group("name")) or result.author
        if result.published is None and near_head and line.reason in ("date_line", "byline"):
            result.published = _parse_date(txt, rules)
        if result.outlet is None and line.reason == "footer":
            m = rules.copyright_outlet.match(txt)
            if m and 1 <= len(m.group("outlet").split()) <= 5:
                result.outlet = m.group("outlet").strip()
    if result.author is None and bio_subject:
        result.author = bio_subject
    if result.author is None and title_i is not None:
        # A bare name between the headline and the body is the byline without its "By".
        for j in range(title_i + 1, min(first + 1, title_i + 6)):
            cand = lines[j]
            if cand.reason is None and cand.words <= 4 and _name(cand.text):
                result.author = _name(cand.text)
                reasons[j] = "byline"
                break
    if bio_outlet:
        result.outlet = bio_outlet

    _assemble(text, lines, first, last, reasons, max_chars, result)
    return result


def _assemble(
    text: str,
    lines: list[_Line],
    first: int,
    last: int,
    reasons: dict[int, str],
    max_chars: int | None,
    result: CleanText,
) -> None:
    """Body from the kept lines of ``lines[first:last+1]``, boilerplate spans from ``reasons``."""
    # A paragraph break wherever the input had one; adjacent spans of one reason merge.
    parts: list[str] = []
    prev_block = -1
    body_len = 0
    cut_at: int | None = None
    for i in range(first, last + 1):
        if i in reasons:
            continue
        line = lines[i]
        sep = "" if not parts else ("\n" if line.block == prev_block else "\n\n")
        if max_chars is not None and body_len + len(sep) + len(line.text) > max_chars and parts:
            cut_at = line.start
            break
        parts.append(sep + line.text)
        body_len += len(sep) + len(line.text)
        prev_block = line.block
    result.body = "".join(parts)

    spans: list[Boilerplate] = []
    for i in sorted(reasons):
        line = lines[i]
        if cut_at is not None and line.start >= cut_at:
            break
        reason = reasons[i]
        if spans and spans[-1].reason == reason and not text[spans[-1].end : line.start].strip():
            spans[-1].end = line.end
            spans[-1].text = text[spans[-1].start : line.end]
        else:
            spans.append(Boilerplate(start=line.start, end=line.end, text=line.text, reason=reason))
    if cut_at is not None:
        spans.append(Boilerplate(start=cut_at, end=len(text), text="", reason="truncated"))
    result.boilerplate = spans


def clean_article(text: str, rules: TextRules, max_chars: int | None = None) -> CleanText:
    """Light cleaning of text another tool already extracted (JSONL ``text``, RSS content).

    Only lines that an explicit chrome rule names go (advertisement, teasers, social and newsletter
    prompts, image credits, copyright lines: ``article_mode`` in the rules), and author bios printed
    twice. No zone, no title guess, no short-line heuristics: the extractor upstream already chose
    the body, and its first line or a short closing line is article text.
    """
    lines = _lines(text)
    result = CleanText(body="")
    if not lines:
        return result
    reasons: dict[int, str] = {}
    bio_count: dict[str, int] = {}
    for i, line in enumerate(lines):
        reason = _rule(line, rules)
        if reason in rules.article_categories and not (
            rules.article_keep is not None and rules.article_keep.fullmatch(line.plain)
        ):
            reasons[i] = reason
        elif rules.bio_head.match(line.plain):
            bio_count[line.key] = bio_count.get(line.key, 0) + 1
    # A bio printed twice (after the body and in an author box) is chrome; once, it may be the article's.
    for i, line in enumerate(lines):
        if bio_count.get(line.key, 0) > 1:
            reasons[i] = "author_bio"
            j = i + 1
            while j < len(lines) and j not in reasons and rules.bio_pronoun.match(lines[j].plain):
                reasons[j] = "author_bio"
                j += 1
    _assemble(text, lines, 0, len(lines) - 1, reasons, max_chars, result)
    return result


def decode_text(data: bytes, source: str) -> str:
    """Bytes of a text dump -> str (BOM, UTF-8, mixed UTF-8, detected charset); binary junk is refused."""
    from frontwire.ingest.sniff import detect_text, looks_binary

    if not data.strip():
        raise EmptyInput(f"{source}: empty input")
    if looks_binary(data):
        raise UnsupportedFormat(f"{source}: binary content, not text")
    text = detect_text(data)
    if text is None:
        raise BinaryContent(f"{source}: bytes that read as no text in any encoding")
    if not text.strip():
        raise EmptyInput(f"{source}: whitespace only")
    return text


# A Markdown/static-site header: '---' lines around 'key: value' pairs, at the very start of the file.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>(?:.*\n){1,60}?)---[ \t]*\n")
_FRONT_FIELDS = {
    "title": "title", "date": "published", "published": "published", "published_time": "published",
    "pubdate": "published", "source_url": "url", "url": "url", "canonical_url": "url", "link": "url",
    "author": "author", "site_name": "outlet", "publisher": "outlet",
}  # fmt: skip
# A full calendar day in a file name ("kremlin-2022-03-06-call.txt"), not inside a longer number.
_NAME_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """The fields of a leading front-matter block (title, published, url, author, outlet) and its end."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    import yaml

    try:
        data = yaml.safe_load(m.group("body"))
    except yaml.YAMLError:
        return {}, 0  # '---' lines that are not a header: leave the text as it is
    if not isinstance(data, dict):
        return {}, 0
    fields: dict[str, str] = {}
    for key, value in data.items():
        name = _FRONT_FIELDS.get(str(key).lower())
        text_value = " ".join(str(value).replace("\u00a0", " ").split()) if value is not None else ""
        if name and text_value and name not in fields:
            fields[name] = text_value
    return fields, m.end()


def _outlet_of(url: str | None) -> str | None:
    """The site's host name as the outlet when nothing names it ('www.' dropped)."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def date_from_name(source: str) -> str | None:
    """The day a file's own name states, when it is a real calendar date (a collector's label)."""
    name = source.rsplit("/", 1)[-1].split("#", 1)[0]
    m = _NAME_DAY.search(name)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def extract_text(item: RawItem, resources: Resources) -> Article:
    """Clean a plain-text item (a page dump, or text another tool already extracted) into an Article."""
    text = decode_text(item.data, item.source)
    header, header_end = front_matter(text)
    if header_end:
        # Blank the block out (same length) so that every later offset still indexes the input text.
        block = text[:header_end]
        text = re.sub(r"[^\n]", " ", block) + text[header_end:]
    # Text another tool already extracted gets the light mode: the full cleaner would cut a first
    # line it takes for a headline and short lines it takes for chrome.
    clean = clean_article if item.kind == "article" else clean_text
    text = _split_flat_lines(text, resources.text_rules)
    cleaned = clean(text, resources.text_rules, max_chars=resources.settings.max_text_chars)
    body = cleaned.body.strip()
    if not _WORD.search(body):
        raise ExtractError(f"{item.source}: no article text left after removing page chrome")
    # A text dump needs as many words as a page does (a few stray bytes are no article); text that
    # another tool already extracted (JSONL, feed items) is taken as it is.
    words = word_count(body)
    if item.kind == "text" and words < resources.settings.min_article_words:
        raise ExtractError(f"{item.source}: no article text ({words} words)")
    if header_end:
        cleaned.boilerplate.insert(0, Boilerplate(0, header_end, block, "front_matter"))
    published, published_source = given_date(item)
    if not published:
        published = plausible_date(iso_date(header.get("published")) or cleaned.published)
        published_source = "text" if published else None
    if not published and (named := plausible_date(date_from_name(item.source))):
        published, published_source = named, "filename"
    if not published:
        published, published_source = given_date(item, fallback=True)
    from frontwire.extract.metadata import canonical_url

    url = item.url or (
        header.get("url") if str(header.get("url", "")).startswith(("http://", "https://")) else None
    )
    canon = canonical_url(url)
    return Article(
        id=document_id(canon, body),
        source=item.source,
        text=body,
        url=url,
        canonical_url=canon,
        outlet=item.outlet or header.get("outlet") or cleaned.outlet or _outlet_of(url),
        title=item.title or header.get("title") or cleaned.title,
        author=item.author or header.get("author") or cleaned.author,
        section=item.section or cleaned.section,
        published=published,
        published_source=published_source,
        raw_sha256=sha256_hex(item.data),
        fetched_at=item.fetched_at,
        boilerplate=cleaned.boilerplate,
        extractor=EXTRACTOR,
    )
