"""A throw-away PostgreSQL server (initdb + pg_ctl) for the tests and ``frontwire bench --api``.

:func:`throwaway_postgres` starts one on a free port on 127.0.0.1, in a temporary folder, with
trust authentication and no durability (fsync off: a crash loses it, which is the point), and
stops and removes it on exit. As root, the server runs as the ``postgres`` user (PostgreSQL
refuses to run as root), through ``su``.

    with throwaway_postgres() as server:
        url = server.database()          # a new, migrated store database
        store = open_store(url)
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from frontwire.errors import ConfigError, StoreError

__all__ = ["PostgresServer", "postgres_bindir", "throwaway_postgres", "unavailable"]

TEMPLATE = "fw_template"
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"


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


def unavailable() -> str | None:
    """Why no throw-away server can start here (no binaries, no psycopg, root with no ``postgres``
    user), or None when one can."""
    if postgres_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the PostgreSQL store needs psycopg 3: pip install 'psycopg[binary]'"
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the PostgreSQL server as"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server on 127.0.0.1 with trust authentication, user ``postgres``.

    ``database()`` makes a new, migrated store database (a copy of a template migrated on first
    use); ``create(name)`` an empty one; ``drop(url)`` removes one.
    """

    port: int
    folder: Path
    template: str = TEMPLATE
    _n: count[int] = field(default_factory=lambda: count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _template_ready: bool = False

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser on the ``postgres`` database (autocommit)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create(self, name: str) -> str:
        """A new empty database (no store tables: ``open_store(url)`` migrates it); its URL."""
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def database(self) -> str:
        """A new database, already migrated (copied from a migrated template): its URL."""
        with self._lock:
            if not self._template_ready:
                from frontwire.store.postgres import PostgresStore

                self.create(self.template)
                PostgresStore(self.url(self.template)).close()  # migrated once, copied per database
                self._template_ready = True
            name = f"fw_test_{next(self._n)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {self.template} STRATEGY FILE_COPY")
        return self.url(name)

    def drop(self, url: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@contextmanager
def throwaway_postgres(options: str = SERVER_OPTIONS) -> Iterator[PostgresServer]:
    """Start a PostgreSQL server (initdb + pg_ctl) on a free port on 127.0.0.1, in a temporary folder
    under /tmp; stop it (immediate) and remove the folder on exit.

    ``options`` are extra server settings (``-c name=value ...``); the default turns durability off
    and allows 60 connections.

    Raises:
        ConfigError: it cannot start here (see :func:`unavailable`).
        StoreError: initdb or pg_ctl failed (the message holds their output and the server log).
    """
    reason = unavailable()
    if reason is not None:
        raise ConfigError(reason)
    bindir = postgres_bindir()
    assert bindir is not None
    root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="fwpg-", dir="/tmp"))
    if root:
        import pwd

        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)

    def run(*args: str) -> None:
        cmd = shlex.join(args)
        full = ["su", "postgres", "-c", cmd] if root else ["sh", "-c", cmd]
        done = subprocess.run(full, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise StoreError(f"{cmd} failed ({done.returncode}): {done.stdout}{done.stderr}{tail}")

    data = folder / "data"
    started = False
    try:
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--no-locale", "--no-sync")  # fmt: skip
        port = free_port()
        settings = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} {options}"
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60",
            "-o", settings, "start")  # fmt: skip
        started = True
        yield PostgresServer(port, folder)
    finally:
        try:
            if started:
                run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
