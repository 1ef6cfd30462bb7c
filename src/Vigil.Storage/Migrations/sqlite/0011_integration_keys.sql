-- PagerDuty-style integration (routing) keys issued by Vigil, one service each (keep in step with
-- postgres/0011_integration_keys.sql). Only the SHA-256 of a key is kept, as for API tokens.
CREATE TABLE integration_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    service    TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    revoked_at INTEGER
) STRICT;
