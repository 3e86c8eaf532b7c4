-- Junk emails (SPEC §4.9): messages from senders blocked as junk, kept out of conversations
-- until an agent marks them not junk. Ids are global integers; every query is per site.
CREATE TABLE junk_emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    subject TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    from_address TEXT NOT NULL,
    to_list TEXT NOT NULL DEFAULT '',
    cc_list TEXT NOT NULL DEFAULT '',
    html_body TEXT NOT NULL DEFAULT '',
    plain_body TEXT NOT NULL DEFAULT '',
    email_account_id INTEGER,
    is_read INTEGER NOT NULL DEFAULT 0,
    attachments TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX junk_emails_site_time ON junk_emails (site_id, time DESC, id DESC);
