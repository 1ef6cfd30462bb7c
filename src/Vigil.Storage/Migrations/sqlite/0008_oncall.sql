-- On-call: schedule overrides and shift swaps made through the API (keep in step with postgres/0008_oncall.sql),
-- and the user a token acts as, for team-scoped permissions. Rows are never deleted: a deleted override or a
-- cancelled swap keeps its row so the history stays readable next to the audit log.
ALTER TABLE tokens ADD COLUMN user_name TEXT;

CREATE TABLE schedule_overrides (
    id         TEXT    NOT NULL PRIMARY KEY,
    schedule   TEXT    NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    user_name  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    deleted_at INTEGER
) STRICT;

CREATE INDEX schedule_overrides_range ON schedule_overrides (schedule, ends_at);

CREATE TABLE shift_swaps (
    id         TEXT    NOT NULL PRIMARY KEY,
    schedule   TEXT    NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    from_user  TEXT    NOT NULL,
    to_user    TEXT,
    status     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    decided_at INTEGER,
    decided_by TEXT
) STRICT;

CREATE INDEX shift_swaps_range ON shift_swaps (schedule, ends_at);
