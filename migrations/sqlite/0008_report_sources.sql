-- Where a report came from, as a keyed hash of the client address (never the address itself).
-- A comment is held when reports come from `report_threshold` different sources: a reader is
-- one source, and so is everyone behind one address, so clearing cookies and reporting again
-- from the same place counts once.
ALTER TABLE comment_reports ADD COLUMN source_tag TEXT;
