#!/usr/bin/env bash
# Differential check of two builds on the real lists in ../shared/data: the binary built from
# this tree (target/release/proscribe) against another one (BASE, e.g. built from the
# previous main), run side by side in one run. It compares:
#   1. import reports of every shared list (files without a date dated alike) and a diff,
#      with version numbers set aside (they are counted within each source since 2026-12);
#   2. `screen --input` over 20,000 rows of yente's synthetic people (half with their kind),
#      as hits CSV, references and scores;
#   3. /match JSON for 1,000 queries (Person, Company and Thing; volatile timestamps removed);
#   4. pair scores on every shared pair file (`score-pairs`);
# and prints `same` or the first differing lines for each, then the speed of both: single-
# thread batch screening (3 interleaved runs each) and /match load with wrk (when installed).
#
# Usage: bench/differential.sh BASE_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
base="$(realpath "${1:?usage: bench/differential.sh BASE_BINARY}")"
data="$(cd "${PROSCRIBE_SHARED_DATA:-../shared/data}" && pwd)"
cargo build --release --quiet -p proscribe-cli
target="${CARGO_TARGET_DIR:-target}"
[[ "$target" = /* ]] || target="$root/$target"
new="$target/release/proscribe"
out=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2> /dev/null; done; wait 2> /dev/null; rm -rf "$out"' EXIT
cd "$out"

same() { # NAME FILE_A FILE_B
  if cmp -s "$2" "$3"; then echo "$1: same ($(wc -l < "$2") lines)"; else echo "$1: DIFFERENT"; diff "$2" "$3" | head -10 || true; fi
}

for b in base new; do
  bin=$base; [[ $b = new ]] && bin=$new
  "$bin" --db "$b.db" import "$data/lists" "$data/ftm" --published 2026-01-01 > "import-$b.txt" 2> /dev/null
  "$bin" --db "$b.db" diff un-sc > "diff-$b.txt"
done
# Versions were numbered across sources before and are numbered within each source now: the
# reports are compared with the numbers set aside.
# The diff's heading names when each version was imported, a second apart between the two.
for f in import-base.txt import-new.txt diff-base.txt diff-new.txt; do
  sed -E 's/version [0-9]+/version N/g; s/imported [0-9T:-]+Z/imported T/g' "$f" > "n-$f"
done
same "import reports (version numbers aside)" n-import-base.txt n-import-new.txt
same "un-sc diff (version numbers aside)" n-diff-base.txt n-diff-new.txt

python3 - "$data/pairs/yente" <<'PY'
import csv, sys
rows = []
for name in ("negatives_global.csv", "negatives_us.csv"):
    for i, r in enumerate(csv.DictReader(open(f"{sys.argv[1]}/{name}", encoding="utf-8"))):
        if i == 10000:
            break
        rows.append((r["full_name"], r["date_of_birth"], r["nationality"], "Person" if i % 2 else ""))
with open("queries.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["key", "name", "birth_date", "country", "schema"])
    for i, r in enumerate(rows):
        w.writerow([i, *r])
PY
for b in base new; do
  bin=$base; [[ $b = new ]] && bin=$new
  "$bin" --db "$b.db" screen --input queries.csv --output "hits-$b.csv" 2> /dev/null
  "$bin" --db "$b.db" screen --input queries.csv --format refs --output "refs-$b.txt" 2> /dev/null
  "$bin" --db "$b.db" screen --input queries.csv --format scores --output "scores-$b.txt" 2> /dev/null
done
same "screen --input hits" hits-base.csv hits-new.csv
# References are separated by spaces in the base and by `;` now (a reference may hold spaces:
# `Schedule 1, Item 73`): the new output is compared with its separators written as spaces.
tr ';' ' ' < refs-new.txt > refs-new-spaces.txt
same "screen --input refs (separators aside)" refs-base.txt refs-new-spaces.txt
same "screen --input scores" scores-base.txt scores-new.txt

for b in base new; do
  bin=$base; [[ $b = new ]] && bin=$new
  "$bin" --db "$b.db" serve --listen 127.0.0.1:0 --open-reads 2> "serve-$b.log" &
  servers+=($!)
done
for b in base new; do
  for _ in $(seq 600); do grep -q "serves on" "serve-$b.log" && break; sleep 0.1; done
  addr=$(sed -n 's/^proscribe serves on //p' "serve-$b.log")
  for _ in $(seq 1200); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "$addr/readyz")" = 200 ]] && break; sleep 0.1; done
  echo "$addr" > "addr-$b"
done
python3 - "$data/lists/ofac/alt.csv" "$(cat addr-base)" "$(cat addr-new)" <<'PY'
import csv, json, sys, urllib.request
names = [r[3] for r in csv.reader(open(sys.argv[1], encoding="latin-1")) if len(r) > 3 and r[3].strip() not in ("", "-0-")]
kinds = ["Person", "Company", "Thing"]
queries = [{"schema": kinds[i % 3], "properties": {"name": [n]}} for i, n in enumerate(names[:1000])]
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("first_seen", "last_seen", "last_change")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
for label, addr in (("base", sys.argv[2]), ("new", sys.argv[3])):
    with open(f"match-{label}.jsonl", "w") as f:
        for start in range(0, len(queries), 50):
            body = json.dumps({"queries": {f"q{start + i}": q for i, q in enumerate(queries[start:start + 50])}}).encode()
            req = urllib.request.Request(f"{addr}/match/default", body, {"content-type": "application/json"})
            answer = json.load(urllib.request.urlopen(req))
            f.write(json.dumps(strip(answer), sort_keys=True) + "\n")
PY
same "/match JSON (1,000 queries)" match-base.jsonl match-new.jsonl

for f in "$data"/pairs/*/*.csv; do
  python3 - "$f" > pairs.csv <<'PY'
import csv, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip() and not l.startswith("#")]
w = csv.writer(sys.stdout)
if sys.argv[1].endswith("cross_script_pairs.csv"):  # no header row: query, expected match, ...
    lines.insert(0, "Query,Expected Match,Min Score,Description\n")
for r in csv.DictReader(lines):
    if "name1" in r:
        w.writerow([r["name1"], r["name2"], r.get("schema") or ""])
    elif "query" in r and "index" in r:
        w.writerow([r["query"], r["index"], ""])
    elif "Query" in r and "Expected Match" in r:
        w.writerow([r["Query"], r["Expected Match"], ""])
PY
  [[ -s pairs.csv ]] || continue
  "$base" score-pairs < pairs.csv > pairs-base.txt
  "$new" score-pairs < pairs.csv > pairs-new.txt
  same "pair scores $(basename "$(dirname "$f")")/$(basename "$f")" pairs-base.txt pairs-new.txt
done

echo
echo "speed: screen --input (20,000 rows, --format refs, one thread), queries/s of one thread"
for run in 1 2 3; do
  for b in base new; do
    bin=$base; [[ $b = new ]] && bin=$new
    qps=$("$bin" --db "$b.db" screen --input queries.csv --format refs --threads 1 --output /dev/null 2>&1 |
      sed -n 's/.*per query \([0-9]*\) queries\/s.*/\1/p')
    echo "  run $run $b: $qps"
  done
done
echo "speed: proscribe screen NAME (one name, whole program: open the store, build the index, screen), seconds"
for run in 1 2 3; do
  for b in base new; do
    bin=$base; [[ $b = new ]] && bin=$new
    secs=$(python3 - "$bin" "$b.db" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
subprocess.run([sys.argv[1], "--db", sys.argv[2], "screen", "Amir Khan Mutaqi", "--schema", "Person"], capture_output=True, check=True)
print(f"{time.perf_counter() - start:.3f}")
PY
)
    echo "  run $run $b: $secs"
  done
done
if command -v wrk > /dev/null; then
  cat > match.lua <<'LUA'
local names = {"Abdul Samad Achekzai", "Amir Khan Muttaqi", "Islamic Revolutionary Guard Corps", "Ocean Star No 8", "Zelphine Orvalle"}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #names + 1
  return wrk.format(nil, "/match/default", nil, string.format('{"queries":{"q":{"schema":"Person","properties":{"name":[%q]}}}}', names[i]))
end
LUA
  echo "speed: /match, one query a request, wrk -t 2 -c 8 for 10 s (after 3 s of warm-up each)"
  for b in base new; do wrk -t 2 -c 8 -d 3s -s match.lua "$(cat "addr-$b")" > /dev/null; done
  for run in 1 2; do
    for b in base new; do
      wrk -t 2 -c 8 -d 10s --latency -s match.lua "$(cat "addr-$b")" | awk -v b="$b" -v r="$run" '/Requests\/sec/ {print "  run " r " " b ": " $2 " requests/s"} $1 == "99%" {print "  run " r " " b ": p99 " $2}'
    done
  done
fi
