//! A real `anytime serve` on 127.0.0.1 with a temporary data dir, and a tiny HTTP/1.1 client
//! over `std::net` (no client library: the tests see exactly what goes over the wire).
#![allow(dead_code)]

pub mod mail;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    pub addr: String,
    pub dir: tempfile::TempDir,
    /// The default site's admin.
    pub admin: Cred,
    pub site_id: String,
}

#[derive(Clone, Debug)]
pub struct Cred {
    pub email: String,
    pub key: String,
}

impl Cred {
    pub fn new(email: &str, key: &str) -> Self {
        Self {
            email: email.into(),
            key: key.into(),
        }
    }
    fn header(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.email, self.key))
        )
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The `details[].field` names of an error body.
    pub fn error_fields(&self) -> Vec<String> {
        self.json()["error"]["details"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d["field"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_anytime")
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(bin())
            .arg("serve")
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .env("ANYTIME_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn anytime serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut first: Option<Value> = None;
        let addr = loop {
            let line = lines
                .next()
                .expect("server exited before listening")
                .expect("read stdout");
            if line.starts_with('{') && first.is_none() {
                first = serde_json::from_str(&line).ok();
            }
            if let Some(a) = line.strip_prefix("listening on http://") {
                break a.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let first = first.expect("first start prints the admin's key");
        Server {
            child,
            addr,
            dir,
            admin: Cred::new(
                first["email"].as_str().expect("email"),
                first["apiKey"].as_str().expect("apiKey"),
            ),
            site_id: first["siteId"].as_str().expect("siteId").to_string(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("anytime.db")
    }

    /// `anytime site create` against the running server's database.
    pub fn create_site(&self, name: &str, email: &str) -> (Value, Cred) {
        let out = Command::new(bin())
            .args(["site", "create", "--db"])
            .arg(self.db())
            .args(["--name", name, "--admin-email", email])
            .env("ANYTIME_LOG", "warn")
            .output()
            .expect("site create");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf8");
        assert_eq!(text.lines().count(), 1, "one JSON line: {text}");
        let v: Value = serde_json::from_str(text.trim()).expect("json line");
        let key = v["apiKey"].as_str().expect("apiKey").to_string();
        (v, Cred::new(email, &key))
    }

    pub fn raw(&self, request: &[u8]) -> Resp {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).ok();
        s.write_all(request).expect("write");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).expect("read");
        parse(&buf)
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        cred: Option<&Cred>,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Resp {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(c) = cred {
            req.push_str(&format!("Authorization: {}\r\n", c.header()));
        }
        if let Some(ct) = content_type {
            req.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes)
    }

    pub fn get(&self, path: &str, cred: &Cred) -> Resp {
        self.send("GET", path, Some(cred), None, b"")
    }
    pub fn delete(&self, path: &str, cred: &Cred) -> Resp {
        self.send("DELETE", path, Some(cred), None, b"")
    }
    pub fn post(&self, path: &str, cred: &Cred, body: Value) -> Resp {
        self.json("POST", path, cred, body)
    }
    pub fn put(&self, path: &str, cred: &Cred, body: Value) -> Resp {
        self.json("PUT", path, cred, body)
    }
    pub fn json(&self, method: &str, path: &str, cred: &Cred, body: Value) -> Resp {
        self.send(
            method,
            path,
            Some(cred),
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    }

    /// Creates an agent with `role`; returns its id and credentials.
    pub fn agent(&self, email: &str, role: &str) -> (String, Cred) {
        let r = self.post(
            "/api/v3/agents",
            &self.admin,
            serde_json::json!({"name": email, "email": email, "role": role}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        (
            v["agent"]["id"].as_str().expect("id").to_string(),
            Cred::new(email, v["apiKey"].as_str().expect("key")),
        )
    }

    /// Sends SIGTERM and waits; returns whether it exited 0.
    pub fn stop(mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The server process id (for crash tests that send signals themselves).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server (SIGTERM, then kill) and starts a new one on the same data dir.
    #[allow(dead_code)]
    pub fn restart(&mut self, extra: &[&str]) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let mut stopped = false;
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let mut child = Command::new(bin())
            .arg("serve")
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .env("ANYTIME_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn anytime serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("server exited before listening")
                .expect("read stdout");
            if let Some(a) = line.strip_prefix("listening on http://") {
                break a.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        self.child = child;
        self.addr = addr;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(buf: &[u8]) -> Resp {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut raw_body = buf[split + 4..].to_vec();
    let mut lines = head.lines();
    let status_line = lines.next().expect("status line");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &raw_body[..];
        while let Some(pos) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..pos]).trim(), 16)
                .unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[pos + 2..pos + 2 + size]);
            rest = &rest[pos + 2 + size + 2..];
        }
        raw_body = out;
    }
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&raw_body).to_string(),
    }
}
