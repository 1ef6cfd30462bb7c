-- Log intelligence: what the online template miners learned, per source. Keep in step with postgres/0003_logs.sql.
CREATE TABLE log_sources (
    source     TEXT    NOT NULL PRIMARY KEY,
    next_id    INTEGER NOT NULL,  -- the miner's next template id (ids are never reused)
    aliases    TEXT    NOT NULL,  -- JSON object: merged template id -> id that absorbed it
    lines      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE log_templates (
    source         TEXT    NOT NULL,
    id             INTEGER NOT NULL,
    template       TEXT    NOT NULL,  -- rendered, <*> for each variable
    tokens         TEXT    NOT NULL,  -- JSON array of the miner's token slots
    variable_slots TEXT    NOT NULL,  -- JSON array of booleans, one per token slot
    level          TEXT    NOT NULL,
    service        TEXT    NOT NULL,
    count          INTEGER NOT NULL,
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    examples       TEXT    NOT NULL,  -- JSON array of a few raw lines
    PRIMARY KEY (source, id)
) STRICT;

-- Written as increments, read by (source, minute range) for sparklines and the rate-spike history.
CREATE TABLE log_counts (
    source      TEXT    NOT NULL,
    template_id INTEGER NOT NULL,
    minute      INTEGER NOT NULL,  -- minutes since the Unix epoch, UTC
    count       INTEGER NOT NULL,
    PRIMARY KEY (source, minute, template_id)
) STRICT, WITHOUT ROWID;
