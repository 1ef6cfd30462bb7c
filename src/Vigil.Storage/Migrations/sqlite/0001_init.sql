-- Vigil schema, SQLite flavour. Keep the logical shape identical to Migrations/postgres/0001_init.sql.
--
-- Timestamps are INTEGER: 100-nanosecond ticks since the Unix epoch, UTC (DateTimeOffset.UtcTicks minus the epoch).
-- That round-trips a .NET DateTimeOffset exactly, compares and sorts as a plain integer, costs 8 bytes instead of
-- a 28-character string, and is cheap on the hot ingest path; for a human, datetime(x / 10000000, 'unixepoch').
-- JSON columns are TEXT (SQLite's json_* functions work on them). Enums are lower-case snake_case names.
-- STRICT tables make SQLite reject a value of the wrong type instead of silently storing it.

CREATE TABLE alerts (
    fingerprint   TEXT    NOT NULL PRIMARY KEY, -- 16 lower-case hex digits
    labels        TEXT    NOT NULL,             -- JSON object, names sorted
    annotations   TEXT    NOT NULL,             -- JSON object
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    generator_url TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    timeout       INTEGER NOT NULL              -- 0/1: ends_at derived from resolve_timeout
) STRICT, WITHOUT ROWID;

CREATE TABLE silences (
    id         TEXT    NOT NULL PRIMARY KEY,    -- GUID, lower-case "D" format
    matchers   TEXT    NOT NULL,                -- JSON [{name,value,isRegex,isEqual}]
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    comment    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE incidents (
    id              INTEGER NOT NULL PRIMARY KEY, -- allocated by the caller
    group_key       TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    severity        TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    group_labels    TEXT    NOT NULL,             -- JSON object
    receiver        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    resolved_at     INTEGER,
    resolved_by     TEXT,
    alerts          TEXT    NOT NULL              -- JSON array of fingerprint hex strings
) STRICT;

-- Incident lists are "newest first, optionally by status" with keyset pagination on id.
CREATE INDEX incidents_status_id ON incidents (status, id);

CREATE TABLE timeline (
    sequence    INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: never reused, so order is total
    incident_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    message     TEXT    NOT NULL
) STRICT;

CREATE INDEX timeline_incident_sequence ON timeline (incident_id, sequence);

CREATE TABLE alert_groups (
    key        TEXT    NOT NULL PRIMARY KEY,
    state_json TEXT    NOT NULL,
    due_at     INTEGER
) STRICT;

CREATE TABLE tokens (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    secret_hash TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE TABLE audit (
    sequence INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    details  TEXT    NOT NULL
) STRICT;

CREATE TABLE meta (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
