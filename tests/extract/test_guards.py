"""Guards of the extraction stage (issue 14): pre-parse limits, the time budget, deep nesting, dates."""

from __future__ import annotations

import time

import pytest

from frontwire.config import Settings
from frontwire.errors import ConfigError, TimeBudgetExceeded, TooComplex
from frontwire.extract import time_budget
from frontwire.extract.html import check_markup, extract_html
from frontwire.extract.metadata import iso_date
from frontwire.extract.text import extract_text
from frontwire.model import RawItem
from frontwire.resources import Resources

PARAS = [
    "Russian forces struck Kharkiv overnight with drones and missiles, the regional governor said on "
    "Tuesday, adding that seven people were wounded and two apartment blocks were damaged.",
    "Emergency crews worked through the night to put out fires in residential buildings, and officials "
    "said power had been restored to most districts by the morning.",
]


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources(Settings())


def test_guards_attribute_and_tag_floods_are_too_complex() -> None:
    settings = Settings()
    attrs = b"<div " + b" ".join(b"a%d=1" % i for i in range(5000)) + b">x</div>"
    with pytest.raises(TooComplex):
        check_markup(attrs, settings, "attrs.html")
    with pytest.raises(TooComplex):
        check_markup(b"<br>" * (settings.max_html_tags + 1), settings, "br.html")
    check_markup(b"<p class=a id=b>" * 1000, settings, "fine.html")  # ordinary pages pass


def test_guards_time_budget_stops_python_code() -> None:
    t0 = time.perf_counter()
    with pytest.raises(TimeBudgetExceeded), time_budget(0.2, "slow"):
        while True:
            pass
    assert time.perf_counter() - t0 < 2


@pytest.mark.parametrize("depth", [255, 300, 5000])
def test_guards_deeply_nested_article_is_recovered(res: Resources, depth: int) -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    page = f"<html><body>{'<div>' * depth}<article>{body}</article>{'</div>' * depth}</body></html>"
    art = extract_html(RawItem(source="deep.html", data=page.encode(), kind="html"), res)
    assert all(p in " ".join(art.text.split()) for p in PARAS)


def test_guards_flattened_article_with_chrome_keeps_its_text(res: Resources) -> None:
    line = " ".join(PARAS * 2) + " Copyright 2024 Example News. All rights reserved."
    art = extract_text(RawItem(source="flat.txt", data=line.encode(), kind="text"), res)
    assert " ".join(PARAS * 2) in " ".join(art.text.split())
    assert "All rights reserved" not in art.text


def test_guards_few_stray_bytes_are_no_article(res: Resources) -> None:
    with pytest.raises(Exception) as info:
        extract_text(RawItem(source="r.txt", data=b"Q\x99h!", kind="text"), res)
    assert getattr(info.value, "reason", None) in {"no_article", "binary"}


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1850-01-01T00:00:00"])
def test_guards_implausible_dates_are_dropped(value: str) -> None:
    assert iso_date(value) is None
    assert iso_date("2023-03-07") == "2023-03-07"


@pytest.mark.parametrize(
    "bad", [{"workers": 0}, {"max_input_bytes": -1}, {"input_time_budget": 0.0}, {"max_html_tags": 0}]
)
def test_guards_bad_settings_are_config_errors(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Settings(**bad)  # type: ignore[arg-type]
