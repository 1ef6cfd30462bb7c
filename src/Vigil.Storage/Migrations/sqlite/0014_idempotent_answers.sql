-- Answers to requests sent with an Idempotency-Key, kept a day so a retry is answered, not counted again (keep in step
-- with postgres/0014_idempotent_answers.sql). The first answer stored under a key wins.
CREATE TABLE idempotent_answers (
    scope        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;

CREATE INDEX idempotent_answers_age ON idempotent_answers (created_at);
