"""Versioned schema migrations of the PostgreSQL store: the SQLite schema (migrations.py) in
PostgreSQL types, under the same migration names, each run once in one transaction and recorded.

Text columns are ``COLLATE "C"``: comparisons and orders are by code point, as SQLite's BINARY
collation, whatever the database's locale. SQLite's functions the shared queries use exist here
too: ``fw_fold`` (Unicode case folding, through ICU when the server has it), ``instr`` and
``group_concat``. Full-text search is a ``tsvector`` of the title (weight A) and the body (D),
tokenised as FTS5's ``unicode61 remove_diacritics 2`` does (letters and digits, lower case, Latin
diacritics removed: frontwire/store/fts.py, in the writer, so the server only stores it), with a
GIN index; ``fw_tsq`` and ``fw_near`` build the queries.
"""

from __future__ import annotations

from collections.abc import Callable

# A migration gets whether the server has ICU's root collation and returns its SQL.
PgMigration = Callable[[bool], str]
PG_MIGRATIONS: list[tuple[str, PgMigration]] = []

T = 'TEXT COLLATE "C"'


def _migration(name: str) -> Callable[[PgMigration], PgMigration]:
    def register(func: PgMigration) -> PgMigration:
        PG_MIGRATIONS.append((name, func))
        return func

    return register


def _functions(icu: bool) -> str:
    uni = ' COLLATE "und-x-icu"' if icu else ""
    return rf"""
        CREATE OR REPLACE FUNCTION fw_fold(x text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT replace(replace(replace(lower(x{uni}), 'ς', 'σ'), 'ß', 'ss'), 'ſ', 's') $$;
        CREATE OR REPLACE FUNCTION instr(a text, b text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT strpos(a, b) $$;
        CREATE OR REPLACE FUNCTION fw_concat(acc text, x text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x ELSE acc || ',' || x END $$;
        CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = fw_concat, STYPE = text);
        CREATE OR REPLACE FUNCTION fw_now() RETURNS text LANGUAGE sql VOLATILE
            AS $$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;
        -- One phrase of a query: its words (frontwire.store.fts.tokens) in order, the last one a
        -- prefix when asked, restricted to the weights given ('' for all). Lexemes are taken as
        -- given (a cast, no dictionary), as the stored tsvector's are.
        CREATE OR REPLACE FUNCTION fw_tsq(words text[], weights text, prefix boolean) RETURNS tsquery
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT coalesce(string_agg(quote_literal(w) || CASE
                       WHEN prefix AND n = cardinality(words) THEN ':*' || weights
                       WHEN weights <> '' THEN ':' || weights ELSE '' END, ' <-> ' ORDER BY n), '')::tsquery
            FROM unnest(words) WITH ORDINALITY AS t(w, n)
        $$;
        -- a and b within n tokens of each other, in either order (FTS5's NEAR).
        CREATE OR REPLACE FUNCTION fw_near(a tsquery, b tsquery, n integer) RETURNS tsquery
            LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            DECLARE q tsquery := tsquery_phrase(a, b, 1) || tsquery_phrase(b, a, 1);
            BEGIN
                FOR k IN 2..n + 1 LOOP
                    q := q || tsquery_phrase(a, b, k) || tsquery_phrase(b, a, k);
                END LOOP;
                RETURN q;
            END $$;
    """


@_migration("m001_documents")
def m001_documents(icu: bool) -> str:
    return (
        _functions(icu)
        + f"""
        CREATE TABLE documents (
            id {T} PRIMARY KEY,
            source {T} NOT NULL,
            url {T},
            canonical_url {T},
            outlet {T},
            title {T},
            author {T},
            section {T},
            published {T},
            published_source {T},
            language {T},
            text {T} NOT NULL,
            text_sha256 {T} NOT NULL,
            raw_sha256 {T},
            fetched_at {T},
            duplicate_of {T} REFERENCES documents(id) DEFERRABLE INITIALLY DEFERRED,
            extractor {T},
            boilerplate_json {T} NOT NULL DEFAULT '[]',
            errors_json {T} NOT NULL DEFAULT '[]',
            stored_at {T} NOT NULL DEFAULT fw_now(),
            -- SQLite's rowid: the order rows were written in.
            seq BIGINT GENERATED ALWAYS AS IDENTITY,
            -- The title's words (weight A) and the body's, made by the writer (fts.tsvector).
            tsv tsvector NOT NULL DEFAULT ''
        );
        CREATE INDEX documents_raw ON documents(raw_sha256);
        CREATE INDEX documents_text ON documents(text_sha256, seq);
        CREATE INDEX documents_published ON documents(published);
        CREATE INDEX documents_fts ON documents USING gin(tsv);

        CREATE TABLE entities (
            id {T} PRIMARY KEY,
            name {T} NOT NULL,
            type {T} NOT NULL
        );
        CREATE INDEX entities_type ON entities(type, name);
        CREATE TABLE entity_aliases (
            entity_id {T} NOT NULL REFERENCES entities(id),
            alias {T} NOT NULL,
            PRIMARY KEY (entity_id, alias)
        );

        CREATE TABLE mentions (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text {T} NOT NULL,
            entity_id {T} NOT NULL REFERENCES entities(id),
            type {T} NOT NULL,
            role {T},
            extractor {T} NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (doc_id, start, "end", extractor)
        );
        CREATE INDEX mentions_entity ON mentions(entity_id);

        CREATE TABLE skips (
            source {T} PRIMARY KEY,
            reason {T} NOT NULL,
            message {T},
            at {T} NOT NULL DEFAULT fw_now()
        );
        """
    )


@_migration("m002_claims_times_places")
def m002_claims_times_places(icu: bool) -> str:
    return f"""
        CREATE TABLE claims (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            claim_id {T} NOT NULL,
            speaker {T},
            speaker_start INTEGER,
            speaker_end INTEGER,
            speaker_name {T},
            speaker_entity_id {T},
            cue {T} NOT NULL,
            cue_start INTEGER NOT NULL,
            cue_end INTEGER NOT NULL,
            direct INTEGER NOT NULL,
            stance {T} NOT NULL CHECK (stance IN ('asserted', 'hedged', 'denied')),
            content {T} NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            said_on {T},
            parent {T},
            extractor {T} NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (doc_id, claim_id, extractor)
        );
        CREATE INDEX claims_speaker ON claims(speaker_name);
        CREATE INDEX claims_stance ON claims(stance);

        CREATE TABLE times (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text {T} NOT NULL,
            type {T} NOT NULL,
            value {T},
            precision {T},
            anchor {T},
            timex3 {T},
            extractor {T} NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (doc_id, start, "end", extractor)
        );

        CREATE TABLE places (
            id {T} PRIMARY KEY,
            name {T},
            country {T},
            admin1 {T},
            lat DOUBLE PRECISION,
            lon DOUBLE PRECISION,
            feature {T}
        );
        CREATE TABLE place_mentions (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text {T} NOT NULL,
            place_id {T} REFERENCES places(id),
            precision INTEGER,
            extractor {T} NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (doc_id, start, "end", extractor)
        );
        CREATE INDEX place_mentions_place ON place_mentions(place_id);
        """


@_migration("m003_events")
def m003_events(icu: bool) -> str:
    # SQLite's m002 had a JSON seam that m003 replaced; PostgreSQL starts with the events table.
    return f"""
        CREATE TABLE events (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            id {T} NOT NULL,
            seq INTEGER NOT NULL,
            event_type {T} NOT NULL,
            sub_event_type {T} NOT NULL,
            plover_type {T},
            plover_mode {T},
            actor1 {T},
            actor2 {T},
            target {T},
            place {T},
            place_id {T} REFERENCES places(id),
            country {T},
            admin1 {T},
            lat DOUBLE PRECISION,
            lon DOUBLE PRECISION,
            geo_precision INTEGER CHECK (geo_precision IS NULL OR geo_precision IN (1, 2, 3)),
            date {T},
            date_start {T},
            date_end {T},
            time_precision INTEGER CHECK (time_precision IS NULL OR time_precision IN (1, 2, 3)),
            date_from_published INTEGER NOT NULL CHECK (date_from_published IN (0, 1)),
            fatalities_low BIGINT CHECK (fatalities_low IS NULL OR fatalities_low >= 0),
            fatalities_best BIGINT CHECK (fatalities_best IS NULL OR fatalities_best >= 0),
            fatalities_high BIGINT CHECK (fatalities_high IS NULL OR fatalities_high >= 0),
            reported_by {T},
            stance {T} CHECK (stance IS NULL OR stance IN ('asserted', 'hedged', 'denied')),
            evidence {T} NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            "trigger" {T},
            modality {T},
            extractor {T} NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (doc_id, id)
        );
        CREATE INDEX events_date ON events(date_start, date_end);
        CREATE INDEX events_date_end ON events(date_end);
        CREATE INDEX events_place ON events(place_id);
        CREATE INDEX events_type ON events(event_type, sub_event_type);
        CREATE INDEX events_doc ON events(doc_id, seq);
        """


@_migration("m004_link")
def m004_link(icu: bool) -> str:
    return f"""
        ALTER TABLE events ADD COLUMN cluster_id {T};
        CREATE INDEX events_cluster ON events(cluster_id);
        CREATE INDEX events_id ON events(id);
        CREATE INDEX documents_duplicate_of ON documents(duplicate_of);

        CREATE TABLE fingerprints (
            doc_id {T} PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            signature BYTEA NOT NULL,
            shingles INTEGER NOT NULL,
            extractor {T} NOT NULL
        );
        CREATE TABLE fingerprint_bands (
            band {T} NOT NULL,
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            PRIMARY KEY (band, doc_id)
        );
        CREATE INDEX fingerprint_bands_doc ON fingerprint_bands(doc_id);

        CREATE TABLE clusters (
            id {T} PRIMARY KEY,
            event_type {T} NOT NULL,
            sub_event_type {T} NOT NULL,
            place {T},
            place_id {T},
            lat DOUBLE PRECISION,
            lon DOUBLE PRECISION,
            geo_precision INTEGER,
            date {T},
            date_start {T},
            date_end {T},
            time_precision INTEGER,
            fatalities_low BIGINT,
            fatalities_best BIGINT,
            fatalities_high BIGINT,
            corroboration INTEGER NOT NULL,
            claimed_only INTEGER NOT NULL CHECK (claimed_only IN (0, 1)),
            first_reported {T},
            n_events INTEGER NOT NULL,
            outlets_json {T} NOT NULL,
            documents_json {T} NOT NULL,
            events_json {T} NOT NULL,
            disagreements_json {T} NOT NULL,
            extractor {T} NOT NULL
        );
        CREATE INDEX clusters_match ON clusters(event_type, date_end, date_start);
        CREATE INDEX clusters_place ON clusters(place_id);
        CREATE INDEX clusters_date ON clusters(date_start);
        CREATE TABLE stale_clusters (id {T} PRIMARY KEY);
        CREATE FUNCTION fw_events_leave_cluster() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO stale_clusters(id) VALUES (OLD.cluster_id) ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$;
        CREATE TRIGGER events_leave_cluster AFTER DELETE ON events
            FOR EACH ROW WHEN (OLD.cluster_id IS NOT NULL) EXECUTE FUNCTION fw_events_leave_cluster();

        CREATE TABLE claim_facts (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            claim_id {T} NOT NULL,
            date {T},
            facts_json {T} NOT NULL,
            PRIMARY KEY (doc_id, claim_id)
        );
        CREATE INDEX claim_facts_date ON claim_facts(date);
        CREATE TABLE claim_fact_places (
            place {T} NOT NULL,
            doc_id {T} NOT NULL,
            claim_id {T} NOT NULL,
            PRIMARY KEY (place, doc_id, claim_id),
            FOREIGN KEY (doc_id, claim_id) REFERENCES claim_facts(doc_id, claim_id) ON DELETE CASCADE
        );
        CREATE INDEX claim_fact_places_claim ON claim_fact_places(doc_id, claim_id);

        CREATE TABLE contradictions (
            id {T} PRIMARY KEY,
            kind {T} NOT NULL,
            a_doc {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            a_claim {T} NOT NULL,
            b_doc {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            b_claim {T} NOT NULL,
            place {T},
            explanation {T} NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            extractor {T} NOT NULL,
            record_json {T} NOT NULL
        );
        CREATE INDEX contradictions_a ON contradictions(a_doc);
        CREATE INDEX contradictions_b ON contradictions(b_doc);
        CREATE INDEX contradictions_place ON contradictions(place);
        """


@_migration("m005_versions")
def m005_versions(icu: bool) -> str:
    return f"""
        CREATE TABLE document_versions (
            doc_id {T} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            stage {T} NOT NULL,
            extractor {T} NOT NULL,
            PRIMARY KEY (doc_id, stage)
        );
        """


@_migration("m007_link_indexes")
def m007_link_indexes(icu: bool) -> str:
    # SQLite's m007: candidate clusters by type and grid cell (events_id and claim_fact_places_claim
    # came with m004 here).
    return """
        ALTER TABLE clusters ADD COLUMN cell INTEGER;
        CREATE INDEX clusters_cell ON clusters(event_type, cell, date_end, date_start);
        """


@_migration("m008_query_summaries")
def m008_query_summaries(icu: bool) -> str:
    # SQLite's m008: the per-entity and per-place counts kept by the writer (summaries.py), filled
    # from the stored rows; the speaker spellings with their folding (stored rows folded by
    # fw_fold here, new ones by the writer) and the index on the speaker text.
    from frontwire.store.summaries import backfill_sql

    stats = f"mentions BIGINT NOT NULL, documents BIGINT NOT NULL, first_published {T}, last_published {T}"
    return f"""
        CREATE TABLE entity_stats (entity_id {T} PRIMARY KEY, {stats});
        CREATE TABLE entity_roles (
            entity_id {T} NOT NULL, role {T} NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (entity_id, role)
        );
        CREATE TABLE entity_outlets (
            entity_id {T} NOT NULL, outlet {T} NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (entity_id, outlet)
        );
        CREATE TABLE entity_days (
            entity_id {T} NOT NULL, published {T} NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (entity_id, published)
        );
        CREATE TABLE place_stats (place_id {T} PRIMARY KEY, {stats});
        CREATE TABLE place_outlets (
            place_id {T} NOT NULL, outlet {T} NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (place_id, outlet)
        );
        CREATE TABLE place_days (
            place_id {T} NOT NULL, published {T} NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (place_id, published)
        );

        CREATE TABLE speaker_names (name {T} PRIMARY KEY, folded {T} NOT NULL);
        INSERT INTO speaker_names (name, folded)
            SELECT name, fw_fold(name) FROM (SELECT speaker AS name FROM claims UNION SELECT speaker_name FROM claims) s
            WHERE name IS NOT NULL;
        CREATE INDEX claims_speaker_text ON claims(speaker);
        """ + backfill_sql()


@_migration("m009_speaker_days")
def m009_speaker_days(icu: bool) -> str:
    # SQLite's m009: claims per speaker spelling and publication day.
    from frontwire.store.summaries import SPEAKER_DAYS_BACKFILL

    return (
        f"""
        CREATE TABLE speaker_days (
            name {T} NOT NULL,
            published {T} NOT NULL,
            as_name BIGINT NOT NULL,
            as_speaker BIGINT NOT NULL,
            PRIMARY KEY (name, published)
        );
        """
        + SPEAKER_DAYS_BACKFILL
    )


@_migration("m010_query_keys")
def m010_query_keys(icu: bool) -> str:
    # SQLite's m010: the per-day summaries with mentions, roles and outlets, the place mention
    # spellings, the folded title (stored rows folded by fw_fold here, new ones by the writer), the
    # outlet spellings and the indexes on them.
    from frontwire.store.summaries import day_summaries_sql

    return (
        day_summaries_sql(T, "")
        + f"""
        ALTER TABLE documents ADD COLUMN title_key {T};
        UPDATE documents SET title_key = fw_fold(title) WHERE title IS NOT NULL;
        CREATE INDEX documents_title ON documents(title_key, id);
        CREATE INDEX documents_outlet ON documents(outlet);
        CREATE TABLE outlet_names (name {T} PRIMARY KEY, folded {T} NOT NULL);
        INSERT INTO outlet_names (name, folded)
            SELECT DISTINCT outlet, fw_fold(outlet) FROM documents WHERE outlet IS NOT NULL;
        CREATE INDEX speaker_names_folded ON speaker_names(folded);
        -- The newest claims walk the documents by date (NULLS LAST as the listings sort) and each
        -- one's claims in order (SQLite's m006 indexes of the same names).
        CREATE INDEX documents_order ON documents(published DESC NULLS LAST, id);
        CREATE INDEX claims_order ON claims(doc_id, start, claim_id, extractor);
        """
    )
