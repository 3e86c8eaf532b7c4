//! API keys: 256 random bits, shown once, stored as SHA-256. A fast hash is right here
//! (unlike passwords): a random 256-bit key cannot be guessed from its hash, and every request
//! must verify cheaply.

use anytime_store::KeyHash;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Prefix that makes keys recognizable in logs and secret scanners.
pub const KEY_PREFIX: &str = "atk_";

/// A fresh key and its hash.
pub fn generate_key() -> (String, KeyHash) {
    generate_secret(KEY_PREFIX)
}

/// 256 random bits after `prefix` (OAuth secrets, codes and tokens use their own prefixes),
/// and the hash to store.
pub fn generate_secret(prefix: &str) -> (String, KeyHash) {
    let bytes: [u8; 32] = rand::random();
    let secret = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_key(&secret);
    (secret, hash)
}

pub fn hash_key(key: &str) -> KeyHash {
    KeyHash(Sha256::digest(key.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_hash_stably() {
        let (a, ha) = generate_key();
        let (b, hb) = generate_key();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert!(a.starts_with(KEY_PREFIX));
        assert!(a.len() >= KEY_PREFIX.len() + 43);
        assert_eq!(hash_key(&a), ha);
    }
}
