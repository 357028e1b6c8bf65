-- Page views of each brief, per UTC day, in aggregate only: no reader, no address, no time of
-- day. Each server instance counts in memory and adds its counts here in batches under its own
-- instance key, so instances never write the same row at once; insight sums them.
CREATE TABLE page_views (
    day      TEXT    NOT NULL,
    brief_id INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    instance TEXT    NOT NULL,
    views    INTEGER NOT NULL CHECK (views >= 0),
    PRIMARY KEY (day, brief_id, instance)
) STRICT;

CREATE INDEX page_views_by_brief ON page_views (brief_id, day);
