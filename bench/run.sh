#!/usr/bin/env bash
# The HTTP benchmark of issue 8: a release `anytime serve` on 127.0.0.1 with the realistic
# configuration, driven by bench/loadgen at concurrency 1 and 4, and Request Tracker 5 (the
# peer in ../shared/peers/rt, or $RT_PEER_DIR) through its own bench.py in the same run.
# Writes OUT/report.md (table with Anytime/RT ratios) and OUT/throughput.svg.
#
# Usage: bench/run.sh [--short] [--no-rt] [--out DIR] [--seconds S] [--db-dir DIR --ids-upto N]
#   --short     CI mode: small data, 1 s per operation, no RT; fails only if a request fails
#   --no-rt     skip Request Tracker
#   --db-dir    serve an existing data dir (e.g. one filled by `anytime-loadgen fill`) instead
#               of a fresh one; --ids-upto N draws get/reply ids from 1..N
# Env: CARGO_TARGET_DIR, RT_PEER_DIR, RT_PORT (9080), BENCH_OPS, BENCH_CONCURRENCY ("1 4"),
#      ANYTIME_BIN + LOADGEN_BIN (prebuilt binaries, no build: A/B runs of two commits),
#      BENCH_CHRT (e.g. "chrt -f 50": server and load generator at real-time priority).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
args="$*"

short=0; rt=1; out=""; seconds=""; db_dir=""; ids_upto=""
while [ $# -gt 0 ]; do
    case "$1" in
        --short) short=1; rt=0 ;;
        --no-rt) rt=0 ;;
        --out) out=$2; shift ;;
        --seconds) seconds=$2; shift ;;
        --db-dir) db_dir=$2; shift ;;
        --ids-upto) ids_upto=$2; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$short" = 1 ]; then seconds=${seconds:-1}; prefill=50; else seconds=${seconds:-5}; prefill=1000; fi
ops=${BENCH_OPS:-create,get,list,listFilter,search,reply}
concurrencies=${BENCH_CONCURRENCY:-1 4}
out=${out:-$ROOT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ -n "${ANYTIME_BIN:-}" ] && [ -n "${LOADGEN_BIN:-}" ]; then
    anytime=$ANYTIME_BIN; loadgen=$LOADGEN_BIN
else
    echo "==> build (release)"
    cargo build --release --locked -q -p anytime-server -p anytime-loadgen
    target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    anytime=$target_dir/release/anytime
    loadgen=$target_dir/release/anytime-loadgen
fi
chrt_cmd=${BENCH_CHRT:-}

cleanup() {
    if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ -n "${rt_started:-}" ]; then RT_PEER_PURGE=1 "$rt_dir/stop.sh" "$rt_port" "$rt_data" >/dev/null 2>&1 || true; fi
    if [ -n "${tmp_data:-}" ]; then rm -rf "$tmp_data"; fi
}
trap cleanup EXIT

python3 - "$out/meta.json" <<PY
import json, os, platform, subprocess, sys, time
meta = {
    "date (UTC)": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    "machine": f"{os.cpu_count()} cores, {platform.machine()}, shared (other builds may run)",
    "load average at start": " ".join(open("/proc/loadavg").read().split()[:3]),
    "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
    "command": "${BENCH_CHRT:+BENCH_CHRT='$BENCH_CHRT' }bench/run.sh $args (seconds per operation: $seconds, concurrency: $concurrencies)",
}
json.dump(meta, open(sys.argv[1], "w"))
PY

# ---- Request Tracker first (same machine, same concurrencies), then Anytime
if [ "$rt" = 1 ]; then
    rt_dir=${RT_PEER_DIR:-$ROOT/../shared/peers/rt}
    [ -d "$rt_dir" ] || rt_dir=/work/shared/peers/rt
    rt_port=${RT_PORT:-9080}
    rt_data=$(mktemp -d /tmp/rt-bench-XXXXXX)
    if ! dpkg -s request-tracker5 >/dev/null 2>&1; then
        echo "==> install Request Tracker (needs root)"
        if [ "$(id -u)" -eq 0 ]; then "$rt_dir/install.sh"; else sudo "$rt_dir/install.sh"; fi
    fi
    echo "==> Request Tracker on 127.0.0.1:$rt_port"
    RT_PEER_FRESH=1 "$rt_dir/start.sh" "$rt_port" "$rt_data" 4 >"$out/rt-server.log" 2>&1
    rt_started=1
    for c in $concurrencies; do
        python3 "$rt_dir/bench.py" --port "$rt_port" -c "$c" \
            --creates "${RT_CREATES:-200}" --gets "${RT_GETS:-1000}" --replies "${RT_REPLIES:-100}" \
            --searches "${RT_SEARCHES:-400}" --json "$out/rt-c$c.json"
    done
    RT_PEER_PURGE=1 "$rt_dir/stop.sh" "$rt_port" "$rt_data" >/dev/null 2>&1 || true
    rt_started=""
fi

# ---- Anytime
if [ -n "$db_dir" ]; then data=$db_dir; else tmp_data=$(mktemp -d /tmp/anytime-bench-XXXXXX); data=$tmp_data; fi
echo "==> anytime serve on 127.0.0.1 (data: $data)"
ANYTIME_LOG=warn $chrt_cmd "$anytime" serve --data-dir "$data" --listen 127.0.0.1:0 --rate-limit 0 \
    >"$out/anytime-stdout.log" 2>"$out/anytime-stderr.log" &
server_pid=$!
for _ in $(seq 1 600); do
    grep -q '^listening on http://' "$out/anytime-stdout.log" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out/anytime-stderr.log"; exit 1; }
    sleep 0.1
done
addr=$(sed -n 's|^listening on http://||p' "$out/anytime-stdout.log" | head -1)
[ -n "$addr" ] || { echo "server did not start" >&2; exit 1; }
creds=${BENCH_CREDS:-$data/bench-admin.json}
if grep -q '^{' "$out/anytime-stdout.log"; then grep -m1 '^{' "$out/anytime-stdout.log" >"$creds"; fi
[ -s "$creds" ] || { echo "no admin credentials: fresh data dir or BENCH_CREDS needed" >&2; exit 1; }
email=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["email"])' "$creds")
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apiKey"])' "$creds")

if [ -s "$data/bench-config.json" ]; then
    echo "==> reuse the configuration in $data/bench-config.json"
    cp "$data/bench-config.json" "$out/config.json"
else
    echo "==> configure the site (30 agents, 20 routing rules, 5 triggers, 2 SLA policies) and pre-fill $prefill conversations"
    "$loadgen" setup --addr "$addr" --email "$email" --key "$key" --prefill "$prefill" --out "$out/config.json"
fi
status=0
for c in $concurrencies; do
    $chrt_cmd "$loadgen" run --addr "$addr" --email "$email" --key "$key" --config "$out/config.json" \
        -c "$c" --seconds "$seconds" --ops "$ops" ${ids_upto:+--ids-upto "$ids_upto"} \
        --json "$out/anytime-c$c.json" || status=1
done
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
db_bytes=$(du -cb "$data"/anytime.db* | tail -1 | cut -f1)
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

python3 - "$out/meta.json" "$rss_kb" "$db_bytes" <<'PY'
import json, sys
path, rss_kb, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
meta = json.load(open(path))
meta["load average at end"] = " ".join(open("/proc/loadavg").read().split()[:3])
meta["anytime peak RSS (VmHWM)"] = f"{rss_kb / 1024:.1f} MiB"
meta["anytime database size at end"] = f"{db / 1048576:.1f} MiB"
json.dump(meta, open(path, "w"))
PY
python3 bench/report.py "$out"
echo "report: $out/report.md, plot: $out/throughput.svg"
exit $status
