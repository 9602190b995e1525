#!/usr/bin/env bash
# Fuzzes the bundle decoder for a bounded time (default 60 s): ./scripts/fuzz.sh [SECONDS]
# Needs the nightly toolchain; installs cargo-fuzz when missing. A crash leaves its input in
# fuzz/artifacts/bundle_open/ and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus/bundle_open
cargo +nightly fuzz run bundle_open fuzz/corpus/bundle_open -- -max_total_time="$secs" -max_len=65536
