-- On-call: schedule overrides and shift swaps made through the API (keep in step with sqlite/0008_oncall.sql),
-- and the user a token acts as, for team-scoped permissions. Rows are never deleted: a deleted override or a
-- cancelled swap keeps its row so the history stays readable next to the audit log.
ALTER TABLE tokens ADD COLUMN user_name text;

CREATE TABLE schedule_overrides (
    id         text        NOT NULL PRIMARY KEY,
    schedule   text        NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    user_name  text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    deleted_at timestamptz
);

CREATE INDEX schedule_overrides_range ON schedule_overrides (schedule, ends_at);

CREATE TABLE shift_swaps (
    id         text        NOT NULL PRIMARY KEY,
    schedule   text        NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    from_user  text        NOT NULL,
    to_user    text,
    status     text        NOT NULL,
    kind       text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    decided_at timestamptz,
    decided_by text
);

CREATE INDEX shift_swaps_range ON shift_swaps (schedule, ends_at);
