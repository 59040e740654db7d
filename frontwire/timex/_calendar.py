"""Calendar intervals with a granularity, their TIMEX3 value, and shifts by calendar units."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Granularity -> the record's precision word.
PRECISION = {
    "day": "day",
    "weekend": "days",
    "week": "week",
    "month": "month",
    "season": "quarter",
    "quarter": "quarter",
    "half": "quarter",
    "year": "year",
    "decade": "decade",
    "century": "decade",
}
# Granularities ordered from fine to coarse (an anchor must be at least as fine as the shift unit).
ORDER = ["day", "weekend", "week", "month", "season", "quarter", "half", "year", "decade", "century"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed date interval at one granularity, with its TIMEX3 value."""

    start: date
    end: date
    gran: str
    timex3: str

    @property
    def iso(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def precision(self) -> str:
        return PRECISION[self.gran]


def _valid_year(y: int) -> bool:
    return 1 <= y <= 9999


def day(d: date) -> Interval:
    return Interval(d, d, "day", d.isoformat())


def week(d: date) -> Interval:
    monday = d - timedelta(days=d.weekday())
    y, w, _ = monday.isocalendar()
    return Interval(monday, monday + timedelta(days=6), "week", f"{y}-W{w:02d}")


def weekend(d: date) -> Interval:
    """The Saturday-Sunday of the ISO week of d."""
    saturday = d - timedelta(days=d.weekday()) + timedelta(days=5)
    y, w, _ = saturday.isocalendar()
    return Interval(saturday, saturday + timedelta(days=1), "weekend", f"{y}-W{w:02d}-WE")


def month(y: int, m: int) -> Interval:
    last = calendar.monthrange(y, m)[1]
    return Interval(date(y, m, 1), date(y, m, last), "month", f"{y:04d}-{m:02d}")


def quarter(y: int, q: int) -> Interval:
    m0 = 3 * (q - 1) + 1
    last = calendar.monthrange(y, m0 + 2)[1]
    return Interval(date(y, m0, 1), date(y, m0 + 2, last), "quarter", f"{y:04d}-Q{q}")


def half(y: int, h: int) -> Interval:
    return (
        Interval(date(y, 1, 1), date(y, 6, 30), "half", f"{y:04d}-H1")
        if h == 1
        else Interval(date(y, 7, 1), date(y, 12, 31), "half", f"{y:04d}-H2")
    )


def season(y: int, code: str, months: dict[str, list[int]]) -> Interval:
    """Season of year y; a season whose months wrap (winter) runs into the next year."""
    m0, m1 = months[code]
    y1 = y + 1 if m1 < m0 else y
    return Interval(date(y, m0, 1), date(y1, m1, calendar.monthrange(y1, m1)[1]), "season", f"{y:04d}-{code}")


def year(y: int) -> Interval:
    return Interval(date(y, 1, 1), date(y, 12, 31), "year", f"{y:04d}")


def decade(y0: int) -> Interval:
    y0 -= y0 % 10
    return Interval(date(y0, 1, 1), date(y0 + 9, 12, 31), "decade", f"{y0 // 10:03d}")


def century(c0: int) -> Interval:
    """Century whose years start with c0 (c0=19 is 1900-1999, the 20th century)."""
    return Interval(date(max(c0 * 100, 1), 1, 1), date(c0 * 100 + 99, 12, 31), "century", f"{c0:02d}")


def add_months(d: date, n: int) -> date:
    total = d.year * 12 + d.month - 1 + n
    y, m = divmod(total, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def containing(d: date, gran: str, season_months: dict[str, list[int]] | None = None) -> Interval:
    """The interval of granularity gran that contains d."""
    if gran == "day":
        return day(d)
    if gran == "week":
        return week(d)
    if gran == "weekend":
        return weekend(d)
    if gran == "month":
        return month(d.year, d.month)
    if gran == "quarter":
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if gran == "half":
        return half(d.year, 1 if d.month <= 6 else 2)
    if gran == "year":
        return year(d.year)
    if gran == "decade":
        return decade(d.year)
    if gran == "century":
        return century(d.year // 100)
    if gran == "season" and season_months:
        for code, (m0, m1) in season_months.items():
            if m0 <= m1 and m0 <= d.month <= m1:
                return season(d.year, code, season_months)
            if m0 > m1 and (d.month >= m0 or d.month <= m1):
                return season(d.year if d.month >= m0 else d.year - 1, code, season_months)
    raise ValueError(f"unknown granularity {gran!r}")


# Shift units: how many days or months one unit moves a date.
_UNIT_DAYS = {"D": 1, "W": 7, "WE": 7, "FN": 14}
_UNIT_MONTHS = {"M": 1, "Q": 3, "Y": 12, "DE": 120, "CE": 1200}
UNIT_GRAN = {
    "D": "day",
    "W": "week",
    "WE": "weekend",
    "FN": "week",
    "M": "month",
    "Q": "quarter",
    "Y": "year",
    "DE": "decade",
    "CE": "century",
}


def shift_date(d: date, n: int, unit: str) -> date | None:
    """d moved by n units (None when the unit is not a calendar unit or the year leaves 1..9999)."""
    try:
        if unit in _UNIT_DAYS:
            return d + timedelta(days=n * _UNIT_DAYS[unit])
        if unit in _UNIT_MONTHS:
            return add_months(d, n * _UNIT_MONTHS[unit])
    except (ValueError, OverflowError):
        return None
    return None


def shift(
    iv: Interval, n: int, unit: str, season_months: dict[str, list[int]] | None = None
) -> Interval | None:
    """Move an interval by n units keeping its granularity; None if the anchor is coarser than the unit."""
    ugran = UNIT_GRAN.get(unit)
    if ugran is None:
        return None
    # An anchor coarser than the unit cannot be moved by it (a month shifted by a day is no date).
    if ORDER.index(iv.gran) > ORDER.index(ugran) and not (ugran == "weekend" and iv.gran == "week"):
        return None
    d = shift_date(iv.start, n, unit)
    if d is None or not _valid_year(d.year):
        return None
    return containing(d, iv.gran, season_months)


def easter(y: int) -> date:
    """Easter Sunday of year y, Gregorian calendar (anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month_, day_ = divmod(h + l_ - 7 * m + 114, 31)
    return date(y, month_, day_ + 1)


def nth_weekday(y: int, m: int, wd: int, nth: int, first: int = 1) -> date:
    """The nth weekday wd (0 = Monday) of month m counted from day ``first``; nth -1 is the last one."""
    if nth < 0:
        last = date(y, m, calendar.monthrange(y, m)[1])
        return last - timedelta(days=(last.weekday() - wd) % 7)
    start = date(y, m, first)
    return start + timedelta(days=(wd - start.weekday()) % 7 + 7 * (nth - 1))
