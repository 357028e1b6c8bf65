-- Twin of migrations/sqlite/0021_page_views.sql: page views per brief per day per instance.
CREATE TABLE page_views (
    day      TEXT   NOT NULL,
    brief_id BIGINT NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    instance TEXT   NOT NULL,
    views    BIGINT NOT NULL CHECK (views >= 0),
    PRIMARY KEY (day, brief_id, instance)
);

CREATE INDEX page_views_by_brief ON page_views (brief_id, day);
