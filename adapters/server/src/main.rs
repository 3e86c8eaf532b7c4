//! The `anytime` binary: the server and its command-line tools (SPEC §2, §6).

use anytime_server::config::ServeConfig;
use anytime_server::{cli, eval_cmd};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "anytime", version, about = "Anytime help desk")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API server.
    Serve(ServeArgs),
    /// Manage sites (tenants).
    Site {
        #[command(subcommand)]
        command: SiteCommand,
    },
    /// Apply pending database migrations.
    Migrate {
        #[arg(long, env = "ANYTIME_DB")]
        db: PathBuf,
    },
    /// Write an online, consistent copy of the database.
    Backup {
        #[arg(long, env = "ANYTIME_DB")]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a core function on JSON lines from stdin, one result line per input line.
    Eval {
        /// The function name of SPEC §6, e.g. `addBusinessTime`.
        function: String,
    },
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Create a site and its admin; prints {"siteId","agentId","apiKey"}.
    Create {
        #[arg(long, env = "ANYTIME_DB")]
        db: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: Option<String>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Data directory (database and attachment files).
    #[arg(long, env = "ANYTIME_DATA_DIR", default_value = "./anytime-data")]
    data_dir: PathBuf,
    /// Database file; default `<data-dir>/anytime.db`.
    #[arg(long, env = "ANYTIME_DB")]
    db: Option<PathBuf>,
    #[arg(long, env = "ANYTIME_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[arg(
        long,
        env = "ANYTIME_INBOUND_DOMAIN",
        default_value = "inbound.localhost"
    )]
    inbound_domain: String,
    /// Requests per minute per credential; 0 = off.
    #[arg(long, env = "ANYTIME_RATE_LIMIT", default_value_t = 100_000)]
    rate_limit: u32,
    #[arg(long, env = "ANYTIME_SMTP_RELAY")]
    smtp_relay: Option<String>,
    #[arg(long, env = "ANYTIME_PUBLIC_URL")]
    public_url: Option<String>,
    /// Pause between background worker rounds (stay timers), in milliseconds.
    #[arg(long, env = "ANYTIME_WORKER_INTERVAL_MS", default_value_t = 5_000)]
    worker_interval_ms: u64,
    /// The built web demo to serve at `/demo`; default `./web-demo` when it holds
    /// `index.html` (run from the repository root).
    #[arg(long, env = "ANYTIME_DEMO_DIR")]
    demo_dir: Option<PathBuf>,
    /// Accept self-signed certificates of IMAP/SMTP servers (test servers only).
    #[arg(long, env = "ANYTIME_MAIL_INSECURE_TLS")]
    mail_insecure_tls: bool,
    /// How often IMAP accounts are polled when their server has no IDLE (and how long one
    /// IDLE lasts before it is renewed), in milliseconds.
    #[arg(long, env = "ANYTIME_IMAP_POLL_MS", default_value_t = 60_000)]
    imap_poll_ms: u64,
    /// Poll IMAP accounts even when their server offers IDLE.
    #[arg(long, env = "ANYTIME_IMAP_NO_IDLE")]
    imap_no_idle: bool,
}

impl ServeArgs {
    fn into_config(self) -> ServeConfig {
        let mut config = ServeConfig::for_data_dir(self.data_dir);
        if let Some(db) = self.db {
            config.db = db;
        }
        config.listen = self.listen;
        config.inbound_domain = self.inbound_domain;
        config.rate_limit = self.rate_limit;
        config.smtp_relay = self.smtp_relay;
        config.public_url = self.public_url;
        config.worker_interval_ms = self.worker_interval_ms;
        config.demo_dir = self.demo_dir.or_else(|| {
            let default = PathBuf::from("web-demo");
            default.join("index.html").is_file().then_some(default)
        });
        config.mail_insecure_tls = self.mail_insecure_tls;
        config.imap_poll_ms = self.imap_poll_ms;
        config.imap_idle = !self.imap_no_idle;
        config
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANYTIME_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

fn finish(result: Result<Option<String>, String>) -> ExitCode {
    match result {
        Ok(Some(line)) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let command = Cli::parse().command;
    if let Command::Eval { function } = &command {
        return eval_cmd::run(function);
    }
    init_tracing();
    let result = match command {
        Command::Eval { .. } => Ok(None),
        Command::Serve(args) => {
            runtime().and_then(|rt| rt.block_on(cli::serve(args.into_config())).map(|()| None))
        }
        Command::Site {
            command:
                SiteCommand::Create {
                    db,
                    name,
                    admin_email,
                    admin_name,
                },
        } => runtime().and_then(|rt| {
            rt.block_on(cli::site_create(
                &db,
                &name,
                &admin_email,
                admin_name.as_deref(),
            ))
            .map(Some)
        }),
        Command::Migrate { db } => {
            runtime().and_then(|rt| rt.block_on(cli::migrate(&db)).map(Some))
        }
        Command::Backup { db, out } => cli::backup(&db, &out).map(Some),
    };
    finish(result)
}
