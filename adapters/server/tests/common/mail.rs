//! The test mail servers (Dovecot IMAP/IMAPS/LMTP + aiosmtpd SMTP, `tests/mail/mailservers.sh`)
//! on free loopback ports, and mailbox access over IMAP through Python's imaplib, so the
//! tests check mailboxes with a client that is not ours.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Mail {
    pub dir: tempfile::TempDir,
    pub imap: u16,
    pub imaps: u16,
    pub lmtp: u16,
    pub smtp: u16,
}

pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/mail/mailservers.sh")
}

impl Mail {
    pub fn available() -> bool {
        let dovecot = Command::new("sh")
            .args(["-c", "command -v dovecot && command -v doveadm"])
            .output()
            .is_ok_and(|o| o.status.success());
        let aiosmtpd = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        dovecot && aiosmtpd
    }

    /// Runs the script; its output goes to files, since the daemons it starts inherit the
    /// descriptors and a pipe would never close.
    pub fn run(&self, cmd: &str) {
        let log = self.dir.path().join(format!("script-{cmd}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let status = Command::new("bash")
            .arg(script())
            .args([cmd, self.dir.path().to_str().unwrap()])
            .env("IMAP_PORT", self.imap.to_string())
            .env("IMAPS_PORT", self.imaps.to_string())
            .env("LMTP_PORT", self.lmtp.to_string())
            .env("SMTP_PORT", self.smtp.to_string())
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .status()
            .expect("run mailservers.sh");
        assert!(
            status.success(),
            "mailservers.sh {cmd}: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    pub fn start() -> Mail {
        let m = Mail {
            dir: tempfile::tempdir().unwrap(),
            imap: free_port(),
            imaps: free_port(),
            lmtp: free_port(),
            smtp: free_port(),
        };
        m.run("start");
        m
    }

    /// The messages in `user`'s INBOX, read over IMAP.
    pub fn inbox(&self, user: &str) -> Vec<String> {
        let code = format!(
            "import imaplib, json\n\
             m = imaplib.IMAP4('127.0.0.1', {})\n\
             m.login('{user}', 'secret')\n\
             m.select('INBOX')\n\
             out = []\n\
             for n in m.search(None, 'ALL')[1][0].split():\n\
             \x20   out.append(m.fetch(n, '(RFC822)')[1][0][1].decode('utf-8', 'replace'))\n\
             print(json.dumps(out))",
            self.imap
        );
        let out = Command::new("python3")
            .args(["-c", &code])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Waits until `user`'s INBOX holds `n` messages.
    pub fn wait_inbox(&self, user: &str, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let inbox = self.inbox(user);
            if inbox.len() >= n || start.elapsed() > Duration::from_secs(20) {
                assert_eq!(inbox.len(), n, "{user}'s inbox: {inbox:#?}");
                return inbox;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Mail {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .args(["stop", self.dir.path().to_str().unwrap()])
            .env("IMAP_PORT", self.imap.to_string())
            .env("SMTP_PORT", self.smtp.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Adds raw messages to `user`'s INBOX (IMAP APPEND, one connection for all).
pub fn append(mail: &Mail, user: &str, messages: &[String]) {
    let code = format!(
        "import imaplib, json, sys\n\
         m = imaplib.IMAP4('127.0.0.1', {})\n\
         m.login('{user}', 'secret')\n\
         for raw in json.load(sys.stdin):\n\
         \x20   typ, data = m.append('INBOX', None, None, raw.encode('utf-8'))\n\
         \x20   assert typ == 'OK', data\n\
         m.logout()",
        mail.imap
    );
    let mut child = Command::new("python3")
        .args(["-c", &code])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(messages).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits (up to `secs`) until `check` holds, polling every 100 ms; returns whether it did.
pub fn eventually(secs: u64, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    check()
}

pub fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines()
        .take_while(|l| !l.is_empty())
        .find(|l| {
            l.len() > name.len()
                && l[..name.len()].eq_ignore_ascii_case(name)
                && l.as_bytes()[name.len()] == b':'
        })
        .map(|l| l[name.len() + 1..].trim())
}

/// The first mail of the email scenarios (Bob Customer's "Printer on fire", body "It burns.",
/// to alice@localhost), as conversation `c` must show it whichever way it came in: channel,
/// receiving address, the contact made from the sender, the first message. Returns the
/// conversation's messages.
pub fn assert_printer_mail(
    s: &super::Server,
    admin: &super::Cred,
    c: &serde_json::Value,
    sender: &str,
) -> serde_json::Value {
    assert_eq!(c["subject"], "Printer on fire");
    assert_eq!(c["channel"], "email");
    assert_eq!(c["receivedFrom"], "alice@localhost");
    let contact = s.get(
        &format!("/api/v3/contacts/{}", c["contactId"].as_str().unwrap()),
        admin,
    );
    assert_eq!(contact.json()["contact"]["email"], sender);
    assert_eq!(contact.json()["contact"]["name"], "Bob Customer");
    let msgs = s
        .get(
            &format!("/api/v3/anytime/conversations/{}/messages", c["id"]),
            admin,
        )
        .json()["messages"]
        .clone();
    assert_eq!(
        msgs[0]["plainBody"].as_str().map(str::trim),
        Some("It burns.")
    );
    msgs
}
