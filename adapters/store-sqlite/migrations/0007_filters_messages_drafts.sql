-- Indexes for the filtered lists (filters evaluated in SQL, SPEC §4.1/§4.2): unread counts
-- per filter, and the console's usual views (by status or by assignee) sorted by activity.
CREATE INDEX conversations_unread ON conversations (site_id, is_deleted, is_read);
CREATE INDEX conversations_by_status_activity
    ON conversations (site_id, is_deleted, status, last_activity_time, id);
CREATE INDEX conversations_by_agent_activity
    ON conversations (site_id, is_deleted, agent_assignee_id, last_activity_time, id);

-- What a message carries besides what the core's state machine needs (SPEC §4.1): source,
-- subject and addresses, as JSON. Attachments point at their message in `attachments`.
CREATE TABLE message_details (
    site_id    TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    details    TEXT    NOT NULL,
    PRIMARY KEY (site_id, message_id),
    FOREIGN KEY (site_id, message_id) REFERENCES messages(site_id, id) ON DELETE CASCADE
) STRICT;

-- One draft per conversation per agent (SPEC §4.1); removed with the conversation.
CREATE TABLE conversation_drafts (
    site_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    agent_id        TEXT    NOT NULL,
    draft_id        INTEGER NOT NULL,
    content         TEXT    NOT NULL,
    saved_time      TEXT    NOT NULL,
    PRIMARY KEY (site_id, conversation_id, agent_id),
    UNIQUE (site_id, draft_id),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
) STRICT;
