-- Metric intelligence: one row per series with its detector state and recent points. Keep in step with
-- sqlite/0004_metrics.sql. Both blobs are written by the server (the store never looks inside).
CREATE TABLE metric_series (
    id         text        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    labels     jsonb       NOT NULL,
    state      bytea       NOT NULL,
    points     bytea       NOT NULL,
    updated_at timestamptz NOT NULL
);
