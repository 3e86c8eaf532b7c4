//! OAuth access tokens (SPEC §4.15) in the API-key path: one SHA-256 and a cache lookup per
//! request, like keys; a cache entry never outlives the token's own expiry.

use super::Auth;
use crate::http::error::ApiError;
use anytime_store::{Credential, Store};
use std::time::Instant;

impl Auth {
    /// The agent an unexpired access token acts as.
    pub(super) async fn token_credential(
        &self,
        store: &Store,
        token: &str,
        now: Instant,
    ) -> Result<Option<Credential>, ApiError> {
        let hash = super::keys::hash_key(token);
        if let Some(c) = self.cache.get(&hash, now) {
            return Ok(Some(c));
        }
        let generation = self.cache.generation();
        let Some((credential, expires)) = store.oauth().credential_for_access_token(hash).await?
        else {
            return Ok(None);
        };
        let left = (expires - anytime_store::now()).to_std().ok();
        let Some(left) = left.filter(|l| !l.is_zero()) else {
            return Ok(None);
        };
        if credential.is_active {
            self.cache
                .insert_until(hash, credential.clone(), generation, now, now + left);
        }
        Ok(Some(credential))
    }
}
