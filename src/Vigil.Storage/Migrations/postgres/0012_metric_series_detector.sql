-- The detector a metric series was created with ("lightweight", "balanced", "contextual"), so a restart loads its
-- state with that detector's settings instead of trying each; NULL for rows written before (keep in step with
-- sqlite/0012_metric_series_detector.sql).
ALTER TABLE metric_series ADD COLUMN detector TEXT;
