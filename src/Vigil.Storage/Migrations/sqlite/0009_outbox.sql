-- Notification outbox and PagerDuty change events (keep in step with postgres/0009_outbox.sql).
-- A notification row is inserted in the same transaction as the state change that caused it; the worker claims due
-- rows by setting lease_until (a claim whose process died expires and the row is claimed again), sends, and writes
-- the outcome back. dedup_key is UNIQUE: inserting a notification that was already queued is a no-op, which is what
-- keeps a page from going out twice — also after a restart.
CREATE TABLE outbox (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    dedup_key       TEXT    NOT NULL UNIQUE,
    channel         TEXT    NOT NULL,            -- receiver:NAME/KIND/INDEX; no secrets (resolved at send time)
    incident_id     INTEGER,
    payload         TEXT    NOT NULL,            -- JSON NotificationMessage
    status          TEXT    NOT NULL,            -- pending | delivered | failed
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
) STRICT;

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_incident ON outbox (incident_id, id);

CREATE TABLE change_events (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    integration TEXT    NOT NULL,
    service     TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    source      TEXT,
    ts          INTEGER NOT NULL,
    json        TEXT    NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;
