-- PagerDuty-style integration (routing) keys issued by Vigil, one service each (keep in step with
-- sqlite/0011_integration_keys.sql). Only the SHA-256 of a key is kept, as for API tokens.
CREATE TABLE integration_keys (
    id         text        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    service    text        NOT NULL,
    key_hash   text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    revoked_at timestamptz
);
