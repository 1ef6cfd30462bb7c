-- Notifications of one incident reach a channel in the order they were queued (keep in step with
-- sqlite/0020_outbox_order.sql): a row is claimed only while no older row of the same (channel, incident_id) is
-- pending, so a "resolved" cannot overtake the "firing" still waiting out its retry backoff. The claim looks that up
-- for every due row; partial, because only pending rows matter and they are few (delivered ones pile up until
-- notifications.retention removes them).
CREATE INDEX outbox_pending_order ON outbox (channel, incident_id, id) WHERE status = 'pending';
