-- Each incident's alerts as they were when they joined it (keep in step with sqlite/0019_incident_members.sql): the
-- incident page shows them after the alerts themselves are collected (alerts.resolved_retention), which left only
-- fingerprints. Written by the flush that adds the alert to the incident; the first copy is kept. Incidents opened
-- before this migration have none (their page shows what the alerts table still holds, as before).
CREATE TABLE incident_members (
    incident_id   bigint      NOT NULL,
    fingerprint   text        NOT NULL,  -- 16 lower-case hex digits
    labels        jsonb       NOT NULL,
    annotations   jsonb       NOT NULL,  -- when the alert joined
    starts_at     timestamptz NOT NULL,
    generator_url text        NOT NULL,
    PRIMARY KEY (incident_id, fingerprint)
);
