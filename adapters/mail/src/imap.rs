//! IMAP (RFC 3501 / 9051) through async-imap: the login the test endpoints make, and the
//! mailbox operations the ingestion worker needs — select INBOX with its UIDVALIDITY, list
//! UIDs after the last one processed, fetch a bounded batch, delete what was stored, and wait
//! for news (IDLE when offered, else a plain sleep before the next poll). Each network step is
//! bounded by the login's timeout and reports failures in the server's own words; what to do
//! with a message is the server's business.

use crate::tls::{connector, Security};
use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Where and as whom to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapLogin {
    pub host: String,
    pub port: u16,
    /// Implicit TLS, STARTTLS (required) or — only when the account says so — plain text.
    pub security: Security,
    pub user: String,
    pub password: String,
    pub accept_invalid_certs: bool,
    pub timeout: Duration,
}

/// A fetch may take longer than one command: a message may be up to [`MAX_MESSAGE_BYTES`].
const FETCH_TIMEOUT: Duration = Duration::from_secs(120);

/// Largest message fetched (the raw ingress limit); larger ones are reported, not loaded.
pub const MAX_MESSAGE_BYTES: u32 = 25 * 1024 * 1024;

/// Both transports behind one type, so a session does not care how it was secured.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}
type Stream = Box<dyn Io>;

async fn bounded<T, E: std::fmt::Display>(
    limit: Duration,
    what: &str,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    tokio::time::timeout(limit, step)
        .await
        .map_err(|_| format!("{what}: no answer within {limit:?}"))?
        .map_err(|e| format!("{what}: {}", words(&e.to_string())))
}

/// The server's own words from async-imap's NO/BAD errors, which wrap them in a debug
/// rendering (`no response: code: None, info: Some("…")`).
fn words(error: &str) -> String {
    for (prefix, said) in [("no response: ", "NO"), ("bad response: ", "BAD")] {
        if let Some(rest) = error.strip_prefix(prefix) {
            if let Some((_, info)) = rest.split_once("info: Some(\"") {
                let info = info.strip_suffix("\")").unwrap_or(info);
                return format!("{said} {}", info.replace("\\\"", "\""));
            }
            return format!("{said} {rest}");
        }
    }
    error.to_string()
}

/// A comma-separated UID set.
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

async fn tls_over<S: AsyncRead + AsyncWrite + Unpin + Send + Debug + 'static>(
    login: &ImapLogin,
    io: S,
) -> Result<Stream, String> {
    let name = rustls::pki_types::ServerName::try_from(login.host.clone())
        .map_err(|e| format!("server name {}: {e}", login.host))?;
    let tls = bounded(
        login.timeout,
        "TLS handshake",
        connector(login.accept_invalid_certs)?.connect(name, io),
    )
    .await?;
    Ok(Box::new(tls))
}

/// Reads the greeting the server sends before any command.
async fn greeted(login: &ImapLogin, io: Stream) -> Result<Client<Stream>, String> {
    let mut client = Client::new(io);
    match bounded(login.timeout, "greeting", client.read_response()).await? {
        Some(_) => Ok(client),
        None => Err("the server closed the connection before its greeting".into()),
    }
}

/// An open, logged-in session with INBOX selected after [`Mailbox::select_inbox`].
pub struct Mailbox {
    session: Session<Stream>,
    idle: bool,
    uidplus: bool,
    timeout: Duration,
}

/// INBOX as selected: UIDs are only meaningful together with this UIDVALIDITY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    pub uid_validity: u32,
    pub exists: u32,
}

/// One message of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    Message {
        uid: u32,
        raw: Vec<u8>,
    },
    /// Over [`MAX_MESSAGE_BYTES`]: left on the server, reported.
    TooLarge {
        uid: u32,
        size: u32,
    },
}

impl Fetched {
    pub fn uid(&self) -> u32 {
        match self {
            Fetched::Message { uid, .. } | Fetched::TooLarge { uid, .. } => *uid,
        }
    }
}

/// What ended a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woke {
    /// The server announced a change (IDLE).
    News,
    /// The poll interval passed.
    Timeout,
}

impl Mailbox {
    /// Connects, secures the connection as the login says and logs in.
    pub async fn open(login: &ImapLogin) -> Result<Mailbox, String> {
        let tcp = bounded(
            login.timeout,
            &format!("cannot connect to {}:{}", login.host, login.port),
            TcpStream::connect((login.host.as_str(), login.port)),
        )
        .await?;
        let client = match login.security {
            Security::Tls => greeted(login, tls_over(login, tcp).await?).await?,
            Security::None => greeted(login, Box::new(tcp)).await?,
            Security::StartTls => {
                let mut plain = greeted(login, Box::new(tcp)).await?;
                bounded(
                    login.timeout,
                    "STARTTLS refused (set the connection type to none to log in without TLS)",
                    plain.run_command_and_check_ok("STARTTLS", None),
                )
                .await?;
                // No greeting after STARTTLS (RFC 3501 §6.2.1).
                Client::new(tls_over(login, plain.into_inner()).await?)
            }
        };
        let mut session = bounded(login.timeout, "login failed", async {
            client
                .login(&login.user, &login.password)
                .await
                .map_err(|(e, _)| e)
        })
        .await?;
        let caps = bounded(login.timeout, "CAPABILITY", session.capabilities()).await?;
        Ok(Mailbox {
            idle: caps.has_str("IDLE"),
            uidplus: caps.has_str("UIDPLUS"),
            session,
            timeout: login.timeout,
        })
    }

    /// Whether waits use IDLE.
    pub fn idles(&self) -> bool {
        self.idle
    }

    /// Never use IDLE on this session (polling only).
    pub fn without_idle(mut self) -> Self {
        self.idle = false;
        self
    }

    pub async fn select_inbox(&mut self) -> Result<Selected, String> {
        let mailbox = bounded(
            self.timeout,
            "SELECT INBOX failed",
            self.session.select("INBOX"),
        )
        .await?;
        Ok(Selected {
            uid_validity: mailbox
                .uid_validity
                .ok_or("SELECT INBOX: the server gave no UIDVALIDITY")?,
            exists: mailbox.exists,
        })
    }

    /// The UIDs above `last`, ascending.
    pub async fn uids_after(&mut self, last: u32) -> Result<Vec<u32>, String> {
        let Some(first) = last.checked_add(1) else {
            return Ok(Vec::new());
        };
        let found = bounded(
            self.timeout,
            "UID SEARCH",
            self.session.uid_search(format!("UID {first}:*")),
        )
        .await?;
        // `n:*` always matches the last message, even when its UID is below n.
        let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > last).collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// The messages with these UIDs (those still there), without setting `\Seen`.
    pub async fn fetch(&mut self, uids: &[u32]) -> Result<Vec<Fetched>, String> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let sizes: Vec<(u32, u32)> = self
            .uid_fetch(self.timeout, uids, "(UID RFC822.SIZE)")
            .await?
            .iter()
            .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
            .collect();
        let (small, large): (Vec<_>, Vec<_>) = sizes
            .into_iter()
            .partition(|(_, size)| *size <= MAX_MESSAGE_BYTES);
        let wanted: Vec<u32> = small.iter().map(|(uid, _)| *uid).collect();
        let mut out: Vec<Fetched> = large
            .into_iter()
            .map(|(uid, size)| Fetched::TooLarge { uid, size })
            .collect();
        if !wanted.is_empty() {
            let bodies = self
                .uid_fetch(FETCH_TIMEOUT, &wanted, "(UID BODY.PEEK[])")
                .await?;
            out.extend(bodies.iter().filter_map(|f| {
                Some(Fetched::Message {
                    uid: f.uid?,
                    raw: f.body()?.to_vec(),
                })
            }));
        }
        out.sort_by_key(Fetched::uid);
        Ok(out)
    }

    /// `UID FETCH` of `query` for these UIDs, every answer collected within `limit`.
    async fn uid_fetch(
        &mut self,
        limit: Duration,
        uids: &[u32],
        query: &str,
    ) -> Result<Vec<async_imap::types::Fetch>, String> {
        bounded(limit, &format!("UID FETCH {query}"), async {
            self.session
                .uid_fetch(uid_set(uids), query)
                .await?
                .try_collect()
                .await
        })
        .await
    }

    /// Deletes these messages: `\Deleted`, then UID EXPUNGE (UIDPLUS) or EXPUNGE.
    pub async fn delete(&mut self, uids: &[u32]) -> Result<(), String> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        let timeout = self.timeout;
        bounded(timeout, "UID STORE \\Deleted", async {
            self.session
                .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        if self.uidplus {
            bounded(timeout, "UID EXPUNGE", async {
                self.session
                    .uid_expunge(&set)
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
        } else {
            bounded(timeout, "EXPUNGE", async {
                self.session.expunge().await?.try_collect::<Vec<_>>().await
            })
            .await?;
        }
        Ok(())
    }

    /// Waits up to `poll` for news: IDLE when the server offers it, else a sleep (the next
    /// UID SEARCH sees what arrived).
    pub async fn wait(mut self, poll: Duration) -> Result<(Mailbox, Woke), String> {
        if !self.idle {
            tokio::time::sleep(poll).await;
            return Ok((self, Woke::Timeout));
        }
        // Changes reported during earlier commands are already handled by the caller's sync.
        while self.session.unsolicited_responses.try_recv().is_ok() {}
        let timeout = self.timeout;
        let mut handle = self.session.idle();
        bounded(timeout, "IDLE", handle.init()).await?;
        let woke = {
            let (wait, _stop) = handle.wait_with_timeout(poll);
            // Bounded by `poll` itself; the outer limit only guards a stuck connection.
            match bounded(poll + timeout, "IDLE", wait).await? {
                IdleResponse::NewData(_) => Woke::News,
                IdleResponse::Timeout | IdleResponse::ManualInterrupt => Woke::Timeout,
            }
        };
        let session = bounded(timeout, "DONE", handle.done()).await?;
        // An EXISTS that arrived while IDLE was starting counts as news too.
        let mut news = woke == Woke::News;
        while let Ok(r) = session.unsolicited_responses.try_recv() {
            news |= matches!(
                r,
                UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
            );
        }
        self.session = session;
        Ok((self, if news { Woke::News } else { Woke::Timeout }))
    }

    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.session.logout()).await;
    }
}

/// Logs in and selects INBOX; `Err` carries what went wrong in the server's words.
pub async fn test_login(login: &ImapLogin) -> Result<(), String> {
    let mut mailbox = Mailbox::open(login).await?;
    mailbox.select_inbox().await?;
    mailbox.logout().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn server_words_are_unwrapped() {
        assert_eq!(
            words(
                r#"no response: code: None, info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#
            ),
            "NO [AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(words("bad response: odd"), "BAD odd");
        assert_eq!(words("connection lost"), "connection lost");
    }

    #[test]
    fn uid_sets_are_comma_separated() {
        assert_eq!(uid_set(&[3, 7, 9]), "3,7,9");
    }

    /// A scripted server: greeting, then NO to LOGIN.
    #[tokio::test]
    async fn a_refused_login_reports_the_servers_words() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(b"* OK ready\r\n").await.unwrap();
            let mut buf = [0u8; 256];
            let n = s.read(&mut buf).await.unwrap();
            let tag = String::from_utf8_lossy(&buf[..n])
                .split(' ')
                .next()
                .unwrap_or("a1")
                .to_string();
            let answer = format!("{tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
            s.write_all(answer.as_bytes()).await.unwrap();
        });
        let err = test_login(&ImapLogin {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            user: "alice".into(),
            password: "wrong".into(),
            accept_invalid_certs: false,
            timeout: Duration::from_secs(5),
        })
        .await
        .err()
        .unwrap();
        assert!(
            err.contains("login failed") && err.contains("Authentication failed"),
            "{err}"
        );
    }

    /// STARTTLS is required unless the account says plain text: a server without it fails.
    #[tokio::test]
    async fn starttls_refused_is_an_error_not_a_plain_login() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(b"* OK ready\r\n").await.unwrap();
            let mut buf = [0u8; 256];
            let n = s.read(&mut buf).await.unwrap();
            let line = String::from_utf8_lossy(&buf[..n]).to_string();
            let tag = line.split(' ').next().unwrap_or("a1").to_string();
            assert!(line.contains("STARTTLS"), "{line}");
            let answer = format!("{tag} BAD STARTTLS not supported\r\n");
            s.write_all(answer.as_bytes()).await.unwrap();
            // Anything after this (a LOGIN in clear text) would be a bug.
            let n = s.read(&mut buf).await.unwrap_or(0);
            String::from_utf8_lossy(&buf[..n]).to_string()
        });
        let err = test_login(&ImapLogin {
            host: "127.0.0.1".into(),
            port,
            security: Security::StartTls,
            user: "alice".into(),
            password: "secret".into(),
            accept_invalid_certs: false,
            timeout: Duration::from_secs(5),
        })
        .await
        .err()
        .unwrap();
        assert!(err.contains("STARTTLS"), "{err}");
        assert_eq!(
            server.await.unwrap(),
            "",
            "nothing may follow a refused STARTTLS"
        );
    }
}
