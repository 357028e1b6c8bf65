-- Twin of migrations/sqlite/0022_reading_peaks.sql: the site's "reading now" peak per day.
CREATE TABLE reading_peaks (
    day  TEXT   PRIMARY KEY,
    peak BIGINT NOT NULL CHECK (peak >= 0)
);
