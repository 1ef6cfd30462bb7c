-- Each incident's alerts as they were when they joined it (keep in step with postgres/0019_incident_members.sql): the
-- incident page shows them after the alerts themselves are collected (alerts.resolved_retention), which left only
-- fingerprints. Written by the flush that adds the alert to the incident; the first copy is kept. Incidents opened
-- before this migration have none (their page shows what the alerts table still holds, as before).
CREATE TABLE incident_members (
    incident_id   INTEGER NOT NULL,
    fingerprint   TEXT    NOT NULL,             -- 16 lower-case hex digits
    labels        TEXT    NOT NULL,             -- JSON object
    annotations   TEXT    NOT NULL,             -- JSON object, when the alert joined
    starts_at     INTEGER NOT NULL,
    generator_url TEXT    NOT NULL,
    PRIMARY KEY (incident_id, fingerprint)
) STRICT, WITHOUT ROWID;
