"""Situation reports (frontwire/report/situation.py): every sentence of the body cites its sources,
cited spans are the stored text, HTML escapes page text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from frontwire.report import build_report, situation_report
from frontwire.report.situation import Report, md_escape
from tests.report.stores import SCRIPT, fill

CITES = re.compile(r"(?<!\\)((?:\[\d+\])+)")


@pytest.fixture
def filled(store: Any, resources: Any) -> Any:
    fill(store, resources)
    return store


def check_report(store: Any, report: Report) -> None:
    """Every sentence cites existing sources; every source's span is the stored document's text."""
    numbers = {s.n for s in report.sources}
    assert numbers == set(range(1, len(report.sources) + 1))
    for section in report.sections:
        for group in section.groups:
            for item in group.items:
                assert item.sentences
                for sentence in item.sentences:
                    assert sentence.text.strip() and sentence.cites, sentence
                    assert set(sentence.cites) <= numbers
    for src in report.sources:
        doc = store.get(src.doc_id)
        assert doc.text[src.start : src.end] == src.quote
        assert (src.outlet, src.title, src.published) == (
            doc.article.outlet,
            doc.article.title,
            doc.article.published,
        )


def body_lines(markdown: str) -> list[str]:
    """The sentence lines of the Markdown body: between the first section and the sources."""
    body = markdown.split("\n## Sources", 1)[0].split("\n## ", 1)[1]
    return [line for line in body.splitlines() if line.startswith("- ")]


def check_markdown(markdown: str, report: Report) -> None:
    lines = body_lines(markdown)
    assert len(lines) == sum(len(g.items) for s in report.sections for g in s.groups)
    for line in lines:
        parts = CITES.split(line[2:])
        # text, cites, text, cites, ..., "" : each sentence is followed by its citations.
        assert parts[-1] == "" and len(parts) >= 3, line
        texts, cites = parts[0::2][:-1], parts[1::2]
        assert all(t.strip() for t in texts) and len(texts) == len(cites)
        for group in cites:
            for n in re.findall(r"\d+", group):
                assert f"\n[{n}] " in markdown  # the source is listed


def test_every_sentence_cites_and_spans_exist(filled: Any) -> None:
    for place in (None, "Bakhmut", "Soledar", "Donetsk"):
        report = build_report(filled, place)
        check_report(filled, report)
        check_markdown(situation_report(filled, place, None, None), report)


def test_report_contents(filled: Any) -> None:
    md = situation_report(filled, None, None, None)
    lines = body_lines(md)
    bakhmut = next(
        line for line in lines if line.startswith("- Shelling/artillery/missile attack") and "Fatal" in line
    )
    assert "involving Wagner Group and Military Forces of Ukraine (2019-)" in bakhmut
    assert "Fatalities stated: 4. [1]" in bakhmut
    assert "Corroboration: 2 independent outlets (Outlet A, Outlet B), 2 reports." in bakhmut
    kramatorsk = next(line for line in lines if "Kramatorsk" in line and line.startswith("- Attack"))
    assert "Fatalities" not in kramatorsk  # stated only where the text states a number
    # Who claims what: speaker and stance plainly (with the speaker's side where the claim is about a place).
    assert "- Russia's defence ministry said (asserted): “Russian forces captured Soledar”. [" in md
    soledar = situation_report(filled, "Soledar", None, None)
    assert (
        "- Ukrainian officials (Ukraine side) said (asserted): “Ukrainian forces still hold Soledar”. ["
        in soledar
    )
    # What is disputed: both sides, each cited.
    disputed = md.split("## What is disputed", 1)[1].split("\n## ", 1)[0]
    assert (
        "Control of territory (Soledar): Russia's defence ministry says Ukraine has lost Soledar" in disputed
    )
    assert "captured Soledar" in disputed and "still hold Soledar" in disputed
    # The negated event is no event; the undated one is listed under its own heading, last.
    assert "did not withdraw" not in md.split("## Who claims what", 1)[0]
    assert md.index("### Date not stated") > md.index("### 2023-03-06")
    # Sources: outlet, title, date, document id and span.
    assert (
        "[1] Outlet A, “Shelling in Donetsk \\<b\\>region\\</b\\>”, 2023-03-07, document aaaaaaaaaaaa," in md
    )


def test_period_and_place_filters(filled: Any) -> None:
    later = build_report(filled, None, since="2023-03-08")
    assert later.sections[0].count == 0  # the events are on 6 March or undated
    assert [len(g.items) for g in later.sections[1].groups] == [1]  # Ukrainian officials, 8 March
    assert later.sections[2].count == 1  # one side of the contradiction is in the period
    soledar = build_report(filled, "soledar")
    assert (
        soledar.sections[0].count == 0 and soledar.sections[1].count == 2 and soledar.sections[2].count == 1
    )
    assert build_report(filled, "Nowhere").sources == []
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        build_report(filled, None, since="yesterday")
    with pytest.raises(ValueError, match="formats: md, html"):
        situation_report(filled, None, None, None, fmt="pdf")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sentences = 0
        self.cited: list[bool] = []
        self._last_was_sentence = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        cls = dict(attrs).get("class")
        if tag == "span" and cls == "s":
            if self._last_was_sentence:
                self.cited.append(False)
            self.sentences += 1
            self._last_was_sentence = True
        elif tag == "a" and cls == "cite":
            if self._last_was_sentence:
                self.cited.append(True)
            self._last_was_sentence = False
        elif tag == "li" and self._last_was_sentence:
            self.cited.append(False)
            self._last_was_sentence = False


def test_html_escapes_page_text_and_cites_every_sentence(filled: Any) -> None:
    page = situation_report(filled, None, None, None, fmt="html")
    assert SCRIPT not in page and "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # the planted text, shown as text
    assert "&lt;b&gt;region&lt;/b&gt;" in page  # markup in a title too
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags
    report = build_report(filled, None)
    assert parser.sentences == sum(
        len(i.sentences) for s in report.sections for g in s.groups for i in g.items
    )
    assert len(parser.cited) == parser.sentences and all(parser.cited)
    assert "Content-Security-Policy" in page and 'href="https://outlet-a.example/bakhmut"' in page


def test_markdown_escapes_page_text(filled: Any) -> None:
    md = situation_report(filled, "Kramatorsk", None, None)
    assert SCRIPT not in md and "\\<script\\>" in md
    assert md_escape("[1] *a* <b> & `c`") == "\\[1\\] \\*a\\* \\<b\\> \\& \\`c\\`"


def test_a_record_whose_span_does_not_match_is_left_out(filled: Any, resources: Any) -> None:
    from dataclasses import replace

    from tests.report.stores import documents

    doc = documents()[0]
    wrong = replace(doc.events[1], id="bad", evidence="words that are not in the text", place="Kramatorsk")
    doc.article.id = doc.article.id.replace("a", "c")
    doc.events = [wrong]
    doc.claims = []
    filled.add_documents([doc])
    report = build_report(filled, "Kramatorsk")
    assert report.left_out == 1 and report.sections[0].count == 1  # only the good report
    check_report(filled, report)


def test_cli_report(filled: Any, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from frontwire.cli import app

    runner = CliRunner()
    out = tmp_path / "report.html"
    result = runner.invoke(
        app, ["report", "--db", filled.path, "--place", "Soledar", "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    printed = runner.invoke(app, ["report", "--db", filled.path, "--place", "Soledar"])
    assert printed.exit_code == 0 and printed.output.startswith("# Situation report: Soledar, all dates")
    bad = runner.invoke(app, ["report", "--db", filled.path, "--since", "March"])
    assert bad.exit_code == 2
