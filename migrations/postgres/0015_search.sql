-- PostgreSQL twin of migrations/sqlite/0015_search.sql. The same folded words are stored, and
-- `document` is the `tsvector` the store builds from them (weights A title, B tags, C summary,
-- D body) and casts in: no text search configuration parses anything, so PostgreSQL finds
-- exactly what SQLite's FTS5 finds. `plain` is the body as plain text, for excerpts.
CREATE TABLE brief_search (
    brief_id BIGINT   PRIMARY KEY REFERENCES briefs (id) ON DELETE CASCADE,
    title    TEXT     NOT NULL,
    tags     TEXT     NOT NULL,
    summary  TEXT     NOT NULL,
    body     TEXT     NOT NULL,
    plain    TEXT     NOT NULL,
    document TSVECTOR NOT NULL
);

CREATE INDEX brief_search_document ON brief_search USING GIN (document);
