-- Twin of migrations/sqlite/0018_event_comments.sql: which comment an event is about, so that
-- an edit or a removal finds the earlier events that carried its words by an index.
ALTER TABLE events ADD COLUMN comment_id BIGINT;
UPDATE events SET comment_id = (payload::json -> 'comment' ->> 'id')::bigint WHERE kind = 'comment';
UPDATE events SET comment_id = (payload::json ->> 'id')::bigint WHERE kind = 'comment_changed';
CREATE INDEX events_by_comment ON events (comment_id) WHERE comment_id IS NOT NULL;
