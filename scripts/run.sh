#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the Fengqiao Desk desktop app: installs the
# missing apt packages (WebKitGTK for Tauri), the UI's npm packages (the Tauri CLI among
# them), builds the UI and the app, and starts it. The database lives in the per-user data
# directory (~/.local/share/fengqiao/fengqiao.db), or at FENGQIAO_DB. On first run the app
# offers to import a demo post or to start empty.
#
# `./scripts/run.sh cli ARGS…` runs the command-line tool instead (e.g. `cli search 李娜`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "需要 Rust 工具链（cargo）。请先安装 rustup：apt-get install -y rustup && rustup default stable" >&2
  exit 1
fi

need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
  fi
}

# Run from the source tree, not from an installed package: the documents' fonts are the tree's.
export FENGQIAO_FONT_DIR=${FENGQIAO_FONT_DIR:-$PWD/assets/fonts}

if [ "${1:-}" = "cli" ]; then
  shift
  need_apt build-essential pkg-config libssl-dev
  cargo build --locked --bin fengqiao
  exec "${CARGO_TARGET_DIR:-target}/debug/fengqiao" "$@"
fi

# libwebkit2gtk-4.1-dev brings GTK, libsoup and the rest Tauri builds against.
need_apt build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev
if ! command -v npm >/dev/null 2>&1; then
  need_apt nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "需要 Node.js 20 或更高版本（当前为 $(node -v)）。" >&2
  exit 1
fi

# `npm install`, not `npm ci`: npm 11 leaves the other platforms' optional rollup/esbuild
# packages out of the lock file and `npm ci` then refuses it; with the lock present,
# `npm install` installs exactly the locked versions and leaves the file unchanged.
  (cd ui && npm install --no-audit --no-fund)
# The Tauri CLI (from npm, in ui/node_modules) builds the UI, then the app with the UI inside.
# A debug build: quick to compile on a laptop, and quick enough to use.
ui/node_modules/.bin/tauri build --debug --no-bundle

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "没有图形界面（DISPLAY 未设置），无法打开窗口。程序已构建：${CARGO_TARGET_DIR:-target}/debug/fengqiao-desk" >&2
  exit 1
fi
exec "${CARGO_TARGET_DIR:-target}/debug/fengqiao-desk"
