#!/usr/bin/env bash
# FollowTheMoney import at scale: imports synthetic corpora (bench/corpus.py) into fresh stores
# with two builds in the same run, and prints each import's wall time and peak resident
# memory, with the resident memory sampled every second (to see which phase peaks: the first
# pass, the entities staged, the version's changes written).
#
# Usage: bench/ftm-scale.sh BASE_BIN NEW_BIN CORPUS...
#   e.g. bench/ftm-scale.sh ../base/target/release/proscribe target/release/proscribe \
#          c100k.ftm.json c1m.ftm.json
#   (BASE_BIN: a release build of the commit compared against, from a checkout of its own)
# Corpora: python3 bench/corpus.py --entities 1000000 --seed 7 > c1m.ftm.json
# Needs GNU time at /usr/bin/time. Stores and logs go to a temporary folder, removed at exit.
set -euo pipefail
base="${1:?usage: bench/ftm-scale.sh BASE_BIN NEW_BIN CORPUS...}"
new="${2:?usage: bench/ftm-scale.sh BASE_BIN NEW_BIN CORPUS...}"
shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {
  local label="$1" bin="$2" corpus="$3"
  rm -f "$out"/s.db*
  RUST_LOG=proscribe_app=debug,proscribe_store=debug /usr/bin/time -f '%e %M' -o "$out/time" \
    "$bin" --log-format json --db "$out/s.db" import "$corpus" > /dev/null 2> "$out/log" &
  local pid=$! peak=0 t=0
  : > "$out/rss"
  # The import runs as a child of time; sample the child's resident memory every second.
  while kill -0 "$pid" 2> /dev/null; do
    local child
    child=$(pgrep -P "$pid" | head -n 1 || true)
    if [[ -n "$child" && -r /proc/$child/status ]]; then
      local kb
      kb=$(awk '/^VmRSS/ {print $2}' "/proc/$child/status" 2> /dev/null || echo 0)
      echo "$t ${kb:-0}" >> "$out/rss"
    fi
    sleep 1
    t=$((t + 1))
  done
  wait "$pid"
  read -r secs kb < "$out/time"
  local staged_first
  staged_first=$(grep -m1 '"staged entities"' "$out/log" | sed -E 's/.*"timestamp":"([^"]+)".*/\1/' || true)
  echo "$label $(basename "$corpus"): ${secs}s, peak RSS $((kb / 1024)) MiB, database $(du -m "$out/s.db" | cut -f1) MiB"
  echo "  RSS (MiB) by second: $(awk '{printf "%d:%d ", $1, $2/1024}' "$out/rss" | fold -w 200)"
  echo "  first entity staged at: ${staged_first:-n/a}; log start $(head -c 80 "$out/log" | sed -E 's/.*"timestamp":"([^"]+)".*/\1/')"
}

for corpus in "$@"; do
  echo "corpus $corpus: $(du -m "$corpus" | cut -f1) MiB, $(wc -l < "$corpus") lines"
  run base "$base" "$corpus"
  run new "$new" "$corpus"
done
