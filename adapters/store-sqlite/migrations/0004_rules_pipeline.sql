-- Admin rules (SPEC §4.4–4.8) and the new-conversation pipeline's durable state (§5.2–5.6).
-- Each site's rule sets are small JSON documents (routing with its custom rules, auto
-- allocation, triggers, SLA policies, working time, holidays, the allocator's state), each
-- read and rewritten whole inside one write transaction.
CREATE TABLE site_documents (
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    value        TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    PRIMARY KEY (site_id, name)
) STRICT;

-- What SLA clocks read (SPEC §5.6): messages, status and field changes, oldest first.
CREATE TABLE conversation_timeline (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    item            TEXT    NOT NULL,
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_timeline_by_conversation ON conversation_timeline (site_id, conversation_id, seq);

-- Trigger emails waiting for delivery (the mail adapter drains it).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id          TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    conversation_id  INTEGER NOT NULL,
    trigger_id       TEXT,
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    html_text        TEXT    NOT NULL,
    plain_text       TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'queued',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    created_time     TEXT    NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_conversation ON outbox (site_id, conversation_id);

-- Pending `staysAtStatusPeriod` timers; one row fires once.
CREATE TABLE timers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         TEXT    NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL,
    trigger_id      TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    fire_at         TEXT    NOT NULL,
    created_time    TEXT    NOT NULL
) STRICT;
CREATE INDEX timers_due ON timers (fire_at);
CREATE INDEX timers_by_conversation ON timers (site_id, conversation_id);
