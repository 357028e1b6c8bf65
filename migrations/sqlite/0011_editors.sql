-- Editors: the people who run the desk. Readers never have accounts; these are the only ones.
-- The password is an argon2id PHC string (salt and parameters inside it), never the password.
CREATE TABLE editors (
    id            INTEGER PRIMARY KEY,
    -- Lower-cased, so sign-in ignores case.
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('editor', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
) STRICT;

-- Desk sessions, kept server-side so that signing out or expiry really ends them. The cookie
-- carries a random token; only its SHA-256 is stored, so a copy of the database opens no desk.
CREATE TABLE editor_sessions (
    token_hash TEXT    PRIMARY KEY,
    editor_id  INTEGER NOT NULL REFERENCES editors (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    seen_at    TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
) STRICT;

CREATE INDEX editor_sessions_by_editor ON editor_sessions (editor_id);
CREATE INDEX editor_sessions_by_expiry ON editor_sessions (expires_at);

-- Failed sign-ins in the last window, per subject: a keyed hash of the email tried (known or
-- not, so lock-outs reveal nothing) and one of the client address. Counted in the database, so
-- the limit holds across instances; old rows are deleted as the limit is checked.
CREATE TABLE login_failures (
    subject TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;

CREATE INDEX login_failures_by_subject ON login_failures (subject, at);
