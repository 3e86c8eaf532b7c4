//! `anytime serve` settings (SPEC §2), from flags or environment variables.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub data_dir: PathBuf,
    pub db: PathBuf,
    pub listen: String,
    /// Domain of the hosted inbound addresses.
    pub inbound_domain: String,
    /// Requests per minute per credential; 0 = unlimited.
    pub rate_limit: u32,
    /// Base of `{{conversation.link}}`.
    pub public_url: Option<String>,
    /// `host:port` for forwarding accounts without their own SMTP server.
    pub smtp_relay: Option<String>,
    /// Pause between background worker rounds (stay timers), in milliseconds.
    pub worker_interval_ms: u64,
    /// Static files served at `/demo` (the web demo), when present.
    pub demo_dir: Option<PathBuf>,
    /// Accept self-signed IMAP/SMTP certificates (test servers only).
    pub mail_insecure_tls: bool,
    /// IMAP poll interval (and IDLE renewal), in milliseconds.
    pub imap_poll_ms: u64,
    /// Use IDLE when an IMAP server offers it.
    pub imap_idle: bool,
}

impl ServeConfig {
    /// Defaults for tests and embedding: everything under `data_dir`.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            db: data_dir.join("anytime.db"),
            data_dir,
            listen: "127.0.0.1:8080".into(),
            inbound_domain: "inbound.localhost".into(),
            rate_limit: 100_000,
            public_url: None,
            smtp_relay: None,
            worker_interval_ms: 5_000,
            demo_dir: None,
            mail_insecure_tls: false,
            imap_poll_ms: 60_000,
            imap_idle: true,
        }
    }
}
