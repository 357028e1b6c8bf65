-- Briefs, as imported from content/: Markdown already rendered to sanitised HTML.
CREATE TABLE briefs (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT    NOT NULL UNIQUE,
    title              TEXT    NOT NULL,
    category           TEXT    NOT NULL,
    summary            TEXT    NOT NULL,
    source_name        TEXT    NOT NULL,
    source_url         TEXT    NOT NULL,
    -- RFC 3339 in UTC, so text order is time order.
    published_at       TEXT    NOT NULL,
    reading_minutes    INTEGER NOT NULL CHECK (reading_minutes > 0),
    what_happened_html TEXT    NOT NULL,
    take_html          TEXT    NOT NULL,
    what_to_do_html    TEXT    NOT NULL,
    who_html           TEXT    NOT NULL,
    what_changes_html  TEXT    NOT NULL,
    when_html          TEXT    NOT NULL,
    watch_for_html     TEXT    NOT NULL,
    skeptics_html      TEXT    NOT NULL,
    content_hash       TEXT    NOT NULL
) STRICT;

CREATE INDEX briefs_by_date ON briefs (published_at DESC, id DESC);
CREATE INDEX briefs_by_category_date ON briefs (category, published_at DESC, id DESC);

CREATE TABLE brief_tags (
    brief_id INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag      TEXT    NOT NULL,
    PRIMARY KEY (brief_id, position),
    UNIQUE (brief_id, tag)
) STRICT;

CREATE INDEX brief_tags_by_tag ON brief_tags (tag);

-- Editors' correction notes ("Updated …").
CREATE TABLE brief_updates (
    brief_id INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    noted_at TEXT    NOT NULL,
    note     TEXT    NOT NULL,
    PRIMARY KEY (brief_id, position)
) STRICT;

-- Links from one brief's content to another's slug; Cited By reads them backwards. The target
-- is a slug, not an id, so a link may point at a brief imported later.
CREATE TABLE brief_links (
    from_brief_id INTEGER NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    to_slug       TEXT    NOT NULL,
    PRIMARY KEY (from_brief_id, to_slug)
) STRICT;

CREATE INDEX brief_links_by_target ON brief_links (to_slug);
