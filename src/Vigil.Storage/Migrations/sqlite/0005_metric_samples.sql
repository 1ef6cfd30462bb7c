-- Accepted metric samples, journaled before a push is answered (keep in step with postgres/0005_metric_samples.sql).
-- metric_series holds a checkpoint of each series' detector every ~30 s; a restart replays the samples journaled
-- after it, and each checkpoint prunes the samples it already reflects (recorded_at before the checkpoint began).
CREATE TABLE metric_samples (
    seq         INTEGER NOT NULL PRIMARY KEY, -- rowid: commit order
    series_id   TEXT    NOT NULL,
    ts          INTEGER NOT NULL,             -- sample time, UTC DateTime ticks
    value       REAL    NOT NULL,
    recorded_at INTEGER NOT NULL              -- when the server journaled it, UTC ticks
) STRICT;

CREATE INDEX metric_samples_recorded_at ON metric_samples (recorded_at);
