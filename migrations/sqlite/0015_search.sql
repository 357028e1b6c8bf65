-- Full-text search over briefs. The store writes each brief's row here whenever it writes the
-- brief (and fills in briefs stored before this table existed at start), with the fields
-- already split into folded words by `server::search` — the same words PostgreSQL indexes —
-- so both backends find the same briefs. The rowid is the brief's id. `plain` is the body as
-- plain text, for excerpts; it is stored, not searched.
CREATE VIRTUAL TABLE brief_search USING fts5 (
    title,
    tags,
    summary,
    body,
    plain UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '3 4'
);

-- A virtual table has no foreign keys: a brief's index row goes with the brief.
CREATE TRIGGER brief_search_forget AFTER DELETE ON briefs BEGIN
    DELETE FROM brief_search WHERE rowid = old.id;
END;
