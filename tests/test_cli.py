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
