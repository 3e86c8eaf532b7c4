//! SMTP delivery (SPEC §5.9, issue 6): pooled lettre connections per distinct server
//! setting, STARTTLS / implicit TLS / plain as the account says, AUTH when configured, and a
//! classification of every failure into "try again later" (4xx, connection trouble) or "give
//! up" (5xx), which the outbox schedule turns into retries or a `failed` message.

use crate::tls::connector;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::authentication::Mechanism;
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, Message, Tokio1Executor};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

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
    let tls = || tls_parameters(s);
    let tls = match s.security {
        Security::None => Tls::None,
        Security::StartTls => Tls::Required(tls()?),
        Security::Tls => Tls::Wrapper(tls()?),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
        .port(s.port)
        .tls(tls)
        .timeout(Some(s.timeout));
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

/// Idle connections kept per server setting.
const MAX_IDLE: usize = 8;
/// An idle connection older than this is closed rather than reused (servers drop them).
const IDLE_FOR: Duration = Duration::from_secs(60);

/// A TLS stream lettre can drive (its trait is foreign, so is the stream).
#[derive(Debug)]
struct TlsIo(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for TlsIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsIo {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

/// Opens a connection as `s` says: TCP with Nagle off — lettre writes a message's body and
/// its final `.` separately, and with Nagle on the second write waits for the server's
/// delayed ACK, 40 ms per message — then implicit TLS or STARTTLS, EHLO and AUTH.
async fn connect(s: &SmtpSettings) -> Result<AsyncSmtpConnection, SendError> {
    let transient = |what: &str, e: &dyn std::fmt::Display| {
        SendError::Transient(format!("{what} {}:{}: {e}", s.host, s.port))
    };
    let tcp = tokio::time::timeout(s.timeout, TcpStream::connect((s.host.as_str(), s.port)))
        .await
        .map_err(|_| transient("no connection to", &format!("within {:?}", s.timeout)))?
        .map_err(|e| transient("cannot connect to", &e))?;
    tcp.set_nodelay(true)
        .map_err(|e| transient("cannot set up the connection to", &e))?;
    let hello = ClientId::default();
    let mut conn = match s.security {
        Security::Tls => {
            let name = rustls::pki_types::ServerName::try_from(s.host.clone())
                .map_err(|e| SendError::Permanent(format!("server name {}: {e}", s.host)))?;
            let tls = tokio::time::timeout(
                s.timeout,
                connector(s.accept_invalid_certs)
                    .map_err(|e| SendError::Permanent(format!("TLS settings: {e}")))?
                    .connect(name, tcp),
            )
            .await
            .map_err(|_| transient("no TLS handshake with", &format!("within {:?}", s.timeout)))?
            .map_err(|e| transient("TLS with", &e))?;
            within(
                s,
                AsyncSmtpConnection::connect_with_transport(Box::new(TlsIo(tls)), &hello),
            )
            .await?
        }
        Security::StartTls | Security::None => {
            within(
                s,
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello),
            )
            .await?
        }
    };
    if s.security == Security::StartTls {
        if !conn.can_starttls() {
            return Err(SendError::Transient(format!(
                "{}:{} does not offer STARTTLS",
                s.host, s.port
            )));
        }
        let params = tls_parameters(s)?;
        within(s, conn.starttls(params, &hello)).await?;
    }
    if let Some((user, pass)) = &s.credentials {
        let credentials = Credentials::new(user.clone(), pass.clone());
        within(
            s,
            conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials),
        )
        .await?;
    }
    Ok(conn)
}

/// One protocol step, bounded by the setting's timeout.
async fn within<T>(
    s: &SmtpSettings,
    step: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, SendError> {
    tokio::time::timeout(s.timeout, step)
        .await
        .map_err(|_| {
            SendError::Transient(format!(
                "no answer from {}:{} within {:?}",
                s.host, s.port, s.timeout
            ))
        })?
        .map_err(classify)
}

fn tls_parameters(s: &SmtpSettings) -> Result<TlsParameters, SendError> {
    TlsParameters::builder(s.host.clone())
        .dangerous_accept_invalid_certs(s.accept_invalid_certs)
        .dangerous_accept_invalid_hostnames(s.accept_invalid_certs)
        .build_rustls()
        .map_err(|e| SendError::Permanent(format!("TLS settings: {e}")))
}

/// Open SMTP connections, reused per distinct setting (so a password change opens new
/// ones); a connection that failed is dropped, never reused.
#[derive(Default)]
pub struct SmtpPool {
    idle: Mutex<BTreeMap<SmtpSettings, Vec<(Instant, AsyncSmtpConnection)>>>,
}

impl SmtpPool {
    fn take(&self, s: &SmtpSettings) -> Option<AsyncSmtpConnection> {
        let mut map = self.idle.lock().ok()?;
        let list = map.get_mut(s)?;
        while let Some((since, conn)) = list.pop() {
            if since.elapsed() < IDLE_FOR && !conn.has_broken() {
                return Some(conn);
            }
        }
        None
    }

    fn give_back(&self, s: &SmtpSettings, conn: AsyncSmtpConnection) {
        if let Ok(mut map) = self.idle.lock() {
            let list = map.entry(s.clone()).or_default();
            if list.len() < MAX_IDLE {
                list.push((Instant::now(), conn));
            }
        }
    }

    /// Delivers `message` through the server `s` describes.
    pub async fn send(&self, s: &SmtpSettings, message: &Message) -> Result<(), SendError> {
        let mut conn = match self.take(s) {
            Some(conn) => conn,
            None => connect(s).await?,
        };
        let body = message.formatted();
        let sent = tokio::time::timeout(s.timeout * 2, conn.send(message.envelope(), &body)).await;
        match sent {
            Ok(Ok(_)) => {
                self.give_back(s, conn);
                Ok(())
            }
            Ok(Err(e)) => Err(classify(e)),
            Err(_) => Err(SendError::Transient(format!(
                "no answer from {}:{} within {:?}",
                s.host,
                s.port,
                s.timeout * 2
            ))),
        }
    }

    /// Closes the idle connections to `s` (after a connection failure, so the next try
    /// opens a fresh one).
    pub fn forget(&self, s: &SmtpSettings) {
        if let Ok(mut map) = self.idle.lock() {
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
