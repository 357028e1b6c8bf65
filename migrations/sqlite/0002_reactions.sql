-- Anonymous reactions: one row per (brief, kind, reader). A reader is the random id in their
-- signed cookie; nothing else about them is stored.
CREATE TABLE reactions (
    brief_id   INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    reader_id  TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (brief_id, kind, reader_id)
) STRICT;

CREATE INDEX reactions_by_reader ON reactions (reader_id, brief_id);

-- Counts kept by the database itself: only these triggers write them, inside the same
-- transaction as the row they count, so a count can never drift from its rows.
CREATE TABLE reaction_counts (
    brief_id INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL,
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (brief_id, kind)
) STRICT;

CREATE TRIGGER reactions_counted_on_insert AFTER INSERT ON reactions
BEGIN
    INSERT INTO reaction_counts (brief_id, kind, count) VALUES (NEW.brief_id, NEW.kind, 1)
    ON CONFLICT (brief_id, kind) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER reactions_counted_on_delete AFTER DELETE ON reactions
BEGIN
    UPDATE reaction_counts SET count = count - 1
    WHERE brief_id = OLD.brief_id AND kind = OLD.kind;
END;
