"""Shared fixtures (defined only here): resources, stores, paths to the bundled and shared data."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TEST_DATA = REPO / "tests" / "data"
# The shared evaluation data sits beside the repository on developer machines, not in CI.
SHARED_EVAL = Path(os.environ.get("FRONTWIRE_EVAL_DATA", REPO.parent / "shared" / "eval"))


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's FRONTWIRE_* settings or proxies (keep FRONTWIRE_EVAL_DATA)."""
    for key in list(os.environ):
        if (key.startswith("FRONTWIRE_") and key != "FRONTWIRE_EVAL_DATA") or key.lower().endswith("_proxy"):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def resources():  # type: ignore[no-untyped-def]
    """Process-wide Resources (loads spaCy on first use: tests using it are marked slow)."""
    from frontwire.resources import Resources

    return Resources()


@pytest.fixture(scope="session")
def lex():  # type: ignore[no-untyped-def]
    """The time-expression lexicon (no spaCy needed)."""
    from frontwire.timex import load_resources

    return load_resources()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    from frontwire.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def seed_text() -> str:
    return (EXAMPLES / "19fortyfive-bakhmut.txt").read_text(encoding="utf-8")


def shared_eval(name: str) -> Path:
    """Path of a shared evaluation data set, or skip the test when it is absent (CI)."""
    path = SHARED_EVAL / name
    if not path.is_dir():
        pytest.skip(f"evaluation data {path} not present")
    return path


# -- a throw-away PostgreSQL server for the PostgreSQL store (one per session) ---------------------
def postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries (initdb, pg_ctl) on this machine, if any."""
    found = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file() and d.parent.name.isdigit():
            found.append((int(d.parent.name), d))
    if found:
        return max(found)[1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and (Path(initdb).parent / "pg_ctl").is_file() else None


@dataclass
class PostgresServer:
    """A server on 127.0.0.1 with trust authentication; ``database()`` makes an empty store database."""

    port: int
    template: str = "fw_template"
    _n: count = None  # type: ignore[assignment]

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def database(self) -> str:
        """A new database, already migrated (copied from a migrated template): its URL."""
        name = f"fw_test_{next(self._n)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {self.template} STRATEGY FILE_COPY")
        return self.url(name)

    def drop(self, url: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL (initdb + pg_ctl, a free port on 127.0.0.1, a temporary
    folder); stopped and removed at the end of the session. As root, the server runs as the
    ``postgres`` user (PostgreSQL refuses root). Skips only when no PostgreSQL binaries exist."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    pytest.importorskip("psycopg")
    root = os.geteuid() == 0
    if root:
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the PostgreSQL server as")
    folder = Path(tempfile.mkdtemp(prefix="fwpg-", dir="/tmp"))
    if root:
        os.chown(folder, owner.pw_uid, owner.pw_gid)

    def run(*args: str) -> None:
        cmd = shlex.join(args)
        full = ["su", "postgres", "-c", cmd] if root else ["sh", "-c", cmd]
        done = subprocess.run(full, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{cmd} failed ({done.returncode}): {done.stdout}{done.stderr}{tail}")

    data = folder / "data"
    port = _free_port()
    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
        "--no-locale", "--no-sync")  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off"
        " -c full_page_writes=off -c max_connections=60"
    )
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o", options,
        "start")  # fmt: skip
    server = PostgresServer(port, _n=count(1))
    try:
        from frontwire.store.postgres import PostgresStore

        server.admin(f"CREATE DATABASE {server.template}")
        PostgresStore(server.url(server.template)).close()  # migrated once, copied per test
        yield server
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """URL of an empty, migrated PostgreSQL store database of its own, dropped after the test."""
    url = postgres_server.database()
    yield url
    postgres_server.drop(url)
