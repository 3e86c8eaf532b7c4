#!/usr/bin/env bash
# Scale benchmark of issue 8: fills a site with --conversations conversations and
# --messages-per messages each through the store's bulk path (anytime-loadgen fill), then runs
# bench/run.sh against it (no RT). Keep the data on a disk with room: about 1.5 KB of
# database per message plus the snapshot per conversation (see docs/benchmarks.md).
#
# Usage: bench/scale.sh [--dir DIR] [--conversations N] [--messages-per M] [--out OUT] [--keep]
#   default DIR /work/scratch/perf/scale (or $SCALE_DIR), N 1000000, M 5; the data dir is
#   deleted at the end unless --keep. Env as for bench/run.sh (ANYTIME_BIN, LOADGEN_BIN,
#   BENCH_CHRT, BENCH_OPS); SCALE_SECONDS per operation (5); SCALE_FILL_ONLY=1 stops after the fill.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
dir=${SCALE_DIR:-/work/scratch/perf/scale}; n=1000000; per=5; out=""; keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir=$2; shift ;;
        --conversations) n=$2; shift ;;
        --messages-per) per=$2; shift ;;
        --out) out=$2; shift ;;
        --keep) keep=1 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
out=${out:-$ROOT/target/bench/scale-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
if [ -n "${ANYTIME_BIN:-}" ] && [ -n "${LOADGEN_BIN:-}" ]; then
    anytime=$ANYTIME_BIN; loadgen=$LOADGEN_BIN
else
    cargo build --release --locked -q -p anytime-server -p anytime-loadgen
    target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    anytime=$target_dir/release/anytime
    loadgen=$target_dir/release/anytime-loadgen
    export ANYTIME_BIN=$anytime LOADGEN_BIN=$loadgen
fi

if [ ! -s "$dir/bench-config.json" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    echo "==> configure a fresh site in $dir"
    ANYTIME_LOG=warn "$anytime" serve --data-dir "$dir" --listen 127.0.0.1:0 --rate-limit 0 >"$dir/first-start.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do grep -q '^listening on http://' "$dir/first-start.log" && break; sleep 0.1; done
    addr=$(sed -n 's|^listening on http://||p' "$dir/first-start.log" | head -1)
    grep -m1 '^{' "$dir/first-start.log" >"$dir/bench-admin.json"
    email=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["email"])' "$dir/bench-admin.json")
    key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apiKey"])' "$dir/bench-admin.json")
    "$loadgen" setup --addr "$addr" --email "$email" --key "$key" --prefill 0 --out "$dir/bench-config.json"
    kill -TERM "$pid"; wait "$pid" || true
    echo "==> fill: $n conversations x $per messages (bulk path)"
    /usr/bin/time -v "$loadgen" fill --db "$dir/anytime.db" --conversations "$n" --messages-per "$per" \
        >"$out/fill.json" 2>"$out/fill.log" || { tail -20 "$out/fill.log"; exit 1; }
    cat "$out/fill.json"; grep -E "Elapsed|Maximum resident" "$out/fill.log" || true
fi
db_bytes=$(du -cb "$dir"/anytime.db* | tail -1 | cut -f1)
python3 -c "import sys; b=int(sys.argv[1]); n=int(sys.argv[2]); print(f'database: {b/1048576:.0f} MiB, {b/n:.0f} bytes per conversation')" "$db_bytes" "$n" | tee "$out/db-size.txt"
if [ "${SCALE_FILL_ONLY:-0}" = 1 ]; then exit 0; fi
status=0
bench/run.sh --no-rt --db-dir "$dir" --ids-upto "$n" --out "$out" --seconds "${SCALE_SECONDS:-5}" || status=$?
if [ "$keep" = 0 ]; then rm -rf "$dir"; fi
exit $status
