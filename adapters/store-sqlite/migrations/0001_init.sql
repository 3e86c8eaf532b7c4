-- 0001: sites, people and the per-site counters later resources number themselves with.
--
-- Conventions for every table (keep them in later migrations):
-- * ids are TEXT uuids (lowercase, hyphenated) except per-site integer ids, which come from
--   site_counters and are stored next to site_id (PRIMARY KEY (site_id, number)).
-- * every row carries site_id; child tables reference (site_id, id) of their parent so a row
--   can never point into another site, even through a bug in the server.
-- * times are TEXT, RFC 3339 UTC with milliseconds and `Z` (sortable as text).
-- * STRICT tables, so a wrong type is an error instead of a silent conversion.

CREATE TABLE sites (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    settings     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL
) STRICT;

-- Per-site sequences ('conversation', 'message', 'junkEmail', 'emailAccount', ...): the last
-- number handed out. Bumped inside the writer's transaction, so numbers never repeat.
CREATE TABLE site_counters (
    site_id    TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    last_value INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE agents (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'portal')),
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    status        TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
    password_hash TEXT,
    created_time  TEXT NOT NULL,
    updated_time  TEXT NOT NULL,
    UNIQUE (site_id, email),
    UNIQUE (site_id, id)
) STRICT;
CREATE INDEX agents_by_name ON agents (site_id, name, id);

-- API keys: only the SHA-256 of the key is kept. Keys are 256-bit random, so a fast hash is
-- as good as a slow one here (nothing to brute-force) and lets every request verify cheaply.
CREATE TABLE api_keys (
    key_hash     BLOB PRIMARY KEY CHECK (length(key_hash) = 32),
    site_id      TEXT NOT NULL,
    agent_id     TEXT NOT NULL,
    created_time TEXT NOT NULL,
    FOREIGN KEY (site_id, agent_id) REFERENCES agents (site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX api_keys_by_agent ON api_keys (site_id, agent_id);

CREATE TABLE departments (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name         TEXT NOT NULL COLLATE NOCASE,
    description  TEXT NOT NULL DEFAULT '',
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    UNIQUE (site_id, name),
    UNIQUE (site_id, id)
) STRICT;

CREATE TABLE department_members (
    site_id       TEXT NOT NULL,
    department_id TEXT NOT NULL,
    agent_id      TEXT NOT NULL,
    PRIMARY KEY (department_id, agent_id),
    FOREIGN KEY (site_id, department_id) REFERENCES departments (site_id, id) ON DELETE CASCADE,
    FOREIGN KEY (site_id, agent_id) REFERENCES agents (site_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX department_members_by_agent ON department_members (agent_id, department_id);

CREATE TABLE contacts (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT COLLATE NOCASE,
    phone        TEXT,
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    UNIQUE (site_id, id)
) STRICT;
CREATE UNIQUE INDEX contacts_by_email ON contacts (site_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_by_name ON contacts (site_id, name COLLATE NOCASE, id);

-- A contact's ids in channel apps (externalIds[appId] = id); the inbound pipeline finds
-- contacts by (app_id, external_id), hence the unique index.
CREATE TABLE contact_external_ids (
    site_id     TEXT NOT NULL,
    contact_id  TEXT NOT NULL,
    app_id      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (contact_id, app_id),
    UNIQUE (site_id, app_id, external_id),
    FOREIGN KEY (site_id, contact_id) REFERENCES contacts (site_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE tags (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name         TEXT NOT NULL COLLATE NOCASE,
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    UNIQUE (site_id, name),
    UNIQUE (site_id, id)
) STRICT;

CREATE TABLE canned_responses (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    html_content TEXT NOT NULL DEFAULT '',
    text_content TEXT NOT NULL DEFAULT '',
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    UNIQUE (site_id, id)
) STRICT;
CREATE INDEX canned_responses_by_name ON canned_responses (site_id, name, id);
