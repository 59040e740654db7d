"""Normalise candidates: TIMEX3 value, absolute interval and anchor (publication date or previous date)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from frontwire.timex import _calendar as cal
from frontwire.timex._calendar import Interval
from frontwire.timex._lexicon import Lexicon
from frontwire.timex._recognise import Candidate, prev_word

TenseFn = Callable[[int, int], str | None]


@dataclass(slots=True)
class Resolution:
    """What one candidate means: type, interval or duration, TIMEX3 value and what it was read against."""

    type: str
    interval: Interval | None = None
    timex3: str | None = None
    duration: str | None = None  # ISO duration for DURATION
    anchor: str | None = None
    confidence: float = 0.8
    anchorable: bool = True  # False for backward comparisons ("a year earlier"): they must not chain


@dataclass(slots=True)
class Context:
    """Per-document state: the publication date, the dates resolved so far, and a tense oracle."""

    dct: date | None
    tense: TenseFn
    anchors: list[tuple[Interval, str]] = field(default_factory=list)

    @property
    def dct_label(self) -> str | None:
        return f"published:{self.dct.isoformat()}" if self.dct else None

    def anchor_for(self, gran: str) -> tuple[Interval, str] | None:
        """The most recent resolved date at least as fine as gran (so it can be moved by that unit)."""
        rank = cal.ORDER.index(gran)
        for iv, label in reversed(self.anchors):
            if cal.ORDER.index(iv.gran) <= rank or (gran == "weekend" and iv.gran == "week"):
                return iv, label
        return None


def parse_published(published: str | None) -> date | None:
    """Publication date of an ISO date or datetime string; None when absent or unreadable."""
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------- numbers and durations

_TENS = re.compile(r"^(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](\w+)$")


def number(lex: Lexicon, word: str | None) -> float | None:
    """Numeric value of a count word; None for vague counts ("several")."""
    if not word:
        return None
    w = " ".join(word.lower().split())
    if w.endswith(" and a half"):
        base = number(lex, w[: -len(" and a half")])
        return base + 0.5 if base is not None else None
    frac = re.fullmatch(r"(\d+) (\d)/(\d)", w)
    if frac:
        return int(frac.group(1)) + int(frac.group(2)) / int(frac.group(3))
    nums = lex["numbers"]
    if w in nums:
        v = nums[w]
        return float(v) if v is not None else None
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return float(w)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", w):
        return float(w.replace(",", ""))
    m = _TENS.match(w)
    if m and m.group(2) in nums and nums[m.group(2)] is not None:
        return float(nums[m.group(1)] + nums[m.group(2)])
    return None


def year_number(lex: Lexicon, text: str) -> int | None:
    """The year of '1996', 'nineteen ninety-six', 'nineteen hundred and five' or 'two thousand and one'."""
    if text.isdigit():
        return int(text)
    words = [w for w in re.split(r"[- ]+", text.lower()) if w not in ("and", "oh")]
    if words[:2] == ["two", "thousand"]:
        rest = number(lex, " ".join(words[2:])) if words[2:] else 0.0
        return 2000 + int(rest) if rest is not None else None
    century = number(lex, words[0])
    if century is None:
        return None
    if words[1:2] == ["hundred"]:
        words = words[1:]
    rest = number(lex, " ".join(words[1:])) if words[1:] else 0.0
    return int(century) * 100 + int(rest) if rest is not None else None


def unit_code(lex: Lexicon, unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.lower()
    units = lex["units"]
    if u in units:
        return str(units[u])
    if u.endswith("s") and u[:-1] in units:
        return str(units[u[:-1]])
    return None


_SMALLER = {
    "Y": ("M", 12),
    "M": ("D", 30),
    "W": ("D", 7),
    "D": ("TH", 24),
    "TH": ("TM", 60),
    "TM": ("TS", 60),
}


def iso_duration(lex: Lexicon, n: float | None, code: str) -> str:
    """'P6M', 'PT5H', 'PXY' (unknown count)."""
    letter, mult = lex["unit_iso"][code]
    if n is None:
        return f"PTX{letter[1]}" if letter.startswith("T") else f"PX{letter}"
    value = n * mult
    parts: list[tuple[float, str]] = []
    # "2 1/2 years" -> P2Y6M, "5 1/2 hours" -> PT5H30M: carry the fraction into the next smaller unit.
    while value != int(value) and letter in _SMALLER:
        if int(value):
            parts.append((int(value), letter))
        smaller, factor = _SMALLER[letter]
        value, letter = (value - int(value)) * factor, smaller
    parts.append((int(value) if value == int(value) else round(value, 2), letter))
    date_part = "".join(f"{v}{u}" for v, u in parts if not u.startswith("T"))
    time_part = "".join(f"{v}{u[1]}" for v, u in parts if u.startswith("T"))
    return "P" + date_part + ("T" + time_part if time_part else "")


# ---------------------------------------------------------------- year choice by tense


def _slack(lex: Lexicon) -> int:
    return int(lex["tense"]["past_slack_days"])


def _distance(start: date, end: date, dct: date) -> int:
    if start <= dct <= end:
        return 0
    return (start - dct).days if start > dct else (dct - end).days


def year_for(lex: Lexicon, start: date, end: date, dct: date, tense: str | None) -> int:
    """Year offset (-1, 0, +1) for a yearless date: the reading nearest the publication date among those
    the tense allows (a past clause points at most a little after publication, a future one a little
    before)."""
    slack = timedelta(days=_slack(lex))
    weight = int(lex["tense"]["future_distance_weight"])
    best: tuple[int, int] | None = None
    for off in (0, -1, 1):
        try:
            s, e = start.replace(year=start.year + off), end.replace(year=end.year + off)
        except ValueError:  # 29 February
            s, e = start.replace(day=28, year=start.year + off), end.replace(day=28, year=end.year + off)
        if tense == "past" and s > dct + slack:
            continue
        if tense == "future" and e < dct - slack:
            continue
        dist = _distance(s, e, dct) * (weight if s > dct else 1)  # news looks back more than forward
        if best is None or dist < best[0]:
            best = (dist, off)
    return best[1] if best else 0


def weekday_date(dct: date, wd: int, direction: str | None) -> date:
    """The weekday wd relative to dct: 'past' (most recent, the same day counts), 'future', 'last', 'next'."""
    diff = wd - dct.weekday()
    if direction == "last":
        return dct - timedelta(days=(-diff) % 7 or 7)
    if direction == "next":
        return dct + timedelta(days=diff % 7 or 7)
    if diff == 0:
        return dct  # news convention: "said Friday" in Friday's paper is that day
    if direction == "future":
        return dct + timedelta(days=diff % 7)
    return dct - timedelta(days=(-diff) % 7)


# ---------------------------------------------------------------- resolver


class Resolver:
    """Turns candidates into Resolutions in text order, keeping the anchor chain."""

    def __init__(self, lex: Lexicon, ctx: Context, text: str) -> None:
        self.lex = lex
        self.ctx = ctx
        self.text = text
        self.season_months: dict[str, list[int]] = lex["season_months"]

    # -- helpers
    def _deictic(self, iv: Interval | None, conf: float, typ: str = "DATE") -> Resolution:
        if iv is None:
            return Resolution(typ, confidence=0.4)
        return Resolution(typ, iv, iv.timex3, anchor=self.ctx.dct_label, confidence=conf)

    def _explicit(self, iv: Interval | None, typ: str = "DATE") -> Resolution:
        if iv is None:
            return Resolution(typ, confidence=0.3)
        return Resolution(typ, iv, iv.timex3, anchor=None, confidence=0.95)

    def _anaphoric(self, gran: str, move: Callable[[Interval], Interval | None]) -> Resolution:
        """Resolve against the previous date fine enough for gran, else against the publication date."""
        found = self.ctx.anchor_for(gran)
        if found is not None:
            iv = move(found[0])
            if iv is not None:
                return Resolution("DATE", iv, iv.timex3, anchor=found[1], confidence=0.65)
            return Resolution("DATE", confidence=0.3)
        if self.ctx.dct is not None:
            iv = move(cal.day(self.ctx.dct))
            if iv is not None:
                return Resolution("DATE", iv, iv.timex3, anchor=self.ctx.dct_label, confidence=0.5)
        return Resolution("DATE", confidence=0.3)

    def resolve(self, c: Candidate) -> Resolution | None:
        if c.pattern is None:
            return Resolution("TIME" if c.label == "TIME" else "DATE", confidence=0.4)
        handler = getattr(self, "_k_" + c.pattern.kind)
        res: Resolution | None = handler(c, c.groups)
        if res is not None and res.interval is not None and res.type in ("DATE", "TIME") and res.anchorable:
            self.ctx.anchors.append((res.interval, f"previous:{c.text}@char{c.start}"))
        return res

    # -- explicit calendar dates
    def _month_num(self, g: dict[str, Any]) -> int | None:
        if g.get("monthnum"):
            return int(g["monthnum"])
        name = (g.get("month") or "").rstrip(".").lower()
        return self.lex.months.get(name)

    def _k_ymd(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        m = self._month_num(g)
        d = int(g["day"])
        if m is None:
            return None
        if g.get("year"):
            try:
                return self._explicit(cal.day(date(int(g["year"]), m, d)))
            except ValueError:
                return None
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        try:
            cand = date(dct.year, m, d)
        except ValueError:
            try:  # 29 February of another year
                date(2000, m, d)
            except ValueError:
                return None
            cand = None
        years = [dct.year]
        if cand is not None:
            years = [dct.year + year_for(self.lex, cand, cand, dct, self.ctx.tense(c.start, c.end))]
        wd = g.get("weekday")
        if wd:  # a weekday given with the date picks the year it fits
            for y in (years[0], dct.year, dct.year - 1, dct.year + 1):
                try:
                    if date(y, m, d).weekday() == self.lex["weekdays"][wd]:
                        years = [y]
                        break
                except ValueError:
                    continue
        try:
            return self._deictic(cal.day(date(years[0], m, d)), 0.8)
        except ValueError:
            return None

    def _k_ym(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        m = self._month_num(g)
        y = year_number(self.lex, g["year"])
        return self._explicit(cal.month(y, m)) if m and y else None

    def _k_month(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        m = self._month_num(g)
        dct = self.ctx.dct
        if m is None:
            return None
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        rel = (g.get("rel") or "").lower()
        if c.pattern is not None and c.pattern.name == "month_rel_year":
            return self._deictic(cal.month(dct.year + int(self.lex["relative"].get(rel, 0)), m), 0.85)
        if rel in ("last", "past", "this past"):
            y = dct.year if m < dct.month else dct.year - 1
        elif rel in ("next", "this coming"):
            y = dct.year if m > dct.month else dct.year + 1
        elif rel == "this":
            y = dct.year
        else:
            iv = cal.month(dct.year, m)
            y = dct.year + year_for(self.lex, iv.start, iv.end, dct, self.ctx.tense(c.start, c.end))
        return self._deictic(cal.month(y, m), 0.75)

    def _k_year(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        y = year_number(self.lex, g["year"])
        return self._explicit(cal.year(y)) if y else None

    def _k_decade(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        if g.get("decade"):
            return self._explicit(cal.decade(int(g["decade"])))
        tens = {
            "twenties": 20,
            "thirties": 30,
            "forties": 40,
            "fifties": 50,
            "sixties": 60,
            "seventies": 70,
            "eighties": 80,
            "nineties": 90,
        }[g["decadeword"].lower()]
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        y0 = dct.year // 100 * 100 + tens
        if y0 > dct.year:
            y0 -= 100
        return self._deictic(cal.decade(y0), 0.7)

    def _k_century(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        n = int(g["cent"])
        return self._explicit(cal.century(n - 1)) if 1 <= n <= 99 else None

    def _k_season(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        code = self.lex["seasons"][g["season"].lower()]
        if g.get("year"):
            y = year_number(self.lex, g["year"])
            return self._explicit(cal.season(y, code, self.season_months)) if y else None
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        rel = (g.get("rel") or "").lower()
        options = [cal.season(y, code, self.season_months) for y in range(dct.year - 2, dct.year + 2)]
        if rel in ("last", "past", "this past"):
            iv = [o for o in options if o.end < dct][-1]
        elif rel in ("next", "coming", "this coming"):
            iv = next(o for o in options if o.start > dct)
        else:  # "this summer": the one under way, else this year's
            this_year = cal.season(dct.year, code, self.season_months)
            iv = next((o for o in options if o.start <= dct <= o.end), this_year)
        return self._deictic(iv, 0.75)

    def _k_quarter(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        dct = self.ctx.dct
        if g.get("qrelw") is not None:
            return self._quarter_rel(c, g)
        n = self.lex["ordinals"][g["ord"].lower()]
        is_half = g["qunit"].lower() == "half"
        if is_half and n > 2:
            return None

        def make(y: int) -> Interval:
            return cal.half(y, n) if is_half else cal.quarter(y, n)

        ytxt = g.get("year") if g.get("year") and not g.get("qrel") else g.get("yearpre")
        if ytxt:
            return self._explicit(make(int(ytxt)))
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        rel = (g.get("relyear") or g.get("qrel") or "").lower()
        y = dct.year + int(self.lex["relative"].get(rel, 0)) if rel else dct.year
        if not rel:
            y += self._period_year(make(y), dct, self.ctx.tense(c.start, c.end))
        if g.get("yearago"):
            y -= 1
        return self._deictic(make(y), 0.75)

    def _period_year(self, iv: Interval, dct: date, tense: str | None) -> int:
        """Year offset of a yearless reporting period ("the third quarter", "the first half").

        Results are reported after a period closes, so a future clause ("expects to report third-quarter
        net") still means the period of the publication year; only a period that closed more than one
        period length ago moves forward, and a past clause cannot name a period not yet begun.
        """
        if tense == "past" and iv.start > dct:
            return -1
        if tense == "future" and (dct - iv.end).days > (iv.end - iv.start).days:
            return 1
        return 0

    def _quarter_rel(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        w = " ".join(g["qrelw"].lower().split())
        dct = self.ctx.dct
        if g["qunit"].lower() == "period" and w in ("the", "this", "last", "next"):
            return None  # "the period" alone is no date
        current = cal.containing(dct, "quarter") if dct else None
        last_done = cal.shift(current, -1, "Q") if current else None
        if w in ("this", "the current"):
            return self._deictic(current, 0.75)
        if w == "next":
            return self._deictic(cal.shift(current, 1, "Q") if current else None, 0.75)
        if "year-ago" in w or "year-earlier" in w:
            found = self.ctx.anchor_for("quarter")
            base = found[0] if found and found[0].gran == "quarter" else last_done
            res = self._deictic(cal.shift(base, -1, "Y") if base else None, 0.6)
            res.anchorable = False
            return res
        if w in ("the", "the same"):
            found = self.ctx.anchor_for("quarter")
            if found and found[0].gran == "quarter":
                return Resolution("DATE", found[0], found[0].timex3, anchor=found[1], confidence=0.6)
        return self._deictic(last_done, 0.65)

    # -- deictic
    def _k_deictic(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        word = " ".join(g["deictic"].lower().split())
        dct = self.ctx.dct
        plain_today = c.pattern is not None and c.pattern.name == "deictic_day" and not g.get("part")
        if word == "today" and plain_today:
            before = prev_word(self.text, c.start)
            after = self.text[c.end : c.end + 30].lower()
            nxt2 = after[2:].split()[:1] if after[:2] in ("'s", "’s") else []
            generic_next = bool(nxt2) and nxt2[0] in self.lex["generic_today_next2"]
            if before in self.lex["generic_today_prev"] or generic_next:
                return Resolution("DATE", timex3="PRESENT_REF", confidence=0.6)  # "the issues of today"
        offset = int(self.lex["deictic_days"].get(word, 0))
        part = self.lex["deictic_parts"].get(word)
        if g.get("part"):
            part = self.lex["parts_of_day"][g["part"].lower()]
        if dct is None:
            return Resolution("TIME" if part else "DATE", confidence=0.4)
        iv = cal.day(dct + timedelta(days=offset))
        if part:
            return Resolution("TIME", iv, f"{iv.timex3}T{part}", anchor=self.ctx.dct_label, confidence=0.85)
        return self._deictic(iv, 0.9)

    def _k_weekday(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        wd = self.lex["weekdays"][g["weekday"]]
        rel = (g.get("rel") or "").lower()
        part = self.lex["parts_of_day"][g["part"].lower()] if g.get("part") else None
        typ = "TIME" if part else "DATE"
        if rel in ("the following", "the next", "the previous"):
            step = -1 if rel == "the previous" else 1

            def move(a: Interval) -> Interval:
                d = a.start + timedelta(days=step)
                while d.weekday() != wd:
                    d += timedelta(days=step)
                return cal.day(d)

            res = self._anaphoric("day", move)
        else:
            dct = self.ctx.dct
            if dct is None:
                return Resolution(typ, confidence=0.4)
            if rel in ("last", "past", "this past"):
                direction: str | None = "last"
            elif rel in ("next", "coming", "this coming"):
                direction = "next"
            elif rel == "this":
                direction = "future" if self.ctx.tense(c.start, c.end) != "past" else "past"
            else:
                direction = self.ctx.tense(c.start, c.end)
            res = self._deictic(cal.day(weekday_date(dct, wd, direction)), 0.8)
        if part and res.interval is not None:
            res.type = "TIME"
            res.timex3 = f"{res.interval.timex3}T{part}"
        return res

    def _k_weekend(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        rel = " ".join((g.get("rel") or "").lower().split())
        if rel in ("that", "the following", "the next", "the previous"):
            step = {"that": 0, "the following": 1, "the next": 1, "the previous": -1}[rel]
            return self._anaphoric("week", lambda a: cal.weekend(a.start + timedelta(days=7 * step)))
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        in_weekend = dct.weekday() >= 5
        current = cal.weekend(dct)  # the Saturday-Sunday of the publication week
        if rel in ("last", "past", "this past", "the previous"):
            direction = "past"
        elif rel in ("next", "coming", "this coming", "the following", "the next", "this"):
            direction = "future"
        else:
            direction = "future" if self.ctx.tense(c.start, c.end) == "future" else "past"
        if direction == "past":
            iv = current if in_weekend and rel != "last" else cal.weekend(dct - timedelta(days=7))
        else:
            iv = cal.weekend(dct + timedelta(days=7)) if in_weekend and rel == "next" else current
        return self._deictic(iv, 0.75)

    def _holiday_date(self, rule: dict[str, int], y: int) -> date | None:
        try:
            if "easter" in rule:
                return cal.easter(y) + timedelta(days=rule["easter"])
            if "nth" in rule:
                return cal.nth_weekday(y, rule["month"], rule["weekday"], rule["nth"], rule.get("from", 1))
            return date(y, rule["month"], rule["day"])
        except ValueError:
            return None

    def _k_holiday(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        """Named holidays: fixed dates (Christmas) and movable ones (Thanksgiving, Easter) of a given year."""
        rule = self.lex["holidays"][g["holiday"]]

        def at(d: date) -> Interval:  # "Easter week" is the week that holds the day
            return cal.week(d) if g.get("hweek") else cal.day(d)

        if g.get("year"):
            d = self._holiday_date(rule, int(g["year"]))
            return self._explicit(at(d) if d else None)
        dct = self.ctx.dct
        if dct is None:  # a fixed holiday still has an underspecified TIMEX3 value: XXXX-12-25
            fixed = f"XXXX-{rule['month']:02d}-{rule['day']:02d}" if "day" in rule else None
            return Resolution("DATE", timex3=fixed, confidence=0.4)
        rel = " ".join((g.get("rel") or "").lower().split())
        this_year = self._holiday_date(rule, dct.year)
        if this_year is None:
            return None
        if rel in ("last", "past", "this past"):
            y = dct.year if this_year < dct else dct.year - 1
        elif rel in ("next", "coming", "this coming"):
            y = dct.year if this_year > dct else dct.year + 1
        elif rel == "this":
            y = dct.year
        else:
            y = dct.year + year_for(self.lex, this_year, this_year, dct, self.ctx.tense(c.start, c.end))
        d = self._holiday_date(rule, y)
        return self._deictic(at(d) if d else None, 0.8)

    def _k_the_year(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        """'the year' alone is the year of the reference time; 'the year ended June 30' is a fiscal year."""
        if re.match(r"\s+(?:ended|ending|to)\b", self.text[c.end : c.end + 12]) and not g.get("mod"):
            return Resolution("DURATION", timex3="P1Y", duration="P1Y", confidence=0.7)
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        return self._deictic(cal.year(dct.year), 0.7)

    def _k_relative(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        rel = " ".join(g["rel"].lower().split())
        gran = cal.UNIT_GRAN[str(self.lex["units"][g["unit"].lower()])]
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        base = cal.containing(dct, gran)
        offset = int(self.lex["relative"][rel])
        code = {"week": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE"}[gran]
        return self._deictic(cal.shift(base, offset, code) if offset else base, 0.85)

    def _k_anaphoric(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        ana = " ".join(g["ana"].lower().split())
        unit = g["unit"].lower()
        part = self.lex["parts_of_day"].get(unit)
        gran = "day" if part else cal.UNIT_GRAN[str(self.lex["units"][unit])]
        step = int(self.lex["anaphoric"][ana])
        code = {"day": "D", "week": "W", "month": "M", "year": "Y"}[gran]

        def move(a: Interval) -> Interval | None:
            base = cal.containing(a.start, gran)
            return cal.shift(base, step, code) if step else base

        return self._anaphoric(gran, move)

    def _k_anaphoric_shift(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        num = g["num"].lower()
        n = 1.0 if num in ("the", "a", "year") else number(self.lex, num)
        code = unit_code(self.lex, "year" if num == "year" else g.get("unit"))
        if n is None or code is None or n != int(n):
            return Resolution("DATE", confidence=0.3)
        sign = int(self.lex["shift_words"][g["shift"].lower()])
        if code == "Y" and n == 1 and sign < 0:
            period = self._year_ago_period(sign * int(n))
            if period is not None:
                return period
        gran = cal.UNIT_GRAN[code]
        res = self._anaphoric(gran, lambda a: cal.shift(a, sign * int(n), code, self.season_months))
        res.anchorable = sign > 0  # "two days later" moves the story on; "a year earlier" compares
        return res

    def _year_ago_period(self, years: int) -> Resolution | None:
        """'a year earlier' in a report on a quarter or half: the same period a year before.

        Financial copy compares the reported period with the same period of the previous year, so the
        latest quarter or half named before (not just the latest date) is the period moved.
        """
        for iv, label in reversed(self.ctx.anchors):
            if iv.gran in ("quarter", "half"):
                moved = cal.shift(iv, years, "Y")
                if moved is not None:
                    return Resolution(
                        "DATE", moved, moved.timex3, anchor=label, confidence=0.6, anchorable=False
                    )
        return None

    def _k_shift(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        n = number(self.lex, g["num"])
        code = unit_code(self.lex, g["unit"])
        sign = int(self.lex["shift_words"][" ".join(g["shift"].lower().split())])
        ref = "PAST_REF" if sign < 0 else "FUTURE_REF"
        if code is None:
            return None
        if n is None or n != int(n):
            return Resolution("DATE", timex3=ref, confidence=0.6)
        dct = self.ctx.dct
        if dct is None:
            return Resolution("DATE", confidence=0.4)
        if code in ("S", "TM", "H"):
            return self._deictic(cal.day(dct), 0.6)
        if code == "Y" and n == 1 and sign < 0:
            # "profit of $5 million, against $4 million a year ago": the same period a year before
            period = self._year_ago_period(sign * int(n))
            if period is not None:
                return period
        gran = "year" if code in ("DE", "CE") else cal.UNIT_GRAN[code]
        d = cal.shift_date(dct, sign * int(n), code)
        res = self._deictic(cal.containing(d, gran) if d else None, 0.8)
        # "up from $4 a year ago" is a comparison baseline; a later "a year earlier" must not move it again
        res.anchorable = not (sign < 0 and gran in ("year", "decade", "century"))
        return res

    # -- durations, sets, references, clock times
    def _k_duration(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        code = unit_code(self.lex, g["unit"])
        if code is None:
            return None
        numw = (g.get("num") or "").lower()
        if numw in ("a", "an") and not g.get("dmod") and not g.get("the"):
            before = prev_word(self.text, c.start)
            if before in ("once", "twice", "times", "percent", "%") or re.fullmatch(r"[\d.,%]+", before):
                value = iso_duration(self.lex, 1, code)
                return Resolution("SET", timex3=value, confidence=0.7)  # "twice a year", "3% a year"
        n = number(self.lex, numw)
        value = iso_duration(self.lex, n, code)
        return Resolution("DURATION", timex3=value, duration=value, confidence=0.85)

    def _k_duration_vague(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        code = unit_code(self.lex, g["unit"])
        if code is None:
            return None
        value = iso_duration(self.lex, None, code)
        return Resolution("DURATION", timex3=value, duration=value, confidence=0.7)

    def _k_set(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        if g.get("setword"):
            key = g["setword"].lower() if not g.get("unit") else f"per {g['unit'].lower()}"
            return Resolution("SET", timex3=self.lex["sets"].get(key), confidence=0.8)
        if g.get("weekday"):
            iso_day = self.lex["weekdays"][g["weekday"]] + 1
            return Resolution("SET", timex3=f"XXXX-WXX-{iso_day}", confidence=0.8)
        if g.get("month"):
            m = self._month_num(g)
            return Resolution("SET", timex3=f"XXXX-{m:02d}" if m else None, confidence=0.8)
        unit = g["unit"].lower()
        numw = (g.get("num") or "").lower()
        n = 2 if numw == "other" else int(number(self.lex, numw) or 1)
        if unit in ("night", "morning", "evening"):
            unit = "day"
        if unit == "season":
            return Resolution("SET", confidence=0.6)  # which season recurs is not in the words
        code = unit_code(self.lex, unit)
        return Resolution("SET", timex3=iso_duration(self.lex, n, code) if code else None, confidence=0.8)

    def _k_ref(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        ref = self.lex["refs"].get(" ".join(g["ref"].lower().split()))
        return Resolution("DATE", timex3=ref, confidence=0.7) if ref else None

    def _k_clock(self, c: Candidate, g: dict[str, Any]) -> Resolution | None:
        if g.get("named"):
            hour, minute = {"noon": (12, 0), "midday": (12, 0), "midnight": (24, 0)}[g["named"].lower()]
        else:
            hour = int(g["hour"])
            minute = int(g["minute"]) if g.get("minute") else 0
            ampm = (g.get("ampm") or "").lower()
            if ampm.startswith("p") and hour < 12:
                hour += 12
            elif ampm.startswith("a") and hour == 12:
                hour = 0
        clock = f"T{hour:02d}:{minute:02d}"
        dct = self.ctx.dct
        iv: Interval | None = None
        anchor = self.ctx.dct_label
        if g.get("weekday") and dct is not None:
            wd = self.lex["weekdays"][g["weekday"]]
            iv = cal.day(weekday_date(dct, wd, self.ctx.tense(c.start, c.end)))
        elif g.get("deictic") and dct is not None:
            iv = cal.day(dct + timedelta(days=int(self.lex["deictic_days"][g["deictic"].lower()])))
        else:
            found = self.ctx.anchor_for("day")
            if found is not None and found[0].gran == "day":
                iv, anchor = found
            elif dct is not None:
                iv = cal.day(dct)
        if iv is None:
            return Resolution("TIME", timex3=f"XXXX-XX-XX{clock}", confidence=0.4)
        return Resolution("TIME", iv, f"{iv.timex3}{clock}", anchor=anchor, confidence=0.7)


# ---------------------------------------------------------------- tense


def make_tense(doc: Any, lex: Lexicon, text: str | None = None) -> TenseFn:
    """A function (start, end) -> 'past' | 'future' | 'present' | None from the tags of the sentence.

    ``text`` is the Doc's text when the caller has it (``Doc.text`` rebuilds the string token by token).
    """
    if doc is None:
        return lambda start, end: None
    cfg = lex["tense"]
    after_be = frozenset(cfg["future_after_be"])
    past_tags = frozenset(cfg["past_tags"])
    present_tags = frozenset(cfg["present_tags"])
    window = int(cfg["window"])
    future_verbs = frozenset(cfg["future_verbs"])
    passive_aux = frozenset(cfg["passive_aux"])
    uncertain = frozenset(cfg["uncertain_modals"])
    cache: dict[tuple[int, int], str | None] = {}
    cues = [(c, "future") for c in cfg["future_cues"]] + [(c, "past") for c in cfg["past_cues"]]
    longest = max((len(c) for c, _ in cues), default=0)
    if text is None:
        text = doc.text

    def cue(start: int) -> str | None:
        # The words right before the expression ("until Tuesday", "since Jan. 13") override the verb;
        # matched case-sensitively, since a sentence-initial "Until Thursday, they had ..." looks back.
        before = " ".join(text[max(0, start - longest - 8) : start].split())
        for c, direction in cues:
            if before == c or before.endswith(" " + c):
                return direction
        return None

    def tense(start: int, end: int) -> str | None:
        key = (start, end)
        if key in cache:
            return cache[key]
        result: str | None = cue(start)
        if result is not None:
            cache[key] = result
            return result
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            try:
                sent = span.sent
                lo, hi = sent.start, sent.end
            except (ValueError, AttributeError):
                lo, hi = max(0, span.start - window), min(len(doc), span.end + window)
            # The governing verb usually precedes the expression ("left on Friday", "said Monday");
            # look left first, then right ("On Friday, Canada joined ...").
            order = [i for i in range(span.start - 1, max(lo, span.start - window) - 1, -1)]
            order += [i for i in range(span.end, min(hi, span.end + window))]
            for i in order:
                tok = doc[i]
                tag, low = tok.tag_, tok.lower_
                nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
                prv = doc[i - 1] if i > 0 else None
                left = i < span.start
                if tag == "MD":
                    # will/shall/would point forward; could/may/might say nothing about the time
                    result = None if low in uncertain else ("future" if nxt != "have" else "past")
                    break
                if (left and low in future_verbs) or (tag in present_tags and nxt in after_be):
                    result = "future"  # "planned a rally on Saturday", "is expected to ..."
                    break
                if tag == "VB" and prv is not None and prv.tag_ == "TO":
                    result = "future"  # "to leave on Thursday"
                    break
                if tag == "VBN" and prv is not None and prv.lower_ in passive_aux:
                    continue  # "to be completed by": the auxiliary decides
                if tag in past_tags:
                    result = "past"
                    break
                if tag in present_tags:
                    result = "present"
                    break
        cache[key] = result
        return result

    return tense
