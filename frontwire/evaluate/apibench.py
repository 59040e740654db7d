"""API latency at scale (issue 10): p50/p99 of the read endpoints on a synthetic store of 100,000 events.

A store is built from hand-made Documents (fixed seed, no spaCy: places, claims, times, entities and
events as the stages write them) through ``store.add_documents``; a real uvicorn server runs
:func:`frontwire.api.create_app` over it in its own process on a free localhost port; a few client
threads send each query N times with httpx. Beside each figure, the baseline: the same query-layer
call (the same SQL and row building) on a read-only connection in this process, with no HTTP, so
the ratio is what the API adds. Goal: p99 < 100 ms.

The store is SQLite by default; ``--api-backends sqlite,postgres`` measures each in turn, the
PostgreSQL one in a throw-away server (frontwire.store.pg_server: initdb on a free local port,
durability off, stopped after) holding the same synthetic documents, vacuumed and analysed after
the load as autovacuum would soon do. Every row names its backend.

    frontwire bench --api                    # 100,000 events, SQLite
    frontwire bench --api --api-events 10000 --api-requests 100
    frontwire bench --api --api-backends sqlite,postgres --api-events 20000
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import random
import socket
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from frontwire.model import (
    Article,
    Claim,
    Document,
    Entity,
    Event,
    Mention,
    PlaceMention,
    TimeExpression,
    entity_id,
)

GOAL_P99_MS = 100.0
BACKENDS = ("sqlite", "postgres")
EVENTS = 100_000
EVENTS_PER_DOC = 4
BATCH = 500  # documents per add_documents call (one transaction)

# (name, admin1, lat, lon): places the conflict news names; a few share an oblast's name.
PLACES = [
    ("Bakhmut", "Donetsk", 48.594, 37.999), ("Soledar", "Donetsk", 48.684, 38.087),
    ("Avdiivka", "Donetsk", 48.139, 37.743), ("Kramatorsk", "Donetsk", 48.723, 37.556),
    ("Sloviansk", "Donetsk", 48.852, 37.605), ("Marinka", "Donetsk", 47.942, 37.504),
    ("Vuhledar", "Donetsk", 47.779, 37.247), ("Donetsk", "Donetsk", 48.023, 37.802),
    ("Kharkiv", "Kharkiv", 49.994, 36.230), ("Kupiansk", "Kharkiv", 49.711, 37.614),
    ("Izium", "Kharkiv", 49.210, 37.257), ("Kherson", "Kherson", 46.636, 32.617),
    ("Nova Kakhovka", "Kherson", 46.755, 33.348), ("Zaporizhzhia", "Zaporizhzhia", 47.838, 35.139),
    ("Enerhodar", "Zaporizhzhia", 47.499, 34.656), ("Orikhiv", "Zaporizhzhia", 47.567, 35.785),
    ("Melitopol", "Zaporizhzhia", 46.849, 35.365), ("Mykolaiv", "Mykolaiv", 46.975, 31.995),
    ("Odesa", "Odesa", 46.482, 30.723), ("Kyiv", "Kyiv City", 50.450, 30.523),
    ("Bucha", "Kyiv", 50.544, 30.212), ("Irpin", "Kyiv", 50.522, 30.250),
    ("Dnipro", "Dnipropetrovsk", 48.467, 35.040), ("Nikopol", "Dnipropetrovsk", 47.567, 34.396),
    ("Lviv", "Lviv", 49.839, 24.030), ("Sumy", "Sumy", 50.907, 34.798),
    ("Chernihiv", "Chernihiv", 51.498, 31.289), ("Lysychansk", "Luhansk", 48.904, 38.443),
    ("Sievierodonetsk", "Luhansk", 48.948, 38.491), ("Kreminna", "Luhansk", 49.048, 38.218),
    ("Belgorod", "Belgorod", 50.596, 36.587), ("Sevastopol", "Sevastopol", 44.617, 33.525),
    ("Dnipró", "Dnipropetrovsk", 48.450, 35.050),  # a non-ASCII spelling (folded lookups must find it)
]  # fmt: skip
UNRESOLVED = ["Klishchiivka", "Robotyne", "Staromaiorske", "Krynky", "Tabaivka"]  # no place record
OUTLETS = ["Kyiv Independent", "Reuters", "Meduza", "Ukrainska Pravda", "BBC", "TASS", "Al Jazeera", "AP"]
SPEAKERS = [
    ("Zelensky", "Volodymyr Zelensky"), ("Prigozhin", "Yevgeny Prigozhin"), ("Shoigu", "Sergei Shoigu"),
    ("Syrskyi", "Oleksandr Syrskyi"), ("Peskov", "Dmitry Peskov"), ("Kirby", "John Kirby"),
    ("the governor", "Pavlo Kyrylenko"), ("Cherevatyi", "Serhii Cherevatyi"), ("a spokesman", None),
    ("the ministry", "Russian Ministry of Defence"), ("Stoltenberg", "Jens Stoltenberg"),
]  # fmt: skip
CUES = [("said", "asserted"), ("claimed", "asserted"), ("told reporters", "asserted"),
        ("suggested", "hedged"), ("may have", "hedged"), ("denied", "denied")]  # fmt: skip
ACTORS = ["Military Forces of Russia", "Military Forces of Ukraine", "Wagner Group", "Civilians (Ukraine)",
          "Police Forces of Ukraine", "Protesters (Russia)", None]  # fmt: skip
SUBTYPES = [
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "shelled"),
    ("Explosions/Remote violence", "Air/drone strike", "struck"),
    ("Battles", "Armed clash", "fought"),
    ("Battles", "Non-state actor overtakes territory", "captured"),
    ("Battles", "Government regains territory", "recaptured"),
    ("Violence against civilians", "Attack", "attacked"),
    ("Strategic developments", "Looting/property destruction", "destroyed"),
    ("Protests", "Peaceful protest", "protested"),
]
FIRST_DAY = date(2022, 2, 24)
DAYS = 700


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_backends(text: str) -> tuple[str, ...]:
    """``sqlite,postgres`` as ``("sqlite", "postgres")``: known names, each once, in the order given."""
    from frontwire.errors import ConfigError

    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    names = ["postgres" if n == "postgresql" else n for n in names]
    unknown = [n for n in names if n not in BACKENDS]
    if unknown or not names:
        raise ConfigError(
            f"--api-backends: unknown {', '.join(unknown) or 'empty list'}; valid: {', '.join(BACKENDS)}"
        )
    return tuple(dict.fromkeys(names))


def _reader(db: str) -> Any:
    """A read-only store on ``db`` (a SQLite path or a PostgreSQL URL), as the server's threads open."""
    from frontwire.store import is_postgres_url

    if is_postgres_url(db):
        from frontwire.store.postgres import PostgresStore

        return PostgresStore.reader(db)
    from frontwire.store.sqlite import SQLiteStore

    return SQLiteStore.reader(db)


# -- the synthetic store -------------------------------------------------------------------------


def _writer(parts: list[str]) -> Callable[[str], tuple[int, int]]:
    """Appends a piece of text to ``parts``; returns its span in the joined text."""
    end = [0]

    def put(text: str) -> tuple[int, int]:
        start = end[0]
        parts.append(text)
        end[0] += len(text)
        return start, end[0]

    return put


def synthetic_documents(events: int, seed: int = 0, per_doc: int = EVENTS_PER_DOC) -> Iterator[Document]:
    """Documents holding ``events`` events in all (``per_doc`` each), their claims, places, times and
    entities, with the spans the stages would write; the same for the same seed."""
    rng = random.Random(seed)
    for n in range(math.ceil(events / per_doc)):
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        doc_id = f"{rng.getrandbits(256):064x}"
        parts: list[str] = []
        put = _writer(parts)
        doc = Document(article=Article(id=doc_id, source=f"synthetic/{n}.txt", text=""))
        for seq in range(min(per_doc, events - n * per_doc)):
            etype, sub, verb = rng.choice(SUBTYPES)
            resolved = rng.random() < 0.9
            unresolved = (rng.choice(UNRESOLVED), None, None, None)
            name, admin1, lat, lon = rng.choice(PLACES) if resolved else unresolved
            actor1, actor2 = rng.choice(ACTORS), rng.choice(ACTORS)
            speaker, speaker_name = rng.choice(SPEAKERS)
            cue, stance = rng.choice(CUES)
            when = published - timedelta(days=rng.randrange(3))
            p0, _ = put(f"{actor1 or 'Unknown forces'} {verb} ")
            place_start, place_end = put(name)
            t0, t1 = put(" on " + when.strftime("%A"))
            put(", ")
            s0, s1 = put(speaker)
            put(" ")
            c0, c1 = put(cue)
            put(". ")
            place_id = f"synthetic:{name.casefold().replace(' ', '-')}" if resolved else None
            doc.places.append(
                PlaceMention(text=name, start=place_start, end=place_end, name=name if resolved else None,
                             place_id=place_id, country="UA" if resolved else None, admin1=admin1,
                             lat=lat, lon=lon, feature="city" if resolved else None,
                             precision=1 if resolved else None)
            )  # fmt: skip
            day = when.isoformat()
            doc.times.append(
                TimeExpression(text=f"on {when:%A}", start=t0 + 1, end=t1, type="DATE", value=f"{day}/{day}",
                               precision="day", anchor=published.isoformat())
            )  # fmt: skip
            claim_id = f"c{seq + 1}"
            doc.claims.append(
                Claim(id=claim_id, speaker=speaker, speaker_start=s0, speaker_end=s1,
                      speaker_name=speaker_name, speaker_entity_id=None, cue=cue, cue_start=c0, cue_end=c1,
                      direct=rng.random() < 0.3, stance=stance, content="".join(parts)[p0:t1], start=p0,
                      end=t1, confidence=round(rng.uniform(0.4, 0.95), 2))
            )  # fmt: skip
            if speaker_name:
                eid = entity_id("PERSON", speaker_name)
                if all(e.id != eid for e in doc.entities):
                    doc.entities.append(Entity(id=eid, name=speaker_name, type="PERSON", aliases=[speaker]))
                doc.mentions.append(
                    Mention(text=speaker, start=s0, end=s1, name=speaker_name, type="PERSON", entity_id=eid)
                )
            dated = rng.random() < 0.92  # some events carry no date at all (undated sort last)
            reported = rng.random() < 0.4
            doc.events.append(
                Event(id=f"{doc_id[:12]}e{seq}", event_type=etype, sub_event_type=sub, plover_type=None,
                      plover_mode=None, actor1=actor1, actor2=None if actor2 == actor1 else actor2,
                      target=None,
                      place=name, place_id=place_id, country="UA" if resolved else None, admin1=admin1,
                      lat=lat, lon=lon, geo_precision=1 if resolved else None,
                      date=f"{day}/{day}" if dated else None, time_precision=1 if dated else None,
                      date_from_published=False,
                      fatalities={"low": None, "best": rng.randrange(12), "high": None} if rng.random() < 0.2
                      else None,
                      reported_by=claim_id if reported else None, stance=stance if reported else None,
                      evidence="".join(parts)[p0:t1], start=p0, end=t1, trigger=verb,
                      confidence=round(rng.uniform(0.3, 0.9), 2))
            )  # fmt: skip
        text = "".join(parts)
        doc.article = Article(
            id=doc_id, source=f"synthetic/{n}.txt", text=text, url=f"https://news.example/{n}",
            outlet=rng.choice(OUTLETS), title=text[:60], published=published.isoformat(),
            published_source="given", raw_sha256=f"{n:064x}", language="en",
        )  # fmt: skip
        yield doc


def build_store(path: str | Path, events: int = EVENTS, seed: int = 0) -> dict[str, Any]:
    """Write the synthetic store at ``path`` (a SQLite path or a PostgreSQL URL); its counts, size
    and build time."""
    from frontwire.store import is_postgres_url, open_store

    postgres = is_postgres_url(path)
    t0 = time.perf_counter()
    store = open_store(path)
    try:
        db: Any = getattr(store, "db", None)
        if isinstance(db, sqlite3.Connection):
            db.execute("PRAGMA synchronous=OFF")  # a throw-away store: no fsync per batch
        batch: list[Document] = []
        for doc in synthetic_documents(events, seed):
            batch.append(doc)
            if len(batch) == BATCH:
                store.add_documents(batch)
                batch = []
        if batch:
            store.add_documents(batch)
        counts = store.counts()
        if postgres:
            # Planner statistics and the visibility map, as autovacuum gives a loaded table within
            # a minute or so; measured before it, the plans would change during the run.
            db.execute("VACUUM (ANALYZE)")
            found = db.execute("SELECT pg_database_size(current_database())").fetchone()
            size = int(found[0])
        else:
            size = Path(path).stat().st_size
    finally:
        store.close()
    return {"seconds": time.perf_counter() - t0, "counts": counts, "mb": size / 1e6}


# -- the queries ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    path: str  # the API route
    params: dict[str, str]  # its query parameters
    call: str  # the frontwire.query function
    kwargs: dict[str, str]  # the same filters by the query layer's names


QUERIES = (
    Query("events: type + period", "/events",
          {"type": "Explosions/Remote violence", "since": "2023-03-01", "until": "2023-03-31"},
          "events", {"type_": "Explosions/Remote violence", "since": "2023-03-01", "until": "2023-03-31"}),
    Query("claims: stance + speaker", "/claims", {"stance": "hedged", "speaker": "zelensky"},
          "claims", {"stance": "hedged", "speaker": "zelensky"}),
    Query("events: place + type", "/events", {"place": "Bakhmut", "type": "Battles"},
          "events", {"place": "Bakhmut", "type_": "Battles"}),
    Query("events: region (admin1)", "/events", {"place": "donetsk"}, "events", {"place": "donetsk"}),
    Query("events: no filter", "/events", {}, "events", {}),
    Query("claims: no filter", "/claims", {}, "claims", {}),
)  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99), "mean_ms": sum(ms) / len(ms),
            "max_ms": max(ms), "n": len(ms)}  # fmt: skip


def _direct(db: str, q: Query, requests: int) -> tuple[dict[str, float], int]:
    """The query layer called in this process on a read-only connection: the same SQL, no HTTP."""
    from frontwire import query

    store = _reader(db)
    fn: Callable[..., Any] = getattr(query, q.call)
    try:
        rows = len(fn(store, **q.kwargs).items)  # warm-up, and the rows a page holds
        ms = []
        for _ in range(requests):
            t0 = time.perf_counter()
            fn(store, **q.kwargs)
            ms.append(1000 * (time.perf_counter() - t0))
    finally:
        store.close()
    return _summary(ms), rows


def _over_http(base: str, q: Query, requests: int, clients: int) -> tuple[dict[str, float], float]:
    """``requests`` GETs from ``clients`` threads (one httpx client each); latency of each, and req/s."""
    import httpx

    per = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def work(n: int) -> list[float]:
        out = []
        with httpx.Client(base_url=base, timeout=60) as client:
            client.get(q.path, params=q.params).raise_for_status()  # warm-up (connection, thread store)
            for _ in range(n):
                t0 = time.perf_counter()
                r = client.get(q.path, params=q.params)
                out.append(1000 * (time.perf_counter() - t0))
                r.raise_for_status()
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        ms = [x for part in pool.map(work, per) for x in part]
    return _summary(ms), requests / (time.perf_counter() - t0)


def _serve(db: str, port: int) -> None:  # pragma: no cover - runs in the server process
    import uvicorn

    from frontwire.api import create_app

    uvicorn.run(create_app(db), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _wait(base: str, proc: Any, timeout: float = 60.0) -> None:
    import httpx

    from frontwire.errors import FrontwireError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.is_alive():
            raise FrontwireError(f"the API server exited (code {proc.exitcode}) before it answered")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise FrontwireError(f"the API server did not answer at {base} within {timeout:.0f} s")


def measure(db: str, requests: int = 200, clients: int = 4) -> dict[str, Any]:
    """Start a uvicorn server on ``db`` in its own process and time every query of QUERIES."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = mp.get_context("spawn").Process(target=_serve, args=(db, port), daemon=True)
    proc.start()
    out: dict[str, Any] = {"requests": requests, "clients": clients, "queries": {}}
    try:
        _wait(base, proc)
        for q in QUERIES:
            direct, rows = _direct(db, q, requests)
            api, rate = _over_http(base, q, requests, clients)
            out["queries"][q.name] = {"path": q.path, "params": q.params, "rows": rows, "api": api,
                                      "direct": direct, "requests_per_s": rate}  # fmt: skip
    finally:
        proc.terminate()
        proc.join(10)
        if proc.is_alive():
            proc.kill()
            proc.join()
    return out


def run(
    events: int = EVENTS,
    *,
    requests: int = 200,
    clients: int = 4,
    seed: int = 0,
    db: str | None = None,
    backend: str = "sqlite",
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build the synthetic store and measure it. ``backend`` sqlite: a file in a temporary folder
    unless ``db`` (a path) is given; postgres: a database in a throw-away server unless ``db`` (a
    ``postgresql://`` URL of an empty database) is given."""
    from frontwire.errors import ConfigError

    say = progress or (lambda _msg: None)
    with ExitStack() as stack:
        if backend == "postgres":
            if db is None:
                from frontwire.store.pg_server import throwaway_postgres

                say("starting a throw-away PostgreSQL server")
                db = stack.enter_context(throwaway_postgres()).create("fw_apibench")
        elif backend == "sqlite":
            db = db or os.path.join(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="fw-apibench-")), "api.db"
            )
        else:
            raise ConfigError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
        say(f"building a {backend} store of {events:,} events")
        build = build_store(db, events, seed)
        say(f"built in {build['seconds']:.1f} s; {requests} requests per query from {clients} clients")
        out = measure(db, requests, clients)
    out.update(
        {"backend": backend, "events": events, "seed": seed, "build": build, "goal_p99_ms": GOAL_P99_MS}
    )
    return out


def rows(api: dict[str, Any]) -> list[dict[str, Any]]:
    """Bench table rows: p50 and p99 over HTTP per query, beside the same call with no HTTP."""
    out: list[dict[str, Any]] = []
    b, c = api["build"], api["build"]["counts"]
    # "api(postgres)", not "api[postgres]": bench's table prints figures as rich markup, where
    # "[postgres]" is a style tag and vanishes.
    tag = f"api({api.get('backend', 'sqlite')})"
    out.append(
        {"figure": f"{tag}: build store of {api['events']:,} events s", "value": b["seconds"], "baseline": "",
         "baseline_value": None, "ratio": None, "goal": None, "goal_text": "", "meets_goal": None,
         "note": f"{c['documents']:,} docs, {c['events']:,} events, {c['claims']:,} claims, "
                 f"{b['mb']:,.0f} MB" + ("; database size, VACUUM (ANALYZE) included"
                                          if api.get("backend") == "postgres" else "")}
    )  # fmt: skip
    goal = api["goal_p99_ms"]
    for name, q in api["queries"].items():
        params = "&".join(f"{k}={v}" for k, v in q["params"].items())
        where = q["path"] + (f"?{params}" if params else "")
        for key in ("p50_ms", "p99_ms"):
            value, base = q["api"][key], q["direct"][key]
            is_p99 = key == "p99_ms"
            out.append(
                {"figure": f"{tag} {name}: {key.replace('_ms', '')} ms", "value": value,
                 "baseline": "query layer, same SQL, no HTTP", "baseline_value": base,
                 "ratio": value / base if base else None, "goal": None,
                 "goal_text": f"< {goal:.0f} ms" if is_p99 else "",
                 "meets_goal": (value < goal) if is_p99 else None,
                 "note": f"{where}; {q['rows']} rows/page; {api['requests']} requests, "
                         f"{api['clients']} clients, {q['requests_per_s']:,.0f} req/s" if is_p99 else where}
            )  # fmt: skip
    return out


def run_api_bench(
    events: int = EVENTS,
    requests: int = 200,
    clients: int = 4,
    json_out: Path | None = None,
    backends: tuple[str, ...] = ("sqlite",),
) -> dict[str, Any]:
    """``frontwire bench --api``: measure on each backend in turn, print the table (bench's), return
    and optionally write it. ``raw.api`` holds each backend's figures under its name."""
    from frontwire.errors import ConfigError
    from frontwire.evaluate.bench import _print
    from frontwire.evaluate.report import write_json

    if events < 1 or requests < 1 or clients < 1:
        raise ConfigError("--api-events, --api-requests and --api-clients must be at least 1")
    backends = parse_backends(",".join(backends))
    if "postgres" in backends:
        from frontwire.store.pg_server import unavailable

        reason = unavailable()  # before the SQLite half runs, not after
        if reason is not None:
            raise ConfigError(f"--api-backends postgres: {reason}")

    def progress(backend: str) -> Callable[[str], None]:
        return lambda m: print(f"api bench [{backend}]: {m}", flush=True)

    raw: dict[str, Any] = {}
    for backend in backends:
        raw[backend] = run(
            events, requests=requests, clients=clients, backend=backend, progress=progress(backend)
        )
    out = {"corpus": f"synthetic store of {events:,} events (seed 0) on {', '.join(backends)}",
           "cpu_count": os.cpu_count(), "goals": {"api_p99_ms": GOAL_P99_MS}, "raw": {"api": raw},
           "rows": [r for b in backends for r in rows(raw[b])]}  # fmt: skip
    _print(out)
    if json_out is not None:
        write_json(out, json_out)
    return out


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS
    print(json.dumps(run(n, progress=lambda m: print(m, file=sys.stderr)), indent=1))
