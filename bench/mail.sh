#!/usr/bin/env bash
# The mail benchmark of issue 6: a release `anytime serve` with the realistic configuration
# (bench/loadgen setup: 20 routing rules, 5 triggers, 2 SLA policies, 30 agents) ingests N
# messages from a Dovecot mailbox over IMAP, end to end (parse, routing, allocation, SLA,
# triggers, one transaction each), then delivers N outbox emails to the local SMTP server.
# Writes OUT/mail.md. Needs the test mail servers (scripts/test.sh installs them).
#
# Usage: bench/mail.sh [--messages N] [--out DIR]       (N defaults to 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
n=2000; out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) n=$2; shift ;;
        --out) out=$2; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
out=${out:-$ROOT/target/bench/mail-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"; out=$(cd "$out" && pwd)

echo "==> build (release)"
cargo build --release --locked -q -p anytime-server -p anytime-loadgen
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
python3 bench/mail_bench.py --anytime "$target_dir/release/anytime" \
    --loadgen "$target_dir/release/anytime-loadgen" --messages "$n" --out "$out"
cat "$out/mail.md"
