//! Just enough IMAP (RFC 9051) to test an account: connect (implicit TLS or plain text, as
//! the account says), read the greeting, LOGIN, SELECT INBOX, LOGOUT — each step bounded by
//! the timeout, and a refusal reported in the server's own words.

use crate::tls::connector;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where and as whom to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapLogin {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: String,
    pub accept_invalid_certs: bool,
    pub timeout: Duration,
}

/// An IMAP quoted string (RFC 9051 §4.3); refuses line breaks, which a quoted string
/// cannot carry.
fn quoted(s: &str) -> Result<String, String> {
    if s.contains(['\r', '\n', '\0']) {
        return Err("user names and passwords cannot contain line breaks".into());
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

struct Session<S> {
    io: BufReader<S>,
    next: u32,
    timeout: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<S> {
    async fn line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        let n = tokio::time::timeout(self.timeout, self.io.read_line(&mut line))
            .await
            .map_err(|_| format!("no answer within {:?}", self.timeout))?
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        Ok(line.trim_end().to_string())
    }

    /// Sends a command; Ok with the tagged OK line, Err with the server's NO/BAD words.
    async fn command(&mut self, command: &str) -> Result<String, String> {
        self.next += 1;
        let tag = format!("a{}", self.next);
        let text = format!("{tag} {command}\r\n");
        tokio::time::timeout(self.timeout, async {
            self.io.get_mut().write_all(text.as_bytes()).await?;
            self.io.get_mut().flush().await
        })
        .await
        .map_err(|_| format!("no answer within {:?}", self.timeout))?
        .map_err(|e| e.to_string())?;
        loop {
            let line = self.line().await?;
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                return if rest.starts_with("OK") {
                    Ok(rest.to_string())
                } else {
                    Err(rest.to_string())
                };
            }
        }
    }

    async fn check(&mut self, login: &ImapLogin) -> Result<(), String> {
        let greeting = self.line().await?;
        if !greeting.starts_with("* OK") && !greeting.starts_with("* PREAUTH") {
            return Err(format!("unexpected greeting: {greeting}"));
        }
        let user = quoted(&login.user)?;
        let pass = quoted(&login.password)?;
        self.command(&format!("LOGIN {user} {pass}"))
            .await
            .map_err(|e| format!("login failed: {e}"))?;
        self.command("SELECT INBOX")
            .await
            .map_err(|e| format!("SELECT INBOX failed: {e}"))?;
        let _ = self.command("LOGOUT").await;
        Ok(())
    }
}

/// Logs in and selects INBOX; `Err` carries what went wrong in the server's words.
pub async fn test_login(login: &ImapLogin) -> Result<(), String> {
    let tcp = tokio::time::timeout(
        login.timeout,
        TcpStream::connect((login.host.as_str(), login.port)),
    )
    .await
    .map_err(|_| {
        format!(
            "cannot connect to {}:{} within {:?}",
            login.host, login.port, login.timeout
        )
    })?
    .map_err(|e| format!("cannot connect to {}:{}: {e}", login.host, login.port))?;
    if login.tls {
        let name = rustls::pki_types::ServerName::try_from(login.host.clone())
            .map_err(|e| format!("server name {}: {e}", login.host))?;
        let tls = tokio::time::timeout(
            login.timeout,
            connector(login.accept_invalid_certs)?.connect(name, tcp),
        )
        .await
        .map_err(|_| "TLS handshake timed out".to_string())?
        .map_err(|e| format!("TLS: {e}"))?;
        Session {
            io: BufReader::new(tls),
            next: 0,
            timeout: login.timeout,
        }
        .check(login)
        .await
    } else {
        Session {
            io: BufReader::new(tcp),
            next: 0,
            timeout: login.timeout,
        }
        .check(login)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[test]
    fn quoting_escapes_and_refuses_line_breaks() {
        assert_eq!(quoted(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(quoted("a\r\nb").is_err());
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
            let _ = s.read(&mut buf).await;
            s.write_all(b"* CAPABILITY IMAP4rev1\r\na1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
                .await
                .unwrap();
        });
        let err = test_login(&ImapLogin {
            host: "127.0.0.1".into(),
            port,
            tls: false,
            user: "alice".into(),
            password: "wrong".into(),
            accept_invalid_certs: false,
            timeout: Duration::from_secs(5),
        })
        .await
        .unwrap_err();
        assert!(
            err.contains("login failed") && err.contains("Authentication failed"),
            "{err}"
        );
    }
}
