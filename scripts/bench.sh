#!/usr/bin/env bash
# `make bench`: builds Studio Keys and the blank baseline window in release,
# runs both N times (A B A B ...) under Xvfb, and prints/writes the figures.
# Not part of `make test`: benchmarks print numbers, they do not pass or fail.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${BENCH_RUNS:-10}"

scripts/deps.sh test
command -v xdotool >/dev/null || { [ "$(id -u)" -eq 0 ] && S="" || S=sudo; $S apt-get install -y -qq xdotool; }

echo "bench: building the UI and both apps in release (this takes several minutes cold)"
(cd ui && npm run build)
cargo build --release --features tauri/custom-protocol --features bench-snapshot --bin studio-keys
cargo build --release --no-default-features --bin skm
cp Cargo.lock bench/baseline/Cargo.lock
# The second baseline's page is the app's first screen as it paints today, so it
# is copied from the app before the baseline window (which compiles it in) is built.
echo "bench: copying the app's first screen for the static-page baseline"
scripts/test-session.sh tests/.venv/bin/python scripts/bench.py \
  --app target/release/studio-keys --skm target/release/skm --baseline "" --criterion "" \
  --write-static-page bench/baseline/dist
# tauri's codegen does not see a page added to or changed in dist: rebuild it.
touch bench/baseline/build.rs
cargo build --release --features custom-protocol \
  --manifest-path bench/baseline/Cargo.toml --target-dir target
mkdir -p bench/results

echo "bench: criterion (client latency against the in-process sandbox)"
cargo bench --no-default-features --bench client -- --noplot 2>&1 | tee target/criterion-output.txt

# Figures, not a gate: a run that misses its checks is reported and the bench
# goes on; its figures go into the table (bench.py --fault-proxy).
echo "bench: skm through a failing network (fault proxy, 240 operations)"
if ! FAULT_PROXY_OPS=240 FAULT_PROXY_TARGET_PCT=2 scripts/test-session.sh \
    cargo test --no-default-features --features fault-injection --test suite fault_proxy -- --nocapture \
    2>&1 | tee target/fault-proxy.txt; then
  echo "bench: the fault-proxy run failed a check; its figures are above and in target/fault-proxy.txt"
fi

scripts/test-session.sh tests/.venv/bin/python scripts/bench.py --runs "$runs" \
  --app target/release/studio-keys --baseline target/release/baseline-window \
  --skm target/release/skm --criterion target/criterion --fault-proxy target/fault-proxy.txt \
  --out bench/results/latest.md
