-- notifications.retention deletes delivered and given-up notifications by the time they were queued (keep in step
-- with the other backend's 0018_outbox_age.sql); without an index that would read the whole outbox every hour.
CREATE INDEX outbox_age ON outbox (created_at);
