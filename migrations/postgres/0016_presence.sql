-- PostgreSQL twin of migrations/sqlite/0016_presence.sql.
CREATE TABLE presence (
    instance TEXT   NOT NULL,
    slug     TEXT   NOT NULL,
    readers  BIGINT NOT NULL CHECK (readers > 0),
    seen_at  TEXT   NOT NULL,
    PRIMARY KEY (instance, slug)
);
