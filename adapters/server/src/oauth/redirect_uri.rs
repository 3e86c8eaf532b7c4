//! Redirect URIs a client may register (SPEC §4.15, OAuth 2.1): absolute, no fragment, `https`
//! — or `http` on a loopback host, for apps running on the user's machine. Matching at the
//! authorization endpoint is exact string equality, so nothing is normalized here beyond
//! refusing what could never match safely.

use url::{Host, Url};

/// Longest redirect URI accepted.
pub const MAX_LEN: usize = 2000;

/// `Err` says what is wrong, for the `redirectUris[i]` detail.
pub fn check(uri: &str) -> Result<(), String> {
    if uri.is_empty() || uri.len() > MAX_LEN {
        return Err(format!("must be 1 to {MAX_LEN} characters"));
    }
    let url = Url::parse(uri).map_err(|e| format!("not an absolute URI: {e}"))?;
    if url.fragment().is_some() || uri.contains('#') {
        return Err("must not have a fragment".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials".into());
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" => Err(
            "http is allowed only for loopback hosts (localhost, 127.0.0.1, [::1]); use https"
                .into(),
        ),
        other => Err(format!("scheme {other:?} is not allowed; use https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for ok in [
            "https://app.example/callback",
            "https://app.example:8443/cb?x=1",
            "http://127.0.0.1:8765/cb",
            "http://localhost/cb",
            "http://[::1]:9000/",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_fragments_relative_and_remote_http() {
        for bad in [
            "",
            "/callback",
            "app.example/cb",
            "https://app.example/cb#frag",
            "https://app.example/cb#",
            "http://app.example/cb",
            "http://10.0.0.1/cb",
            "javascript:alert(1)",
            "ftp://app.example/",
            "https://user:pw@app.example/",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check(&format!("https://a.example/{}", "x".repeat(MAX_LEN))).is_err());
    }
}
