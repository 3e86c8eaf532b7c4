//! Times SQL statements on a database (a scale data dir's `anytime.db`): each statement runs
//! `--repeat` times on one read-only connection set up like the store's readers; prints the
//! plan, the rows of the first run, and the median and worst time. For choosing between
//! query shapes before changing the store (docs/benchmarks.md).
//!
//! `cargo run --release -p anytime-store --example query_time -- DB REPEAT 'SQL' ['SQL' …]`
//! (`PRAGMAS='cache_size=-65536'` sets pragmas first; `WRITE=1` opens read-write).

use rusqlite::{Connection, OpenFlags};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: query_time DB REPEAT SQL...";
    let db = args.next().ok_or(usage)?;
    let repeat: usize = args.next().ok_or(usage)?.parse()?;
    // WRITE=1 opens read-write (to try a setting on a copy of the data, never a live server's).
    let access = if std::env::var("WRITE").is_ok_and(|v| v == "1") {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    };
    let conn = Connection::open_with_flags(&db, access | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    for pragma in std::env::var("PRAGMAS").unwrap_or_default().split(';') {
        if !pragma.trim().is_empty() {
            conn.execute_batch(&format!("PRAGMA {pragma}"))?;
        }
    }
    for sql in args {
        println!("== {sql}");
        let mut plan = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        for line in plan.query_map([], |r| r.get::<_, String>(3))? {
            println!("   plan: {}", line?);
        }
        let mut times = Vec::with_capacity(repeat);
        let mut first = Vec::new();
        for i in 0..repeat.max(1) {
            let start = Instant::now();
            let mut stmt = conn.prepare_cached(&sql)?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            let mut count = 0usize;
            while let Some(row) = rows.next()? {
                count += 1;
                if i == 0 && first.len() < 3 {
                    let cols: Vec<String> = (0..n)
                        .map(|c| {
                            let v: rusqlite::types::Value =
                                row.get(c).unwrap_or(rusqlite::types::Value::Null);
                            let s = format!("{v:?}");
                            s.chars().take(60).collect()
                        })
                        .collect();
                    first.push(cols.join(" | "));
                }
            }
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if i == 0 {
                println!("   rows: {count}");
                for f in &first {
                    println!("   {f}");
                }
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "   median {:.2} ms, min {:.2} ms, max {:.2} ms over {}",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1],
            times.len()
        );
    }
    Ok(())
}
