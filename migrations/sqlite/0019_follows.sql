-- Following a story without an account (issue 21).
--
-- A follow is one address's wish to hear about one thing: a brief (its corrections and new
-- comments) or a reader's replies (answers to the comments of the reader cookie that asked).
-- target_key names the thing ('brief:<id>', 'replies:<reader>') so that one address follows it
-- once. status moves pending -> confirmed -> ended (unsubscribed, or quiet for follow.days);
-- asking again after it ended starts over at pending, confirmed by a fresh one-click link.
--
-- mailed_comment_id and mailed_updates say how far the mail has gone: a mail and the move of
-- these marks are written in one transaction (and the mail's dedupe key names the marks), so a
-- restart mid-batch, or two instances, never mail the same comment or correction twice.
CREATE TABLE follows (
    id                 INTEGER PRIMARY KEY,
    email              TEXT    NOT NULL,
    email_key          TEXT    NOT NULL,
    mailbox_key        TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('brief', 'replies')),
    brief_id           INTEGER REFERENCES briefs (id) ON DELETE CASCADE,
    reader_id          TEXT,
    target_key         TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'ended')),
    created_at         TEXT    NOT NULL,
    confirmed_at       TEXT,
    ended_at           TEXT,
    last_activity_at   TEXT    NOT NULL,
    mailed_comment_id  INTEGER NOT NULL DEFAULT 0,
    mailed_updates     INTEGER NOT NULL DEFAULT 0,
    comments_mailed_at TEXT,
    UNIQUE (email_key, target_key)
) STRICT;

CREATE INDEX follows_by_status ON follows (status, id);
CREATE INDEX follows_by_mailbox ON follows (mailbox_key);
CREATE INDEX follows_by_reader ON follows (reader_id) WHERE reader_id IS NOT NULL;

-- Confirmation links of follows, stored as SHA-256 hashes like the newsletter's.
CREATE TABLE follow_tokens (
    token_hash TEXT    PRIMARY KEY,
    follow_id  INTEGER NOT NULL REFERENCES follows (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
) STRICT;

CREATE INDEX follow_tokens_by_follow ON follow_tokens (follow_id, created_at);

-- Replies to a reader's comments are found through their parent.
CREATE INDEX comments_by_parent ON comments (parent_id, id) WHERE parent_id IS NOT NULL;

-- Why moderators took a comment down (hide or delete); cleared when one approves it again.
-- The thread tells readers how many were removed and why — never what or whose.
ALTER TABLE comments ADD COLUMN removed_reason TEXT
    CHECK (removed_reason IN ('spam', 'abuse', 'off-topic', 'other'));
