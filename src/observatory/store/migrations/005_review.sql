-- 005: review and corrections (observatory.review) and the changes feed (observatory.changes). Tables keyed by
-- event id, outside the events table, so that re-extraction (which rewrites events rows) keeps them; review.reapply
-- writes their values back onto the rewritten rows. IF NOT EXISTS lets a database that lost its
-- schema_migrations rows adopt this version unchanged.
CREATE TABLE IF NOT EXISTS review_log (            -- the audit log: one row per changed value
    change_id    VARCHAR PRIMARY KEY,              -- random hex
    changed_at   TIMESTAMP NOT NULL,               -- UTC
    changed_by   VARCHAR NOT NULL,                 -- the API token's name, or cli:USER
    action       VARCHAR NOT NULL,                 -- confirm, correct, reject, restore, merge, split
    target       VARCHAR NOT NULL,                 -- event or incident: what the reviewer named
    target_id    VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,                 -- the event whose value changed
    field        VARCHAR NOT NULL,                 -- the column corrected; review_status; incident_id (merge, split)
    value_before VARCHAR,                          -- JSON
    value_after  VARCHAR,                          -- JSON
    note         VARCHAR
);
CREATE INDEX IF NOT EXISTS review_log_event ON review_log (event_id);
CREATE TABLE IF NOT EXISTS event_reviews (         -- the last decision on an event
    event_id      VARCHAR PRIMARY KEY,
    review_status VARCHAR NOT NULL,                -- confirmed, corrected or rejected
    reviewed_at   TIMESTAMP NOT NULL,
    reviewed_by   VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS event_corrections (     -- the analyst's value of a field, kept over re-extraction
    event_id     VARCHAR NOT NULL,
    field        VARCHAR NOT NULL,
    value        VARCHAR,                          -- JSON
    corrected_at TIMESTAMP NOT NULL,
    corrected_by VARCHAR NOT NULL,
    PRIMARY KEY (event_id, field)
);
CREATE TABLE IF NOT EXISTS incident_assignments (  -- events a merge or split put in an incident by hand
    event_id    VARCHAR PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    assigned_by VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_assignments_incident ON incident_assignments (incident_id);
CREATE TABLE IF NOT EXISTS event_stamps (          -- when an event was added, updated or deleted after its ingest
    event_id       VARCHAR PRIMARY KEY,
    added_at       TIMESTAMP,                      -- NULL: when its article was ingested
    updated_at     TIMESTAMP,
    deleted_at     TIMESTAMP,                      -- rejected, or removed by re-extraction; NULL while present
    deleted_reason VARCHAR,                        -- rejected or removed
    country        VARCHAR                         -- the country it had, for the ACLED-style id of a deleted row
);
