#!/usr/bin/env bash
# End-to-end tests of the real desktop app: the debug binary with the UI built in, driven by
# webdriverio through tauri-driver and Debian's WebKitWebDriver, on a virtual X display and
# a fresh database, with a session bus of its own (dbus-run-session). Screenshots of each
# screen land in target/e2e-screenshots/.
# Expects the binary built (scripts/test.sh builds it); FENGQIAO_DESK_BIN overrides its path.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
bin=${FENGQIAO_DESK_BIN:-$target_dir/debug/fengqiao-desk}
if [ ! -x "$bin" ]; then
  echo "找不到桌面程序 $bin；请先运行 scripts/test.sh（或 cargo build -p fengqiao-desk --features custom-protocol）" >&2
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked
fi
export FENGQIAO_DESK_BIN
FENGQIAO_DESK_BIN=$(realpath "$bin")
# The command-line tool, as a second program on the app's database (`cargo test` builds it).
cli=${FENGQIAO_CLI_BIN:-$target_dir/debug/fengqiao}
if [ ! -x "$cli" ]; then
  echo "找不到命令行工具 $cli；请先运行 scripts/test.sh（或 cargo build --bin fengqiao）" >&2
  exit 1
fi
export FENGQIAO_CLI_BIN
FENGQIAO_CLI_BIN=$(realpath "$cli")
export E2E_SCREENSHOTS=${E2E_SCREENSHOTS:-$PWD/target/e2e-screenshots}
rm -rf "$E2E_SCREENSHOTS"
mkdir -p "$E2E_SCREENSHOTS"
# Without compositing WebKitGTK paints in software straight to the window: no GL driver needed
# (Mesa's llvmpipe would work under Xvfb too, but slower on the CI's two cores). Screenshots
# then need a repaint to come (see saveScreenshot in ui/e2e/app.e2e.ts).
export WEBKIT_DISABLE_COMPOSITING_MODE=1
cd ui
# A session bus of its own, as a desktop session has: the app claims its single-instance
# name on it, and a second start hands over to the first.
xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- npm run --silent e2e
