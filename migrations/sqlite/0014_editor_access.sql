-- Accounts an admin has disabled: set means the editor cannot sign in and has no sessions.
-- The row stays, so the audit log and drafts keep naming who did what.
ALTER TABLE editors ADD COLUMN disabled_at TEXT;
