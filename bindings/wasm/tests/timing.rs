//! Native side of the wasm-vs-native timing in docs/benchmarks.md: the same cases as
//! `bindings/wasm/bench/timing.js` (the first successful case of each file) through the same
//! entry point: `anytime_core::eval::call` on a cloned `Value`, and `eval::call_line` on the
//! JSON text — the latter is exactly what the package runs inside wasm (`callJson`), so it is
//! the like-for-like figure. Ignored by default; run with
//! `cargo test --release -p anytime-wasm --test timing -- --ignored --nocapture`.

use serde_json::Value;
use std::time::Instant;

const FUNCTIONS: &[&str] = &[
    "addBusinessTime",
    "computeSla",
    "route",
    "allocate",
    "runTriggers",
    "evaluateConditions",
    "processInbound",
];

#[test]
#[ignore = "timing, not a test: run on demand in release mode"]
fn native_timing_of_the_wasm_bench_cases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let iterations = 20_000u32;
    for function in FUNCTIONS {
        let text =
            std::fs::read_to_string(dir.join(format!("{function}.json"))).expect("vector file");
        let file: Value = serde_json::from_str(&text).expect("vector JSON");
        let case = file["cases"]
            .as_array()
            .and_then(|cases| cases.iter().find(|c| c["expected"].get("error").is_none()))
            .expect("a successful case");
        let input = &case["input"];
        let value = median_micros(iterations, || {
            let answer = anytime_core::eval::call(function, input.clone()).expect("succeeds");
            std::hint::black_box(answer);
        });
        let line = input.to_string();
        let text = median_micros(iterations, || {
            std::hint::black_box(anytime_core::eval::call_line(function, &line));
        });
        println!(
            "{function:<20} {value:>8.2} µs/call, call_line {text:>8.2} µs/call (medians of 5 rounds)  [{}]",
            case["name"]
        );
    }
}

/// Median of 5 rounds of `iterations / 5` calls, after a warm-up, in µs per call.
fn median_micros(iterations: u32, mut run: impl FnMut()) -> f64 {
    for _ in 0..iterations.min(2000) {
        run();
    }
    let mut rounds: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations / 5 {
                run();
            }
            start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations / 5)
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[2]
}
