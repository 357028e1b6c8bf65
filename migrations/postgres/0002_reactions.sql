-- Twin of migrations/sqlite/0002_reactions.sql: one row per (brief, kind, reader), counts kept
-- by triggers in the same transaction as the rows they count.
CREATE TABLE reactions (
    brief_id   BIGINT NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    kind       TEXT   NOT NULL,
    reader_id  TEXT   NOT NULL,
    created_at TEXT   NOT NULL DEFAULT pulse_now(),
    PRIMARY KEY (brief_id, kind, reader_id)
);

CREATE INDEX reactions_by_reader ON reactions (reader_id, brief_id);

CREATE TABLE reaction_counts (
    brief_id BIGINT NOT NULL REFERENCES briefs (id) ON DELETE CASCADE,
    kind     TEXT   NOT NULL,
    count    BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (brief_id, kind)
);

CREATE FUNCTION reactions_count() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reaction_counts (brief_id, kind, count) VALUES (NEW.brief_id, NEW.kind, 1)
        ON CONFLICT (brief_id, kind) DO UPDATE SET count = reaction_counts.count + 1;
        RETURN NEW;
    END IF;
    UPDATE reaction_counts SET count = count - 1
    WHERE brief_id = OLD.brief_id AND kind = OLD.kind;
    RETURN OLD;
END;
$$;

CREATE TRIGGER reactions_counted AFTER INSERT OR DELETE ON reactions
FOR EACH ROW EXECUTE FUNCTION reactions_count();
