-- Abuse rules and reader reports.
--
-- held_reason says why a comment waits for review: 'links' (a new reader's comment with many
-- links) or 'reports' (enough readers reported it). The moderation desk reads it.
ALTER TABLE comments ADD COLUMN held_reason TEXT CHECK (held_reason IN ('links', 'reports'));

-- The per-reader rules (first-day limit, duplicate text) look up a reader's comments.
CREATE INDEX comments_by_reader ON comments (reader_id, id);

-- One report per reader per comment; a second report by the same reader changes nothing.
CREATE TABLE comment_reports (
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reader_id  TEXT    NOT NULL,
    reason     TEXT    NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
    detail     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (comment_id, reader_id)
) STRICT;
