//! An email account's mail servers (seed 001 `serverInfo`): the SMTP server it sends
//! through and the IMAP server it reads, with passwords unsealed only here, right before a
//! connection. Forwarding accounts without their own SMTP server use the server's relay.

use super::secrets;
use anytime_mail::imap::ImapLogin;
use anytime_mail::smtp::{Security, SmtpSettings};
use serde_json::Value;
use std::time::Duration;

/// Connection timeout for every mail server (SPEC §4.10: tests answer within seconds).
pub const TIMEOUT: Duration = Duration::from_secs(10);

fn info(account: &Value) -> &Value {
    &account["serverInfo"]
}

fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn port(v: &Value, k: &str, default: u16) -> Result<u16, String> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(default),
        Some(p) => p
            .as_u64()
            .or_else(|| p.as_str().and_then(|s| s.trim().parse().ok()))
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("serverInfo.{k} must be a port number")),
    }
}

/// A sealed secret (top level or in `serverInfo`), unsealed.
fn secret(account: &Value, key: &[u8; 32], names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        text(account, n)
            .or_else(|| text(info(account), n))
            .and_then(|sealed| secrets::decrypt(key, sealed))
    })
}

/// The account's SMTP server; `relay` (`host:port`) for forwarding accounts without their
/// own. `Err` says what is missing or wrong.
pub fn smtp(
    account: &Value,
    key: &[u8; 32],
    relay: Option<&str>,
    insecure: bool,
) -> Result<SmtpSettings, String> {
    let i = info(account);
    let forwarding = account["type"].as_str() == Some("emailForwarding");
    if forwarding && i["useOwnSMTPServer"].as_bool() != Some(true) {
        let relay = relay.ok_or("this forwarding account has no SMTP server of its own and the server has no --smtp-relay")?;
        let (host, port) = relay
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
            .ok_or("--smtp-relay must be host:port")?;
        return Ok(SmtpSettings {
            host,
            port,
            security: Security::None,
            credentials: None,
            accept_invalid_certs: insecure,
            timeout: TIMEOUT,
        });
    }
    let host = text(i, "outgoingServer").ok_or("serverInfo.outgoingServer is required")?;
    let security = Security::parse(text(i, "encryptedConnectionType").unwrap_or("TLS"))
        .ok_or("serverInfo.encryptedConnectionType must be none, SSL or TLS")?;
    let default_port = match security {
        Security::Tls => 465,
        Security::StartTls => 587,
        Security::None => 25,
    };
    let credentials = if i["authentication"].as_bool().unwrap_or(false) {
        let user = text(i, "smtpUserName")
            .or_else(|| text(i, "userName"))
            .or_else(|| text(account, "businessEmail"))
            .ok_or("serverInfo.userName is required for authentication")?;
        let pass = secret(account, key, &["smtpPassword", "password"])
            .ok_or("a password is required for authentication")?;
        Some((user.to_string(), pass))
    } else {
        None
    };
    Ok(SmtpSettings {
        host: host.to_string(),
        port: port(i, "outgoingServerPort", default_port)?,
        security,
        credentials,
        accept_invalid_certs: insecure,
        timeout: TIMEOUT,
    })
}

/// How an IMAP connection is secured: `serverInfo.incomingEncryptedConnectionType` (none, SSL,
/// TLS — as the outgoing side's `encryptedConnectionType`) when given, else seed 001's `useSSL`:
/// implicit TLS when true, STARTTLS when false. Plain text only when the account says `none`.
pub fn imap_security(info: &Value) -> Result<Security, String> {
    match info.get("incomingEncryptedConnectionType") {
        None | Some(Value::Null) if info["useSSL"].as_bool().unwrap_or(true) => Ok(Security::Tls),
        None | Some(Value::Null) => Ok(Security::StartTls),
        Some(t) => t.as_str().and_then(Security::parse).ok_or_else(|| {
            "serverInfo.incomingEncryptedConnectionType must be none, SSL or TLS".to_string()
        }),
    }
}

/// The account's IMAP server and login.
pub fn imap(account: &Value, key: &[u8; 32], insecure: bool) -> Result<ImapLogin, String> {
    let i = info(account);
    let host = text(i, "incomingServer").ok_or("serverInfo.incomingServer is required")?;
    let security = imap_security(i)?;
    let user = text(i, "userName")
        .or_else(|| text(account, "businessEmail"))
        .ok_or("serverInfo.userName is required")?;
    Ok(ImapLogin {
        host: host.to_string(),
        port: port(
            i,
            "incomingServerPort",
            if security == Security::Tls { 993 } else { 143 },
        )?,
        security,
        user: user.to_string(),
        password: secret(account, key, &["password"]).ok_or("a password is required")?,
        accept_invalid_certs: insecure,
        timeout: TIMEOUT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: [u8; 32] = [7; 32];

    fn sealed(p: &str) -> String {
        secrets::encrypt(&KEY, p).unwrap()
    }

    #[test]
    fn smtp_from_server_info() {
        let a = json!({"type": "imap", "businessEmail": "s@acme.test", "smtpPassword": sealed("pw"),
            "serverInfo": {"outgoingServer": "mx.acme.test", "encryptedConnectionType": "SSL",
                           "authentication": true, "userName": "s"}});
        let s = smtp(&a, &KEY, None, false).unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("mx.acme.test", 465, Security::Tls)
        );
        assert_eq!(s.credentials, Some(("s".into(), "pw".into())));
        let a = json!({"type": "imap", "serverInfo": {"outgoingServer": "h", "outgoingServerPort": "2525",
            "encryptedConnectionType": "none"}});
        let s = smtp(&a, &KEY, None, true).unwrap();
        assert_eq!(
            (s.port, s.security, s.credentials),
            (2525, Security::None, None)
        );
        assert!(smtp(
            &json!({"type": "imap", "serverInfo": {}}),
            &KEY,
            None,
            false
        )
        .is_err());
        let bad_port =
            json!({"type": "imap", "serverInfo": {"outgoingServer": "h", "outgoingServerPort": 0}});
        assert!(smtp(&bad_port, &KEY, None, false).is_err());
    }

    #[test]
    fn forwarding_accounts_use_the_relay() {
        let a = json!({"type": "emailForwarding", "serverInfo": {}});
        assert!(smtp(&a, &KEY, None, false).is_err());
        let s = smtp(&a, &KEY, Some("127.0.0.1:2525"), false).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 2525));
    }

    #[test]
    fn imap_needs_server_and_password() {
        let a = json!({"type": "imap", "businessEmail": "s@acme.test", "password": sealed("pw"),
            "serverInfo": {"incomingServer": "imap.acme.test", "useSSL": false}});
        let s = imap(&a, &KEY, false).unwrap();
        assert_eq!(
            (s.port, s.security, s.user.as_str(), s.password.as_str()),
            (143, Security::StartTls, "s@acme.test", "pw")
        );
        let plain = json!({"type": "imap", "businessEmail": "s@acme.test", "password": sealed("pw"),
            "serverInfo": {"incomingServer": "h", "incomingEncryptedConnectionType": "none"}});
        assert_eq!(imap(&plain, &KEY, false).unwrap().security, Security::None);
        let implicit = json!({"type": "imap", "businessEmail": "s@acme.test", "password": sealed("pw"),
            "serverInfo": {"incomingServer": "h"}});
        let s = imap(&implicit, &KEY, false).unwrap();
        assert_eq!((s.port, s.security), (993, Security::Tls));
        let bad = json!({"type": "imap", "password": sealed("pw"), "businessEmail": "s@acme.test",
            "serverInfo": {"incomingServer": "h", "incomingEncryptedConnectionType": "maybe"}});
        assert!(imap(&bad, &KEY, false).is_err());
        assert!(imap(
            &json!({"serverInfo": {"incomingServer": "h"}, "businessEmail": "x@y.z"}),
            &KEY,
            false
        )
        .is_err());
    }
}
