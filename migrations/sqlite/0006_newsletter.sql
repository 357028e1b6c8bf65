-- Newsletter subscribers, their confirmation tokens, and the outgoing mail queue.
--
-- An address is stored once (email_key is its lowercased form). status moves
-- pending -> confirmed -> unsubscribed; subscribing again after unsubscribing starts over at
-- pending with a fresh consent record. consent_* is the record of what the reader agreed to
-- and when; confirmed_at is when they proved the address is theirs.
CREATE TABLE subscribers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL,
    email_key       TEXT    NOT NULL UNIQUE,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    consent_at      TEXT    NOT NULL,
    consent_version TEXT    NOT NULL,
    confirmed_at    TEXT,
    unsubscribed_at TEXT
) STRICT;

-- Confirmation tokens are stored only as SHA-256 hashes: the database never holds a usable
-- link. Single use (used_at), valid until expires_at.
CREATE TABLE subscription_tokens (
    token_hash    TEXT    PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    used_at       TEXT
) STRICT;

CREATE INDEX subscription_tokens_by_subscriber ON subscription_tokens (subscriber_id, created_at);

-- Mail waiting to go out, composed in full when queued. Requests only ever queue; one worker
-- per server sends. dedupe_key makes queueing the same message twice a no-op (a digest issue
-- is queued once per subscriber, however often the schedule fires).
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    sender          TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    message         BLOB    NOT NULL,
    created_at      TEXT    NOT NULL,
    next_attempt_at TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         TEXT,
    last_error      TEXT
) STRICT;

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
