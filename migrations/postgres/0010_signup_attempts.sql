-- Newsletter sign-up attempts in the last minute, per source (a keyed hash of the client
-- address, never the address): the per-address sign-up limit counts these rows, so it holds
-- across every server instance sharing the database. Rows older than a minute are deleted as
-- the limit is checked and by the hourly purge.
CREATE TABLE signup_attempts (
    source_tag TEXT NOT NULL,
    at         TEXT NOT NULL
);

CREATE INDEX signup_attempts_by_source ON signup_attempts (source_tag, at);
