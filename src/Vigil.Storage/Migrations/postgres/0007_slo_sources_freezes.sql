-- Prometheus SLI read progress and error-budget change freezes (keep in step with sqlite/0007_slo_sources_freezes.sql).
-- slo_sources: every minute through fetched_through is in slo_minutes, read with the queries identified by source_key;
-- a restart continues from there instead of reading the window again.
CREATE TABLE slo_sources (
    slo             text   NOT NULL PRIMARY KEY,
    source_key      text   NOT NULL,
    fetched_through bigint NOT NULL -- minutes since the Unix epoch, UTC
);

-- slo_freezes: one row per exhausted SLO objective while its service is change-frozen; deleted when the freeze lifts.
CREATE TABLE slo_freezes (
    slo       text             NOT NULL,
    objective integer          NOT NULL, -- index in the SLO's objectives
    service   text             NOT NULL,
    since     timestamptz      NOT NULL,
    remaining double precision,          -- % of the budget left when the freeze began
    PRIMARY KEY (slo, objective)
);
