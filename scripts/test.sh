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

# need_apt [--no-install-recommends] PACKAGE...: installs those not installed yet.
need_apt() {
  local missing=() options=()
  for p in "$@"; do
    case "$p" in
      -*) options+=("$p") ;;
      *) dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p") ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${options[@]}" "${missing[@]}"
  fi
}

need_rust
# The core builds its own SQLite with SQLCipher (bundled), against the system's OpenSSL
# (libssl-dev): a C compiler, pkg-config and libssl-dev. poppler-utils (pdftotext, pdffonts,
# pdftoppm) lets the document tests read back the PDFs they make.
step "apt packages" need_apt build-essential pkg-config libssl-dev poppler-utils
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --all-targets --locked -- -D warnings
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked
# Default members: the core and fengqiao-hq (the desktop shell is built further down).
step "core and HQ tests" cargo test --locked
# Every ledger opened in LibreOffice Calc (headless, converted to CSV): the core's test
# binary links the library `cargo test` has just built. Calc costs about 83 MB to download
# and a minute to install; the test itself runs Calc once for all twelve ledgers.
step "apt packages (LibreOffice Calc)" need_apt --no-install-recommends libreoffice-calc-nogui
step "ledgers in LibreOffice" cargo test --locked --test office

# The steps below use the binaries and the example that `cargo test` has just built (it
# builds every bin and example of the packages it tests). A `cargo build` or `cargo run` here
# would build the whole dependency tree a second time: without the dev-dependencies, the
# features of some shared crates (num-traits, bitflags) differ, and that second tree doubled
# the disk the target directory takes.
bin_dir=${CARGO_TARGET_DIR:-target}/debug
built() {
  local f
  for f in "$@"; do
    if [ ! -x "$bin_dir/$f" ]; then
      echo "找不到 $bin_dir/$f：它应由上面的 cargo test 构建" >&2
      return 1
    fi
  done
}

# HQ's relay page and the county console in Debian's chromium (headless, playwright-core),
# against the real fengqiao and fengqiao-hq binaries with real posts syncing into HQ. The
# console is built from ui/ (`vite build --mode console`, no type check here: the app's
# build below runs tsc over the same code).
hq_in_browser() {
  if ! command -v npm >/dev/null 2>&1; then need_apt nodejs npm; fi
  built fengqiao fengqiao-hq
  (cd ui && npm install --no-audit --no-fund && npx vite build --mode console --logLevel warn)
  (cd hq/browser && npm install --no-audit --no-fund && npm test)
}
step "apt packages (HQ in the browser)" need_apt chromium
step "HQ relay page and county console in chromium" hq_in_browser

bench_smoke() {
  # The benchmarks at small scale, so they keep compiling and running; the full run is in
  # BENCHMARKS.md.
  local dir
  dir=$(mktemp -d)
  built fengqiao
  "$bin_dir/fengqiao" --db "$dir/bench.db" demo --households 300 --seed 1
  "$bin_dir/fengqiao" --db "$dir/bench.db" bench --queries 20
  rm -rf "$dir"
}
step "benchmark smoke run" bench_smoke

# The documents benchmark at small scale (debug), so it keeps compiling and running; the
# release figures are in BENCHMARKS.md.
docs_bench_smoke() {
  built examples/bench_docs
  "$bin_dir/examples/bench_docs" --households 300 --runs 3
}
step "documents benchmark smoke run" docs_bench_smoke

# Many posts syncing with HQ at once (bench_posts), at small scale; the full run (100 posts)
# is in BENCHMARKS.md.
posts_bench_smoke() {
  built examples/bench_posts
  "$bin_dir/examples/bench_posts" --posts 10 --households 3
}
step "posts-at-once benchmark smoke run" posts_bench_smoke

# ── The desktop app (src-tauri/, ui/) ──
need_node() {
  if ! command -v npm >/dev/null 2>&1; then need_apt nodejs npm; fi
  # `npm install`, not `npm ci`: npm 11 leaves the other platforms' optional rollup/esbuild
  # packages out of the lock file and `npm ci` then refuses it; with the lock present,
  # `npm install` installs exactly the locked versions and leaves the file unchanged.
  (cd ui && npm install --no-audit --no-fund)
}
types_current() {
  cargo test -p fengqiao --features ts --locked --test typescript
  if ! git diff --exit-code -- ui/src/backend/types || [ -n "$(git status --porcelain -- ui/src/backend/types)" ]; then
    echo "ui/src/backend/types 与 Rust 类型不一致：请运行 cargo test -p fengqiao --features ts --test typescript 并提交生成的文件" >&2
    return 1
  fi
}
# WebKitGTK for Tauri; Xvfb, xauth and WebKitWebDriver for the end-to-end tests, with
# dbus-run-session (dbus-daemon) for the app's single-instance check and xdotool to cancel
# a file dialog.
step "apt packages (app)" need_apt libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver dbus-daemon xdotool
step "npm install (ui)" need_node
step "ui unit tests" bash -c "cd ui && npm test --silent"
step "TypeScript bindings drift" types_current
step "cargo clippy (app)" cargo clippy -p fengqiao-desk --all-targets --locked -- -D warnings
# The Debian package, of a debug build: `tauri build` runs `npm run build` (tsc + vite) first,
# then cargo with custom-protocol, then bundles the app, the CLI `cargo test` built and the
# fonts; the script checks that no file in it holds the path of this checkout or of the
# target directory.
step "package (.deb of the debug build)" ./scripts/package.sh --debug
# The end-to-end tests run what an officer installs: the package, installed here, with the
# source tree's assets/ out of reach. tauri-driver (cargo install, once) and WebKitWebDriver
# drive the installed app under Xvfb through a day's work on a fresh database, printing every
# kind of document; screenshots of each screen are kept in target/e2e-screenshots/.
install_package() {
  apt-get install -y -qq --reinstall "$(realpath "$bin_dir"/bundle/deb/fengqiao-desk_*.deb)"
}
step "install the package" install_package
trap 'dpkg -r fengqiao-desk >/dev/null 2>&1 || true' EXIT
step "end-to-end tests (installed app under Xvfb)" ./scripts/e2e.sh --installed
step "remove the package" dpkg -r fengqiao-desk
trap - EXIT

# The browser version (`fengqiao serve`, for systems without WebKitGTK 4.1): its package
# fengqiao-web, of the tool `cargo test` built and the desk UI the package step above built
# (ui/dist), installed once fengqiao-desk is gone (both ship /usr/bin/fengqiao), then the desk
# walked in Debian's chromium from the installed /usr/bin/fengqiao on a fresh database, as
# its menu entry starts it (playwright-core from the HQ browser tests).
step "package (fengqiao-web of the debug build)" ./scripts/package-web.sh --debug
install_web_package() {
  apt-get install -y -qq --reinstall "$(realpath "$bin_dir"/bundle/deb/fengqiao-web_*.deb)"
}
step "install fengqiao-web" install_web_package
trap 'dpkg -r fengqiao-web >/dev/null 2>&1 || true' EXIT
step "fengqiao serve in chromium (installed fengqiao-web)" \
  bash -c "cd hq/browser && FENGQIAO_SERVE_INSTALLED=/usr/bin/fengqiao npm run --silent test:serve"
step "remove fengqiao-web" dpkg -r fengqiao-web
trap - EXIT
