-- 001: articles and their events. Types both DuckDB and PostgreSQL read the same way
-- (VARCHAR, INTEGER, BIGINT, DOUBLE PRECISION, DATE, TIMESTAMP). IF NOT EXISTS lets databases made
-- before versioned migrations adopt this version unchanged.
CREATE TABLE IF NOT EXISTS articles (
    article_id   VARCHAR PRIMARY KEY,   -- sha256 of the text, first 16 hex digits
    doc_id       VARCHAR NOT NULL,      -- the id the document came with
    title        VARCHAR,
    url          VARCHAR,
    source       VARCHAR,
    published    DATE,
    text         VARCHAR NOT NULL,
    ingested_at  TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    event_id             VARCHAR PRIMARY KEY,  -- article_id:index
    article_id           VARCHAR NOT NULL,
    incident_id          VARCHAR,              -- set by cross-report deduplication
    plover_type          VARCHAR NOT NULL,
    plover_mode          VARCHAR,
    acled_event_type     VARCHAR,
    acled_sub_event_type VARCHAR,
    actor1               VARCHAR,
    actor1_country       VARCHAR,
    actor1_sector        VARCHAR,
    inter1               INTEGER,
    actor2               VARCHAR,
    actor2_country       VARCHAR,
    actor2_sector        VARCHAR,
    inter2               INTEGER,
    location             VARCHAR,
    location_text        VARCHAR,
    geonameid            BIGINT,
    latitude             DOUBLE PRECISION,
    longitude            DOUBLE PRECISION,
    country              VARCHAR,
    admin1               VARCHAR,
    admin2               VARCHAR,
    geo_precision        INTEGER,
    date_start           DATE,
    date_end             DATE,
    date_precision       VARCHAR,
    fatalities           INTEGER,
    fatalities_low       INTEGER,
    fatalities_high      INTEGER,
    injured              INTEGER,
    abducted             INTEGER,
    arrested             INTEGER,
    displaced            INTEGER,
    participants         INTEGER,
    status               VARCHAR NOT NULL,
    claimant             VARCHAR,
    attribution_text     VARCHAR,
    evidence_text        VARCHAR NOT NULL,
    evidence_start       INTEGER NOT NULL,
    evidence_end         INTEGER NOT NULL,
    confidence           DOUBLE PRECISION NOT NULL,
    event_json           VARCHAR NOT NULL     -- the full Event as JSON (models.Event)
);
