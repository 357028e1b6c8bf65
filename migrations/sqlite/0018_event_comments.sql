-- Which comment an event is about, so that an edit or a removal finds the earlier events that
-- carried the comment's words by an index instead of reading the whole log.
ALTER TABLE events ADD COLUMN comment_id INTEGER;
UPDATE events SET comment_id = json_extract(payload, '$.comment.id') WHERE kind = 'comment';
UPDATE events SET comment_id = json_extract(payload, '$.id') WHERE kind = 'comment_changed';
CREATE INDEX events_by_comment ON events (comment_id) WHERE comment_id IS NOT NULL;
