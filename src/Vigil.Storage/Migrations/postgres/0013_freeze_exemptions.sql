-- Freeze exemptions: a person lets a service's changes through its error-budget change freeze for a while, with a
-- reason (keep in step with sqlite/0013_freeze_exemptions.sql). Rows are never deleted: a revoked exemption keeps
-- its row, so the history stays readable next to the audit log.
CREATE TABLE freeze_exemptions (
    id         text        NOT NULL PRIMARY KEY,
    service    text        NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    revoked_at timestamptz
);

CREATE INDEX freeze_exemptions_range ON freeze_exemptions (service, ends_at);
