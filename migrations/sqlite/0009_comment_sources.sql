-- Where a comment came from, as a keyed hash of the client address (never the address). The
-- per-address comment limit counts these rows, inside the same transaction as the new comment,
-- so the limit holds however many server instances share the database.
ALTER TABLE comments ADD COLUMN source_tag TEXT;

CREATE INDEX comments_by_source ON comments (source_tag, created_at);
CREATE INDEX comments_by_reader_time ON comments (reader_id, created_at);
