-- Twin of migrations/sqlite/0003_events.sql: the live event log. On PostgreSQL several
-- transactions can hold sequence values at once and commit out of order; the store appends
-- events under a transaction-scoped advisory lock, so ids are handed out in commit order and
-- "everything after id N" still means exactly what a reader who saw N has missed.
CREATE TABLE events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT   NOT NULL,
    payload    TEXT   NOT NULL,
    created_at TEXT   NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
);
