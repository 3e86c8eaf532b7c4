//! Verified credentials kept in memory so a request costs one SHA-256 and a map lookup.
//! Positive entries only; revocation removes an agent's entries at once, and a generation
//! counter stops a lookup that raced with a revocation from re-inserting a stale entry.
//! Entries also expire after a TTL, so changes made by another process (the CLI) show up.

use anytime_core::model::AgentId;
use anytime_store::{Credential, KeyHash};
use dashmap::DashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
struct Entry {
    credential: Credential,
    /// The TTL after verification, or earlier when the credential itself expires (tokens).
    valid_until: Instant,
}

#[derive(Debug)]
pub struct CredentialCache {
    map: DashMap<KeyHash, Entry>,
    generation: AtomicU64,
    ttl: Duration,
}

impl CredentialCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            map: DashMap::new(),
            generation: AtomicU64::new(0),
            ttl,
        }
    }

    pub fn get(&self, key: &KeyHash, now: Instant) -> Option<Credential> {
        let entry = self.map.get(key)?;
        (now < entry.valid_until).then(|| entry.credential.clone())
    }

    /// Read before looking a key up in the database; pass to [`Self::insert`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn insert(&self, key: KeyHash, credential: Credential, generation: u64, now: Instant) {
        self.insert_until(key, credential, generation, now, now + self.ttl);
    }

    /// Like [`Self::insert`] for a credential that expires by itself at `expires`.
    pub fn insert_until(
        &self,
        key: KeyHash,
        credential: Credential,
        generation: u64,
        now: Instant,
        expires: Instant,
    ) {
        let valid_until = expires.min(now + self.ttl);
        if self.map.len() >= MAX_ENTRIES {
            self.map.clear();
        }
        self.map.insert(
            key,
            Entry {
                credential,
                valid_until,
            },
        );
        if self.generation.load(Ordering::SeqCst) != generation {
            // An invalidation ran while we read the database: our answer may be stale.
            self.map.remove(&key);
        }
    }

    /// Forgets everything (after a token revocation, which names no agent). Rare enough
    /// that refilling the cache from the database costs nothing worth tracking families for.
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.map.clear();
    }

    /// Forgets every key of `agent`. Call after the change is committed.
    pub fn invalidate_agent(&self, agent: AgentId) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.map.retain(|_, e| e.credential.agent_id != agent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anytime_core::model::SiteId;
    use anytime_store::Role;
    use uuid::Uuid;

    fn cred(agent: u128) -> Credential {
        Credential {
            site_id: SiteId(Uuid::from_u128(1)),
            agent_id: AgentId(Uuid::from_u128(agent)),
            email: "a@b".into(),
            role: Role::Admin,
            is_active: true,
        }
    }

    #[test]
    fn invalidation_removes_and_blocks_racing_inserts() {
        let c = CredentialCache::new(Duration::from_secs(60));
        let now = Instant::now();
        let g = c.generation();
        c.insert(KeyHash([1; 32]), cred(1), g, now);
        c.insert(KeyHash([2; 32]), cred(2), g, now);
        assert!(c.get(&KeyHash([1; 32]), now).is_some());
        let stale = c.generation();
        c.invalidate_agent(AgentId(Uuid::from_u128(1)));
        assert!(c.get(&KeyHash([1; 32]), now).is_none());
        assert!(c.get(&KeyHash([2; 32]), now).is_some());
        c.insert(KeyHash([1; 32]), cred(1), stale, now);
        assert!(c.get(&KeyHash([1; 32]), now).is_none());
    }

    #[test]
    fn self_expiring_entries_leave_at_their_expiry() {
        let c = CredentialCache::new(Duration::from_secs(60));
        let now = Instant::now();
        let soon = now + Duration::from_secs(5);
        c.insert_until(KeyHash([1; 32]), cred(1), c.generation(), now, soon);
        assert!(c.get(&KeyHash([1; 32]), now).is_some());
        assert!(c.get(&KeyHash([1; 32]), soon).is_none());
        c.insert(KeyHash([2; 32]), cred(2), c.generation(), now);
        c.invalidate_all();
        assert!(c.get(&KeyHash([2; 32]), now).is_none());
    }

    #[test]
    fn entries_expire() {
        let c = CredentialCache::new(Duration::from_secs(60));
        let now = Instant::now();
        c.insert(KeyHash([1; 32]), cred(1), c.generation(), now);
        assert!(c
            .get(&KeyHash([1; 32]), now + Duration::from_secs(61))
            .is_none());
    }
}
