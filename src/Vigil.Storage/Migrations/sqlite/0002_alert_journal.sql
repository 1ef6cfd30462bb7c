-- Alert writes are appended here instead of updating `alerts` in place (see Sqlite/SqliteAlertJournal.cs).
-- `alerts` is keyed by a random-looking fingerprint, so updating a batch of alerts in place dirties one b-tree page
-- per alert and every commit rewrites megabytes of pages into the WAL; appending to a rowid table dirties only the
-- last few pages. The newest journal row of a fingerprint wins over `alerts`; a row reaching the tail of the journal
-- is folded into `alerts` only if no newer row for its fingerprint exists. PostgreSQL keeps updating in place.
CREATE TABLE alert_journal (
    seq           INTEGER NOT NULL PRIMARY KEY, -- rowid: append order
    fingerprint   TEXT    NOT NULL,
    deleted       INTEGER NOT NULL,             -- 1: the alert was deleted (the other columns are empty)
    labels        TEXT    NOT NULL,
    annotations   TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    generator_url TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    timeout       INTEGER NOT NULL
) STRICT;
