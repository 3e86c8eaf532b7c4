//! PKCE (RFC 7636, S256 only) and the checks a code must pass at the token endpoint: one pure
//! function, so the property test can tamper with every input.

use anytime_store::AuthorizationCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len()) && verifier.bytes().all(unreserved)
}

/// An S256 challenge is the unpadded base64url of a SHA-256: exactly 43 characters.
pub fn is_valid_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `BASE64URL(SHA256(verifier))`.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What a client presents with a code.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    pub client_id: Uuid,
    pub redirect_uri: &'a str,
    pub code_verifier: &'a str,
    pub now: DateTime<Utc>,
}

/// Why a code was refused (all are `invalid_grant`; the description names the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    Expired,
    OtherClient,
    OtherRedirectUri,
    WrongVerifier,
}

impl CodeProblem {
    pub fn describe(self) -> &'static str {
        match self {
            CodeProblem::Expired => "the authorization code has expired",
            CodeProblem::OtherClient => "the authorization code was issued to another client",
            CodeProblem::OtherRedirectUri => {
                "redirect_uri differs from the one of the authorization request"
            }
            CodeProblem::WrongVerifier => "code_verifier does not match the code_challenge",
        }
    }
}

/// The code is bound to its client, redirect URI and verifier, and lives until its expiry.
pub fn check_code(code: &AuthorizationCode, ex: &Exchange<'_>) -> Result<(), CodeProblem> {
    if ex.now > code.expires_time {
        return Err(CodeProblem::Expired);
    }
    if ex.client_id != code.client_id {
        return Err(CodeProblem::OtherClient);
    }
    if ex.redirect_uri != code.redirect_uri {
        return Err(CodeProblem::OtherRedirectUri);
    }
    if !is_valid_verifier(ex.code_verifier) || s256(ex.code_verifier) != code.code_challenge {
        return Err(CodeProblem::WrongVerifier);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anytime_core::model::{AgentId, SiteId};
    use proptest::prelude::*;

    #[test]
    fn s256_matches_the_rfc_7636_example() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_valid_verifier(verifier));
        assert!(is_valid_challenge(&s256(verifier)));
        assert!(!is_valid_verifier("short"));
        assert!(!is_valid_verifier(&"a".repeat(129)));
        assert!(!is_valid_verifier(&format!("{}!", "a".repeat(43))));
        assert!(!is_valid_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c="
        ));
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    fn code(verifier: &str) -> AuthorizationCode {
        AuthorizationCode {
            site_id: SiteId(Uuid::from_u128(1)),
            client_id: Uuid::from_u128(7),
            agent_id: AgentId(Uuid::from_u128(2)),
            redirect_uri: "https://app.example/cb".into(),
            code_challenge: s256(verifier),
            scope: "api".into(),
            expires_time: at(60),
        }
    }

    fn exchange(verifier: &str) -> Exchange<'_> {
        Exchange {
            client_id: Uuid::from_u128(7),
            redirect_uri: "https://app.example/cb",
            code_verifier: verifier,
            now: at(0),
        }
    }

    #[test]
    fn the_untouched_exchange_passes_until_expiry() {
        let v = "v".repeat(43);
        assert_eq!(check_code(&code(&v), &exchange(&v)), Ok(()));
        let late = Exchange {
            now: at(60),
            ..exchange(&v)
        };
        assert_eq!(check_code(&code(&v), &late), Ok(()));
        let too_late = Exchange {
            now: at(61),
            ..exchange(&v)
        };
        assert_eq!(check_code(&code(&v), &too_late), Err(CodeProblem::Expired));
    }

    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    fn verifier() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 43..=128)
            .prop_map(|b| String::from_utf8(b).unwrap_or_default())
    }

    /// A different string: one character replaced, dropped or added.
    fn tamper(s: &str, how: u8, pos: usize, ch: u8) -> String {
        let mut b = s.as_bytes().to_vec();
        let i = pos % (b.len() + 1);
        match how % 3 {
            0 if i < b.len() => {
                b[i] = if b[i] == ch {
                    if ch == b'A' {
                        b'B'
                    } else {
                        b'A'
                    }
                } else {
                    ch
                }
            }
            1 if i < b.len() => {
                b.remove(i);
            }
            _ => b.insert(i, ch),
        }
        String::from_utf8(b).unwrap_or_default()
    }

    proptest! {
        #[test]
        fn any_tampered_verifier_is_rejected(
            v in verifier(), how in 0u8..3, pos in 0usize..200,
            ch in proptest::sample::select(ALPHABET),
        ) {
            let bad = tamper(&v, how, pos, ch);
            prop_assume!(bad != v);
            let ex = exchange(&bad);
            prop_assert_eq!(check_code(&code(&v), &ex), Err(CodeProblem::WrongVerifier));
        }

        #[test]
        fn any_other_client_or_redirect_uri_is_rejected(
            v in verifier(), client in any::<u128>(), how in 0u8..3, pos in 0usize..40,
            ch in proptest::sample::select(ALPHABET),
        ) {
            prop_assume!(client != 7);
            let c = code(&v);
            let other_client = Exchange { client_id: Uuid::from_u128(client), ..exchange(&v) };
            prop_assert_eq!(check_code(&c, &other_client), Err(CodeProblem::OtherClient));
            let uri = tamper(&c.redirect_uri, how, pos, ch);
            prop_assume!(uri != c.redirect_uri);
            let other_uri = Exchange { redirect_uri: &uri, ..exchange(&v) };
            prop_assert_eq!(check_code(&c, &other_uri), Err(CodeProblem::OtherRedirectUri));
        }
    }
}
