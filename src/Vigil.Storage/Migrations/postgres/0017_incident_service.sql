-- The service an incident belongs to, fixed when it opens (keep in step with sqlite/0017_incident_service.sql): the
-- group's service label, else the one every opening alert carries (a route grouping by alertname only). Incidents
-- opened before this migration take their group's service label, as team permissions and escalation read it then.
ALTER TABLE incidents ADD COLUMN service text;
UPDATE incidents SET service = NULLIF(group_labels ->> 'service', '');
