-- Where each IMAP account's ingestion stands (SPEC §5.9: every message processed exactly once).
-- UIDs only mean something with the mailbox's UIDVALIDITY: when the server changes it, the
-- worker starts over from UID 0 and the Message-ID check drops what is already stored.
CREATE TABLE imap_mailboxes (
    site_id      TEXT    NOT NULL,
    account_id   TEXT    NOT NULL,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    updated_time TEXT    NOT NULL,
    PRIMARY KEY (site_id, account_id)
) STRICT, WITHOUT ROWID;
