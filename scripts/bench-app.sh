#!/usr/bin/env bash
# The desktop app's start-up time and idle memory (BENCHMARKS.md): launches the real app under
# Xvfb several times and prints, for each launch, the milliseconds from process start to the
# first screen on display (the UI reports it through the `first_screen` command), then the
# idle memory of the app and its WebKit processes 10 s later: RSS summed, PSS (which shares
# out the libraries they have in common, also with other programs running), the resident
# memory of the app's processes with each page counted once ("distinct", run as root: it
# reads the physical page numbers in /proc/PID/pagemap), and the RSS of each process.
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

# The app's own WebKit settings apply (src-tauri/src/main.rs, tune_webview): no WEBKIT_*
# variables here, so the figures are those of the app as a user starts it.

descendants() {
  local p=$1
  echo "$p"
  for c in $(pgrep -P "$p" || true); do descendants "$c"; done
}

echo "binary: $bin ($(du -m "$bin" | cut -f1) MB)"
# Resident pages of the given processes, each physical page counted once (MB); "-" unless the
# page numbers are readable (root).
distinct_mb() {
  command -v python3 >/dev/null || { echo -; return; }
  python3 - "$@" <<'PY' 2>/dev/null || echo -
import re, struct, sys
pages = set()
for pid in sys.argv[1:]:
    with open(f"/proc/{pid}/pagemap", "rb") as pm:
        start = end = 0
        for line in open(f"/proc/{pid}/smaps"):
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
            if m:
                start, end = int(m[1], 16), int(m[2], 16)
            elif line.startswith("Rss:") and int(line.split()[1]) > 0:
                for a in range(start, end, 1 << 28):
                    n = (min(end, a + (1 << 28)) - a) // 4096
                    pm.seek(a // 4096 * 8)
                    for (e,) in struct.iter_unpack("<Q", pm.read(n * 8)):
                        if e >> 63:
                            pages.add(e & ((1 << 55) - 1))
if pages == {0}:
    raise SystemExit(1)  # not root: page numbers read as 0
print(len(pages) * 4096 >> 20)
PY
}

echo "run  first_screen_ms  idle_rss_mb  idle_pss_mb  distinct_mb  rss_by_process_mb"
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
  each=""
  pids=$(descendants "$pid")
  for p in $pids; do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    rss=$((rss + ${r:-0}))
    pss=$((pss + ${s:-0}))
    each="$each $(cat "/proc/$p/comm" 2>/dev/null | sed 's/^WebKit//; s/Process$//; s/Pr$//; s/Proces$//')=$((${r:-0} / 1024))"
  done
  distinct=$(distinct_mb $pids)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf '%3d  %15s  %11d  %11d  %11s %s\n' "$i" "${ms:-none}" $((rss / 1024)) $((pss / 1024)) "$distinct" "$each"
done
