-- alert_groups is identified by the SHA-256 of its key instead of the key itself. The key is the route id plus the
-- group's label values, which senders choose (each up to 64 KiB), and a b-tree entry holds at most 2704 bytes: one
-- alert with a long group label made every later dispatcher commit fail ("index row size ... exceeds btree version 4
-- maximum"), so no alert from anyone became an incident again, not even after a restart. The readable key stays in
-- its column (loaded as before); every statement that writes or deletes by key computes the hash the same way,
-- sha256(convert_to(key, 'UTF8')), in PostgresWriter. Not a generated column: convert_to is only STABLE.
--
-- PostgreSQL only, numbered 0016 (0015 is left to a migration on another branch; the Migrator applies whatever is
-- missing, in any order). SQLite stores index entries of any length, so there is no sqlite/0016: as for postgres/0002,
-- the backends need not be in step.
ALTER TABLE alert_groups ADD COLUMN key_sha256 bytea;
UPDATE alert_groups SET key_sha256 = sha256(convert_to(key, 'UTF8'));
ALTER TABLE alert_groups ALTER COLUMN key_sha256 SET NOT NULL;
ALTER TABLE alert_groups DROP CONSTRAINT alert_groups_pkey;
ALTER TABLE alert_groups ADD CONSTRAINT alert_groups_pkey PRIMARY KEY (key_sha256);
