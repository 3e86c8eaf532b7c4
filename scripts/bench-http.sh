#!/usr/bin/env bash
# HTTP load on a release build: the create/get mix (and a get-only run) with the
# per-credential rate limiter off (--rate-limit 0) and on (a limit high enough never to
# answer 429, so every request pays for the counting). Needs `wrk` (apt-get install wrk).
# Usage: scripts/bench-http.sh [rounds]   (env: ANYTIME_BIN, DURATION=10s, CONNECTIONS=16)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ANYTIME_BIN:-target/release/anytime}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
ROUNDS=${1:-2}

one() { # limit mode
    local dir addr key auth pid
    dir=$(mktemp -d)
    "$BIN" serve --data-dir "$dir" --listen 127.0.0.1:0 --rate-limit "$1" >"$dir/out" 2>/dev/null &
    pid=$!
    for _ in $(seq 100); do grep -q '^listening on' "$dir/out" 2>/dev/null && break; sleep 0.05; done
    addr=$(sed -n 's/^listening on //p' "$dir/out")
    key=$(grep -m1 '^{' "$dir/out" | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')
    auth="Basic $(printf 'admin@localhost:%s' "$key" | base64 -w0)"
    curl -s -o /dev/null -H "Authorization: $auth" -H 'Content-Type: application/json' \
        "$addr/api/v3/anytime/conversations" \
        -d '{"subject":"Seed","channel":"email","message":{"type":"note","htmlBody":"<p>x</p>"}}'
    printf '%-6s limit=%-10s ' "$2" "$1"
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s scripts/wrk/create_get.lua "$addr" -- "$auth" "$2" | tail -1
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
}

for _ in $(seq "$ROUNDS"); do
    for mode in mixed get; do
        one 0 "$mode"
        one 4000000000 "$mode"
    done
done
