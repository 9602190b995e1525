#!/usr/bin/env bash
# The desktop app's start-up time and idle memory (BENCHMARKS.md): launches the real app under
# Xvfb several times and prints, for each launch, the milliseconds from process start to the
# first screen on display (the UI reports it through the `first_screen` command), then the
# idle memory of the app and its WebKit processes 10 s later (RSS summed, and PSS, which
# shares out the libraries they have in common).
#   scripts/bench-app.sh [BINARY] [RUNS]
# BINARY defaults to the debug build; a database with the demo post (500 households, as the
# first-run screen imports) is made with the CLI first, so the home screen shows real figures.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
bin=$(realpath "${1:-$target_dir/debug/fengqiao-desk}")
runs=${2:-5}
cli=${FENGQIAO_CLI:-$target_dir/debug/fengqiao}
if [ ! -x "$bin" ]; then
  echo "找不到桌面程序 $bin（cargo build -p fengqiao-desk --features custom-protocol）" >&2
  exit 1
fi
if [ ! -x "$cli" ]; then
  cargo build --bin fengqiao
fi

# Run under one virtual display for all launches.
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1366x768x24" "$0" "$bin" "$runs"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FENGQIAO_DB="$work/demo.db" "$cli" demo --households 500 --seed 1 >/dev/null

export WEBKIT_DISABLE_COMPOSITING_MODE=1

descendants() {
  local p=$1
  echo "$p"
  for c in $(pgrep -P "$p" || true); do descendants "$c"; done
}

echo "binary: $bin ($(du -m "$bin" | cut -f1) MB)"
echo "run  first_screen_ms  idle_rss_mb  idle_pss_mb  processes"
for i in $(seq 1 "$runs"); do
  log="$work/run$i.log"
  FENGQIAO_DB="$work/demo.db" FENGQIAO_STARTUP_TIMING=1 "$bin" 2>"$log" &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q first_screen_ms "$log" && break
    sleep 0.05
  done
  ms=$(grep -o 'first_screen_ms=[0-9]*' "$log" | cut -d= -f2 || true)
  sleep 10
  rss=0
  pss=0
  n=0
  for p in $(descendants "$pid"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    rss=$((rss + ${r:-0}))
    pss=$((pss + ${s:-0}))
    n=$((n + 1))
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf '%3d  %15s  %11d  %11d  %9d\n' "$i" "${ms:-none}" $((rss / 1024)) $((pss / 1024)) "$n"
done
