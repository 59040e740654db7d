"""Tests of frontwire/ingest/jsonl.py: one record a line, per-line encodings, broken lines as skips."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import httpx

from frontwire.config import Settings
from frontwire.ingest import Fetcher, iter_items
from frontwire.model import RawItem
from frontwire.pipeline import Outcome
from tests.conftest import TEST_DATA

FIXTURE = TEST_DATA / "ingest" / "articles.jsonl"


def run(inputs: list[str], follow: bool = False, fetcher: Fetcher | None = None, **settings: object) -> list:
    return list(iter_items(inputs, Settings(**settings), follow=follow, fetcher=fetcher))  # type: ignore[arg-type]


def test_jsonl_fixture_gives_items_and_skips_per_line() -> None:
    out = run([str(FIXTURE)])
    src = str(FIXTURE)
    # Line 5 is blank: no entry at all.
    assert [e.source for e in out] == [f"{src}#L{n}" for n in (1, 2, 3, 4, 6, 7)]
    kinds = [e.kind if isinstance(e, RawItem) else e.skip_reason for e in out]
    assert kinds == ["article", "article", "malformed_container", "html", "malformed_container", "empty"]


def test_jsonl_fields_become_hints() -> None:
    first = run([str(FIXTURE)])[0]
    assert isinstance(first, RawItem)
    assert first.url == "https://wire.example/a" and first.title == "Utf-8 line"
    assert first.outlet == "Wire" and first.author == "Ann Doe"
    assert first.published == "2023-03-06" and first.published_source == "given"
    assert first.data.decode("utf-8") == "Officials in Kharkiv said \u201cthe line holds\u201d on Monday."


def test_jsonl_legacy_encoded_line_is_decoded_to_utf8() -> None:
    second = run([str(FIXTURE)])[1]
    assert isinstance(second, RawItem)
    assert second.data.decode("utf-8") == "The caf\u00e9 owner said \u201cwe stay\u201d despite the shelling."
    assert second.published is None and second.published_source is None


def test_jsonl_broken_line_message_names_the_line() -> None:
    broken = run([str(FIXTURE)])[2]
    assert isinstance(broken, Outcome)
    assert broken.message and "#L3" in broken.message and "not valid JSON" in broken.message


def test_jsonl_html_record_and_numeric_year() -> None:
    html = run([str(FIXTURE)])[3]
    assert isinstance(html, RawItem) and html.kind == "html" and html.data.startswith(b"<html>")
    assert html.published == "2023"


def test_jsonl_utf16_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    lines = [
        json.dumps({"text": "Первый абзац о фронте."}, ensure_ascii=False),
        json.dumps({"text": "Second."}),
    ]
    path.write_bytes("\n".join(lines).encode("utf-16"))
    out = run([str(path)])
    assert [e.data.decode("utf-8") for e in out] == ["Первый абзац о фронте.", "Second."]


def test_jsonl_lone_surrogate_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"text": "bad \\ud800 half of a pair"}\n', encoding="ascii")
    (item,) = run([str(path)])
    assert isinstance(item, RawItem) and item.data == b"bad ? half of a pair"


def test_jsonl_over_long_line_is_too_large_and_next_line_still_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long = json.dumps({"text": "x" * 5000})
    path.write_text(long + "\n" + json.dumps({"text": "short one"}) + "\n")
    out = run([str(path)], max_input_bytes=1000)
    assert isinstance(out[0], Outcome) and out[0].skip_reason == "too_large" and out[0].source.endswith("#L1")
    assert isinstance(out[1], RawItem) and out[1].data == b"short one" and out[1].source.endswith("#L2")


def test_jsonl_file_size_is_not_limited_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"article {n} " + "w" * 50}) + "\n" for n in range(50)))
    assert path.stat().st_size > 2000
    out = run([str(path)], max_input_bytes=2000)  # every line is under the limit
    assert len(out) == 50 and all(isinstance(e, RawItem) for e in out)


def test_jsonl_gzipped_and_truncated(tmp_path: Path) -> None:
    rng = random.Random(7)  # varied words, so that half the compressed bytes hold about half the lines
    words = [
        "shelling",
        "convoy",
        "bridge",
        "village",
        "officials",
        "said",
        "drone",
        "river",
        "night",
        "east",
    ]
    body = "".join(
        json.dumps({"text": f"Report {n}: " + " ".join(rng.choices(words, k=300))}) + "\n" for n in range(30)
    )
    packed = gzip.compress(body.encode())
    whole = tmp_path / "all.jsonl.gz"
    whole.write_bytes(packed)
    assert len(run([str(whole)])) == 30
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    out = run([str(cut)])
    items = [e for e in out if isinstance(e, RawItem)]
    assert 0 < len(items) < 30
    assert isinstance(out[-1], Outcome) and out[-1].skip_reason == "malformed_container"
    assert out[-1].source == str(cut)


def test_jsonl_url_only_record_is_fetched_with_follow(tmp_path: Path) -> None:
    path = tmp_path / "links.jsonl"
    path.write_text(json.dumps({"url": "https://news.example/story", "title": "Given title"}) + "\n")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Type": "text/html"}, content=b"<html><p>Story</p></html>"
        )

    fetcher = Fetcher(
        Settings(), transport=httpx.MockTransport(handler), resolver=lambda h, p: ["93.184.216.34"]
    )
    (skipped,) = run([str(path)])
    assert isinstance(skipped, Outcome) and skipped.skip_reason == "empty"
    (item,) = run([str(path)], follow=True, fetcher=fetcher)
    assert isinstance(item, RawItem) and item.kind == "html" and item.title == "Given title"
    assert item.url == "https://news.example/story" and item.source == f"{path}#L1"


def test_jsonl_broken_first_line_does_not_turn_the_file_into_text(tmp_path: Path) -> None:
    path = tmp_path / "first-broken.jsonl"
    path.write_text('{"text": "cut off\n{"text": "<p>second record with markup</p>"}\n')
    first, second = run([str(path)])
    assert isinstance(first, Outcome) and first.skip_reason == "malformed_container"
    assert isinstance(second, RawItem) and second.kind == "article" and second.source == f"{path}#L2"


def test_jsonl_invalid_or_ambiguous_published_is_a_named_skip(tmp_path: Path) -> None:
    path = tmp_path / "dates.jsonl"
    rows = [
        {"text": "Shelling hit Kharkiv overnight, the governor said.", "published": "garbage"},
        {"text": "Shelling hit Kharkiv overnight, the governor said.", "published": "07/03/2023"},
        {"text": "Shelling hit Kharkiv overnight, the governor said.", "published": "13/03/2023"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = run([str(path)])
    assert [e.skip_reason if isinstance(e, Outcome) else e.published for e in out] == [
        "invalid_date", "ambiguous_date", "2023-03-13",  # day 13 cannot be a month: certain
    ]  # fmt: skip
    assert isinstance(out[1], Outcome) and "'published'" in (out[1].message or "")
    # With the order given, 07/03/2023 is 7 March.
    ordered = run([str(path)], date_order="DMY")
    assert isinstance(ordered[1], RawItem) and ordered[1].published == "2023-03-07"
