-- Log intelligence: what the online template miners learned, per source. Keep in step with sqlite/0003_logs.sql
-- (numbered 0003 there too; PostgreSQL has no 0002 because the alert journal is SQLite-only).
CREATE TABLE log_sources (
    source     text        NOT NULL PRIMARY KEY,
    next_id    bigint      NOT NULL,
    aliases    jsonb       NOT NULL,
    lines      bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE log_templates (
    source         text        NOT NULL,
    id             bigint      NOT NULL,
    template       text        NOT NULL,
    tokens         jsonb       NOT NULL,
    variable_slots jsonb       NOT NULL,
    level          text        NOT NULL,
    service        text        NOT NULL,
    count          bigint      NOT NULL,
    first_seen     timestamptz NOT NULL,
    last_seen      timestamptz NOT NULL,
    examples       jsonb       NOT NULL,
    PRIMARY KEY (source, id)
);

CREATE TABLE log_counts (
    source      text   NOT NULL,
    template_id bigint NOT NULL,
    minute      bigint NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (source, minute, template_id)
);
