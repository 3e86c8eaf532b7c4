-- The keyword index holds only the text (contentless FTS5, rows deletable by rowid); which site,
-- conversation and message a row belongs to is in conversation_search_keys (migration 0011).
-- Before, every match read its FTS content row (the indexed text with three UNINDEXED columns)
-- only to test the site: at a million conversations that, twice per search (count and page),
-- was most of the 186 ms a one-word search took. The key table is a small integer-keyed B-tree.
CREATE VIRTUAL TABLE conversation_search_new USING fts5(
    text, content = '', contentless_delete = 1
);
INSERT INTO conversation_search_new (rowid, text) SELECT rowid, text FROM conversation_search;
DROP TABLE conversation_search;
ALTER TABLE conversation_search_new RENAME TO conversation_search;
-- No incremental merging in the commits of creates and replies: at a million conversations
-- FTS5's automerge (default 4) carried on merging the big segments a little in every commit,
-- 42 % of a create's samples (create 349/s, p99 46 ms → 487/s, 11 ms without). Segments are
-- still merged when a level reaches `crisismerge` (16), which keeps lookups bounded.
INSERT INTO conversation_search (conversation_search, rank) VALUES ('automerge', 0);

-- Open conversations per agent and status, kept by triggers in the transaction that changes a
-- conversation row (whatever statement does it: the normal path, bulk loading, deletes). Auto
-- allocation reads this on every create (TxView::agent_loads); counting the open rows instead
-- cost a third of a create's time with a few thousand open conversations and grew with them.
CREATE TABLE agent_open_loads (
    site_id  TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    agent_id TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    open     INTEGER NOT NULL,
    PRIMARY KEY (site_id, agent_id, status)
) STRICT, WITHOUT ROWID;
INSERT INTO agent_open_loads (site_id, agent_id, status, open)
    SELECT site_id, agent_assignee_id, status, count(*) FROM conversations
    WHERE is_deleted = 0 AND status <> 'closed' AND agent_assignee_id IS NOT NULL
    GROUP BY site_id, agent_assignee_id, status;

CREATE TRIGGER conversations_open_load_insert AFTER INSERT ON conversations
    WHEN NEW.is_deleted = 0 AND NEW.status <> 'closed' AND NEW.agent_assignee_id IS NOT NULL
BEGIN
    INSERT INTO agent_open_loads (site_id, agent_id, status, open)
        VALUES (NEW.site_id, NEW.agent_assignee_id, NEW.status, 1)
        ON CONFLICT (site_id, agent_id, status) DO UPDATE SET open = open + 1;
END;

CREATE TRIGGER conversations_open_load_delete AFTER DELETE ON conversations
    WHEN OLD.is_deleted = 0 AND OLD.status <> 'closed' AND OLD.agent_assignee_id IS NOT NULL
BEGIN
    UPDATE agent_open_loads SET open = open - 1
        WHERE site_id = OLD.site_id AND agent_id = OLD.agent_assignee_id AND status = OLD.status;
END;

CREATE TRIGGER conversations_open_load_update AFTER UPDATE OF status, agent_assignee_id, is_deleted
    ON conversations
    WHEN OLD.status IS NOT NEW.status OR OLD.agent_assignee_id IS NOT NEW.agent_assignee_id
        OR OLD.is_deleted IS NOT NEW.is_deleted
BEGIN
    UPDATE agent_open_loads SET open = open - 1
        WHERE OLD.is_deleted = 0 AND OLD.status <> 'closed' AND OLD.agent_assignee_id IS NOT NULL
          AND site_id = OLD.site_id AND agent_id = OLD.agent_assignee_id AND status = OLD.status;
    INSERT INTO agent_open_loads (site_id, agent_id, status, open)
        SELECT NEW.site_id, NEW.agent_assignee_id, NEW.status, 1
        WHERE NEW.is_deleted = 0 AND NEW.status <> 'closed' AND NEW.agent_assignee_id IS NOT NULL
        ON CONFLICT (site_id, agent_id, status) DO UPDATE SET open = open + 1;
END;

-- Lists default to the last 30 days of activity (`coalesce(last_replied_time, created_time)`),
-- which no index could range over: a saved filter on priority walked every high-priority
-- conversation of a million-conversation site and read its row to test the window (0.9 s).
-- This index ranges over the window and holds the columns lists filter and sort on most, so
-- the count and the page's ids are read from the index alone (the store then loads the 50
-- snapshots of the page by key).
CREATE INDEX conversations_by_window ON conversations
    (site_id, is_deleted, coalesce(last_replied_time, created_time), status, priority_rank,
     status_rank, next_breach_at, last_activity_time, last_replied_time, id);

-- The allocation queue's waiting conversations (Batch::unassigned_open): planned freely at a
-- million conversations, SQLite walked the whole site in id order (1 s, on every reply that
-- freed an agent). Only the waiting rows are in this index, already in id order.
CREATE INDEX conversations_waiting ON conversations (site_id, id)
    WHERE is_deleted = 0 AND status <> 'closed' AND agent_assignee_id IS NULL;

-- A keyword search looks each matching conversation up by id to test the window and sort the
-- page: through the primary key that read every match's row (snapshot and all), 9 µs each,
-- 30 ms for a word in 3,300 messages at a million conversations. This index answers it alone.
CREATE INDEX conversations_by_id_window ON conversations
    (site_id, id, is_deleted, coalesce(last_replied_time, created_time), last_activity_time);
