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

step "mail servers for the email tests (Dovecot, aiosmtpd)"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v dovecot >/dev/null 2>&1 || ! command -v doveadm >/dev/null 2>&1; then
    as_root apt-get update -qq && as_root apt-get install -y -qq dovecot-imapd dovecot-lmtpd openssl >/dev/null
fi
pip_install() { pip install -q "$@" 2>/dev/null || pip install -q --break-system-packages "$@"; }
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then pip_install aiosmtpd; fi

step "OpenAPI 3.1 validator for the document test (openapi-spec-validator, jsonschema)"
if ! python3 -c 'import openapi_spec_validator, jsonschema' 2>/dev/null; then
    pip_install openapi-spec-validator jsonschema
fi

step "unit, property, vector and HTTP tests"
if command -v cargo-nextest >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
    cargo test --workspace --locked --doc
else
    cargo test --workspace --locked --no-fail-fast
fi

step "benchmarks compile"
cargo bench --workspace --locked --no-run

step "HTTP benchmark, short mode (release build, small data, 1 s per operation, no Request Tracker; fails only on request errors)"
bench/run.sh --short

step "wasm package: build, then every vector and the error contract in Node"
bindings/wasm/build.sh
(cd bindings/wasm && npm ci --no-audit --no-fund && node --test test/ && npx tsc -p types-test)

step "web demo playground and OAuth sign-in page in headless Chromium (playground compared with native anytime eval)"
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi
cargo build -p anytime-server --locked
(cd web-demo && npm ci --no-audit --no-fund &&
    ANYTIME_BIN="$(cargo metadata --format-version 1 --no-deps | node -p 'JSON.parse(require("fs").readFileSync(0)).target_directory')/debug/anytime" \
    node --test test/)

echo
echo "all tests passed"
