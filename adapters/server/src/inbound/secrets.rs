//! Passwords of email accounts, encrypted at rest with ChaCha20-Poly1305 under a 256-bit key
//! kept in `<data dir>/secret.key` (created 0600 by `anytime serve`). A stolen database alone
//! reveals no password; the key file must be backed up with it.

use crate::http::{ApiError, ApiResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::io::Write;
use std::path::Path;

const PREFIX: &str = "enc:v1:";
const KEY_FILE: &str = "secret.key";

/// The key, created on first use (`create_new` so two processes cannot both write one).
pub fn key(data_dir: &Path) -> ApiResult<[u8; 32]> {
    let path = data_dir.join(KEY_FILE);
    if !path.exists() {
        let key: [u8; 32] = rand::random();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut f) => f
                .write_all(&key)
                .and_then(|()| f.sync_all())
                .map_err(|e| ApiError::Internal(format!("writing the secret key: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(ApiError::Internal(format!("creating the secret key: {e}"))),
        }
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| ApiError::Internal(format!("reading the secret key: {e}")))?;
    bytes
        .try_into()
        .map_err(|_| ApiError::Internal("the secret key file must hold 32 bytes".into()))
}

pub fn encrypt(key: &[u8; 32], plain: &str) -> ApiResult<String> {
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    let nonce: [u8; 12] = rand::random();
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
        .map_err(|_| ApiError::Internal("encrypting a password failed".into()))?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
}

/// The password, for the mail adapter; `None` when the text was not made by [`encrypt`]
/// under this key.
pub fn decrypt(key: &[u8; 32], text: &str) -> Option<String> {
    let bytes = STANDARD.decode(text.strip_prefix(PREFIX)?).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(12);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    let plain = cipher.decrypt(Nonce::from_slice(nonce), sealed).ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let k = key(dir.path()).unwrap();
        assert_eq!(key(dir.path()).unwrap(), k, "the key is kept");
        let sealed = encrypt(&k, "hunter2").unwrap();
        assert!(!sealed.contains("hunter2"));
        assert_eq!(decrypt(&k, &sealed).as_deref(), Some("hunter2"));
        assert_eq!(decrypt(&[7; 32], &sealed), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
