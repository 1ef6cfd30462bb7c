-- Accepted metric samples, journaled before a push is answered (keep in step with sqlite/0005_metric_samples.sql).
-- metric_series holds a checkpoint of each series' detector every ~30 s; a restart replays the samples journaled
-- after it, and each checkpoint prunes the samples it already reflects (recorded_at before the checkpoint began).
CREATE TABLE metric_samples (
    seq         bigserial        NOT NULL PRIMARY KEY,
    series_id   text             NOT NULL,
    ts          bigint           NOT NULL,   -- sample time, UTC DateTime ticks
    value       double precision NOT NULL,
    recorded_at bigint           NOT NULL    -- when the server journaled it, UTC ticks
);

CREATE INDEX metric_samples_recorded_at ON metric_samples (recorded_at);
