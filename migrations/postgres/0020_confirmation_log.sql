-- Twin of migrations/sqlite/0020_confirmation_log.sql: confirmation mail per mailbox for the
-- daily cap, and which follow a message is about.
CREATE TABLE confirmation_log (
    mailbox_key TEXT NOT NULL,
    at          TEXT NOT NULL
);

CREATE INDEX confirmation_log_by_mailbox ON confirmation_log (mailbox_key, at);

INSERT INTO confirmation_log (mailbox_key, at)
SELECT s.mailbox_key, t.created_at FROM subscription_tokens t JOIN subscribers s ON s.id = t.subscriber_id
WHERE s.mailbox_key != '';
INSERT INTO confirmation_log (mailbox_key, at)
SELECT f.mailbox_key, t.created_at FROM follow_tokens t JOIN follows f ON f.id = t.follow_id;

ALTER TABLE mail_outbox ADD COLUMN follow_id BIGINT;
CREATE INDEX mail_outbox_by_follow ON mail_outbox (follow_id) WHERE follow_id IS NOT NULL;
