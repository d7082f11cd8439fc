#!/usr/bin/env bash
# Fuzzing in CI: builds every target of fuzz/ once, seeds the corpora (fuzz/seed.sh), runs
# each target for SECONDS and fails if any target crashed (a panic, a failed property, a
# timeout over 10 s on one input or more than 2 GB of memory). Prints every target's count
# of executions. Crash inputs are left in fuzz/artifacts/<target>/.
#
# Nightly Rust (minimal profile) and cargo-fuzz are installed first when absent.
#
# The targets are built without a sanitizer: the workspace forbids unsafe code, so
# AddressSanitizer would mostly check the standard library and dependencies, at half the
# executions per second. Longer runs by hand keep cargo fuzz's default (ASan).
#
# Usage: .ci/fuzz.sh SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?usage: .ci/fuzz.sh SECONDS (per target)}"
export CARGO_TERM_COLOR=never

if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz > /dev/null; then
  cargo install cargo-fuzz --locked
fi

started=$(date +%s)
cd fuzz
cargo +nightly fuzz build --sanitizer none
# cargo fuzz has no --locked: the lock file must be as committed.
git diff --exit-code -- Cargo.lock
built=$(date +%s)
echo "fuzz: targets built in $((built - started)) s"

./seed.sh
# The importer targets write each input to files; keep them out of the system's /tmp.
export TMPDIR="$PWD/target/scratch"
mkdir -p "$TMPDIR"

failed=()
summary=()
for target in $(cargo +nightly fuzz list); do
  log="target/$target.log"
  status=0
  cargo +nightly fuzz run --sanitizer none "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 > "$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  summary+=("$(printf '%-16s %10s runs' "$target" "${runs:-?}")")
  if [[ $status -ne 0 ]]; then
    failed+=("$target")
    echo "fuzz: $target failed (exit $status); the end of its log:"
    tail -n 40 "$log"
  fi
done
rm -rf "$TMPDIR"

printf '%s\n' "${summary[@]}"
echo "fuzz: $((${#summary[@]})) targets, $seconds s each, $(($(date +%s) - started)) s in all with the build"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: crashes in ${failed[*]}; inputs in fuzz/artifacts/<target>/" >&2
  exit 1
fi
