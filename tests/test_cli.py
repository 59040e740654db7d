"""Tests of frontwire/cli.py: every command documented; the main job end to end on the bundled seed page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontwire.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_cli_every_command_has_help() -> None:
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert command.callback is not None and command.callback.__doc__, f"{name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)


def test_cli_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "frontwire" in result.output


@pytest.mark.slow
def test_cli_run_is_idempotent_and_queryable(tmp_path: Path) -> None:
    db = str(tmp_path / "fw.db")
    seed = str(EXAMPLES / "19fortyfive-bakhmut.txt")
    first = runner.invoke(app, ["run", seed, "--db", db, "--published", "2023-03-07"])
    assert first.exit_code == 0, first.output
    assert "documents stored" in first.output
    again = runner.invoke(app, ["run", seed, "--db", db, "--published", "2023-03-07"])
    assert again.exit_code == 0
    assert re.search(r"documents stored\s*│\s*0", again.output)
    assert re.search(r"duplicates \(already stored\)\s*│\s*1", again.output)
    docs = runner.invoke(app, ["documents", "--db", db, "--json"])
    rows = [json.loads(line) for line in docs.output.splitlines() if line.strip()]
    assert len(rows) == 1  # the rerun added nothing
    found = runner.invoke(app, ["search", "Prigozhin", "--db", db, "--json"])
    assert json.loads(found.output.splitlines()[0])["id"] == rows[0]["id"]
    people = runner.invoke(app, ["entities", "--type", "PERSON", "--db", db, "--json"])
    names = {json.loads(line)["name"] for line in people.output.splitlines()}
    assert "Pavlo Kyrylenko" in names


@pytest.mark.slow
def test_cli_extract_json_contract(tmp_path: Path) -> None:
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 8)
    seed = str(EXAMPLES / "19fortyfive-bakhmut.txt")
    result = runner.invoke(app, ["extract", seed, str(junk), "--json", "--published", "2023-03-07"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [line["source"] for line in lines] == [seed, str(junk)]  # input order, one line each
    doc, skip = lines
    assert result.exit_code == 1  # one input failed
    assert skip["skipped"] == "unsupported_format"
    assert doc["published"] == "2023-03-07" and doc["published_source"] == "given"
    for key in ("entities", "claims", "times", "places"):
        for rec in doc[key]:
            start, end = rec["start"], rec["end"]
            want = rec["text"] if key != "claims" else rec["content"]
            assert doc["text"][start:end] == want, (key, rec)


def test_cli_query_on_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["documents", "--db", str(tmp_path / "typo.db")])
    assert result.exit_code == 2
    assert "no store at" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "typo.db").exists()


def test_cli_query_on_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 20)
    result = runner.invoke(app, ["entities", "--db", str(bogus)])
    assert result.exit_code == 2 and "store" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("value", ["yesterday", "Monday", "notadate"])
def test_cli_published_must_be_a_date(value: str) -> None:
    result = runner.invoke(app, ["extract", str(EXAMPLES / "19fortyfive-bakhmut.txt"), "--published", value])
    assert result.exit_code == 2 and "--published" in result.output


@pytest.mark.slow
def test_cli_reprocess_replaces_with_the_corrected_date(tmp_path: Path) -> None:
    db = str(tmp_path / "fw.db")
    seed = str(EXAMPLES / "19fortyfive-bakhmut.txt")
    assert runner.invoke(app, ["run", seed, "--db", db]).exit_code == 0
    fixed = runner.invoke(app, ["run", seed, "--db", db, "--published", "2023-03-07", "--reprocess"])
    assert fixed.exit_code == 0 and "updated" in fixed.output
    times = [
        json.loads(line) for line in runner.invoke(app, ["times", "--db", db, "--json"]).output.splitlines()
    ]
    monday = [t for t in times if t["text"] == "Monday"]
    assert monday and all(t["value"] == "2023-03-06/2023-03-06" for t in monday)


# -- events --------------------------------------------------------------------------------------
EVENT_DOC = "ab" * 32  # a full-length document id, so that tables shorten it


def _events_db(tmp_path: Path) -> str:
    from frontwire.store import open_store
    from tests.store.test_events import make_doc

    db = str(tmp_path / "events.db")
    store = open_store(db)
    store.add_documents([make_doc(EVENT_DOC)])
    store.close()
    return db


def _plain(output: str) -> str:
    """CLI output with rich's box drawing and line wrapping collapsed to single spaces."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", output)


def test_cli_events_json_lines(tmp_path: Path) -> None:
    db = _events_db(tmp_path)
    result = runner.invoke(app, ["events", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    # The dated shelling first, the undated withdrawal last.
    assert [(r["doc_id"], r["id"]) for r in rows] == [(EVENT_DOC, "e1"), (EVENT_DOC, "e2")]
    first = rows[0]
    assert first["sub_event_type"] == "Shelling/artillery/missile attack"
    assert first["fatalities"] == {"low": 3, "best": 4, "high": 5}
    assert first["reported_by_speaker"] == "Yevgeny Prigozhin" and first["stance"] == "hedged"
    assert first["outlet"] == "Kyiv Independent" and first["date_start"] == "2023-03-06"
    assert rows[1]["modality"] == "future" and rows[1]["fatalities"] is None


def test_cli_events_filters(tmp_path: Path) -> None:
    db = _events_db(tmp_path)

    def event_ids(*args: str) -> list[str]:
        result = runner.invoke(app, ["events", "--db", db, "--json", *args])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.output.splitlines()]

    assert event_ids("--type", "battles") == []
    assert event_ids("--type", "explosions/remote violence") == ["e1"]
    assert event_ids("--sub-type", "CHANGE TO GROUP/ACTIVITY") == ["e2"]
    assert event_ids("--place", "soledar") == ["e2"]
    assert event_ids("--actor", "wagner") == ["e1"]
    assert event_ids("--since", "2023-03-01", "--until", "2023-03-31") == ["e1"]
    assert event_ids("--doc", EVENT_DOC[:12]) == ["e1", "e2"]  # the short id the table prints
    assert event_ids("--limit", "1", "--offset", "1") == ["e2"]


def test_cli_events_table(tmp_path: Path) -> None:
    db = _events_db(tmp_path)
    result = runner.invoke(app, ["events", "--db", db], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    text = _plain(result.output)
    assert "events (2)" in text
    assert EVENT_DOC[:12] in text and EVENT_DOC[:13] not in text
    assert "Yevgeny Prigozhin (hedged)" in text and "4 (3-5)" in text and "future" in text
    assert "2023-03-07 (published)" not in text  # the withdrawal has no date to stand in for


def test_cli_events_unknown_type_lists_the_valid_ones(tmp_path: Path) -> None:
    db = _events_db(tmp_path)
    result = runner.invoke(app, ["events", "--db", db, "--type", "Shelling"])
    assert result.exit_code == 2
    text = _plain(result.output)
    assert "unknown event type 'Shelling'" in text and "Traceback" not in text
    for name in ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots"):
        assert name in text
    assert "Strategic developments" in text
    bad_sub = runner.invoke(app, ["events", "--db", db, "--sub-type", "drone strike"])
    assert bad_sub.exit_code == 2 and "Air/drone strike" in _plain(bad_sub.output)
    mismatch = runner.invoke(app, ["events", "--db", db, "--type", "Battles", "--sub-type", "Arrests"])
    assert mismatch.exit_code == 2 and "Strategic developments" in _plain(mismatch.output)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--since", "2023-3-1"], "--since"),
        (["--until", "2023-02-30"], "--until"),  # no such day
        (["--until", "March 2023"], "--until"),
        (["--since", "2023-03-09", "--until", "2023-03-01"], "--since"),  # the wrong way round
    ],
)
def test_cli_events_period_must_be_dates_in_order(tmp_path: Path, args: list[str], option: str) -> None:
    result = runner.invoke(app, ["events", "--db", _events_db(tmp_path), *args])
    assert result.exit_code == 2 and option in result.output and "Traceback" not in result.output


def test_cli_events_unknown_doc_prefix_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", _events_db(tmp_path), "--doc", "ffff"])
    assert result.exit_code == 2 and "ffff" in result.output


# -- query commands: formats, filters, narrow terminals, extract --text -------------------------
def _two_db(tmp_path: Path) -> str:
    from tests.api.test_app import make_store

    return make_store(tmp_path / "two.db")


def test_cli_query_formats_json_csv_tsv(tmp_path: Path) -> None:
    import csv
    import io

    db = _two_db(tmp_path)
    as_json = runner.invoke(app, ["claims", "--db", db, "--json"])
    rows = [json.loads(line) for line in as_json.output.splitlines()]
    assert len(rows) == 2 and {"doc_id", "outlet", "published", "stance"} <= set(rows[0])
    for flag, delimiter in (("--csv", ","), ("--tsv", "\t")):
        result = runner.invoke(app, ["claims", "--db", db, flag])
        assert result.exit_code == 0, result.output
        table = list(csv.DictReader(io.StringIO(result.output), delimiter=delimiter))
        assert [r["doc_id"] for r in table] == [r["doc_id"] for r in rows]
        assert table[0]["outlet"] == rows[0]["outlet"] and table[0]["direct"] == "False"
    events = runner.invoke(app, ["events", "--db", db, "--csv"])
    first = next(csv.DictReader(io.StringIO(events.output)))
    assert json.loads(first["fatalities"]) == {"low": 3, "best": 4, "high": 5}  # nested as JSON
    both = runner.invoke(app, ["claims", "--db", db, "--json", "--csv"])
    assert both.exit_code == 2


def test_cli_query_filters_limit_offset_sort(tmp_path: Path) -> None:
    from tests.test_query import DOC_A, DOC_B

    db = _two_db(tmp_path)

    def doc_ids(*args: str) -> list[str]:
        result = runner.invoke(app, [*args, "--db", db, "--json"])
        assert result.exit_code == 0, result.output
        return [
            json.loads(line).get("doc_id") or json.loads(line)["id"] for line in result.output.splitlines()
        ]

    assert doc_ids("claims", "--stance", "Hedged", "--outlet", "meduza") == [DOC_B]
    assert doc_ids("claims", "--doc", DOC_A[:12]) == [DOC_A]
    assert doc_ids("claims", "--since", "2023-03-01", "--until", "2023-03-10") == [DOC_A]
    assert doc_ids("claims", "--place", "bakhmut", "--sort", "doc") == [DOC_A, DOC_B]
    assert doc_ids("documents", "--limit", "1", "--offset", "1") == [DOC_A]
    assert doc_ids("documents", "--sort", "-date") == [DOC_A, DOC_B]
    assert doc_ids("times", "--outlet", "Kyiv Independent") == [DOC_A]
    assert doc_ids("places", "--name", "bakh", "--mentions") == [DOC_B, DOC_A]
    assert doc_ids("entities", "--name", "prigozhin", "--mentions", "--doc", DOC_B[:6]) == [DOC_B]
    assert doc_ids("search", "Bakhmut", "--sort", "date") == [DOC_B, DOC_A]
    assert doc_ids("events", "--stance", "asserted") == [DOC_B]


@pytest.mark.parametrize(
    ("args", "option", "listed"),
    [
        (["claims", "--stance", "maybe"], "--stance", "asserted, hedged, denied"),
        (["entities", "--type", "FOO"], "--type", "ARMED_GROUP"),
        (["claims", "--doc", "ffff"], "--doc", "ffff"),
        (["documents", "--sort", "size"], "--sort", "date"),
        (["times", "--since", "yesterday"], "--since", "YYYY-MM-DD"),
        (["search", '"unbalanced'], "", "invalid full-text query"),
        (["search", "Bakhmut OR"], "", "FTS5 syntax"),
        (["contradictions", "--kind", "lies"], "--kind", "responsibility"),
    ],
)
def test_cli_query_bad_values_are_errors_that_list_valid_ones(
    tmp_path: Path, args: list[str], option: str, listed: str
) -> None:
    result = runner.invoke(app, [*args, "--db", _two_db(tmp_path)])
    assert result.exit_code == 2, result.output
    text = _plain(result.output)
    assert option in text and listed in text and "Traceback" not in text


@pytest.mark.parametrize(
    "command",
    [["documents"], ["claims"], ["events"], ["places"], ["places", "--mentions"], ["times"], ["entities"],
     ["entities", "--mentions"], ["search", "Bakhmut"], ["clusters"], ["contradictions"], ["skips"]],
)  # fmt: skip
def test_cli_tables_fit_80_columns(tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--db", _two_db(tmp_path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    body = [line for line in lines if line.startswith("│")]
    assert all(line.endswith("│") for line in body)
    # One line per row (long text cut with an ellipsis), never a word per line.
    rows = runner.invoke(app, [*command, "--db", _two_db(tmp_path / "again"), "--json"]).output.splitlines()
    assert len(body) == len(rows)


def test_cli_claims_table_keeps_provenance_and_wide_shows_all(tmp_path: Path) -> None:
    from tests.test_query import DOC_A

    db = _two_db(tmp_path)
    narrow = _plain(runner.invoke(app, ["claims", "--db", db], env={"COLUMNS": "80"}).output)
    assert DOC_A[:12] in narrow and "2023-03-07" in narrow and "…" in narrow
    wide = _plain(runner.invoke(app, ["claims", "--db", db, "--wide"], env={"COLUMNS": "80"}).output)
    assert "soldiers" in wide and "…" not in wide  # the whole content, wrapped in its column
    assert "Independent" in wide


def test_cli_show_accepts_short_ids(tmp_path: Path) -> None:
    from tests.test_query import DOC_B

    db = _two_db(tmp_path)
    shown = runner.invoke(app, ["show", DOC_B[:8], "--db", db])
    assert shown.exit_code == 0 and json.loads(shown.output)["id"] == DOC_B
    missing = runner.invoke(app, ["show", "ffff", "--db", db])
    assert missing.exit_code == 2 and "ffff" in missing.output


def test_cli_serve_help_names_localhost() -> None:
    result = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "127.0.0.1" in result.output and "--token-env" in result.output


@pytest.mark.slow
def test_cli_extract_text_is_plain_and_reads_stdin() -> None:
    text = (EXAMPLES / "19fortyfive-bakhmut.txt").read_text(encoding="utf-8")
    from_file = runner.invoke(app, ["extract", str(EXAMPLES / "19fortyfive-bakhmut.txt"), "--text"])
    assert from_file.exit_code == 0, from_file.output
    assert "━" not in from_file.output and "─" not in from_file.output  # no rule line
    paragraphs = [p for p in from_file.output.split("\n") if p.strip()]
    assert max(len(p) for p in paragraphs) > 200  # unwrapped: a paragraph is one line
    from_stdin = runner.invoke(app, ["extract", "-", "--text"], input=text)
    assert from_stdin.exit_code == 0 and from_stdin.output == from_file.output
    as_json = runner.invoke(app, ["extract", "-", "--json", "--published", "2023-03-07"], input=text)
    assert json.loads(as_json.output.splitlines()[0])["source"] == "-"
