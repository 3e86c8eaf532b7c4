-- Conversations (SPEC §4.1): the core's snapshot as JSON plus the columns every list filter
-- and sort reads, each with an index that starts with site_id.
CREATE TABLE conversations (
    site_id                TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    id                     INTEGER NOT NULL,
    status                 TEXT    NOT NULL,
    status_rank            INTEGER NOT NULL,
    priority_rank          INTEGER NOT NULL,
    channel                TEXT    NOT NULL,
    agent_assignee_id      TEXT,
    department_assignee_id TEXT,
    contact_id             TEXT,
    is_deleted             INTEGER NOT NULL,
    is_read                INTEGER NOT NULL,
    created_time           TEXT    NOT NULL,
    last_activity_time     TEXT    NOT NULL,
    last_replied_time      TEXT,
    next_breach_at         TEXT,
    snapshot               TEXT    NOT NULL,
    PRIMARY KEY (site_id, id)
) STRICT;
CREATE INDEX conversations_by_activity ON conversations (site_id, is_deleted, last_activity_time, id);
CREATE INDEX conversations_by_reply    ON conversations (site_id, is_deleted, last_replied_time, id);
CREATE INDEX conversations_by_status   ON conversations (site_id, is_deleted, status_rank, id);
CREATE INDEX conversations_by_priority ON conversations (site_id, is_deleted, priority_rank, id);
CREATE INDEX conversations_by_breach   ON conversations (site_id, is_deleted, next_breach_at, id);
CREATE INDEX conversations_by_agent    ON conversations (site_id, agent_assignee_id);
CREATE INDEX conversations_by_contact  ON conversations (site_id, contact_id);

CREATE TABLE conversation_tags (
    site_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    tag_id          TEXT    NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, conversation_id, tag_id),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX conversation_tags_by_tag ON conversation_tags (tag_id);

CREATE TABLE messages (
    site_id         TEXT    NOT NULL,
    id              INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    time            TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX messages_by_conversation ON messages (site_id, conversation_id, time, id);

CREATE TABLE conversation_history (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    entry           TEXT    NOT NULL,
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_history_by_conversation ON conversation_history (site_id, conversation_id, seq);

-- Keyword search over subjects (message_id 0) and message bodies.
CREATE VIRTUAL TABLE conversation_search USING fts5(
    site_id UNINDEXED, conversation_id UNINDEXED, message_id UNINDEXED, text
);
