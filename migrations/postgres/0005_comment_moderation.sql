-- Twin of migrations/sqlite/0005_comment_moderation.sql.
ALTER TABLE comments ADD COLUMN held_reason TEXT CHECK (held_reason IN ('links', 'reports'));

CREATE INDEX comments_by_reader ON comments (reader_id, id);

CREATE TABLE comment_reports (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reader_id  TEXT   NOT NULL,
    reason     TEXT   NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
    detail     TEXT   NOT NULL DEFAULT '',
    created_at TEXT   NOT NULL DEFAULT pulse_now(),
    PRIMARY KEY (comment_id, reader_id)
);
