#!/usr/bin/env bash
# Builds the npm package `anytime-core` from the crate `anytime-wasm`, installing what it needs
# on a fresh Debian machine (see docs: TOOLCHAIN "WebAssembly without rustup targets").
#
#   bindings/wasm/build.sh            → bindings/wasm/pkg/ (package dir) and
#                                       bindings/wasm/dist/anytime-core-VERSION.tgz (npm pack)
# Environment: WASM_TARGET_DIR (default: target-wasm in the repo root; kept apart from the
# native target dir, as Debian's rustc builds there), SKIP_WASM_OPT=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

say() { printf '  [wasm] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- toolchain ---------------------------------------------------------------------------
# rustup cannot add the wasm32 target on these machines: Debian's rustc-web builds std for
# wasm32 from rust-web-src with -Zbuild-std; lld-19 links.
apt_needed=()
command -v npm >/dev/null 2>&1 || apt_needed+=(nodejs npm)
for p in rustc-web cargo-web rust-web-src lld-19; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || apt_needed+=("$p")
done
if [ "${#apt_needed[@]}" -gt 0 ]; then
    say "installing ${apt_needed[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${apt_needed[@]}" >/dev/null
fi

# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
if [ -z "$bindgen_version" ]; then
    echo "wasm-bindgen not found in Cargo.lock" >&2
    exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen_version"; then
    say "installing wasm-bindgen-cli $bindgen_version"
    # No --locked: it fails to resolve here (TOOLCHAIN.md).
    cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# Node tools: wasm-opt from the npm `binaryen` (Debian's binaryen 108 breaks these modules).
if [ ! -x "$here/node_modules/.bin/wasm-opt" ]; then
    say "npm ci (build and test tools)"
    (cd "$here" && npm ci --no-audit --no-fund)
fi

# --- compile -----------------------------------------------------------------------------
target_dir="${WASM_TARGET_DIR:-$root/target-wasm}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
say "cargo build (wasm32, profile wasm-release) into $target_dir"
(
    # Debian's cargo/rustc first (rustup's stay first elsewhere for native builds).
    export PATH="/usr/bin:$PATH"
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
    export RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_DIR="$target_dir"
    # optimize_for_size: std's size-lean sorts and integer formatting (the fast sorts are
    # ~40 KB gzip of monomorphised code and sort only short lists here).
    cargo build --profile wasm-release --locked --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size -p anytime-wasm
)
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/anytime_wasm.wasm"

# --- package -----------------------------------------------------------------------------
pkg="$here/pkg"
rm -rf "$pkg"
mkdir -p "$pkg"
say "wasm-bindgen (web, nodejs)"
wasm-bindgen --target web --no-typescript --out-dir "$pkg/web" "$wasm"
wasm-bindgen --target nodejs --no-typescript --out-dir "$pkg/nodejs" "$wasm"
echo '{"type":"module"}' >"$pkg/web/package.json"
echo '{"type":"commonjs"}' >"$pkg/nodejs/package.json"

if [ "${SKIP_WASM_OPT:-0}" != 1 ] && [ -x "$here/node_modules/.bin/wasm-opt" ]; then
    # -O2, not -Oz: on this opt-level-3 module it gzips ~4 KB smaller and runs as fast.
    say "wasm-opt -O2"
    for out in "$pkg/web/anytime_wasm_bg.wasm" "$pkg/nodejs/anytime_wasm_bg.wasm"; do
        # Features the Rust wasm32 target enables by default; wasm-opt must accept them.
        "$here/node_modules/.bin/wasm-opt" -O2 --enable-bulk-memory --enable-sign-ext \
            --enable-nontrapping-float-to-int --enable-mutable-globals \
            --enable-reference-types --enable-multivalue "$out" -o "$out.opt"
        mv "$out.opt" "$out"
    done
else
    say "wasm-opt skipped"
fi

cp "$here"/js/{node.js,web.js,wrap.js,index.d.ts,web.d.ts,package.json} "$pkg/"
cp "$here/README.md" "$pkg/README.md"

mkdir -p "$here/dist"
rm -f "$here"/dist/anytime-core-*.tgz
(cd "$pkg" && npm pack --silent --pack-destination "$here/dist" >/dev/null)

raw=$(stat -c %s "$pkg/web/anytime_wasm_bg.wasm")
gz=$(gzip -9 -c "$pkg/web/anytime_wasm_bg.wasm" | wc -c)
say "package: $pkg"
say "tarball: $(ls "$here"/dist/anytime-core-*.tgz)"
say "anytime_wasm_bg.wasm: $raw bytes raw, $gz bytes gzip -9 (budget 614400)"
if [ "$gz" -gt 614400 ]; then
    echo "wasm module over the 600 KB gzip budget" >&2
    exit 1
fi

# The web demo loads the package from web-demo/pkg (not committed; `anytime serve` serves
# web-demo at /demo when this is present).
rm -rf "$root/web-demo/pkg"
cp -r "$pkg" "$root/web-demo/pkg"
say "copied into web-demo/pkg"
