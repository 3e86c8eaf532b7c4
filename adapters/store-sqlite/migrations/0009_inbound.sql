-- The inbound pipeline (SPEC §5.9). Message-IDs (channels: external message ids) of stored
-- messages and junk emails: redelivery is recognised by them (step 0) and replies thread by
-- them (step 3). The conversation is found through `messages`, so a merge (which re-homes
-- messages) makes the source's thread ids lead to the target without rewriting this table.
CREATE TABLE message_ids (
    site_id    TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    message_id TEXT    NOT NULL,
    message    INTEGER,
    junk_id    INTEGER REFERENCES junk_emails(id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, message_id),
    FOREIGN KEY (site_id, message) REFERENCES messages(site_id, id) ON DELETE CASCADE,
    CHECK ((message IS NULL) <> (junk_id IS NULL))
) STRICT;
CREATE INDEX message_ids_by_message ON message_ids (site_id, message);
CREATE INDEX message_ids_by_junk ON message_ids (junk_id);

-- What the core's message does not hold: how it came (source, channel, account), its
-- addresses, subject and threading headers, as one JSON object per message.
CREATE TABLE message_envelopes (
    site_id  TEXT    NOT NULL,
    message  INTEGER NOT NULL,
    envelope TEXT    NOT NULL,
    PRIMARY KEY (site_id, message),
    FOREIGN KEY (site_id, message) REFERENCES messages(site_id, id) ON DELETE CASCADE
) STRICT;

-- Messages dropped by a `reject…` blocked sender leave no trace but this counter.
CREATE TABLE inbound_rejections (
    site_id   TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    address   TEXT    NOT NULL,
    count     INTEGER NOT NULL,
    last_time TEXT    NOT NULL,
    PRIMARY KEY (site_id, address)
) STRICT, WITHOUT ROWID;
