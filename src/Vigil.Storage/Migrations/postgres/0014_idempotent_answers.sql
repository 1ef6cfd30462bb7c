-- Answers to requests sent with an Idempotency-Key, kept a day so a retry is answered, not counted again (keep in step
-- with sqlite/0014_idempotent_answers.sql). The first answer stored under a key wins.
CREATE TABLE idempotent_answers (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       integer     NOT NULL,
    body         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotent_answers_age ON idempotent_answers (created_at);
