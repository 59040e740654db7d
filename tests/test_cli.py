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
