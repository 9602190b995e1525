#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs Fengqiao Desk. Until the desktop app lands this
# builds the command-line tool, fills a demo database (in the per-user data directory, or
# FENGQIAO_DB) on first run, and shows a few things a desk officer would do.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "需要 Rust 工具链（cargo）。请先安装 rustup：apt-get install -y rustup && rustup default stable" >&2
  exit 1
fi
missing=()
for p in build-essential pkg-config libssl-dev; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

cargo build --release --locked --bin fengqiao
bin=target/release/fengqiao
db_args=()
[ -n "${FENGQIAO_DB:-}" ] && db_args=(--db "$FENGQIAO_DB")

"$bin" "${db_args[@]}" init
if [ "$("$bin" "${db_args[@]}" call household.list '{"page_size":1}' | grep -c '"total": 0')" = 1 ]; then
  "$bin" "${db_args[@]}" demo --households 5000
fi
echo
echo "查找两个字的姓名：fengqiao search 李娜"
"$bin" "${db_args[@]}" search 李娜 --page-size 5
echo
echo "今天到期的回访：fengqiao call followup.due"
"$bin" "${db_args[@]}" call followup.due | head -n 30
echo
echo "所有接口方法：$bin call --list"
if [ "$#" -gt 0 ]; then
  exec "$bin" "${db_args[@]}" "$@"
fi
