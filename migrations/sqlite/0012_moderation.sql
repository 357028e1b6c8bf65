-- Moderation: blocked readers and the audit log.
--
-- A blocked reader's new comments are held for review (status 'held' with no held_reason: the
-- queue shows "author blocked" from this table).
CREATE TABLE blocked_readers (
    reader_id  TEXT    PRIMARY KEY,
    blocked_at TEXT    NOT NULL,
    editor_id  INTEGER NOT NULL REFERENCES editors (id),
    note       TEXT    NOT NULL
) STRICT;

-- Every moderation action: who, what, to which comment, when and why. No foreign key to the
-- comment: the log outlives what it describes. The reader id is not copied here; the comment
-- (or blocked_readers) holds it.
CREATE TABLE moderation_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    editor_id  INTEGER NOT NULL REFERENCES editors (id),
    action     TEXT    NOT NULL CHECK (action IN ('approve', 'hide', 'delete', 'block', 'unblock')),
    comment_id INTEGER,
    brief_slug TEXT,
    note       TEXT    NOT NULL
) STRICT;

CREATE INDEX moderation_log_by_time ON moderation_log (at DESC, id DESC);
