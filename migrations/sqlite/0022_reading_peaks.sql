-- The most pages open at once on the whole site ("reading now", every brief and instance
-- summed), per UTC day: a count, never who. Instances raise it as they see the totals.
CREATE TABLE reading_peaks (
    day  TEXT    PRIMARY KEY,
    peak INTEGER NOT NULL CHECK (peak >= 0)
) STRICT;
