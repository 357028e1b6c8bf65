-- The weekly digest. One issue per ISO week (slug "2026-w48"), covering the briefs published
-- in (period_start, period_end]. Items are copied from the briefs when the issue is composed,
-- so the archive shows what was sent even if a brief changes later.
--
-- Sending is queueing one message per confirmed subscriber into mail_outbox with the dedupe
-- key "digest:<issue>:<subscriber>": that unique key is the send log. Queueing again (the
-- schedule firing twice, a restart mid-run) adds nothing twice; queued_at marks an issue whose
-- queueing finished.
CREATE TABLE digest_issues (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    period_start TEXT    NOT NULL,
    period_end   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    queued_at    TEXT
) STRICT;

CREATE TABLE digest_items (
    issue_id      INTEGER NOT NULL REFERENCES digest_issues (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    brief_slug    TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    take_html     TEXT    NOT NULL,
    published_at  TEXT    NOT NULL,
    PRIMARY KEY (issue_id, position)
) STRICT;
