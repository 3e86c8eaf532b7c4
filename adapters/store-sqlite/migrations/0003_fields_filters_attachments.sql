-- Custom fields (SPEC §4.3): the core's FieldDef as JSON; system fields are implied by the
-- code and never stored, except for their mappings.
CREATE TABLE fields (
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    def          TEXT NOT NULL,
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    PRIMARY KEY (site_id, id)
) STRICT;
CREATE UNIQUE INDEX fields_by_name ON fields (site_id, name_key);

-- Chat / offline-message mappings of system and custom fields (`PUT /fields/mapping`).
CREATE TABLE field_mappings (
    site_id                        TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    field_id                       TEXT NOT NULL,
    chat_field_mapping             TEXT,
    offline_message_field_mapping  TEXT,
    PRIMARY KEY (site_id, field_id)
) STRICT;

-- Agent console filters (SPEC §4.2): conditions as the core's Conditions JSON.
CREATE TABLE filters (
    site_id       TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    id            TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    is_private    INTEGER NOT NULL,
    created_by_id TEXT    NOT NULL,
    conditions    TEXT    NOT NULL,
    created_time  TEXT    NOT NULL,
    updated_time  TEXT    NOT NULL,
    PRIMARY KEY (site_id, id)
) STRICT;
CREATE INDEX filters_by_creator ON filters (site_id, created_by_id);

-- Uploaded attachments (SPEC §4.14): metadata here, bytes content-addressed under the data
-- dir (`attachments/<sha256>`). Unattached uploads belong to their uploader only.
CREATE TABLE attachments (
    site_id         TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    guid            TEXT    NOT NULL,
    file_name       TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT    NOT NULL,
    uploader_id     TEXT    NOT NULL,
    conversation_id INTEGER,
    message_id      INTEGER,
    created_time    TEXT    NOT NULL,
    PRIMARY KEY (site_id, guid)
) STRICT;
CREATE INDEX attachments_by_sha ON attachments (sha256);
CREATE INDEX attachments_by_conversation ON attachments (site_id, conversation_id);
