-- Keyword-index rows by what they index. conversation_search keeps site_id, conversation_id and
-- message_id UNINDEXED (FTS5 has no B-tree on them), so replacing one message's row by
-- `WHERE message_id = ?` scanned the whole index: at a million conversations every create and
-- reply paid a full scan. The key table maps each item to its FTS rowid through a B-tree.
CREATE TABLE conversation_search_keys (
    search_rowid    INTEGER PRIMARY KEY,
    site_id         TEXT    NOT NULL,
    message_id      INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL
) STRICT;
INSERT INTO conversation_search_keys (search_rowid, site_id, message_id, conversation_id)
    SELECT rowid, site_id, message_id, conversation_id FROM conversation_search;
-- (site_id, 0, conversation_id) finds a subject row, (site_id, message_id) a message row.
CREATE INDEX conversation_search_keys_by_item
    ON conversation_search_keys (site_id, message_id, conversation_id);

-- Auto allocation counts every agent's open conversations on each create (TxView::agent_loads).
-- Through conversations_by_agent that read every assigned row, closed ones included: at a
-- million conversations, a second per create. This partial index holds only the open rows and
-- covers the query (same WHERE terms, so the planner may use it).
CREATE INDEX conversations_open_by_agent ON conversations (site_id, agent_assignee_id, status, is_deleted)
    WHERE is_deleted = 0 AND status <> 'closed' AND agent_assignee_id IS NOT NULL;

-- The working list (`status=open`, sorted by next SLA breach or anything else) reads only open
-- rows; the store adds `status <> 'closed'` to such queries so this partial index applies.
-- It covers the filter columns, so counting and sorting never touch the snapshots.
CREATE INDEX conversations_open ON conversations
    (site_id, is_deleted, status, next_breach_at, id, last_replied_time, created_time,
     last_activity_time, priority_rank, status_rank)
    WHERE status <> 'closed';
