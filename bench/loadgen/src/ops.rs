//! The measured operations and the bounded, closed-loop runner: `concurrency` workers, each
//! with its own keep-alive connection, send the next request as soon as the last one is
//! answered, until the phase's time is up. Throughput is answered requests per wall second.

use crate::http::Conn;
use crate::setup::{BASE, TOPICS};
use crate::stats::Phase;
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// One benchmarked request shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `POST /conversations` with a first message (routing, allocation, triggers, SLA).
    Create,
    /// `GET /conversations/{id}?include=messages`.
    Get,
    /// `GET /conversations?status=open&sortBy=nextSLABreach&sortOrder=asc` (filter in SQL).
    List,
    /// The same list through a saved filter (`filterId`).
    ListFilter,
    /// `GET /conversations?keywords=WORD` (FTS5): one vocabulary word, found in about 0.1 %
    /// of messages, like a customer's name or an order number.
    Search,
    /// `POST /conversations/{id}/messages`, an agent reply.
    Reply,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "create" => Op::Create,
            "get" => Op::Get,
            "list" => Op::List,
            "listFilter" => Op::ListFilter,
            "search" => Op::Search,
            "reply" => Op::Reply,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::List => "list",
            Op::ListFilter => "listFilter",
            Op::Search => "search",
            Op::Reply => "reply",
        }
    }
}

/// Small fast generator; the load generator must not spend its time drawing numbers.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// In `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The body of a new conversation: a subject naming one or two topics, a plain-text message.
pub fn create_body(rng: &mut Rng, n: u64) -> serde_json::Value {
    let a = TOPICS[rng.below(TOPICS.len())];
    let b = TOPICS[rng.below(TOPICS.len())];
    json!({
        "subject": format!("{a} problem {n}: {b} after update"),
        "channel": "email",
        "message": {
            "type": "note",
            "plainBody": format!(
                "Hello,\n\nthe {a} on floor {} shows error E{}.\nIt started after the {b} update.\nOrder {}.\n\nRegards",
                n % 7, n % 13, crate::fill::word(rng.below(20_736))
            ),
        },
    })
}

/// What every worker shares: the site's conversation ids, the saved filter.
pub struct Workload {
    pub ids: Vec<i64>,
    pub filter_id: String,
    pub created: u64,
}

fn path_of(op: Op, rng: &mut Rng, w: &Workload) -> String {
    let id = || w.ids.first().copied().unwrap_or(1);
    let pick = |rng: &mut Rng| {
        w.ids
            .get(rng.below(w.ids.len()))
            .copied()
            .unwrap_or_else(id)
    };
    match op {
        Op::Create => format!("{BASE}/conversations"),
        Op::Get => format!("{BASE}/conversations/{}?include=messages", pick(rng)),
        Op::List => format!(
            "{BASE}/conversations?status=open&sortBy=nextSLABreach&sortOrder=asc&pageIndex={}",
            1 + rng.below(2)
        ),
        Op::ListFilter => format!(
            "{BASE}/conversations?filterId={}&sortBy=nextSLABreach&sortOrder=asc",
            w.filter_id
        ),
        Op::Search => format!(
            "{BASE}/conversations?keywords={}&sortBy=lastActivityTime",
            crate::fill::word(rng.below(20_736))
        ),
        Op::Reply => format!("{BASE}/conversations/{}/messages", pick(rng)),
    }
}

/// Sends `op` again and again from `concurrency` workers for `duration`.
pub async fn run_phase(
    addr: &str,
    auth: &str,
    op: Op,
    concurrency: usize,
    duration: Duration,
    workload: Rc<RefCell<Workload>>,
    seed: u64,
) -> Phase {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let mut conn = Conn::new(addr, auth);
        let workload = workload.clone();
        let mut rng = Rng::new(seed.wrapping_add(worker as u64 * 7919 + 1));
        tasks.push(tokio::task::spawn_local(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            let mut new_ids = Vec::new();
            while Instant::now() < deadline {
                let (path, body) = {
                    let mut w = workload.borrow_mut();
                    let path = path_of(op, &mut rng, &w);
                    let body = match op {
                        Op::Create => {
                            w.created += 1;
                            Some(create_body(&mut rng, w.created))
                        }
                        Op::Reply => Some(json!({"type": "reply",
                            "htmlBody": "<p>Thanks for the report. Please power-cycle it and tell us if the error stays.</p>"})),
                        _ => None,
                    };
                    (path, body)
                };
                let t0 = Instant::now();
                let result = match &body {
                    Some(b) => conn.send_json("POST", &path, b).await,
                    None => conn.get(&path).await,
                };
                let dt = t0.elapsed();
                let expected = if body.is_some() { 201 } else { 200 };
                match result {
                    Ok(r) if r.status == expected => {
                        latencies.push(dt);
                        if op == Op::Create {
                            if let Some(id) = r
                                .json()
                                .ok()
                                .and_then(|v| v.pointer("/conversation/id").and_then(|i| i.as_i64()))
                            {
                                new_ids.push(id);
                            }
                        }
                    }
                    Ok(r) => errors.push(format!("{} {} {}", r.status, path, r.text())),
                    Err(e) => errors.push(format!("{path}: {e}")),
                }
            }
            (latencies, errors, new_ids)
        }));
    }
    let mut phase = Phase {
        op: op.name().to_string(),
        ..Phase::default()
    };
    for t in tasks {
        match t.await {
            Ok((l, e, ids)) => {
                phase.latencies.extend(l);
                phase.errors.extend(e);
                workload.borrow_mut().ids.extend(ids);
            }
            Err(e) => phase.errors.push(format!("worker failed: {e}")),
        }
    }
    phase.wall = started.elapsed();
    phase
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_round_trip_their_names() {
        for op in [
            Op::Create,
            Op::Get,
            Op::List,
            Op::ListFilter,
            Op::Search,
            Op::Reply,
        ] {
            assert_eq!(Op::parse(op.name()), Some(op));
        }
        assert_eq!(Op::parse("nope"), None);
    }

    #[test]
    fn rng_stays_in_range_and_varies() {
        let mut r = Rng::new(1);
        let draws: Vec<usize> = (0..1000).map(|_| r.below(20)).collect();
        assert!(draws.iter().all(|d| *d < 20));
        assert!(
            draws
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                == 20
        );
        assert_eq!(Rng::new(0).below(0), 0);
    }

    #[test]
    fn paths_use_known_ids() {
        let w = Workload {
            ids: vec![42],
            filter_id: "f".into(),
            created: 0,
        };
        let mut r = Rng::new(3);
        assert_eq!(
            path_of(Op::Get, &mut r, &w),
            "/api/v3/anytime/conversations/42?include=messages"
        );
        assert!(path_of(Op::ListFilter, &mut r, &w).contains("filterId=f"));
    }
}
