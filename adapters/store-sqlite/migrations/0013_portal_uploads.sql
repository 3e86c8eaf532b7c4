-- A portal credential acts for many contacts (SPEC §3): its uploads record the contact they
-- were made for, so only that contact's messages may carry them and only that contact may
-- read them before they are attached. NULL for staff uploads.
ALTER TABLE attachments ADD COLUMN contact_id TEXT;
