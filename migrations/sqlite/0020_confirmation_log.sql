-- Confirmation mail sent to each mailbox, the newsletter's and every follow's: the daily cap
-- (newsletter.confirmations_per_day) counts these rows, which no erase or deleted follow takes
-- away. Rows older than a day are purged; nothing else is kept here.
CREATE TABLE confirmation_log (
    mailbox_key TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;

CREATE INDEX confirmation_log_by_mailbox ON confirmation_log (mailbox_key, at);

INSERT INTO confirmation_log (mailbox_key, at)
SELECT s.mailbox_key, t.created_at FROM subscription_tokens t JOIN subscribers s ON s.id = t.subscriber_id
WHERE s.mailbox_key != '';
INSERT INTO confirmation_log (mailbox_key, at)
SELECT f.mailbox_key, t.created_at FROM follow_tokens t JOIN follows f ON f.id = t.follow_id;

-- Which follow a message is about, so that stopping or forgetting a follow finds its mail by an
-- index instead of reading the whole outbox.
ALTER TABLE mail_outbox ADD COLUMN follow_id INTEGER;
CREATE INDEX mail_outbox_by_follow ON mail_outbox (follow_id) WHERE follow_id IS NOT NULL;
