-- The durable escalation of each open incident (keep in step with sqlite/0010_escalations.sql): a row with a due
-- time, moved on in the same transaction as the notifications a step sends, so a restart neither loses nor repeats
-- a step. Rows of resolved incidents are deleted.
CREATE TABLE escalations (
    incident_id bigint      NOT NULL PRIMARY KEY,
    policy      text        NOT NULL,
    status      text        NOT NULL,
    next_level  integer     NOT NULL,
    cycle       integer     NOT NULL,
    next_due_at timestamptz,
    steps       integer     NOT NULL,
    started_at  timestamptz NOT NULL
);
