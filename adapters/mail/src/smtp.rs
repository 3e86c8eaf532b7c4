//! SMTP delivery (SPEC §5.9, issue 6): one pooled lettre transport per distinct server
//! setting, STARTTLS / implicit TLS / plain as the account says, AUTH when configured, and a
//! classification of every failure into "try again later" (4xx, connection trouble) or "give
//! up" (5xx), which the outbox schedule turns into retries or a `failed` message.

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

pub use crate::tls::Security;

/// Where and how to deliver.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User name and password for AUTH.
    pub credentials: Option<(String, String)>,
    /// Accept self-signed certificates (test servers only; a server flag turns it on).
    pub accept_invalid_certs: bool,
    pub timeout: Duration,
}

/// A failed delivery, classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 4xx, connection refused, timeout, TLS trouble: try again later.
    #[error("{0}")]
    Transient(String),
    /// 5xx: the server refused the message for good.
    #[error("{0}")]
    Permanent(String),
}

fn transport(s: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let tls = || {
        TlsParameters::builder(s.host.clone())
            .dangerous_accept_invalid_certs(s.accept_invalid_certs)
            .dangerous_accept_invalid_hostnames(s.accept_invalid_certs)
            .build_rustls()
            .map_err(|e| SendError::Permanent(format!("TLS settings: {e}")))
    };
    let tls = match s.security {
        Security::None => Tls::None,
        Security::StartTls => Tls::Required(tls()?),
        Security::Tls => Tls::Wrapper(tls()?),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
        .port(s.port)
        .tls(tls)
        .timeout(Some(s.timeout))
        .pool_config(
            PoolConfig::new()
                .max_size(4)
                .idle_timeout(Duration::from_secs(60)),
        );
    if let Some((user, pass)) = &s.credentials {
        b = b.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    Ok(b.build())
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let text = e.to_string();
    if e.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

/// Pooled transports, one per distinct setting (so a password change opens a new pool).
#[derive(Default)]
pub struct SmtpPool {
    transports: Mutex<BTreeMap<SmtpSettings, AsyncSmtpTransport<Tokio1Executor>>>,
}

impl SmtpPool {
    fn get(&self, s: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
        let mut map = self
            .transports
            .lock()
            .map_err(|_| SendError::Transient("SMTP pool lock poisoned".into()))?;
        if let Some(t) = map.get(s) {
            return Ok(t.clone());
        }
        let t = transport(s)?;
        map.insert(s.clone(), t.clone());
        Ok(t)
    }

    /// Delivers `message` through the server `s` describes.
    pub async fn send(&self, s: &SmtpSettings, message: &Message) -> Result<(), SendError> {
        let t = self.get(s)?;
        match tokio::time::timeout(s.timeout * 2, t.send(message.clone())).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(classify(e)),
            Err(_) => Err(SendError::Transient(format!(
                "no answer from {}:{} within {:?}",
                s.host,
                s.port,
                s.timeout * 2
            ))),
        }
    }

    /// Drops the pooled connections to `s` (after a connection failure, so the next try
    /// opens a fresh one).
    pub fn forget(&self, s: &SmtpSettings) {
        if let Ok(mut map) = self.transports.lock() {
            map.remove(s);
        }
    }
}

/// Connects, says EHLO, upgrades to TLS and authenticates as configured, then quits: the
/// "test connection" of an account. The error carries the server's words.
pub async fn test_connection(s: &SmtpSettings) -> Result<(), String> {
    let t = transport(s).map_err(|e| e.to_string())?;
    match tokio::time::timeout(s.timeout, t.test_connection()).await {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err("the server did not accept the connection".into()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {:?}", s.timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_names_follow_the_seed() {
        assert_eq!(Security::parse("SSL"), Some(Security::Tls));
        assert_eq!(Security::parse("tls"), Some(Security::StartTls));
        assert_eq!(Security::parse("none"), Some(Security::None));
        assert_eq!(Security::parse("carrier pigeon"), None);
    }

    #[tokio::test]
    async fn a_closed_port_is_a_transient_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let s = SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            credentials: None,
            accept_invalid_certs: false,
            timeout: Duration::from_secs(2),
        };
        let m = Message::builder()
            .from("a@b.test".parse().unwrap())
            .to("c@d.test".parse().unwrap())
            .body(String::from("x"))
            .unwrap();
        let pool = SmtpPool::default();
        assert!(matches!(
            pool.send(&s, &m).await,
            Err(SendError::Transient(_))
        ));
        assert!(test_connection(&s).await.is_err());
    }
}
