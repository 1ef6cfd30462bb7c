-- Metric intelligence: one row per series with its detector state and recent points. Keep in step with
-- postgres/0004_metrics.sql. Both blobs are written by the server (the store never looks inside), and a row is
-- rewritten as a whole every save, so there is no per-point table to prune.
CREATE TABLE metric_series (
    id         TEXT    NOT NULL PRIMARY KEY,  -- stable hash of name + sorted labels, used in URLs
    name       TEXT    NOT NULL,
    labels     TEXT    NOT NULL,              -- JSON object, keys sorted
    state      BLOB    NOT NULL,              -- MetricAnomalyDetector.ExportState()
    points     BLOB    NOT NULL,              -- recent points for charts (server encoding)
    updated_at INTEGER NOT NULL
) STRICT;
