-- Native SLI events per SLO and minute (keep in step with sqlite/0006_slo_minutes.sql). Pushes add to a row, so
-- the table is the durable source the burn-rate evaluators are rebuilt from at start.
CREATE TABLE slo_minutes (
    slo    text             NOT NULL,
    minute bigint           NOT NULL, -- minutes since the Unix epoch, UTC
    good   double precision NOT NULL,
    total  double precision NOT NULL,
    PRIMARY KEY (slo, minute)
);

CREATE INDEX slo_minutes_minute ON slo_minutes (minute);
