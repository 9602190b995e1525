#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, in release builds, printing each program's figures:
#   1. search (2-/3-character names, ID prefix, phone tail against a LIKE scan) and one page of
#      each list screen, over a post of ~20k people and over a county of ~500k people;
#   2. monthly statistics and the agreement PDFs (ms and bytes);
#   3. one post's bundle export and import, and HQ's apply rate against raw SQLite inserts;
#   4. the desktop app under Xvfb: cold start to first screen and idle memory.
#
#   scripts/bench.sh [--small]
#
# The demo databases are made once under $BENCH_DIR (default target/bench) and reused: the
# county one takes a few minutes and ~3.6 GB. --small runs everything at a few hundred
# households (a check that the harness works, not figures to record).
set -euo pipefail
cd "$(dirname "$0")/.."

small=0
[ "${1:-}" = "--small" ] && small=1
target_dir=${CARGO_TARGET_DIR:-target}
bench_dir=${BENCH_DIR:-$target_dir/bench}
mkdir -p "$bench_dir"
if [ "$small" = 1 ]; then
  post=300 county=1000 sync=300 runs=5 queries=20
else
  post=5700 county=150000 sync=5000 runs=100 queries=200
fi
# The demo data's "today", so that statistics and overdue lists have a month to look at.
export FENGQIAO_NOW=${FENGQIAO_NOW:-2026-11-23T09:00:00+08:00}

section() { printf '\n===== %s =====\n' "$*"; }

cargo build --release --locked --bin fengqiao --example sync_bench --example bench_docs
cli=$target_dir/release/fengqiao

for households in "$post" "$county"; do
  db=$bench_dir/demo-$households.db
  if [ ! -s "$db" ]; then
    section "demo data: $households households"
    /usr/bin/time -f '%e s wall, %M KB max RSS' "$cli" --db "$db.part" demo --households "$households" --seed 1
    mv "$db.part" "$db"
  fi
  section "search and list pages: $households households"
  "$cli" --db "$db" bench --queries "$queries"
done

section "documents and monthly statistics"
"$target_dir/release/examples/bench_docs" --db "$bench_dir/demo-$post.db" --runs "$runs"

section "sync: one post's bundle, HQ apply rate"
"$target_dir/release/examples/sync_bench" "$sync"

section "desktop app: cold start and idle memory"
if command -v xvfb-run >/dev/null 2>&1 && [ -x scripts/bench-app.sh ]; then
  ( cd ui && npm install --no-audit --no-fund >/dev/null && npm run --silent build )
  cargo build --release --locked -p fengqiao-desk --features custom-protocol
  FENGQIAO_CLI=$cli scripts/bench-app.sh "$target_dir/release/fengqiao-desk" 5
else
  echo "跳过：需要 xvfb-run（apt-get install xvfb xauth）和 scripts/bench-app.sh"
fi
