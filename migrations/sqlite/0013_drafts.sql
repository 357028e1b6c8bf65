-- The desk's brief editor.
--
-- `briefs.status`: an unpublished brief keeps its row (comments, reactions, links) but no
-- public page, feed or digest shows it. `briefs.fields`: the brief as the editor's form holds
-- it (JSON of model::desk::BriefFields), written by every import and every desk save, so a
-- published brief can be reopened in the editor exactly as it was written.
ALTER TABLE briefs ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('published', 'unpublished'));
ALTER TABLE briefs ADD COLUMN fields TEXT NOT NULL DEFAULT '';

-- Briefs not yet published. The form is stored as typed (JSON of BriefFields), valid or not;
-- it is checked when it is published. `slug`, `title` and `category` are copied out of it for
-- the desk's list and for the slug check. `publish_at` set means scheduled: the schedule
-- publishes it then, claiming it inside a write transaction so it happens once. `problem` says
-- why a scheduled publication failed. `revision` moves with every save, so an editor saving
-- over someone else's newer save is told instead of overwriting it.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    category   TEXT    NOT NULL,
    fields     TEXT    NOT NULL,
    publish_at TEXT,
    problem    TEXT,
    revision   INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    updated_by INTEGER REFERENCES editors (id) ON DELETE SET NULL
) STRICT;

CREATE INDEX drafts_by_due ON drafts (publish_at);
CREATE INDEX drafts_by_slug ON drafts (slug);
