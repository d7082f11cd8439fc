#!/usr/bin/env bash
# Whole-program import benchmark: imports every list in ../shared/data (lists and ftm) into a
# fresh SQLite store with the release build, RUNS times, and prints the median wall time and
# the peak resident memory, then a re-import of the same files (a no-op).
# Usage: bench/import.sh [RUNS]   (default 5). Needs GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
data="${PROSCRIBE_SHARED_DATA:-../shared/data}"
cargo build --release --quiet
bin=target/release/proscribe
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bytes=$(find "$data/lists" "$data/ftm" -type f ! -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "input: $data/lists + $data/ftm, $((bytes / 1024)) KiB"
times=(); rss=()
for i in $(seq "$runs"); do
  rm -f "$out"/b.db*
  /usr/bin/time -f '%e %M' -o "$out/time" "$bin" --db "$out/b.db" import "$data/lists" "$data/ftm" > /dev/null
  read -r t m < "$out/time"
  times+=("$t"); rss+=("$m")
  echo "run $i: ${t}s, peak RSS $((m / 1024)) MiB"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t=$(median "${times[@]}"); m=$(median "${rss[@]}")
echo "fresh import: median ${t}s, $(awk -v b="$bytes" -v t="$t" 'BEGIN {printf "%.1f", b/1048576/t}') MB/s overall, median peak RSS $((m / 1024)) MiB"
/usr/bin/time -f '%e %M' -o "$out/time" "$bin" --db "$out/b.db" import "$data/lists" "$data/ftm" > /dev/null
read -r t m < "$out/time"
echo "re-import (no-op): ${t}s, peak RSS $((m / 1024)) MiB"
echo "database size: $(du -k "$out/b.db" | cut -f1) KiB"
