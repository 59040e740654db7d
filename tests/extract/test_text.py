"""Tests of frontwire/extract/text.py: chrome removal, bios, metadata, errors, truncation, light mode."""

from __future__ import annotations

import pytest

from frontwire.config import Settings
from frontwire.errors import EmptyInput, ExtractError, UnsupportedFormat
from frontwire.extract.text import CleanText, clean_article, clean_text, extract_text, load_rules
from frontwire.model import RawItem
from frontwire.resources import Resources
from tests.conftest import EXAMPLES, TEST_DATA, shared_eval

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
    # DESIGN section 3: a date the container supplied is 'given', whichever container it was.
    assert (art.published, art.published_source) == ("2023-04-09", "given")
    given = extract_text(item(DUMP.encode("utf-8"), published="2023-04-10"), res)
    assert given.published_source == "given"


def test_text_already_extracted_article_is_cleaned_too(res: Resources) -> None:
    raw = RawItem(source="feed.jsonl#1", data=f"{BODY}\n\nAdvertisement\n".encode(), kind="article")
    art = extract_text(raw, res)
    assert art.text.endswith(ARTICLE_SENTENCES[-1])


CHROME = [
    line
    for line in (TEST_DATA / "extract" / "article_chrome.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def test_text_article_mode_keeps_first_line_short_lines_and_repeats() -> None:
    # An extracted body whose first line reads like a headline, with a one-word line, a repeated
    # paragraph (a refrain) and a short closing line: the full cleaner's heuristics would drop them.
    text = (
        "Kramatorsk station reopens after repairs\n\n"
        + "\n\n".join(ARTICLE_SENTENCES)
        + "\n\nYes.\n\n"
        + ARTICLE_SENTENCES[1]
        + "\n\nUpdates to follow\n"
    )
    out = clean_article(text, load_rules())
    assert out.body == text.strip()
    assert out.boilerplate == []
    assert out.title is None


def test_text_article_mode_strips_every_injected_chrome_line() -> None:
    paragraphs = list(ARTICLE_SENTENCES)
    noisy: list[str] = []
    for i, chrome in enumerate(CHROME):
        noisy.append(paragraphs[i % len(paragraphs)])
        noisy.append(chrome)
    text = "\n\n".join(noisy)
    out = clean_article(text, load_rules())
    for chrome in CHROME:
        assert chrome not in out.body
    assert out.body == "\n\n".join(paragraphs[i % len(paragraphs)] for i in range(len(CHROME)))
    for b in out.boilerplate:
        assert text[b.start : b.end] == b.text


def test_text_article_mode_drops_bio_only_when_repeated() -> None:
    once = clean_article(f"{BODY}\n\n{BIO}\n", load_rules())
    assert "Maria Example" in once.body
    twice = clean_article(f"{BIO}\n\n{BODY}\n\n{BIO}\n", load_rules())
    assert "Maria Example" not in twice.body and twice.body == BODY
    assert [b.reason for b in twice.boilerplate] == ["author_bio", "author_bio"]


def test_text_article_kind_uses_light_mode(res: Resources) -> None:
    data = f"Station reopens\n\n{BODY}\n\nShare this article\n\nIt was full.\n".encode()
    art = extract_text(RawItem(source="feed.xml#2", data=data, kind="article"), res)
    assert art.text.startswith("Station reopens")
    assert art.text.endswith("It was full.")
    assert "Share this article" not in art.text
    page = extract_text(item(data), res)
    assert not page.text.startswith("Station reopens")  # a page dump: the headline goes to metadata


@pytest.mark.slow
def test_text_article_mode_on_benchmark_bodies() -> None:
    import json
    import re
    from collections import Counter

    path = shared_eval("article-extraction-benchmark") / "items.jsonl"
    if not path.exists():
        pytest.skip("evaluation data not present")
    rules = load_rules()

    def shingles(t: str) -> Counter[tuple[str, ...]]:
        tok = re.findall(r"\w+", t)
        return Counter(tuple(tok[i : i + 4]) for i in range(max(1, len(tok) - 3)))

    recalls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)["articleBody"]
        t, p = shingles(gold), shingles(clean_article(gold, rules).body)
        recalls.append(sum((t & p).values()) / max(1, sum(t.values())))
    assert sum(recalls) / len(recalls) >= 0.99


def test_text_hard_wrapped_paragraphs_are_prose() -> None:
    # Re-wrap at word boundaries, as a mail client or a <pre> block does.
    wrapped = "\n\n".join(_wrap(s) for s in ARTICLE_SENTENCES if len(s) > 40)
    text = f"Home\n\nNews\n\nSearch\n\n{wrapped}\n\n(c) 2023 Example Front News\n"
    body = clean(text).body
    for s in ARTICLE_SENTENCES:
        if len(s) > 40:
            assert _wrap(s) in body
    assert "Search" not in body and "Example Front News" not in body


def _wrap(sentence: str, width: int = 45) -> str:
    lines, cur = [], ""
    for word in sentence.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return "\n".join([*lines, cur])


def test_text_teaser_cards_lose_to_a_short_article() -> None:
    cards = "".join(
        f"Headline number {n} about another town and its bridge\n\n"
        f"Summary {n}: officials in the other town said on Monday that the bridge would be closed for "
        f"repairs until the end of the month, and drivers should use the ring road instead.\n\n"
        for n in range(8)
    )
    article = "\n\n".join(ARTICLE_SENTENCES[:4])
    out = clean(f"Home\n\nStation reopens in Kramatorsk\n\n{article}\n\nMore news\n\n{cards}")
    assert ARTICLE_SENTENCES[0] in out.body and ARTICLE_SENTENCES[3] in out.body
    assert "Summary" not in out.body


def test_text_glued_headline_summary_is_teaser() -> None:
    glued = (
        "Customers Leave Without Paying Bill At Riverside CafeA party of six left the cafe without paying "
        "for a dinner that cost more than six hundred dollars, the owner said."
    )
    out = clean(f"Station reopens\n\n{BODY}\n\n{glued}\n")
    assert "Customers Leave" not in out.body
    assert ARTICLE_SENTENCES[-1] in out.body


def test_text_table_between_paragraphs_is_kept() -> None:
    table = "\n\n".join(["Town", "Trains", "Buses", "Kramatorsk", "12", "4", "Sloviansk", "8", "6"] * 3)
    text = (
        "Menu\n\nStation reopens\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[:3])
        + f"\n\n{table}\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[3:])
        + "\n\n© 2023 Example Front News. All rights reserved.\n"
    )
    body = clean(text).body
    assert ARTICLE_SENTENCES[0] in body and ARTICLE_SENTENCES[-1] in body
    assert "Sloviansk" in body
    assert "All rights reserved" not in body


def test_text_sentences_that_look_like_chrome_stay() -> None:
    text = (
        "Station reopens\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[:3])
        + "\n\nMore than 200 people came.\n\nPosted at the gate, police checked bags.\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[3:])
    )
    body = clean(text).body
    assert "More than 200 people came." in body
    assert "Posted at the gate, police checked bags." in body


def test_text_notices_and_credits_are_removed() -> None:
    notices = [
        "To read the full story, please subscribe to Example Front News today.",
        "This post contains affiliate links, and we may earn a commission on purchases.",
        "Photo by Jane Doe on Example Images",
    ]
    half = len(ARTICLE_SENTENCES) // 2
    text = (
        "Station reopens\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[:half])
        + "\n\n"
        + "\n\n".join(notices)
        + "\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[half:])
        + "\n\nComments are moderated and may take a day to appear on the site.\n"
    )
    out = clean(text)
    assert "Comments are moderated" not in out.body
    for notice in notices:
        assert notice not in out.body
    assert ARTICLE_SENTENCES[0] in out.body and ARTICLE_SENTENCES[-1] in out.body


def test_text_headline_skips_caption_name_and_date() -> None:
    text = (
        "Home\n\nWorld\n\n"
        "Kramatorsk railway station reopens after winter repairs\n\n"
        "Olena Test\n\n"
        "April 8, 2023\n\n"
        "Commuters walking past the repaired entrance hall of the station on a sunny spring morning.\n\n"
        + BODY
    )
    out = clean(text)
    assert out.title == "Kramatorsk railway station reopens after winter repairs"
    assert out.author == "Olena Test"
    assert "Olena Test" not in out.body


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
    # The article, read off the page by hand: every non-empty line after the photo credit and before
    # the first "MORE:" teaser (16 lines, subheadings included), in order, and nothing else.
    lines = [line.strip() for line in text.splitlines()]
    first = next(i for i, line in enumerate(lines) if "Image Credit" in line) + 1
    last = next(i for i, line in enumerate(lines) if line.startswith("MORE:"))
    article = [line for line in lines[first:last] if line]
    assert len(article) == 16
    assert [line.strip() for line in body.splitlines() if line.strip()] == article
    # The chrome, in page order, each with its reason (adjacent teasers make one block).
    assert [b.reason for b in out.boilerplate] == [
        "social", "navigation", "section", "title", "image_credit",
        "teaser", "author_bio", "byline", "author_bio", "advertisement",
    ]  # fmt: skip
    assert sum(b.text.count("MORE:") for b in out.boilerplate) == 3
    for b in out.boilerplate:
        assert text[b.start : b.end] == b.text  # offsets into the input
    for kept in ("What is Ukraine’s Bakhmut Strategy?", "Wagner Chief Doesn’t Believe Russia Is Sending"):
        assert kept in body
    assert out.title == "Bakhmut: Ukraine Seems Determined To Make Sure Russia Won’t Win"
    assert out.author == "Jack Buckby"
    assert out.outlet == "19FortyFive"
    assert out.section == "The Embassy"
    assert [b.reason for b in out.boilerplate].count("author_bio") == 2


def test_text_mixed_encodings_keep_both(res: Resources) -> None:
    # A UTF-8 dump with one line pasted from a Windows-1252 source: é as the single byte 0xE9.
    data = (
        "Residents of Kupiansk said the café near the station was hit on Tuesday.\n\n".encode()
        + b"The caf\xe9 owner said the r\xe9sum\xe9 of damage would take weeks to complete.\n\n"
        + b"Officials said the shelling of the town continued through the night, with no injuries.\n"
    )
    art = extract_text(item(data), res)
    assert "the café near the station" in art.text
    assert "The café owner said the résumé of damage" in art.text


# Japanese is written without spaces: a whole sentence is one \w+ run, so words are counted by characters.
JA_SENTENCES = [
    "東部の都市の中央駅は土曜日の朝、ストライキで屋根と待合室が壊れてから二か月ぶりに運行を再開しました。",
    "地元の当局者によると、最初の列車は七時四十分に出発し、約三百人の乗客を乗せていました。",
    "その多くは家に帰る家族でした。",
    "作業員たちは冬の間ずっと、ガラスの屋根と暖房設備の交換に取り組んだと鉄道会社は説明しています。",
    "会社は、北側の線路が安全検査に合格すれば、首都への夜行列車を来週再開すると発表しました。",
]


def test_text_cjk_sentences_are_prose_and_menus_are_not() -> None:
    menu = "\n\n".join(["ホーム", "ニュース", "地域", "お問い合わせ", "サイトマップ"])
    related = "\n\n".join(
        ["関連記事", "別の町の橋が月末まで閉鎖へ", "新しいバス路線の運行開始", "市場の再開日が決定"]
    )
    body = "\n\n".join(JA_SENTENCES)
    text = f"{menu}\n\n中央駅が運行再開\n\n{body}\n\n{related}\n\n© 2023 Example\n"
    out = clean(text)
    for sentence in JA_SENTENCES:
        assert sentence in out.body
    for chrome in ("ホーム", "サイトマップ", "関連記事", "別の町の橋", "© 2023"):
        assert chrome not in out.body


def test_text_author_bio_ends_the_article_before_story_cards() -> None:
    # Cards of other stories: kicker, headline, source, tag, summary; sparse, but each with a prose summary.
    cards = "".join(
        f"ON THE ROADS\n\nAnother town closes bridge number {n} for repairs\n\nexample.com\n\nTransport\n\n"
        f"Officials in the other town said on Monday that bridge {n} would be closed for repairs until the "
        "end of the month, so drivers should take the ring road instead.\n\n"
        for n in range(6)
    )
    bio = "Maria Example is a freelance writer living in Kharkiv"
    out = clean(f"Home\n\nStation reopens\n\n{BODY}\n\n{bio}\n\n{cards}")
    assert ARTICLE_SENTENCES[0] in out.body and ARTICLE_SENTENCES[-1] in out.body
    assert "bridge" not in out.body and bio not in out.body
    assert out.author == "Maria Example"


def test_text_about_name_box_after_the_body_is_a_bio() -> None:
    box = (
        "About Maria Example\n\nMaria Example has covered the war in the east since 2014 for radio and "
        "print, and now writes about railways, logistics and the people who keep them running."
    )
    out = clean(f"Station reopens\n\n{BODY}\n\n{box}\n\nSign up\n\n© 2023 Example Front News\n")
    assert ARTICLE_SENTENCES[-1] in out.body
    assert "About Maria Example" not in out.body and "Maria Example has covered" not in out.body
    assert any(b.reason == "author_bio" and "has covered" in b.text for b in out.boilerplate)


def test_text_about_heading_inside_the_article_stays() -> None:
    # "About <Name>" over prose that the article goes on after is a section of the article.
    section = (
        "About Kramatorsk Station\n\nKramatorsk Station was built in 1868 and has been rebuilt twice, "
        "the last time after the fighting of 2014, when its hall served as a shelter."
    )
    half = len(ARTICLE_SENTENCES) // 2
    text = (
        "Station reopens\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[:half])
        + f"\n\n{section}\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[half:])
    )
    body = clean(text).body
    assert "Kramatorsk Station was built in 1868" in body
    assert ARTICLE_SENTENCES[0] in body and ARTICLE_SENTENCES[-1] in body


def test_text_browser_reprint_and_inbox_notices_are_removed() -> None:
    browser = "You are using an outdated browser. Please upgrade to a modern browser to see this site."
    notices = [
        "This copy is for your personal, non-commercial use only. To order copies for your colleagues or "
        "clients, contact our reprints desk.",
        "This document is subject to copyright. No part may be reproduced without the written permission "
        "of the publisher.",
        "Want more stories like this? Get the morning briefing delivered straight to your inbox.",
        "Need more trains? Subscribe to our sister magazine Example Rail Weekly for the latest timetables!",
    ]
    half = len(ARTICLE_SENTENCES) // 2
    text = (
        f"{browser}\n\nStation reopens\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[:half])
        + f"\n\n{notices[0]}\n\n{notices[3]}\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[half:])
        + f"\n\n{notices[1]}\n\n{notices[2]}\n"
    )
    out = clean(text)
    for notice in [browser, *notices]:
        assert notice not in out.body
    assert ARTICLE_SENTENCES[0] in out.body and ARTICLE_SENTENCES[-1] in out.body
    assert any(b.reason == "notice" and b.text == browser for b in out.boilerplate)
    # Already-extracted text loses the browser notice too.
    light = clean_article(f"{browser}\n\n{BODY}", load_rules())
    assert light.body == BODY


def _body_with(chrome: list[str], head: str = "", tail: str = "") -> str:
    half = len(ARTICLE_SENTENCES) // 2
    text = (
        "Station reopens\n\n"
        + (head + "\n\n" if head else "")
        + "\n\n".join(ARTICLE_SENTENCES[:half])
        + "\n\n"
        + "\n\n".join(chrome)
        + "\n\n"
        + "\n\n".join(ARTICLE_SENTENCES[half:])
        + ("\n\n" + tail if tail else "")
    )
    return clean(text).body


@pytest.mark.parametrize(
    "chrome",
    [
        # newsroom promos: follow a channel, read other topics
        "Follow Frontline Daily on Facebook, Twitter (@FrontlineDaily) and Instagram for the latest news.",
        "Subscribe to our Telegram channel to get the most important news of the day first.",
        "Read other topics of the day on our Telegram channel and follow us on Viber.",
        "Email the editor at desk@example.com or follow her @editor. Follow us on Twitter @FrontlineDaily.",
        # ALL-CAPS related-story teasers
        "KYIV MAYOR SAYS CITY HAS ENOUGH GENERATORS FOR THE WINTER AHEAD",
        "SENATORS BACK 'AID FOR UKRAINE' BILL IN LATE VOTE",
        # photo captions ending in a credit
        "Rescuers search the rubble of a building hit by a missile in Dnipro on Sunday. (Photo: Reuters)",
        "A soldier fires a howitzer towards Russian positions near Bakhmut, Donetsk region. (Jane Doe/AP)",
        "Firefighters work at the site of a drone strike in Odesa on Monday. Photo by John Roe/AFP",
        "A destroyed bridge near the front line, seen from a drone. Photograph: John Roe/Getty Images",
        "An artist's impression of the new station hall, which opened on Saturday. Credit: Example Rail",
        # video teasers
        "WATCH: Drone footage shows the scale of the damage to the station roof after the strike",
        "Video: Residents describe the night the missiles hit the eastern city and its railway",
        # live-blog prompts
        "Follow our live coverage of the war in Ukraine for the latest developments.",
        "Refresh this page for the latest updates.",
    ],
)
def test_text_issue11_chrome_kinds_are_removed(chrome: str) -> None:
    body = _body_with([chrome])
    assert chrome not in body
    for sentence in ARTICLE_SENTENCES:
        assert sentence in body


def test_text_caps_subheadings_and_mentions_of_channels_stay() -> None:
    keep = [
        "WHAT HAPPENS NEXT?",  # a short capitals subheading, a question
        "THE FRONT LINE",
        "The governor told residents to follow the regional administration on Telegram for air raid alerts.",
        "The minister said the photo was taken by a soldier near the front line.",
    ]
    body = _body_with(keep)
    for line in keep:
        assert line in body


def test_text_short_body_lines_at_the_edges_stay() -> None:
    body = _body_with([], head="KYIV, Ukraine (AP) —", tail="Glory to Ukraine!")
    assert body.startswith("KYIV, Ukraine (AP) —")
    assert body.rstrip().endswith("Glory to Ukraine!")
    body = _body_with([], head="1. The front line")
    assert body.startswith("1. The front line")
    for sentence in ARTICLE_SENTENCES:
        assert sentence in body


def test_text_edge_rules_do_not_take_lists_or_chrome() -> None:
    # a closing line followed by more short lines is a box of links; contributor lines are chrome
    body = _body_with([], tail="Read this too!\n\nAnother story.\n\nA third story.")
    assert "Read this too!" not in body
    body = _body_with([], tail="Jane Doe contributed reporting from Kharkiv.")
    assert "contributed reporting" not in body
    body = _body_with([], head="9. Most read story of the week\n\n10. Another most read story")
    assert "Most read story" not in body and "Another most read" not in body
