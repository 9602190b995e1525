#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every check CI runs: format, lints, all tests.
# Each step prints its duration, so the CI budget (90 minutes on 2 cores) stays visible.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "==> $name"
  "$@"
  echo "<== $name: $((SECONDS - t0)) s"
}

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "需要 Rust 工具链（cargo）。请先安装 rustup：apt-get install -y rustup && rustup default stable" >&2
    exit 1
  fi
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
}

need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

need_rust
# The core builds its own SQLite with SQLCipher (bundled), against the system's OpenSSL
# (libssl-dev): a C compiler, pkg-config and libssl-dev. poppler-utils (pdftotext, pdffonts,
# pdftoppm) lets the document tests read back the PDFs they make.
step "apt packages" need_apt build-essential pkg-config libssl-dev poppler-utils
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
step "core tests" cargo test --workspace --locked

bench_smoke() {
  # The benchmarks at small scale, so they keep compiling and running; the full run is in
  # BENCHMARKS.md.
  local dir
  dir=$(mktemp -d)
  cargo run --quiet --locked --bin fengqiao -- --db "$dir/bench.db" demo --households 300 --seed 1
  cargo run --quiet --locked --bin fengqiao -- --db "$dir/bench.db" bench --queries 20
  rm -rf "$dir"
}
step "benchmark smoke run" bench_smoke

# The documents benchmark at small scale (debug), so it keeps compiling and running; the
# release figures are in BENCHMARKS.md.
step "documents benchmark smoke run" cargo run --quiet --locked --example bench_docs -- --households 300 --runs 3
