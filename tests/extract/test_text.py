"""Tests of frontwire/extract/text.py: chrome removal, bios, metadata, errors, truncation."""

from __future__ import annotations

import pytest

from frontwire.config import Settings
from frontwire.errors import EmptyInput, ExtractError, UnsupportedFormat
from frontwire.extract.text import CleanText, clean_text, extract_text, load_rules
from frontwire.model import RawItem
from frontwire.resources import Resources
from tests.conftest import EXAMPLES, TEST_DATA

DUMP = (TEST_DATA / "extract" / "page_dump.txt").read_text(encoding="utf-8")

ARTICLE_SENTENCES = [
    "The main railway station in the eastern city reopened on Saturday morning, two months after a strike "
    "damaged its roof and waiting hall.",
    "Regional officials said the first train left for Dnipro at 7:40 and carried about three hundred "
    "passengers, most of them families returning home.",
    "It was full.",
    "Repair crews worked through the winter to replace the glass roof and the heating system, according to "
    "the state railway company.",
    "What happens next?",
    "The company said that night trains to Kyiv would resume next week if the line north of the city passes "
    "a safety inspection.",
    "Local volunteers, who had run a bus shuttle to the neighbouring town while the station was closed, said "
    "they would keep two buses on standby.",
]

BODY = "\n\n".join(ARTICLE_SENTENCES)

BIO = (
    "Maria Example is Frontline Daily's defence correspondent. She is a former radio reporter based in "
    "Kharkiv and writes about logistics, air defence and the civilian side of the war."
)


def clean(text: str) -> CleanText:
    return clean_text(text, load_rules())


def item(data: bytes, **hints: str) -> RawItem:
    return RawItem(source="dump.txt", data=data, kind="text", **hints)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources(Settings())


def test_text_keeps_every_article_sentence() -> None:
    out = clean(DUMP)
    for sentence in ARTICLE_SENTENCES:
        assert sentence in out.body


def test_text_removes_site_chrome() -> None:
    body = clean(DUMP).body
    for chrome in (
        "Skip to content",
        "Subscribe now",
        "Photo: Example Agency",
        "Share this article",
        "Advertisement",
        "READ MORE",
        "Related Articles",
        "Bridge traffic resumes",
        "All rights reserved",
        "Privacy Policy",
        "By Olena Test",
        "Published April 8",
    ):
        assert chrome not in body


def test_text_title_and_section_go_to_metadata() -> None:
    out = clean(DUMP)
    assert out.title == "Rail station in Kramatorsk reopens after repairs"
    assert out.section == "Europe"
    assert out.title not in out.body
    assert not out.body.startswith("Europe")


def test_text_recovers_author_date_outlet() -> None:
    out = clean(DUMP)
    assert out.author == "Olena Test"
    assert out.published == "2023-04-08"
    assert out.outlet == "Example Front News"


def test_text_boilerplate_offsets_index_the_input() -> None:
    out = clean(DUMP)
    assert out.boilerplate
    for b in out.boilerplate:
        assert DUMP[b.start : b.end] == b.text
        assert b.reason
    reasons = {b.text: b.reason for b in out.boilerplate}
    assert reasons["Advertisement"] == "advertisement"
    assert reasons["Share this article"] == "social"
    assert reasons["Commuters walk past the repaired entrance hall. Photo: Example Agency"] == "image_credit"


def test_text_repeated_author_bio_is_removed() -> None:
    text = f"Frontline Daily\n\nSupply lines under strain\n\n{BODY}\n\n{BIO}\n\nWritten By\n\n{BIO}\n"
    out = clean(text)
    assert "Maria Example" not in out.body
    assert "It was full." in out.body
    bios = [b for b in out.boilerplate if b.reason == "author_bio"]
    assert len(bios) == 2
    assert out.author == "Maria Example"
    assert out.outlet == "Frontline Daily"


def test_text_subheadings_inside_body_survive() -> None:
    text = (
        "Menu\n\nSearch\n\nShelling resumes near the river\n\n"
        + ARTICLE_SENTENCES[0]
        + "\n\nWhy does the bridge matter?\n\n"
        + ARTICLE_SENTENCES[1]
        + "\n\nA quiet night\n\n"
        + ARTICLE_SENTENCES[3]
        + "\n\nNo.\n\n"
        + ARTICLE_SENTENCES[5]
        + "\n"
    )
    body = clean(text).body
    for kept in ("Why does the bridge matter?", "A quiet night", "No.", ARTICLE_SENTENCES[5]):
        assert kept in body
    assert "Menu" not in body and "Search" not in body


def test_text_readers_comments_are_not_article() -> None:
    comments = (
        "2 Comments\n\nkyivreader says:\n\n"
        "I took the first train this morning and the carriage was warm, which was a nice surprise.\n\n"
        "commuter_99 says:\n\n"
        "Good news for the city, but the buses were never a real substitute for the trains in winter.\n\n"
        "Leave a Reply\n"
    )
    out = clean(f"News\n\nStation reopens\n\n{BODY}\n\n{comments}")
    assert ARTICLE_SENTENCES[-1] in out.body
    assert "carriage was warm" not in out.body
    assert "says:" not in out.body


def test_text_inline_related_box_does_not_cut_article() -> None:
    box = "Related stories\n\nBridge traffic resumes on the river crossing\n\nNew timetable for buses\n\n"
    half = len(ARTICLE_SENTENCES) // 2
    text = (
        "Home\n\nStation reopens\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[:half])
        + "\n\n"
        + box
        + "\n\n".join(ARTICLE_SENTENCES[half:])
    )
    out = clean(text)
    assert ARTICLE_SENTENCES[0] in out.body and ARTICLE_SENTENCES[-1] in out.body
    assert "Bridge traffic resumes" not in out.body


def test_text_extract_builds_article(res: Resources) -> None:
    art = extract_text(item(DUMP.encode("utf-8")), res)
    assert art.extractor == "extract.text/1"
    assert art.title == "Rail station in Kramatorsk reopens after repairs"
    assert (art.published, art.published_source) == ("2023-04-08", "text")
    assert art.raw_sha256 and art.id
    assert "It was full." in art.text


def test_text_item_hints_win_over_text(res: Resources) -> None:
    art = extract_text(
        item(DUMP.encode("utf-8"), title="Given title", published="2023-04-09", published_source="feed"), res
    )
    assert art.title == "Given title"
    assert (art.published, art.published_source) == ("2023-04-09", "feed")
    given = extract_text(item(DUMP.encode("utf-8"), published="2023-04-10"), res)
    assert given.published_source == "given"


def test_text_already_extracted_article_is_cleaned_too(res: Resources) -> None:
    raw = RawItem(source="feed.jsonl#1", data=f"{BODY}\n\nAdvertisement\n".encode(), kind="article")
    art = extract_text(raw, res)
    assert art.text.endswith(ARTICLE_SENTENCES[-1])


def test_text_decodes_legacy_encodings(res: Resources) -> None:
    text = "Station news\n\n" + BODY.replace("neighbouring", "neighbouring café") + "\n"
    art = extract_text(item(text.encode("cp1252")), res)
    assert "café" in art.text


def test_text_bad_input_errors(res: Resources) -> None:
    with pytest.raises(EmptyInput):
        extract_text(item(b""), res)
    with pytest.raises(EmptyInput):
        extract_text(item(b"  \n\t \n"), res)
    with pytest.raises(UnsupportedFormat):
        extract_text(item(bytes(range(256)) * 8), res)
    with pytest.raises(ExtractError):
        extract_text(item(b"Home\n\nSearch\n\nAdvertisement\n\nShare\n"), res)


def test_text_truncates_long_text_at_paragraph() -> None:
    settings = Settings(max_text_chars=300)
    art = extract_text(item(DUMP.encode("utf-8")), Resources(settings))
    assert len(art.text) <= 300
    assert art.text.endswith((".", "?"))  # a whole paragraph, not a cut word
    cut = [b for b in art.boilerplate if b.reason == "truncated"]
    assert len(cut) == 1 and cut[0].end == len(DUMP)
    assert ARTICLE_SENTENCES[-1] not in art.text


def test_text_rules_are_loaded_once() -> None:
    assert load_rules() is load_rules()


@pytest.mark.slow
def test_text_seed_example_page() -> None:
    text = (EXAMPLES / "19fortyfive-bakhmut.txt").read_text(encoding="utf-8")
    out = clean(text)
    body = out.body
    for chrome in (
        "Connect with us",
        "what are you looking for",
        "Image Credit",
        "MORE:",
        "is 19FortyFive",
        "Written By",
        "Advertisement",
        "The Embassy",
    ):
        assert chrome not in body
    # Every article line (everything but the chrome above, title and section) is in the body.
    chrome_lines = {b.text for b in out.boilerplate}
    for line in text.splitlines():
        line = line.strip()
        if line and not any(line in c for c in chrome_lines):
            assert line in body
    for kept in ("What is Ukraine’s Bakhmut Strategy?", "Wagner Chief Doesn’t Believe Russia Is Sending"):
        assert kept in body
    assert out.title == "Bakhmut: Ukraine Seems Determined To Make Sure Russia Won’t Win"
    assert out.author == "Jack Buckby"
    assert out.outlet == "19FortyFive"
    assert out.section == "The Embassy"
    assert [b.reason for b in out.boilerplate].count("author_bio") == 2
