//! Per-phase figures in the same JSON shape as the Request Tracker peer's `bench.py`, so one
//! report script reads both.

use serde_json::{json, Value};
use std::time::Duration;

/// Nearest-rank percentile of sorted latencies (as `bench.py` computes it).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let n = sorted.len() as f64;
    let rank = ((p / 100.0 * n).ceil() as usize).saturating_sub(1);
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// What one operation did over its bounded run.
#[derive(Debug, Default)]
pub struct Phase {
    pub op: String,
    pub latencies: Vec<Duration>,
    pub errors: Vec<String>,
    pub wall: Duration,
}

impl Phase {
    pub fn ok(&self) -> usize {
        self.latencies.len()
    }

    pub fn rps(&self) -> f64 {
        let s = self.wall.as_secs_f64();
        if s > 0.0 {
            self.ok() as f64 / s
        } else {
            0.0
        }
    }

    pub fn summarize(&mut self) -> Value {
        self.latencies.sort_unstable();
        let l = &self.latencies;
        let mean = if l.is_empty() {
            Duration::ZERO
        } else {
            l.iter().sum::<Duration>() / u32::try_from(l.len()).unwrap_or(u32::MAX)
        };
        let mut v = json!({
            "op": self.op,
            "ok": l.len(),
            "errors": self.errors.len(),
            "wall_s": (self.wall.as_secs_f64() * 1000.0).round() / 1000.0,
            "rps": (self.rps() * 100.0).round() / 100.0,
            "p50_ms": ms(percentile(l, 50.0)),
            "p90_ms": ms(percentile(l, 90.0)),
            "p99_ms": ms(percentile(l, 99.0)),
            "max_ms": ms(l.last().copied().unwrap_or_default()),
            "mean_ms": ms(mean),
        });
        if !self.errors.is_empty() {
            v["first_errors"] = json!(self.errors.iter().take(3).collect::<Vec<_>>());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&v, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&v, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
        let one = [Duration::from_millis(7)];
        assert_eq!(percentile(&one, 99.0), Duration::from_millis(7));
    }

    #[test]
    fn phase_json_has_bench_py_shape() {
        let mut p = Phase {
            op: "get".into(),
            latencies: vec![Duration::from_millis(2), Duration::from_millis(1)],
            errors: vec!["500 boom".into()],
            wall: Duration::from_secs(1),
        };
        let v = p.summarize();
        assert_eq!(v["ok"], 2);
        assert_eq!(v["errors"], 1);
        assert_eq!(v["rps"], 2.0);
        assert_eq!(v["p50_ms"], 1.0);
        assert_eq!(v["max_ms"], 2.0);
        assert_eq!(v["first_errors"][0], "500 boom");
    }
}
