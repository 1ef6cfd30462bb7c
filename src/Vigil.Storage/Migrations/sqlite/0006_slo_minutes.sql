-- Native SLI events per SLO and minute (keep in step with postgres/0006_slo_minutes.sql). Pushes add to a row, so
-- the table is the durable source the burn-rate evaluators are rebuilt from at start.
CREATE TABLE slo_minutes (
    slo    TEXT    NOT NULL,
    minute INTEGER NOT NULL, -- minutes since the Unix epoch, UTC
    good   REAL    NOT NULL,
    total  REAL    NOT NULL,
    PRIMARY KEY (slo, minute)
) STRICT;

CREATE INDEX slo_minutes_minute ON slo_minutes (minute);
