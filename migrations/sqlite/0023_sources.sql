-- The desk's sources inbox: feeds editors write from, the items found in them, and a log of
-- what editors did to sources and items (moderation has its own log).
-- AUTOINCREMENT: an id is never handed out twice, so a removed source's id never names
-- another one in the log.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    url             TEXT    NOT NULL UNIQUE,
    added_by        INTEGER REFERENCES editors (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL,
    -- Validators of the last good answer, sent back as If-None-Match / If-Modified-Since.
    etag            TEXT,
    last_modified   TEXT,
    last_fetched_at TEXT,
    last_ok_at      TEXT,
    -- When any instance may fetch it next; a fetch claims it by moving this forward first.
    next_fetch_at   TEXT    NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_error      TEXT
) STRICT;

CREATE INDEX sources_due ON sources (next_fetch_at);

-- One row per story: the same canonical address from a second source is not stored again. A
-- removed source's items stay (without a source, out of the inbox), so a dismissed story never
-- comes back; another source that lists one again takes it over.
CREATE TABLE source_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id     INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    canonical_url TEXT    NOT NULL UNIQUE,
    url           TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    published_at  TEXT,
    found_at      TEXT    NOT NULL,
    dismissed_at  TEXT,
    dismissed_by  INTEGER REFERENCES editors (id) ON DELETE SET NULL
) STRICT;

CREATE INDEX source_items_inbox ON source_items (dismissed_at, id DESC);
CREATE INDEX source_items_by_source ON source_items (source_id);

CREATE TABLE desk_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    editor_id INTEGER NOT NULL REFERENCES editors (id),
    action    TEXT    NOT NULL CHECK (action IN ('add-source', 'remove-source', 'dismiss-item')),
    subject   TEXT    NOT NULL
) STRICT;

CREATE INDEX desk_log_by_time ON desk_log (at DESC, id DESC);
