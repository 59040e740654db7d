"""Tests of the calendar intervals of frontwire.timex (weeks, weekends, quarters, shifts)."""

from __future__ import annotations

from datetime import date

from frontwire.timex import _calendar as cal


def test_calendar_week_runs_monday_to_sunday() -> None:
    iv = cal.week(date(2023, 3, 7))  # a Tuesday
    assert (iv.start, iv.end, iv.timex3, iv.precision) == (
        date(2023, 3, 6),
        date(2023, 3, 12),
        "2023-W10",
        "week",
    )


def test_calendar_weekend_of_a_sunday_is_the_day_before_and_itself() -> None:
    iv = cal.weekend(date(2023, 3, 5))
    assert iv.iso == "2023-03-04/2023-03-05"
    assert iv.timex3 == "2023-W09-WE"


def test_calendar_month_quarter_year_bounds() -> None:
    assert cal.month(2024, 2).iso == "2024-02-01/2024-02-29"  # leap year
    assert cal.quarter(2023, 4).iso == "2023-10-01/2023-12-31"
    assert cal.year(2023).timex3 == "2023"
    assert cal.decade(1994).timex3 == "199"


def test_calendar_shift_keeps_granularity() -> None:
    q3 = cal.quarter(1989, 3)
    moved = cal.shift(q3, -1, "Y")
    assert moved is not None and moved.timex3 == "1988-Q3"
    day = cal.shift(cal.day(date(2023, 2, 28)), 1, "D")
    assert day is not None and day.timex3 == "2023-03-01"


def test_calendar_shift_refuses_coarser_anchor() -> None:
    # a month moved by a day is no date: never invent one
    assert cal.shift(cal.month(2023, 2), 1, "D") is None


def test_calendar_easter_sunday_of_known_years() -> None:
    # published Easter dates: 23 April 2000, 9 April 2023, 31 March 2024
    assert cal.easter(2000) == date(2000, 4, 23)
    assert cal.easter(2023) == date(2023, 4, 9)
    assert cal.easter(2024) == date(2024, 3, 31)


def test_calendar_nth_weekday_counts_from_the_month_or_a_given_day() -> None:
    # November 2023 opens on a Wednesday: Thursdays 2, 9, 16, 23 -> the fourth is the 23rd
    assert cal.nth_weekday(2023, 11, 3, 4) == date(2023, 11, 23)
    # May 2023 ends on Wednesday 31: its last Monday is the 29th
    assert cal.nth_weekday(2023, 5, 0, -1) == date(2023, 5, 29)
    # the Tuesday after the first Monday of November 2022 (Monday 7) is the 8th; counting Tuesdays from
    # the 2nd gives the same day
    assert cal.nth_weekday(2022, 11, 1, 1, 2) == date(2022, 11, 8)
    # November 2021 opens on a Monday: the first Tuesday (2nd) is right; counting from the 2nd keeps it
    assert cal.nth_weekday(2021, 11, 1, 1, 2) == date(2021, 11, 2)
