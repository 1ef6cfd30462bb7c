-- Notification outbox and PagerDuty change events (keep in step with sqlite/0009_outbox.sql; see there for why).
-- Replicas claim rows with SELECT ... FOR UPDATE SKIP LOCKED inside the claiming UPDATE, plus lease_until so a row
-- claimed by a replica that died is claimed again once the lease expires.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key       text        NOT NULL UNIQUE,
    channel         text        NOT NULL,
    incident_id     bigint,
    payload         text        NOT NULL,
    status          text        NOT NULL,
    attempts        integer     NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_incident ON outbox (incident_id, id);

CREATE TABLE change_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    integration text        NOT NULL,
    service     text        NOT NULL,
    summary     text        NOT NULL,
    source      text,
    ts          timestamptz NOT NULL,
    json        text        NOT NULL,
    received_at timestamptz NOT NULL
);
