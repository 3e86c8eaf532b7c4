-- SLA breach detection (SPEC §5.4, §5.6). `sla_due` holds each open target's due instant
-- while it is not yet recorded as breached (rewritten with every save of the conversation),
-- so the worker reads only what has come due; `sla_breaches` records each breach once (the
-- reports read it) — the row is written in the transaction that fires `slaBreached`.
CREATE TABLE sla_breaches (
    site_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    target          TEXT    NOT NULL,
    breached_at     TEXT    NOT NULL,
    -- '' for first response and resolution (once per conversation), the breach instant for
    -- next response (once per run).
    run_key         TEXT    NOT NULL,
    recorded_time   TEXT    NOT NULL,
    PRIMARY KEY (site_id, conversation_id, target, run_key),
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sla_breaches_by_time ON sla_breaches (site_id, breached_at);

CREATE TABLE sla_due (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         TEXT    NOT NULL,
    conversation_id INTEGER NOT NULL,
    target          TEXT    NOT NULL,
    due_at          TEXT    NOT NULL,
    FOREIGN KEY (site_id, conversation_id) REFERENCES conversations(site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sla_due_at ON sla_due (due_at);
CREATE INDEX sla_due_by_conversation ON sla_due (site_id, conversation_id);
