-- Vigil schema, PostgreSQL flavour. Keep the logical shape identical to Migrations/sqlite/0001_init.sql.
--
-- Timestamps are timestamptz: microsecond precision, and readable and comparable in SQL. .NET ticks (100 ns) below
-- the microsecond are truncated; every sender's timestamps (Prometheus: milliseconds) fit exactly.
-- JSON columns are jsonb so operators can query them (labels->>'alertname'); the application re-sorts label names
-- when reading, so jsonb's key reordering is harmless. Enums are lower-case snake_case text, not PG enum types, so a
-- new enum member needs no migration.

CREATE TABLE alerts (
    fingerprint   text        NOT NULL PRIMARY KEY, -- 16 lower-case hex digits
    labels        jsonb       NOT NULL,
    annotations   jsonb       NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    generator_url text        NOT NULL,
    updated_at    timestamptz NOT NULL,
    timeout       boolean     NOT NULL
);

CREATE TABLE silences (
    id         uuid        NOT NULL PRIMARY KEY,
    matchers   jsonb       NOT NULL, -- [{name,value,isRegex,isEqual}]
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    created_by text        NOT NULL,
    comment    text        NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE incidents (
    id              bigint      NOT NULL PRIMARY KEY, -- allocated by the caller
    group_key       text        NOT NULL,
    title           text        NOT NULL,
    status          text        NOT NULL,
    severity        text        NOT NULL,
    priority        text        NOT NULL,
    group_labels    jsonb       NOT NULL,
    receiver        text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    acknowledged_at timestamptz,
    acknowledged_by text,
    resolved_at     timestamptz,
    resolved_by     text,
    alerts          jsonb       NOT NULL  -- array of fingerprint hex strings
);

-- Incident lists are "newest first, optionally by status" with keyset pagination on id.
CREATE INDEX incidents_status_id ON incidents (status, id);

CREATE TABLE timeline (
    sequence    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint      NOT NULL,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    actor       text        NOT NULL,
    message     text        NOT NULL
);

CREATE INDEX timeline_incident_sequence ON timeline (incident_id, sequence);

CREATE TABLE alert_groups (
    key        text        NOT NULL PRIMARY KEY,
    state_json text        NOT NULL, -- opaque to the store; text keeps it byte-for-byte as the dispatcher wrote it
    due_at     timestamptz
);

CREATE TABLE tokens (
    id          text        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    role        text        NOT NULL,
    secret_hash text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE audit (
    sequence bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL,
    actor    text        NOT NULL,
    action   text        NOT NULL,
    target   text        NOT NULL,
    details  text        NOT NULL
);

CREATE TABLE meta (
    key   text NOT NULL PRIMARY KEY,
    value text NOT NULL
);
