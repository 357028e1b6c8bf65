-- "N reading now": how many live connections each instance holds per brief. Each instance
-- replaces its own rows when its counts change and touches them every few seconds; rows of an
-- instance that stopped touching them (it died) no longer count and are cleared. The total
-- for a brief is the sum over instances. Only counts are kept, never who.
CREATE TABLE presence (
    instance TEXT    NOT NULL,
    slug     TEXT    NOT NULL,
    readers  INTEGER NOT NULL CHECK (readers > 0),
    seen_at  TEXT    NOT NULL,
    PRIMARY KEY (instance, slug)
) STRICT;
