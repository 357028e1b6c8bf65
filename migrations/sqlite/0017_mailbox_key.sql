-- The mailbox an address delivers to, for the daily cap on confirmation mail: lowercased,
-- with any +tag of the local part removed (victim+1@ and victim+2@ reach one inbox). Rows
-- from before keep '' and simply fall outside every count, which spans one day.
ALTER TABLE subscribers ADD COLUMN mailbox_key TEXT NOT NULL DEFAULT '';
CREATE INDEX subscribers_by_mailbox ON subscribers (mailbox_key);
