"""Versioned schema migrations for the SQLite store; each runs once, in one transaction, and is recorded."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from frontwire.errors import MigrationError

# A migration returns its SQL script; migrate() runs it inside one transaction with its record.
Migration = Callable[[], str]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration; names sort in the order they must run."""

    def register(func: Migration) -> Migration:
        MIGRATIONS.append((name, func))
        return func

    return register


@migration("m001_documents")
def m001_documents() -> str:
    return """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            url TEXT,
            canonical_url TEXT,
            outlet TEXT,
            title TEXT,
            author TEXT,
            section TEXT,
            published TEXT,
            published_source TEXT,
            language TEXT,
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            raw_sha256 TEXT,
            fetched_at TEXT,
            duplicate_of TEXT REFERENCES documents(id),
            extractor TEXT,
            boilerplate_json TEXT NOT NULL DEFAULT '[]',
            errors_json TEXT NOT NULL DEFAULT '[]',
            stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX documents_raw ON documents(raw_sha256);
        CREATE INDEX documents_text ON documents(text_sha256);
        CREATE INDEX documents_published ON documents(published);

        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL
        );
        CREATE INDEX entities_type ON entities(type, name);
        CREATE TABLE entity_aliases (
            entity_id TEXT NOT NULL REFERENCES entities(id),
            alias TEXT NOT NULL,
            PRIMARY KEY (entity_id, alias)
        );

        CREATE TABLE mentions (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            entity_id TEXT NOT NULL REFERENCES entities(id),
            type TEXT NOT NULL,
            role TEXT,
            extractor TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (doc_id, start, end, extractor)
        );
        CREATE INDEX mentions_entity ON mentions(entity_id);

        CREATE TABLE skips (
            source TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            message TEXT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );

        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        END;
        """


@migration("m002_claims_times_places")
def m002_claims_times_places() -> str:
    return """
        CREATE TABLE claims (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER,
            speaker_name TEXT,
            speaker_entity_id TEXT,
            cue TEXT NOT NULL,
            cue_start INTEGER NOT NULL,
            cue_end INTEGER NOT NULL,
            direct INTEGER NOT NULL,
            stance TEXT NOT NULL CHECK (stance IN ('asserted', 'hedged', 'denied')),
            content TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            said_on TEXT,
            parent TEXT,
            extractor TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (doc_id, claim_id, extractor)
        );
        CREATE INDEX claims_speaker ON claims(speaker_name);
        CREATE INDEX claims_stance ON claims(stance);

        CREATE TABLE times (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            type TEXT NOT NULL,
            value TEXT,
            precision TEXT,
            anchor TEXT,
            timex3 TEXT,
            extractor TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (doc_id, start, end, extractor)
        );

        CREATE TABLE places (
            id TEXT PRIMARY KEY,
            name TEXT,
            country TEXT,
            admin1 TEXT,
            lat REAL,
            lon REAL,
            feature TEXT
        );
        CREATE TABLE place_mentions (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            place_id TEXT REFERENCES places(id),
            precision INTEGER,
            extractor TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (doc_id, start, end, extractor)
        );
        CREATE INDEX place_mentions_place ON place_mentions(place_id);

        -- Seam for the events issue: coded events are stored as JSON until their schema lands.
        CREATE TABLE events (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            event_json TEXT NOT NULL,
            PRIMARY KEY (doc_id, seq)
        );
        """


@migration("m003_events")
def m003_events() -> str:
    # The m002 seam held one JSON blob per event; no released data used it, and its rows predate the
    # Event record, so it is replaced, not converted (reprocess a document to code its events).
    # One column per Event field; fatalities as three columns; the interval also split into its
    # start and end days so that period queries can use an index.
    return """
        DROP TABLE events;
        CREATE TABLE events (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL,
            plover_type TEXT,
            plover_mode TEXT,
            actor1 TEXT,
            actor2 TEXT,
            target TEXT,
            place TEXT,
            place_id TEXT REFERENCES places(id),
            country TEXT,
            admin1 TEXT,
            lat REAL,
            lon REAL,
            geo_precision INTEGER CHECK (geo_precision IS NULL OR geo_precision IN (1, 2, 3)),
            date TEXT,
            date_start TEXT,
            date_end TEXT,
            time_precision INTEGER CHECK (time_precision IS NULL OR time_precision IN (1, 2, 3)),
            date_from_published INTEGER NOT NULL CHECK (date_from_published IN (0, 1)),
            fatalities_low INTEGER CHECK (fatalities_low IS NULL OR fatalities_low >= 0),
            fatalities_best INTEGER CHECK (fatalities_best IS NULL OR fatalities_best >= 0),
            fatalities_high INTEGER CHECK (fatalities_high IS NULL OR fatalities_high >= 0),
            reported_by TEXT,
            stance TEXT CHECK (stance IS NULL OR stance IN ('asserted', 'hedged', 'denied')),
            evidence TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            "trigger" TEXT,
            modality TEXT,
            extractor TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX events_date ON events(date_start, date_end);
        CREATE INDEX events_date_end ON events(date_end);
        CREATE INDEX events_place ON events(place_id);
        CREATE INDEX events_type ON events(event_type, sub_event_type);
        CREATE INDEX events_doc ON events(doc_id, seq);
        """


@migration("m004_link")
def m004_link() -> str:
    # Cross-document records (frontwire/link): near-duplicate fingerprints with their LSH band keys,
    # event clusters (members point at them through events.cluster_id), claim facts and the
    # contradictions found between them. A deleted event (its document replaced) marks its cluster
    # stale through a trigger, so the next link step refuses or drops it without scanning events.
    return """
        ALTER TABLE events ADD COLUMN cluster_id TEXT;
        CREATE INDEX events_cluster ON events(cluster_id);
        CREATE INDEX documents_duplicate_of ON documents(duplicate_of);

        CREATE TABLE fingerprints (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            signature BLOB NOT NULL,
            shingles INTEGER NOT NULL,
            extractor TEXT NOT NULL
        );
        CREATE TABLE fingerprint_bands (
            band TEXT NOT NULL,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            PRIMARY KEY (band, doc_id)
        ) WITHOUT ROWID;
        CREATE INDEX fingerprint_bands_doc ON fingerprint_bands(doc_id);

        CREATE TABLE clusters (
            id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL,
            place TEXT,
            place_id TEXT,
            lat REAL,
            lon REAL,
            geo_precision INTEGER,
            date TEXT,
            date_start TEXT,
            date_end TEXT,
            time_precision INTEGER,
            fatalities_low INTEGER,
            fatalities_best INTEGER,
            fatalities_high INTEGER,
            corroboration INTEGER NOT NULL,
            claimed_only INTEGER NOT NULL CHECK (claimed_only IN (0, 1)),
            first_reported TEXT,
            n_events INTEGER NOT NULL,
            outlets_json TEXT NOT NULL,
            documents_json TEXT NOT NULL,
            events_json TEXT NOT NULL,
            disagreements_json TEXT NOT NULL,
            extractor TEXT NOT NULL
        );
        CREATE INDEX clusters_match ON clusters(event_type, date_end, date_start);
        CREATE INDEX clusters_place ON clusters(place_id);
        CREATE INDEX clusters_date ON clusters(date_start);
        CREATE TABLE stale_clusters (id TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TRIGGER events_leave_cluster AFTER DELETE ON events WHEN old.cluster_id IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO stale_clusters(id) VALUES (old.cluster_id);
        END;

        CREATE TABLE claim_facts (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL,
            date TEXT,
            facts_json TEXT NOT NULL,
            PRIMARY KEY (doc_id, claim_id)
        );
        CREATE INDEX claim_facts_date ON claim_facts(date);
        CREATE TABLE claim_fact_places (
            place TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            claim_id TEXT NOT NULL,
            PRIMARY KEY (place, doc_id, claim_id),
            FOREIGN KEY (doc_id, claim_id) REFERENCES claim_facts(doc_id, claim_id) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE contradictions (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            a_doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            a_claim TEXT NOT NULL,
            b_doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            b_claim TEXT NOT NULL,
            place TEXT,
            explanation TEXT NOT NULL,
            confidence REAL NOT NULL,
            extractor TEXT NOT NULL,
            record_json TEXT NOT NULL
        );
        CREATE INDEX contradictions_a ON contradictions(a_doc);
        CREATE INDEX contradictions_b ON contradictions(b_doc);
        CREATE INDEX contradictions_place ON contradictions(place);
        """


@migration("m005_versions")
def m005_versions() -> str:
    # Extractions keyed by document and extractor version (DESIGN section 5): the version of every
    # pipeline stage a document was made with. Documents stored before this migration have none,
    # so ``run --reprocess-stale`` counts them as stale (their versions are not known).
    return """
        CREATE TABLE document_versions (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            stage TEXT NOT NULL,
            extractor TEXT NOT NULL,
            PRIMARY KEY (doc_id, stage)
        ) WITHOUT ROWID;
        """


@migration("m006_query_indexes")
def m006_query_indexes() -> str:
    # Read indexes for the API's pages at scale (issue 10): each default ORDER BY served by an index
    # walk that stops at the page's end (events by date, alone or within a type; documents newest
    # first, then their claims in order), and the place filter as index lookups on the raw names:
    # place_names holds every distinct spelling of a place name or region (kept by the triggers),
    # so a query folds a few names instead of every row. ``plain``: printable ASCII only, where
    # fw_fold() and NOCASE agree. A spelling is never removed (a stale one matches no row).
    return """
        CREATE INDEX events_order ON events(date_start, doc_id, start, seq, date_end);
        CREATE INDEX events_type_order ON events(event_type, date_start, doc_id, start, seq, date_end);
        CREATE INDEX events_place_name ON events(place);
        CREATE INDEX events_admin1 ON events(admin1);
        CREATE INDEX places_name ON places(name);
        CREATE INDEX places_admin1 ON places(admin1);
        CREATE INDEX documents_order ON documents(published DESC, id);
        CREATE INDEX claims_order ON claims(doc_id, start, claim_id, extractor);

        CREATE TABLE place_names (
            name TEXT PRIMARY KEY,
            plain INTEGER NOT NULL CHECK (plain IN (0, 1))
        ) WITHOUT ROWID;
        CREATE INDEX place_names_plain ON place_names(plain, name COLLATE NOCASE);
        INSERT OR IGNORE INTO place_names (name, plain)
            SELECT name, name NOT GLOB '*[^ -~]*' FROM (
                SELECT place AS name FROM events UNION SELECT admin1 FROM events
                UNION SELECT name FROM places UNION SELECT admin1 FROM places
            ) WHERE name IS NOT NULL;
        CREATE TRIGGER place_names_events AFTER INSERT ON events BEGIN
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.place, new.place NOT GLOB '*[^ -~]*' WHERE new.place IS NOT NULL;
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.admin1, new.admin1 NOT GLOB '*[^ -~]*' WHERE new.admin1 IS NOT NULL;
        END;
        CREATE TRIGGER place_names_events_update AFTER UPDATE OF place, admin1 ON events BEGIN
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.place, new.place NOT GLOB '*[^ -~]*' WHERE new.place IS NOT NULL;
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.admin1, new.admin1 NOT GLOB '*[^ -~]*' WHERE new.admin1 IS NOT NULL;
        END;
        CREATE TRIGGER place_names_places AFTER INSERT ON places BEGIN
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.name, new.name NOT GLOB '*[^ -~]*' WHERE new.name IS NOT NULL;
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.admin1, new.admin1 NOT GLOB '*[^ -~]*' WHERE new.admin1 IS NOT NULL;
        END;
        CREATE TRIGGER place_names_places_update AFTER UPDATE OF name, admin1 ON places BEGIN
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.name, new.name NOT GLOB '*[^ -~]*' WHERE new.name IS NOT NULL;
            INSERT OR IGNORE INTO place_names (name, plain)
                SELECT new.admin1, new.admin1 NOT GLOB '*[^ -~]*' WHERE new.admin1 IS NOT NULL;
        END;
        """


@migration("m007_link_indexes")
def m007_link_indexes() -> str:
    # The link step at scale: a cluster's member events are updated by event id, a claim's places
    # replaced by claim, and candidate clusters looked up by type and grid cell (about 1.5 x 3
    # degrees, computed on write) with the date range, instead of a type-wide date range scan.
    return """
        CREATE INDEX events_id ON events(id);
        CREATE INDEX claim_fact_places_claim ON claim_fact_places(doc_id, claim_id);
        ALTER TABLE clusters ADD COLUMN cell INTEGER;
        CREATE INDEX clusters_cell ON clusters(event_type, cell, date_end, date_start);
        """


@migration("m008_query_summaries")
def m008_query_summaries() -> str:
    # A store of 100,000 documents (issue 13). Per-entity and per-place counts kept by the writer
    # (frontwire/store/summaries.py), filled here from the stored rows, so that entities and places
    # with no mention-level filter read one row each instead of grouping millions of mentions.
    # speaker_names: every distinct spelling of a claim's speaker and speaker name with its
    # case folding (written with the claims), so that claims --speaker folds the few spellings and
    # then finds the claims through the speaker indexes. Counts are WITHOUT ROWID tables keyed by
    # entity or place, so that one entity's counts share a page.
    from frontwire.store.summaries import backfill_sql

    return """
        CREATE TABLE entity_stats (
            entity_id TEXT PRIMARY KEY,
            mentions INTEGER NOT NULL,
            documents INTEGER NOT NULL,
            first_published TEXT,
            last_published TEXT
        ) WITHOUT ROWID;
        CREATE TABLE entity_roles (
            entity_id TEXT NOT NULL, role TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (entity_id, role)
        ) WITHOUT ROWID;
        CREATE TABLE entity_outlets (
            entity_id TEXT NOT NULL, outlet TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (entity_id, outlet)
        ) WITHOUT ROWID;
        CREATE TABLE entity_days (
            entity_id TEXT NOT NULL, published TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (entity_id, published)
        ) WITHOUT ROWID;
        CREATE TABLE place_stats (
            place_id TEXT PRIMARY KEY,
            mentions INTEGER NOT NULL,
            documents INTEGER NOT NULL,
            first_published TEXT,
            last_published TEXT
        ) WITHOUT ROWID;
        CREATE TABLE place_outlets (
            place_id TEXT NOT NULL, outlet TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (place_id, outlet)
        ) WITHOUT ROWID;
        CREATE TABLE place_days (
            place_id TEXT NOT NULL, published TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (place_id, published)
        ) WITHOUT ROWID;

        CREATE TABLE speaker_names (name TEXT PRIMARY KEY, folded TEXT NOT NULL) WITHOUT ROWID;
        INSERT OR IGNORE INTO speaker_names (name, folded)
            SELECT name, fw_fold(name) FROM (SELECT speaker AS name FROM claims UNION SELECT speaker_name FROM claims)
            WHERE name IS NOT NULL;
        CREATE INDEX claims_speaker_text ON claims(speaker);
        """ + backfill_sql()


@migration("m009_speaker_days")
def m009_speaker_days() -> str:
    # Claims per speaker spelling and publication day (kept by the writer, summaries.py): claims
    # --speaker newest first walks only the days that hold the page's matches (the copies of one
    # article share its date; a speaker's claims cluster in time).
    from frontwire.store.summaries import SPEAKER_DAYS_BACKFILL

    return (
        """
        CREATE TABLE speaker_days (
            name TEXT NOT NULL,
            published TEXT NOT NULL,
            as_name INTEGER NOT NULL,
            as_speaker INTEGER NOT NULL,
            PRIMARY KEY (name, published)
        ) WITHOUT ROWID;
        """
        + SPEAKER_DAYS_BACKFILL
    )


@migration("m010_query_keys")
def m010_query_keys() -> str:
    # Every query command at 100,000 documents (issue 13). The per-day summaries (summaries.py)
    # made again with the day's mentions, with per-day roles and outlets: entities and places
    # --since/--until read the days of the period instead of grouping their mentions; place_texts:
    # place mentions per text spelling and place, so places --name finds the places some spelling
    # names. title_key: the title's case folding (written by the writer), indexed with the id, so
    # documents --sort title reads the page from an index. outlet_names: every outlet spelling with
    # its folding, so --outlet matches a few spellings (none: no row is read) through
    # documents_outlet. speaker_names_folded: claims --sort speaker walks the spellings in order.
    from frontwire.store.summaries import day_summaries_sql

    return (
        day_summaries_sql("TEXT", " WITHOUT ROWID")
        + """
        ALTER TABLE documents ADD COLUMN title_key TEXT;
        UPDATE documents SET title_key = fw_fold(title) WHERE title IS NOT NULL;
        CREATE INDEX documents_title ON documents(title_key, id);
        CREATE INDEX documents_outlet ON documents(outlet);
        CREATE TABLE outlet_names (name TEXT PRIMARY KEY, folded TEXT NOT NULL) WITHOUT ROWID;
        INSERT INTO outlet_names (name, folded)
            SELECT DISTINCT outlet, fw_fold(outlet) FROM documents WHERE outlet IS NOT NULL;
        CREATE INDEX speaker_names_folded ON speaker_names(folded);
        """
    )


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply pending migrations in order; returns the names applied now.

    Safe when several processes open one fresh file at once: each migration claims its row in
    ``migrations`` inside the same ``BEGIN IMMEDIATE`` transaction that applies it, so a second
    process waits for the write lock, finds the row taken and skips that migration.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
    )
    done = {row[0] for row in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, func in sorted(MIGRATIONS):
        if name in done:
            continue
        if not re.fullmatch(r"m\d{3}_\w+", name):
            raise MigrationError(f"migration name {name!r} is not of the form m000_name")
        try:
            # executescript leaves the explicit transaction open, so the claim and the schema
            # change commit together; the claim fails at once if another process applied it.
            db.executescript(f"BEGIN IMMEDIATE;\nINSERT INTO migrations(name) VALUES ('{name}');\n" + func())
            db.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                continue  # applied by a concurrent process while this one waited for the lock
            raise MigrationError(f"migration {name} failed: {exc}") from exc
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise MigrationError(f"migration {name} failed: {exc}") from exc
        applied.append(name)
    return applied
