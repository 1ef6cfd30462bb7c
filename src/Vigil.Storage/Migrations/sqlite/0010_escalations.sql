-- The durable escalation of each open incident (keep in step with postgres/0010_escalations.sql): a row with a due
-- time, moved on in the same transaction as the notifications a step sends, so a restart neither loses nor repeats
-- a step. Rows of resolved incidents are deleted.
CREATE TABLE escalations (
    incident_id INTEGER NOT NULL PRIMARY KEY,
    policy      TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    next_level  INTEGER NOT NULL,
    cycle       INTEGER NOT NULL,
    next_due_at INTEGER,
    steps       INTEGER NOT NULL,
    started_at  INTEGER NOT NULL
) STRICT;
