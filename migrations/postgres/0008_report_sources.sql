-- Twin of migrations/sqlite/0008_report_sources.sql.
ALTER TABLE comment_reports ADD COLUMN source_tag TEXT;
