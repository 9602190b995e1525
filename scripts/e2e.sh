#!/usr/bin/env bash
# End-to-end tests of the real desktop app, driven by webdriverio through tauri-driver and
# Debian's WebKitWebDriver, on a virtual X display and a fresh database, with a session bus of
# its own (dbus-run-session). Screenshots of each screen land in target/e2e-screenshots/.
#
#   scripts/e2e.sh               the debug build in the build tree (scripts/test.sh builds it;
#                                FENGQIAO_DESK_BIN overrides its path), told where the source
#                                tree's fonts are; the command-line tool `cargo test` built
#                                (FENGQIAO_CLI_BIN overrides it)
#   scripts/e2e.sh --installed   the app and the command-line tool the .deb installed,
#                                /usr/bin/fengqiao-desk and /usr/bin/fengqiao, with this
#                                checkout's assets/ out of reach and no FENGQIAO_FONT_DIR: the
#                                documents print with the package's fonts or not at all. The
#                                installed command-line tool prints a report first.
set -euo pipefail
cd "$(dirname "$0")/.."

installed=0
[ "${1:-}" = "--installed" ] && installed=1

if [ "$installed" = 1 ] && [ -z "${FENGQIAO_E2E_ASSETS_HIDDEN:-}" ]; then
  # Hide assets/ for this script's run only: in a private mount namespace under an empty,
  # read-only tmpfs, so nothing on disk changes and nothing is left to restore. Where
  # namespaces are not allowed (an unprivileged container), move it aside and back.
  export FENGQIAO_E2E_ASSETS_HIDDEN=1
  if unshare --mount --propagation private true 2>/dev/null; then
    exec unshare --mount --propagation private -- \
      bash -c 'mount -t tmpfs -o ro,size=4k fengqiao-e2e assets && exec "$0" --installed' "$PWD/scripts/e2e.sh"
  fi
  aside=$(mktemp -d "${TMPDIR:-/tmp}/fengqiao-assets.XXXXXX")
  echo "无法使用挂载命名空间：assets/ 暂时移到 $aside，结束后移回（若被强行中断，请手动移回）" >&2
  mv assets "$aside/"
  trap 'mv "$aside/assets" . && rmdir "$aside"' EXIT
fi

target_dir=${CARGO_TARGET_DIR:-target}
if [ "$installed" = 1 ]; then
  bin=/usr/bin/fengqiao-desk
  unset FENGQIAO_FONT_DIR
  if [ -e assets/fonts ]; then
    echo "assets/fonts 仍可访问：未能隐藏源码中的字体" >&2
    exit 1
  fi
else
  bin=${FENGQIAO_DESK_BIN:-$target_dir/debug/fengqiao-desk}
  # A build of the app outside an installed package has no resource directory of its own
  # holding the fonts (unless its target directory is named `target`): say where they are.
  export FENGQIAO_FONT_DIR=$PWD/assets/fonts
fi
if [ ! -x "$bin" ]; then
  if [ "$installed" = 1 ]; then
    echo "找不到已安装的桌面程序 $bin；请先用 scripts/package.sh 打包并安装" >&2
  else
    echo "找不到桌面程序 $bin；请先运行 scripts/test.sh（或 cargo build -p fengqiao-desk --features custom-protocol）" >&2
  fi
  exit 1
fi

if [ "$installed" = 1 ]; then
  # The command-line tool the package installs prints with the same fonts.
  work=$(mktemp -d)
  /usr/bin/fengqiao --db "$work/post.db" demo --households 30 --seed 1 >/dev/null
  /usr/bin/fengqiao --db "$work/post.db" stats --month 2026-11 --out "$work/report.pdf" >/dev/null
  if ! pdftotext "$work/report.pdf" - | tr -d ' \n' | grep -q '2026年11月工作统计'; then
    echo "已安装的 fengqiao 生成的月报读不出标题“2026年11月工作统计”" >&2
    exit 1
  fi
  rm -rf "$work"
  echo "installed /usr/bin/fengqiao printed a monthly report with the package's fonts"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked
fi
export FENGQIAO_DESK_BIN
FENGQIAO_DESK_BIN=$(realpath "$bin")
# The command-line tool, as a second program on the app's database (`cargo test` builds it;
# the package installs it).
if [ "$installed" = 1 ]; then
  cli=/usr/bin/fengqiao
else
  cli=${FENGQIAO_CLI_BIN:-$target_dir/debug/fengqiao}
fi
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
