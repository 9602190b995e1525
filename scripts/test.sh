#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every check CI runs: format, lints, all tests of
# the core, then the desktop app's: UI unit tests, TypeScript bindings drift, the app build,
# end-to-end tests. Each step prints its duration, so the CI budget (90 minutes on 2 cores)
# stays visible. The core's steps come first and never build Tauri.
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
# The core builds its own SQLite (bundled); a C compiler and pkg-config are all it needs.
step "apt packages" need_apt build-essential pkg-config
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy -p fengqiao --all-targets --features ts --locked -- -D warnings
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc -p fengqiao --no-deps --locked
step "core tests" cargo test -p fengqiao --locked

# ── The desktop app (src-tauri/, ui/) ──
need_node() {
  if ! command -v npm >/dev/null 2>&1; then need_apt nodejs npm; fi
  (cd ui && npm ci --no-audit --no-fund)
}
types_current() {
  cargo test -p fengqiao --features ts --locked --test typescript
  if ! git diff --exit-code -- ui/src/backend/types || [ -n "$(git status --porcelain -- ui/src/backend/types)" ]; then
    echo "ui/src/backend/types 与 Rust 类型不一致：请运行 cargo test -p fengqiao --features ts --test typescript 并提交生成的文件" >&2
    return 1
  fi
}
# WebKitGTK for Tauri; Xvfb, xauth and WebKitWebDriver for the end-to-end tests.
step "apt packages (app)" need_apt libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver
step "npm ci" need_node
step "ui unit tests" bash -c "cd ui && npm test --silent"
step "TypeScript bindings drift" types_current
step "cargo clippy (app)" cargo clippy -p fengqiao-desk --all-targets --locked -- -D warnings
# `tauri build` runs `npm run build` (tsc + vite) first, then cargo with custom-protocol.
step "tauri build (debug, custom-protocol)" ui/node_modules/.bin/tauri build --debug --no-bundle
step "tauri-driver" bash -c "command -v tauri-driver >/dev/null || cargo install tauri-driver --locked"
step "e2e (xvfb, tauri-driver, WebKitWebDriver)" ./scripts/e2e.sh
