-- Freeze exemptions: a person lets a service's changes through its error-budget change freeze for a while, with a
-- reason (keep in step with postgres/0013_freeze_exemptions.sql). Rows are never deleted: a revoked exemption keeps
-- its row, so the history stays readable next to the audit log.
CREATE TABLE freeze_exemptions (
    id         TEXT    NOT NULL PRIMARY KEY,
    service    TEXT    NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    reason     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE INDEX freeze_exemptions_range ON freeze_exemptions (service, ends_at);
