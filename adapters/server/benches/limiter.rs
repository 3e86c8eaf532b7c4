//! Cost of the per-credential request limiter on the request path (SPEC §3): one
//! `try_acquire` per authenticated request, on one hot key (a single busy credential, the
//! worst case for contention), from one and from two threads, and spread over many keys.
//! Compare with the cost of a whole request (`scripts/bench-http.sh`).

use anytime_server::auth::limiter::WindowCounter;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn limiter(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter");
    let counter = WindowCounter::new(u32::MAX, Duration::from_secs(60));
    let now = Instant::now();
    g.bench_function("try_acquire one key", |b| {
        b.iter(|| black_box(counter.try_acquire(black_box(&7u128), now)))
    });
    let spread = WindowCounter::new(u32::MAX, Duration::from_secs(60));
    let mut i = 0u128;
    g.bench_function("try_acquire 10k keys", |b| {
        b.iter(|| {
            i = (i + 1) % 10_000;
            black_box(spread.try_acquire(black_box(&i), now))
        })
    });
    let shared = Arc::new(WindowCounter::new(u32::MAX, Duration::from_secs(60)));
    g.bench_function("try_acquire one key, 2 threads", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let shared = Arc::clone(&shared);
                    std::thread::spawn(move || {
                        for _ in 0..iters {
                            black_box(shared.try_acquire(&7u128, now)).ok();
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().ok();
            }
            // Time per acquire across both threads (2 × iters acquires).
            start.elapsed() / 2
        })
    });
    g.finish();
}

criterion_group!(benches, limiter);
criterion_main!(benches);
