-- The live event log. Every change readers see live is appended here in the same transaction
-- as the change itself; ids only ever grow, so "everything after id N" is exactly what a
-- reader who last saw N has missed. Old events are pruned; a reader older than the oldest
-- retained event is told to refetch.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
