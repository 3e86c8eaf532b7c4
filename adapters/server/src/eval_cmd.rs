//! `anytime eval FUNCTION`: JSON lines in, JSON lines out, never a crash on bad input.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

pub fn run(function: &str) -> ExitCode {
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("anytime eval: cannot read stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let answer = anytime_core::eval::call_line(function, &line);
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
