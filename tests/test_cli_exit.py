"""Exit codes of `frontwire run` (issue 14, point 7): nothing readable fails, bad values are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontwire.cli import app

runner = CliRunner()


@pytest.mark.parametrize("kind", ["missing", "empty_folder", "glob"])
def test_cli_exit_run_given_nothing_readable_fails(tmp_path: Path, kind: str) -> None:
    (tmp_path / "empty").mkdir()
    target = {
        "missing": str(tmp_path / "no-such-file.html"),
        "empty_folder": str(tmp_path / "empty"),
        "glob": str(tmp_path / "*.nothing"),
    }[kind]
    result = runner.invoke(app, ["run", target, "--db", str(tmp_path / "fw.db")])
    assert result.exit_code == 1, result.output
    assert "nothing_to_read" in result.output


def test_cli_exit_run_of_junk_only_is_still_a_run(tmp_path: Path) -> None:
    (tmp_path / "junk.html").write_bytes(bytes(range(256)) * 4)
    result = runner.invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "fw.db")])
    assert result.exit_code == 0, result.output
    assert "unsupported_format" in result.output


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["--gazetteer", "/missing/places.csv"], {}, "no such file"),
        (["--workers=-1"], {}, "--workers"),
        (["--workers", "0"], {}, "--workers"),
        ([], {"FRONTWIRE_MAX_INPUT_BYTES": "-5"}, "max_input_bytes"),
        ([], {"FRONTWIRE_INPUT_TIME_BUDGET": "0"}, "input_time_budget"),
    ],
)
def test_cli_exit_bad_values_are_clear_errors(
    tmp_path: Path, args: list[str], env: dict[str, str], needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    page = tmp_path / "a.txt"
    page.write_text("Kharkiv came under missile attack overnight, the governor said.", encoding="utf-8")
    result = runner.invoke(app, ["run", str(page), "--db", str(tmp_path / "fw.db"), *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert not (tmp_path / "fw.db").exists() or "Traceback" not in result.output
