-- Reader comments. body_html is rendered and sanitised once, at write time; it is the only
-- form ever shown. A retry of the same submission (same idempotency key: 128 random bits from
-- the page, so unique on its own) finds the comment it already created instead of adding a
-- second one, even when the first answer, and the new reader's cookie with it, was lost.
CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    brief_id        INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    parent_id       INTEGER REFERENCES comments (id),
    depth           INTEGER NOT NULL CHECK (depth >= 0),
    reader_id       TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    body_md         TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    -- held: waiting for review; hidden: removed by moderation. Neither reaches other readers.
    status          TEXT    NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'held', 'hidden')),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    edited_at       TEXT,
    deleted_at      TEXT,
    UNIQUE (idempotency_key)
) STRICT;

CREATE INDEX comments_by_brief ON comments (brief_id, id);

-- Visible, undeleted comments per brief, kept by triggers like reaction_counts.
CREATE TABLE comment_counts (
    brief_id INTEGER PRIMARY KEY REFERENCES briefs (id) ON DELETE CASCADE,
    count    INTEGER NOT NULL CHECK (count >= 0)
) STRICT;

CREATE TRIGGER comments_counted_on_insert AFTER INSERT ON comments
WHEN NEW.status = 'visible' AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO comment_counts (brief_id, count) VALUES (NEW.brief_id, 1)
    ON CONFLICT (brief_id) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER comments_counted_on_update AFTER UPDATE OF status, deleted_at ON comments
WHEN (OLD.status = 'visible' AND OLD.deleted_at IS NULL)
  != (NEW.status = 'visible' AND NEW.deleted_at IS NULL)
BEGIN
    INSERT INTO comment_counts (brief_id, count)
    VALUES (NEW.brief_id, CASE WHEN NEW.status = 'visible' AND NEW.deleted_at IS NULL THEN 1 ELSE 0 END)
    ON CONFLICT (brief_id) DO UPDATE SET count = count
        + CASE WHEN NEW.status = 'visible' AND NEW.deleted_at IS NULL THEN 1 ELSE -1 END;
END;
