#!/usr/bin/env bash
# Long runs of the sync guarantees, for as long as given: ./scripts/soak.sh SECONDS
# Splits the time between three parts and prints one summary line for each:
#   convergence  the convergence property (tests/sync/convergence.rs: five posts and HQ, with
#                assignments, conflict restores and a post restored from its backup) run after
#                run, one process per core (SOAK_JOBS), with many more schedules than CI's 16;
#   kills        the SIGKILL tests run after run, each with a fresh seed for its kill points:
#                a bundle import (tests/sync/crash.rs) and a post's network sync with HQ on
#                loopback (hq/tests/hq/killed.rs);
#   fuzz         the bundle decoder under libFuzzer (scripts/fuzz.sh, nightly toolchain).
# then appends a row (figures, machine, commit, date, load) to RELIABILITY.md's table.
# SOAK_SHARES="40 25 35" sets the parts' shares of the time (percent). Everything runs at
# nice 19; the test binaries and the fuzzer are built outside the clock (tests/sync in release). A failure stops
# the run with a non-zero status and names the log that holds the test's output.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -ne 1 || ! $1 =~ ^[0-9]+$ || $1 -lt 60 ]]; then
  echo "用法：scripts/soak.sh 秒数（至少 60）" >&2
  exit 2
fi
if [[ -z ${SOAK_NICED:-} ]]; then
  export SOAK_NICED=1
  exec nice -n 19 "$0" "$@"
fi
total=$1
read -r share_conv share_kill share_fuzz <<<"${SOAK_SHARES:-40 25 35}"
logs=$(mktemp -d "${TMPDIR:-/tmp}/fengqiao-soak.XXXXXX")
echo "soak: ${total} s (convergence ${share_conv}%, kills ${share_kill}%, fuzz ${share_fuzz}%), logs in $logs"

# fail LOG WHAT: stops the run, keeping the log.
fail() {
  tail -n 40 "$1" >&2
  echo "soak: $2 failed; the whole output is in $1" >&2
  exit 1
}

command -v jq >/dev/null 2>&1 || { echo "需要 jq（读取 cargo 的输出）：apt-get install -y jq" >&2; exit 1; }

# build CARGO_ARGS...: builds one test binary and prints its path.
build() {
  cargo test --locked --no-run --message-format=json "$@" 2>"$logs/build.log" |
    jq -r 'select(.reason == "compiler-artifact" and .executable != null and .profile.test) | .executable' |
    tail -n 1
}
sync_bin=$(build --release --test sync) || fail "$logs/build.log" "the build"
# HQ's tests in the debug build CI makes: each kill is timed against an uncut sync of the same
# build, so the profile changes only the pace (and spares a release build of the server).
hq_bin=$(build -p fengqiao-hq --test hq) || fail "$logs/build.log" "the build"

seed() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

load_start=$(load)

# Convergence: runs until the share is spent, each round sized from the last one's pace, with
# one process per core side by side (SOAK_JOBS; each case is single-threaded).
jobs=${SOAK_JOBS:-$(nproc)}
budget=$((total * share_conv / 100))
end=$((SECONDS + budget))
schedules=0 runs=0 cases=20 t0=$SECONDS
while ((SECONDS < end)); do
  t=$SECONDS
  pids=()
  for ((j = 0; j < jobs; j++)); do
    PROPTEST_CASES=$cases "$sync_bin" convergence:: >"$logs/convergence-$runs.log" 2>&1 &
    pids+=("$!:$runs")
    runs=$((runs + 1))
  done
  for p in "${pids[@]}"; do
    wait "${p%%:*}" || fail "$logs/convergence-${p##*:}.log" "convergence (PROPTEST_CASES=$cases)"
  done
  schedules=$((schedules + cases * jobs))
  # The next round fills what is left at this round's pace (10 to 500 schedules a process).
  pace=$(((SECONDS - t) * 1000 / cases + 1))
  cases=$(((end - SECONDS) * 1000 / pace))
  ((cases >= 10)) || cases=10
  ((cases <= 500)) || cases=500
done
conv_runs=$runs
conv_secs=$((SECONDS - t0))
echo "convergence: $schedules schedules in $runs runs, ${conv_secs} s: every post held HQ's rows and its assignments, every restore synced, no overwrite unlogged"

# Kills: the import test and the network sync test in turn, each run with a new seed.
budget=$((total * share_kill / 100))
end=$((SECONDS + budget))
import_sent=0 import_landed=0 net_sent=0 net_landed=0 runs=0 t0=$SECONDS
while ((SECONDS < end)); do
  s=$(seed)
  log="$logs/crash-$runs.log"
  FENGQIAO_KILLS=20 FENGQIAO_KILL_SEED=$s "$sync_bin" crash:: --nocapture >"$log" 2>&1 ||
    fail "$log" "crash.rs (FENGQIAO_KILLS=20 FENGQIAO_KILL_SEED=$s)"
  read -r sent landed < <(sed -n 's/^kills: \([0-9]*\) sent, \([0-9]*\) while.*/\1 \2/p' "$log")
  import_sent=$((import_sent + sent)) import_landed=$((import_landed + landed))
  ((SECONDS < end)) || break
  log="$logs/killed-$runs.log"
  FENGQIAO_KILLS=4 FENGQIAO_KILL_SEED=$s "$hq_bin" killed:: --nocapture >"$log" 2>&1 ||
    fail "$log" "killed.rs (FENGQIAO_KILLS=4 FENGQIAO_KILL_SEED=$s)"
  read -r sent landed < <(sed -n 's/^kills: \([0-9]*\) sent, \([0-9]*\) while.*/\1 \2/p' "$log")
  net_sent=$((net_sent + sent)) net_landed=$((net_landed + landed))
  runs=$((runs + 1))
done
kill_secs=$((SECONDS - t0))
kills=$((import_sent + net_sent))
echo "kills: $kills SIGKILLs ($((import_landed + net_landed)) while running): import $import_sent ($import_landed)," \
  "network sync $net_sent ($net_landed), ${kill_secs} s: every database whole, before or after, and synced next time"

# Fuzz: built first (outside the clock: a no-op once built), then what is left of the time,
# at least its share.
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo +nightly fuzz build bundle_open >"$logs/fuzz-build.log" 2>&1 || fail "$logs/fuzz-build.log" "the fuzzer's build"
budget=$((total - conv_secs - kill_secs))
((budget >= total * share_fuzz / 100)) || budget=$((total * share_fuzz / 100))
log="$logs/fuzz.log"
t0=$SECONDS
scripts/fuzz.sh "$budget" >"$log" 2>&1 || fail "$log" "the fuzzer"
fuzz_secs=$((SECONDS - t0))
execs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -n 1)
execs=${execs:-$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')}
echo "fuzz: $execs executions of bundle::open in ${fuzz_secs} s ($((execs / (fuzz_secs > 0 ? fuzz_secs : 1)))/s): no crash, hang or leak"

# The record.
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src hq tests fuzz || commit="$commit+"
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ram=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
printf '| %s | %s | %s s | %s (%s runs) | %s: import %s, network sync %s (%s while running) | %s | %s cores, %s, %s | %s → %s |\n' \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$commit" "$((conv_secs + kill_secs + fuzz_secs))" "$schedules" "$conv_runs" "$kills" \
  "$import_sent" "$net_sent" "$((import_landed + net_landed))" "$execs" "$(nproc)" "$model" "$ram" \
  "$load_start" "$(load)" >>RELIABILITY.md
echo "soak: recorded in RELIABILITY.md"
