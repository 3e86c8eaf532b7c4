//! `anytime-loadgen`: the benchmark's client (see `bench/run.sh` and `docs/benchmarks.md`).
//!
//! * `setup`: configures a fresh site over the API and pre-fills conversations;
//! * `run`: drives the operations at one concurrency for a bounded time each and writes the
//!   figures as JSON (the shape of the Request Tracker peer's `bench.py`);
//! * `fill`: fills a site's database with many conversations through the store's bulk path.

mod fill;
mod http;
mod ops;
mod setup;
mod stats;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::{Args, Parser, Subcommand};
use ops::{Op, Workload};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "anytime-loadgen", about = "Anytime benchmark client")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Target {
    /// `host:port` of `anytime serve` (loopback only).
    #[arg(long)]
    addr: String,
    /// Admin email and API key.
    #[arg(long)]
    email: String,
    #[arg(long)]
    key: String,
}

impl Target {
    fn auth(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.email, self.key))
        )
    }

    fn check(&self) -> Result<(), String> {
        let host = self.addr.rsplit_once(':').map_or("", |(h, _)| h);
        if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            Ok(())
        } else {
            Err(format!("--addr {} is not a loopback address", self.addr))
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Creates the realistic configuration and `--prefill` conversations; writes `--out`.
    Setup {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value_t = 500)]
        prefill: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Runs each of `--ops` for `--seconds` at `--concurrency`.
    Run {
        #[command(flatten)]
        target: Target,
        /// The file `setup` wrote.
        #[arg(long)]
        config: PathBuf,
        #[arg(short, long, default_value_t = 1)]
        concurrency: usize,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        #[arg(long, default_value = "create,get,list,search,reply")]
        ops: String,
        /// Also draw ids from 1..=N (conversations made by `fill`).
        #[arg(long)]
        ids_upto: Option<i64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Bulk-fills a site (the server must not be running on this database).
    Fill(fill::FillArgs),
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))
}

async fn setup(target: &Target, prefill: u64, out: &PathBuf) -> Result<(), String> {
    let mut conn = http::Conn::new(&target.addr, &target.auth());
    let tag = format!("{}", std::process::id());
    let cfg = setup::configure(&mut conn, &tag)
        .await
        .map_err(|e| e.to_string())?;
    let mut rng = ops::Rng::new(99);
    let mut ids = Vec::new();
    for n in 0..prefill {
        let r = conn
            .send_json(
                "POST",
                &format!("{}/conversations", setup::BASE),
                &ops::create_body(&mut rng, n),
            )
            .await
            .map_err(|e| e.to_string())?;
        if r.status != 201 {
            return Err(format!("prefill: {} {}", r.status, r.text()));
        }
        let v = r.json().map_err(|e| e.to_string())?;
        let id = v
            .pointer("/conversation/id")
            .and_then(Value::as_i64)
            .ok_or("prefill: no conversation id")?;
        ids.push(id);
    }
    let doc = json!({"agents": cfg.agents, "departments": cfg.departments,
                     "filterId": cfg.filter_id, "ids": ids});
    std::fs::write(out, doc.to_string()).map_err(|e| format!("{}: {e}", out.display()))
}

#[allow(clippy::too_many_arguments)]
async fn run(
    target: &Target,
    config: &PathBuf,
    concurrency: usize,
    seconds: f64,
    ops: &str,
    ids_upto: Option<i64>,
    seed: u64,
    json_out: Option<&PathBuf>,
) -> Result<bool, String> {
    let text = std::fs::read_to_string(config).map_err(|e| format!("{}: {e}", config.display()))?;
    let cfg: Value = serde_json::from_str(&text).map_err(|e| format!("config: {e}"))?;
    let mut ids: Vec<i64> = cfg["ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    if let Some(n) = ids_upto {
        // A sample is enough for random draws; 1..=N are all present after `fill`.
        let mut rng = ops::Rng::new(seed);
        ids.extend((0..100_000).map(|_| 1 + (rng.next() % n.max(1) as u64) as i64));
    }
    let ops: Vec<Op> = ops
        .split(',')
        .map(|s| Op::parse(s.trim()).ok_or(format!("unknown op {s:?}")))
        .collect::<Result<_, _>>()?;
    let workload = Rc::new(RefCell::new(Workload {
        ids,
        filter_id: cfg["filterId"].as_str().unwrap_or_default().to_string(),
        created: seed * 1_000_000,
    }));
    let duration = Duration::from_secs_f64(seconds.clamp(0.1, 3600.0));
    let concurrency = concurrency.clamp(1, 256);
    let mut phases = Vec::new();
    let mut all_ok = true;
    println!("anytime  concurrency={concurrency} seconds={seconds}");
    println!(
        "{:10} {:>7} {:>5} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "op", "ok", "err", "req/s", "p50_ms", "p90_ms", "p99_ms", "max_ms"
    );
    for op in ops {
        let local = tokio::task::LocalSet::new();
        let mut phase = local
            .run_until(ops::run_phase(
                &target.addr,
                &target.auth(),
                op,
                concurrency,
                duration,
                workload.clone(),
                seed,
            ))
            .await;
        let v = phase.summarize();
        let cell = |k: &str| v[k].to_string();
        println!(
            "{:10} {:>7} {:>5} {:>9.1} {:>8} {:>8} {:>8} {:>8}",
            op.name(),
            cell("ok"),
            cell("errors"),
            phase.rps(),
            cell("p50_ms"),
            cell("p90_ms"),
            cell("p99_ms"),
            cell("max_ms")
        );
        for e in phase.errors.iter().take(3) {
            println!("   error: {}", e.chars().take(300).collect::<String>());
        }
        all_ok &= phase.errors.is_empty() && phase.ok() > 0;
        phases.push(v);
    }
    if let Some(path) = json_out {
        let doc = json!({"server": "anytime", "concurrency": concurrency, "phases": phases});
        std::fs::write(path, doc.to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(all_ok)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Setup {
            target,
            prefill,
            out,
        } => target
            .check()
            .and_then(|()| runtime())
            .and_then(|rt| rt.block_on(setup(target, *prefill, out)))
            .map(|()| true),
        Command::Run {
            target,
            config,
            concurrency,
            seconds,
            ops,
            ids_upto,
            seed,
            json,
        } => target.check().and_then(|()| runtime()).and_then(|rt| {
            rt.block_on(run(
                target,
                config,
                *concurrency,
                *seconds,
                ops,
                *ids_upto,
                *seed,
                json.as_ref(),
            ))
        }),
        Command::Fill(args) => fill::fill(args).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("some requests failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
