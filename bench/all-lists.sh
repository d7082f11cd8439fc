#!/usr/bin/env bash
# The all-lists screening workload: yente's synthetic people (records that should match no
# one) and the UN positives (records that should match their UN entry), screened with
# `screen --input` against a store of every shared list, as a Person and without a kind.
# Prints, per file and kind, the rows whose best score reaches the threshold (0.7) and the
# time; for the positives, the rows found.
# Usage: bench/all-lists.sh [BIN] [DB]
#   BIN: the proscribe binary (default: a release build of this tree)
#   DB: a store of every shared list (default: imported into a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${PROSCRIBE_SHARED_DATA:-../shared/data}"
bin="${1:-}"
if [ -z "$bin" ]; then
  cargo build --release --quiet -p proscribe-cli
  bin=target/release/proscribe
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="${2:-}"
if [ -z "$db" ]; then
  db="$work/all.db"
  "$bin" --db "$db" import "$data/lists" "$data/ftm" > /dev/null 2>&1
fi
python3 - "$data/pairs/yente" "$work" <<'EOF'
import csv, sys
src, out = sys.argv[1], sys.argv[2]
for name in ("negatives_global", "negatives_us", "positives_un_treated", "positives_un_untreated"):
    rows = list(csv.DictReader(open(f"{src}/{name}.csv", encoding="utf-8")))
    for kind in ("Person", ""):
        with open(f"{out}/{name}-{kind or 'none'}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["key", "name", "birth_date", "country", "schema"])
            for i, r in enumerate(rows):
                w.writerow([i + 1, r["full_name"], r["date_of_birth"], r["nationality"], kind])
EOF
printf '%-24s %-7s %8s %8s %8s\n' file kind rows hits time
for name in negatives_global negatives_us positives_un_treated positives_un_untreated; do
  for kind in Person none; do
    in="$work/$name-$kind.csv"
    start=$(date +%s.%N)
    "$bin" --db "$db" screen --input "$in" --format scores --threads 1 --output "$work/out.txt" 2> /dev/null
    end=$(date +%s.%N)
    rows=$(($(wc -l < "$in") - 1))
    hits=$(awk '$1 + 0 >= 0.7' "$work/out.txt" | wc -l)
    printf '%-24s %-7s %8d %8d %7.1fs\n' "$name" "$kind" "$rows" "$hits" "$(echo "$end - $start" | bc)"
  done
done
