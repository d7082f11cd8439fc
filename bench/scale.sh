#!/usr/bin/env bash
# Screening at the scale of the largest collections: every figure of the persistent-index
# targets, measured on a synthetic FollowTheMoney corpus (bench/corpus.py) of N entities.
#
#  1. import: `proscribe import` of the corpus into a fresh store: wall time, peak memory.
#  2. the index: what the first process that screens spends building it (reading the store,
#     building, writing its file), from the program's own log, and the file's size.
#  3. `proscribe screen NAME` in a later process, which opens the index file: the time to open
#     it, wall time and peak resident memory of one query; then again once the file has been
#     found whole and stamped (a later process does not read it whole again).
#  4. batches on one thread: steady-state queries/s and p50/p99 (from the program's own
#     timing) on 3,000 names of yente's synthetic people and on the 1,094 UN positives.
#  5. `proscribe serve`: anonymous resident memory (RssAnon) while answering /match.
#  6. the UN list imported into that store: seconds until its entities are screenable
#     (import, then the first screen of a UN name).
#
# Usage: bench/scale.sh N [BIN]   e.g. bench/scale.sh 1000000
#   N: entities in the corpus (generated with seed 7 into $SCALE_DIR, default /tmp, if absent)
#   BIN: the proscribe binary (default: a release build of this tree)
# Needs GNU time at /usr/bin/time and curl. The store goes to a temporary folder, removed at
# exit; the corpus is kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:?usage: bench/scale.sh N [BIN]}"
bin="${2:-}"
data="$(cd "${PROSCRIBE_SHARED_DATA:-../shared/data}" && pwd)"
if [[ -z "$bin" ]]; then
  cargo build --release --quiet -p proscribe-cli
  bin=target/release/proscribe
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
corpus="${SCALE_DIR:-/tmp}/corpus-$n.ftm.json"
[[ -s "$corpus" ]] || python3 bench/corpus.py --entities "$n" --seed 7 > "$corpus"
out=$(mktemp -d)
server=""
trap '[[ -n "$server" ]] && kill "$server" 2> /dev/null; wait 2> /dev/null; rm -rf "$out"' EXIT
cd "$out"

echo "corpus: $n entities, $(du -m "$corpus" | cut -f1) MiB, $(wc -l < "$corpus") lines; $(nproc) cores"
/usr/bin/time -f '%e %M' -o time.txt "$bin" --db s.db import "$corpus" > /dev/null 2> import.log
read -r wall kb < time.txt
echo "1. import: ${wall} s, peak RSS $((kb / 1024)) MiB, store $(du -m s.db | cut -f1) MiB"

# The queries: yente's synthetic people (3,000 of the global file) and the UN positives.
python3 - "$data/pairs/yente" <<'EOF'
import csv, sys
src = sys.argv[1]
def write(name, rows):
    with open(name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["key", "name", "birth_date", "country", "schema"])
        for i, r in enumerate(rows):
            w.writerow([i + 1, r["full_name"], r["date_of_birth"], r["nationality"], "Person"])
people = list(csv.DictReader(open(f"{src}/negatives_global.csv", encoding="utf-8")))[:3000]
un = []
for f in ("positives_un_untreated", "positives_un_treated"):
    un += list(csv.DictReader(open(f"{src}/{f}.csv", encoding="utf-8")))
write("people.csv", people)
write("un.csv", un)
EOF

# 2 and 3: one query, as a user runs it. The first process to screen a data version builds the
# index and writes its file beside the store; every later one opens that file.
RUST_LOG=proscribe_app=info /usr/bin/time -f '%e %M' -o time.txt "$bin" --log-format json --db s.db screen "Amir Khan Mutaqi" > /dev/null 2> first.log
read -r first_wall first_kb < time.txt
read_s=$(grep -o '"read_secs":[0-9.]*' first.log | head -1 | cut -d: -f2 || true)
build_s=$(grep -o '"build_secs":[0-9.]*' first.log | head -1 | cut -d: -f2 || true)
bytes=$(grep -o '"bytes":[0-9]*' first.log | head -1 | cut -d: -f2 || true)
echo "2. the first process: store read ${read_s:-?} s, index built ${build_s:-?} s, written: $(( ${bytes:-0} / 1048576 )) MiB on disk; ${first_wall} s wall, peak RSS $((first_kb / 1024)) MiB"
RUST_LOG=proscribe_app=info /usr/bin/time -f '%e %M' -o time.txt "$bin" --log-format json --db s.db screen "Amir Khan Mutaqi" > /dev/null 2> screen.log
read -r wall kb < time.txt
open_s=$(grep -o '"open_secs":[0-9.]*' screen.log | head -1 | cut -d: -f2 || true)
echo "3. screen NAME, index opened from its file in ${open_s:-?} s: ${wall} s wall, peak RSS $((kb / 1024)) MiB"
# A file is stamped once it has been found whole after being left alone a few seconds; a later
# process opens it without reading it whole again.
sleep 3
"$bin" --db s.db screen "Amir Khan Mutaqi" > /dev/null 2>&1
RUST_LOG=proscribe_app=info /usr/bin/time -f '%e %M' -o time.txt "$bin" --log-format json --db s.db screen "Amir Khan Mutaqi" > /dev/null 2> stamped.log
read -r wall kb < time.txt
open_s=$(grep -o '"open_secs":[0-9.]*' stamped.log | head -1 | cut -d: -f2 || true)
echo "3. the same once the file is stamped: opened in ${open_s:-?} s, ${wall} s wall, peak RSS $((kb / 1024)) MiB"

# 4. Batches on one thread.
batch() {
  local label="$1" input="$2"
  /usr/bin/time -f '%e %M' -o time.txt "$bin" --db s.db screen --input "$input" --output /dev/null --format refs --threads 1 2> batch.log
  read -r wall kb < time.txt
  local qps p50 p99
  qps=$(sed -n 's/.*per query \([0-9]*\) queries\/s.*/\1/p' batch.log)
  p50=$(sed -n 's/.*latency p50 \([0-9.]*\) µs.*/\1/p' batch.log)
  p99=$(sed -n 's/.*p99 \([0-9.]*\) µs.*/\1/p' batch.log)
  echo "4. $label: ${qps:-?} queries/s on one thread, p50 ${p50:-?} µs, p99 ${p99:-?} µs; whole program ${wall} s, $((kb / 1024)) MiB"
}
batch "synthetic people (3,000)" people.csv
batch "UN positives (1,094)" un.csv

# 5. The server's anonymous memory while it answers.
"$bin" --db s.db serve --listen 127.0.0.1:0 --open-reads 2> serve.log &
server=$!
for _ in $(seq 6000); do grep -q "serves on" serve.log && break; sleep 0.1; done
base=$(sed -n 's/^proscribe serves on //p' serve.log)
start=$(date +%s.%N)
for _ in $(seq 6000); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ]] && break; sleep 0.1; done
ready=$(echo "$(date +%s.%N) - $start" | bc)
for q in "Amir Khan Mutaqi" "Abdul Salam Hanafi" "Wang Wei" "Maria Rodriguez" "Ocean Trading LLC"; do
  curl -s -o /dev/null -X POST "$base/match/default" -H 'content-type: application/json' \
    -d "{\"queries\":{\"q\":{\"schema\":\"Person\",\"properties\":{\"name\":[\"$q\"]}}}}"
done
anon=$(awk '/^RssAnon/ {print int($2 / 1024)}' "/proc/$server/status")
echo "5. serve: ready after ${ready} s, RssAnon $anon MiB while answering /match"
kill "$server"
wait "$server" 2> /dev/null || true
server=""

# 6. A small list imported into the large store: until its entities are screenable.
start=$(date +%s.%N)
"$bin" --db s.db import "$data/lists/un/consolidated.xml" > /dev/null 2>&1
"$bin" --db s.db screen "AMIR KHAN MOTAQI" > un.txt 2> /dev/null
end=$(date +%s.%N)
grep -q "TAi.026" un.txt || { echo "6. the UN entry was not found"; exit 1; }
echo "6. the UN list imported and screenable after $(echo "$end - $start" | bc) s"
