-- 0010: OAuth 2.0 (SPEC §4.15): registered clients, authorization codes, and token families.
--
-- Secrets, codes and tokens are 256-bit random values; only their SHA-256 is kept (as for API
-- keys: nothing to brute-force, and every request verifies with one fast hash).
-- A family is one authorization (one code exchange) with every access and refresh token that
-- descends from it: deleting the family revokes them all (reuse detection, client deletion,
-- agent disabled or password changed).

CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    redirect_uris TEXT NOT NULL CHECK (json_valid(redirect_uris)),
    -- NULL for public clients.
    secret_hash   BLOB CHECK (secret_hash IS NULL OR length(secret_hash) = 32),
    created_time  TEXT NOT NULL,
    updated_time  TEXT NOT NULL,
    UNIQUE (site_id, id)
) STRICT;
CREATE INDEX oauth_clients_by_name ON oauth_clients (site_id, name, id);

CREATE TABLE oauth_families (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    agent_id     TEXT NOT NULL,
    scope        TEXT NOT NULL,
    created_time TEXT NOT NULL,
    -- When its newest refresh token expires; past it the family is dropped.
    expires_time TEXT NOT NULL,
    FOREIGN KEY (site_id, client_id) REFERENCES oauth_clients (site_id, id) ON DELETE CASCADE,
    FOREIGN KEY (site_id, agent_id) REFERENCES agents (site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX oauth_families_by_agent ON oauth_families (site_id, agent_id);
CREATE INDEX oauth_families_by_client ON oauth_families (site_id, client_id);
CREATE INDEX oauth_families_by_expiry ON oauth_families (expires_time);

-- A code stays (used = 1) until it expires so that a replay can revoke what it produced.
CREATE TABLE oauth_codes (
    code_hash      BLOB PRIMARY KEY CHECK (length(code_hash) = 32),
    site_id        TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    agent_id       TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    scope          TEXT NOT NULL,
    expires_time   TEXT NOT NULL,
    used           INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    family_id      TEXT REFERENCES oauth_families (id) ON DELETE SET NULL,
    FOREIGN KEY (site_id, client_id) REFERENCES oauth_clients (site_id, id) ON DELETE CASCADE,
    FOREIGN KEY (site_id, agent_id) REFERENCES agents (site_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX oauth_codes_by_expiry ON oauth_codes (expires_time);
CREATE INDEX oauth_codes_by_family ON oauth_codes (family_id);

CREATE TABLE oauth_tokens (
    token_hash   BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    family_id    TEXT NOT NULL REFERENCES oauth_families (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_time TEXT NOT NULL,
    -- A rotated refresh token: presenting it again revokes the family.
    retired      INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;
CREATE INDEX oauth_tokens_by_family ON oauth_tokens (family_id);
