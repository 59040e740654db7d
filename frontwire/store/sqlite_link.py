"""The cross-document tables of the SQLite store (frontwire/link): fingerprints, clusters, claim facts
and contradictions. A mixin of SQLiteStore: the same connection and transactions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import Any

from frontwire.link.duplicates import Fingerprint
from frontwire.link.fusion import WIDEN_DAYS, Cluster, EventView, cell, neighbour_cells
from frontwire.model import Contradiction, EventCluster
from frontwire.store.base import Row

# SQLite's default limit on host parameters is 32766 on current builds, 999 on old ones.
CHUNK = 900


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _rows(cursor: sqlite3.Cursor) -> list[Row]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def claim_date_window(since: str | None, until: str | None) -> tuple[str, list[str]]:
    """The date clause of a claim-facts lookup, built from the bounds given (undated claims always
    match), and its parameters."""
    parts, bounds = [], []
    if since:
        parts.append("f.date >= ?")
        bounds.append(since)
    if until:
        parts.append("f.date <= ?")
        bounds.append(until)
    return (f" AND (f.date IS NULL OR ({' AND '.join(parts)}))" if parts else ""), bounds


class LinkTables:
    """Reads and writes of the link stage; ``self.db`` and ``self._transaction`` come from SQLiteStore."""

    db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by SQLiteStore
        raise NotImplementedError

    # -- documents ------------------------------------------------------------------------------
    def link_documents(self, doc_ids: Sequence[str]) -> list[Row]:
        """id, text, published, outlet, duplicate_of of these documents, in the order given (the order
        they were committed: within a batch, the earlier copy is the original)."""
        position = {d: i for i, d in enumerate(doc_ids)}
        out: list[Row] = []
        for part in _chunks(list(doc_ids)):
            marks = ",".join("?" * len(part))
            out += _rows(
                self.db.execute(
                    f"SELECT id, text, published, outlet, duplicate_of, stored_at FROM documents"
                    f" WHERE id IN ({marks})",
                    list(part),
                )
            )
        return sorted(out, key=lambda r: position[r["id"]])

    def fingerprint_candidates(self, bands: Iterable[str], exclude: Sequence[str] = ()) -> list[Fingerprint]:
        """Stored fingerprints sharing at least one band key (the LSH candidates)."""
        keys = sorted(set(bands))
        ids: set[str] = set()
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            ids.update(
                r[0]
                for r in self.db.execute(
                    f"SELECT doc_id FROM fingerprint_bands WHERE band IN ({marks})", part
                )
            )
        ids -= set(exclude)
        out = []
        for part in _chunks(sorted(ids)):
            marks = ",".join("?" * len(part))
            for doc_id, sig, shingles in self.db.execute(
                f"SELECT doc_id, signature, shingles FROM fingerprints WHERE doc_id IN ({marks})", part
            ):
                out.append(Fingerprint(doc_id, bytes(sig), int(shingles), ()))
        return out

    def save_fingerprints(self, prints: Sequence[Fingerprint], extractor: str) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO fingerprints (doc_id, signature, shingles, extractor) VALUES (?, ?, ?, ?)",
                [(f.doc_id, f.signature, f.shingles, extractor) for f in prints],
            )
            db.executemany(
                "INSERT OR IGNORE INTO fingerprint_bands (band, doc_id) VALUES (?, ?)",
                [(b, f.doc_id) for f in prints for b in f.bands],
            )

    def set_duplicate_of(self, pairs: dict[str, str]) -> None:
        """Mark documents as copies of their originals (an original is never itself a copy)."""
        with self._transaction() as db:
            for doc_id, original in pairs.items():
                row = db.execute("SELECT duplicate_of FROM documents WHERE id = ?", (original,)).fetchone()
                root = row[0] if row and row[0] else original
                if root != doc_id:
                    db.execute("UPDATE documents SET duplicate_of = ? WHERE id = ?", (root, doc_id))

    # -- events and clusters -------------------------------------------------------------------
    _VIEW = (
        "SELECT e.id, e.doc_id, e.event_type, e.sub_event_type, e.actor1, e.actor2, e.place, e.place_id,"
        " e.admin1, e.lat, e.lon, e.geo_precision, e.date_start, e.date_end, e.time_precision,"
        " e.fatalities_low, e.fatalities_best, e.fatalities_high, e.confidence, e.cluster_id,"
        " d.published, d.outlet, d.duplicate_of, p.feature,"
        " (SELECT o.outlet FROM documents o WHERE o.id = d.duplicate_of) AS original_outlet,"
        " (SELECT group_concat(DISTINCT c.outlet) FROM documents c WHERE c.duplicate_of = d.id) AS copy_outlets,"
        " (SELECT coalesce(cl.speaker_name, cl.speaker) FROM claims cl"
        "  WHERE cl.doc_id = e.doc_id AND cl.claim_id = e.reported_by LIMIT 1) AS claimant"
        " FROM events e JOIN documents d ON d.id = e.doc_id LEFT JOIN places p ON p.id = e.place_id"
    )

    def _views(self, where: str, params: Sequence[Any], party: Any) -> list[tuple[EventView, str | None]]:
        out = []
        for r in _rows(self.db.execute(f"{self._VIEW} WHERE e.modality IS NULL AND {where}", list(params))):
            # Wire copies and forwards count once: by the original's outlet (or id when unknown).
            root_outlet = r["original_outlet"] if r["duplicate_of"] else r["outlet"]
            key = (root_outlet or r["duplicate_of"] or r["doc_id"]).casefold()
            outlets = {o for o in [r["outlet"], *(r["copy_outlets"] or "").split(",")] if o}
            fat = (r["fatalities_low"], r["fatalities_best"], r["fatalities_high"])
            view = EventView(
                id=r["id"], doc_id=r["doc_id"], event_type=r["event_type"], sub_event_type=r["sub_event_type"],
                actor1=r["actor1"], actor2=r["actor2"], place=r["place"], place_id=r["place_id"],
                admin1=r["admin1"], lat=r["lat"], lon=r["lon"], geo_precision=r["geo_precision"],
                date_start=r["date_start"], date_end=r["date_end"], time_precision=r["time_precision"],
                fatalities=fat if any(v is not None for v in fat) else None, feature=r["feature"],
                published=r["published"],
                outlets=tuple(sorted(outlets)), independent_key=key,
                claimed_by_party=bool(r["claimant"]) and party(r["claimant"]), confidence=r["confidence"],
            )  # fmt: skip
            out.append((view, r["cluster_id"]))
        return out

    def events_to_link(self, doc_ids: Sequence[str], party: Any) -> list[EventView]:
        """Counted events (no modality) of these documents that are in no cluster yet."""
        out: list[EventView] = []
        for part in _chunks(list(doc_ids)):
            marks = ",".join("?" * len(part))
            # coalesce() keeps the planner on the document index (an IS NULL test would walk the
            # cluster index over every event never clustered); it reads the same on PostgreSQL.
            where = f"coalesce(e.cluster_id, '') = '' AND e.doc_id IN ({marks})"
            out += [v for v, _ in self._views(where, part, party)]
        return out

    def candidate_clusters(self, events: Sequence[EventView], party: Any) -> list[Cluster]:
        """Stored clusters that could hold any of ``events``: same event type, in the event's grid cell
        or a neighbour, with dates within the widest fusion window."""
        ids: set[str] = set()
        for e in events:
            if e.lat is None or e.lon is None or not e.date_start or not e.date_end:
                continue
            widen = timedelta(days=WIDEN_DAYS.get(e.time_precision or 3, WIDEN_DAYS[3]) + WIDEN_DAYS[3])
            lo = (date.fromisoformat(e.date_start) - widen).isoformat()
            hi = (date.fromisoformat(e.date_end) + widen).isoformat()
            cells = neighbour_cells(e.lat, e.lon)
            marks = ",".join("?" * len(cells))
            ids.update(
                r[0]
                for r in self.db.execute(
                    f"SELECT id FROM clusters WHERE event_type = ? AND cell IN ({marks})"
                    " AND date_end >= ? AND date_start <= ?",
                    (e.event_type, *cells, lo, hi),
                )
            )
        return self.load_clusters(sorted(ids), party)

    def load_clusters(self, ids: Sequence[str], party: Any) -> list[Cluster]:
        members: dict[str, list[EventView]] = {i: [] for i in ids}
        for part in _chunks(list(ids)):
            marks = ",".join("?" * len(part))
            for view, cid in self._views(f"e.cluster_id IN ({marks})", part, party):
                if cid is not None:
                    members[cid].append(view)
        return [Cluster(cid, m) for cid, m in members.items()]

    def stale_clusters(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM stale_clusters ORDER BY id")]

    def save_clusters(self, fused: Sequence[EventCluster], dropped: Sequence[str] = ()) -> None:
        """Write fused clusters and point their member events at them; drop emptied clusters."""
        with self._transaction() as db:
            for cid in dropped:
                db.execute("DELETE FROM clusters WHERE id = ?", (cid,))
                db.execute("DELETE FROM stale_clusters WHERE id = ?", (cid,))
            for c in fused:
                start, _, end = (c.date or "/").partition("/")
                fat = c.fatalities or {}
                db.execute(
                    "INSERT OR REPLACE INTO clusters (id, event_type, sub_event_type, place, place_id, lat, lon,"
                    " geo_precision, date, date_start, date_end, time_precision, fatalities_low, fatalities_best,"
                    " fatalities_high, corroboration, claimed_only, first_reported, n_events, outlets_json,"
                    " documents_json, events_json, disagreements_json, extractor, cell)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (c.id, c.event_type, c.sub_event_type, c.place, c.place_id, c.lat, c.lon, c.geo_precision,
                     c.date, start or None, end or None, c.time_precision, fat.get("low"), fat.get("best"),
                     fat.get("high"), c.corroboration, int(c.claimed_only), c.first_reported, len(c.events),
                     json.dumps(c.outlets), json.dumps(c.documents), json.dumps(c.events),
                     json.dumps(c.disagreements, ensure_ascii=False), c.extractor,
                     cell(c.lat, c.lon) if c.lat is not None and c.lon is not None else None),
                )  # fmt: skip
                for part in _chunks(c.events):
                    marks = ",".join("?" * len(part))
                    db.execute(f"UPDATE events SET cluster_id = ? WHERE id IN ({marks})", [c.id, *part])
                db.execute("DELETE FROM stale_clusters WHERE id = ?", (c.id,))

    def clusters(
        self,
        place: str | None = None,
        type_: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_sources: int = 1,
        limit: int = 100,
        offset: int = 0,
        *,
        doc_id: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        """Fused events, in date order (or ``sort``: sources, first_reported), most corroborated first."""
        from frontwire.store.sqlite import _order

        where: list[str] = ["corroboration >= ?"]
        params: list[Any] = [min_sources]
        if place:
            where.append(
                "(fw_fold(place) = ? OR place_id IN (SELECT id FROM places WHERE fw_fold(admin1) = ?))"
            )
            params += [place.strip().casefold()] * 2
        if type_:
            where.append("(fw_fold(event_type) = ? OR fw_fold(sub_event_type) = ?)")
            params += [type_.strip().casefold()] * 2
        if since:
            where.append("date_end >= ?")
            params.append(since)
        if until:
            where.append("date_start <= ?")
            params.append(until)
        if doc_id:
            where.append("id IN (SELECT cluster_id FROM events WHERE doc_id = ?)")
            params.append(doc_id)
        sql = (
            "SELECT * FROM clusters WHERE "
            + " AND ".join(where)
            + _order("clusters", sort)
            + " LIMIT ? OFFSET ?"
        )
        out = []
        for r in _rows(self.db.execute(sql, [*params, limit, offset])):
            fat = {k: r.pop(f"fatalities_{k}") for k in ("low", "best", "high")}
            r["fatalities"] = fat if any(v is not None for v in fat.values()) else None
            for key in ("outlets", "documents", "events", "disagreements"):
                r[key] = json.loads(r.pop(f"{key}_json"))
            r["claimed_only"] = bool(r["claimed_only"])
            out.append(r)
        return out

    # -- claims and contradictions --------------------------------------------------------------
    def save_claim_facts(self, facts: Sequence[Any]) -> None:
        """Store each claim's comparable facts (frontwire.link.contradictions.ClaimFacts as JSON)."""
        # A claim given twice keeps its last facts and their places (as one row at a time would).
        last = {(f.doc_id, f.claim_id): f for f in facts}
        with self._transaction() as db:
            # to_json is asdict's JSON without its deep copy of every value.
            db.executemany(
                "INSERT OR REPLACE INTO claim_facts (doc_id, claim_id, date, facts_json) VALUES (?, ?, ?, ?)",
                [(f.doc_id, f.claim_id, f.date, json.dumps(f.to_json(), ensure_ascii=False)) for f in facts],
            )
            db.executemany("DELETE FROM claim_fact_places WHERE doc_id = ? AND claim_id = ?", list(last))
            db.executemany(
                "INSERT OR IGNORE INTO claim_fact_places (place, doc_id, claim_id) VALUES (?, ?, ?)",
                [(k, f.doc_id, f.claim_id) for f in last.values() for k in sorted(f.place_keys())],
            )

    def claim_fact_candidates(
        self, places: Iterable[str], since: str | None, until: str | None, exclude_docs: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Stored claim facts about any of these places (ids or case-folded names) in the date window."""
        keys = sorted(set(places))
        out: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        excluded = set(exclude_docs)
        window, bounds = claim_date_window(since, until)
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            sql = (
                "SELECT DISTINCT f.doc_id, f.claim_id, f.facts_json FROM claim_fact_places p"
                " JOIN claim_facts f ON f.doc_id = p.doc_id AND f.claim_id = p.claim_id"
                f" WHERE p.place IN ({marks})" + window
            )
            for doc_id, claim_id, data in self.db.execute(sql, [*part, *bounds]):
                if doc_id in excluded or (doc_id, claim_id) in seen:
                    continue
                seen.add((doc_id, claim_id))
                out.append(json.loads(data))
        return out

    def save_contradictions(self, found: Sequence[Contradiction]) -> None:
        from dataclasses import asdict

        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO contradictions (id, kind, a_doc, a_claim, b_doc, b_claim, place,"
                " explanation, confidence, extractor, record_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.id, c.kind, c.a.doc_id, c.a.claim_id, c.b.doc_id, c.b.claim_id, c.place, c.explanation,
                     c.confidence, c.extractor, json.dumps(asdict(c), ensure_ascii=False))
                    for c in found
                ],
            )  # fmt: skip

    def contradictions(
        self,
        place: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        kind: str | None = None,
        sort: str | None = None,
    ) -> list[Row]:
        from frontwire.store.sqlite import _order

        where: list[str] = []
        params: list[Any] = []
        if place:
            where.append("fw_fold(place) = ?")
            params.append(place.strip().casefold())
        if doc_id:
            where.append("(a_doc = ? OR b_doc = ?)")
            params += [doc_id, doc_id]
        if kind:
            where.append("kind = ?")
            params.append(kind.strip().casefold())
        sql = (
            "SELECT record_json FROM contradictions" + (" WHERE " + " AND ".join(where) if where else "")
            + _order("contradictions", sort) + " LIMIT ? OFFSET ?"
        )  # fmt: skip
        return [json.loads(data) for (data,) in self.db.execute(sql, [*params, limit, offset])]
