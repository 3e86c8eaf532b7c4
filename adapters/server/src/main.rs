//! The `anytime` binary: the server and its command-line tools (SPEC §2, §6).

mod eval_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "anytime", version, about = "Anytime help desk")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a core function on JSON lines from stdin, one result line per input line.
    Eval {
        /// The function name of SPEC §6, e.g. `addBusinessTime`.
        function: String,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Eval { function } => eval_cmd::run(&function),
    }
}
