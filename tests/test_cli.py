"""Tests of frontwire/cli.py: every command documented; the main job end to end on the bundled seed page."""

from __future__ import annotations

import json
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
