-- Prometheus SLI read progress and error-budget change freezes (keep in step with postgres/0007_slo_sources_freezes.sql).
-- slo_sources: every minute through fetched_through is in slo_minutes, read with the queries identified by source_key;
-- a restart continues from there instead of reading the window again.
CREATE TABLE slo_sources (
    slo             TEXT    NOT NULL PRIMARY KEY,
    source_key      TEXT    NOT NULL,
    fetched_through INTEGER NOT NULL -- minutes since the Unix epoch, UTC
) STRICT;

-- slo_freezes: one row per exhausted SLO objective while its service is change-frozen; deleted when the freeze lifts.
CREATE TABLE slo_freezes (
    slo       TEXT    NOT NULL,
    objective INTEGER NOT NULL, -- index in the SLO's objectives
    service   TEXT    NOT NULL,
    since     INTEGER NOT NULL, -- UTC ticks since the Unix epoch
    remaining REAL,             -- % of the budget left when the freeze began
    PRIMARY KEY (slo, objective)
) STRICT;
