-- Indexes for the filtered lists (filters evaluated in SQL, SPEC §4.1/§4.2): unread counts
-- per filter, and the console's usual views (by status or by assignee) sorted by activity.
CREATE INDEX conversations_unread ON conversations (site_id, is_deleted, is_read);
CREATE INDEX conversations_by_status_activity
    ON conversations (site_id, is_deleted, status, last_activity_time, id);
CREATE INDEX conversations_by_agent_activity
    ON conversations (site_id, is_deleted, agent_assignee_id, last_activity_time, id);
