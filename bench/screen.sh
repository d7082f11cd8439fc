#!/usr/bin/env bash
# Whole-program screening benchmark on the real lists in ../shared/data, with the rapidfuzz
# brute force of the peer scripts (../shared/peers) run in the same run, and the ratios.
#
#  1. OFAC workload: sdn.csv alone in a store (primary names and what its remarks give);
#     every a.k.a./f.k.a. of alt.csv whose entry is in sdn.csv is a query (the peers' own
#     loader picks them), once as the name alone and once with the kind of its entry
#     (Person, Organization, Vessel, Airplane), which the peers' two-stage pipeline is given.
#     `proscribe screen --input --format refs` on one thread and on all cores: steady-state
#     queries/s (per query, from the program's own timing), p50/p99 latency, index build, peak
#     memory, whole-program wall time.
#  2. All lists: every list and FollowTheMoney file in one store (the UN's older version is
#     kept as history, not screened); the same aliases and yente's screening records, the
#     records both ranked (`--format refs`) and screened for matches (the default output).
#  3. Quality: alias_retrieval.py (recall@1/@10) with bench/ofac-ranker beside rapidfuzz's
#     three brute-force scorers and the two-stage rapidfuzz + nomenklatura logic-v2 pipeline
#     (all 11,892 aliases: several minutes); screening_eval.py with bench/un-screener beside
#     rapidfuzz Jaro-Winkler; hit rates of the UN records at proscribe's default threshold over
#     all 80,000 synthetic people.
#  4. Recall of the index against brute force (`--measure-recall`) on samples.
#
# Usage: bench/screen.sh   (needs GNU time at /usr/bin/time; the peers' virtualenv at
# ~/.cache/peers-venv, set up by ../shared/peers/setup.sh when missing)
set -euo pipefail
source "$(dirname "$0")/common.sh"
peers="$(cd "${PROSCRIBE_PEERS:-../shared/peers}" && pwd)"
py="${PEERS_PYTHON:-$HOME/.cache/peers-venv/bin/python}"
[[ -x "$py" ]] || bash "$peers/setup.sh"
export PROSCRIBE_BIN="$bin"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$out"

echo "== stores"
mkdir ofac && cp "$data/lists/ofac/sdn.csv" ofac/sdn.csv
"$bin" --db ofac.db import ofac/sdn.csv > /dev/null
"$bin" --db all.db import "$data/lists" "$data/ftm" > /dev/null 2>&1
"$bin" --db un.db import "$data/lists/un/consolidated.xml" > /dev/null

echo "== queries"
"$py" - "$peers" "$data" <<'EOF'
import csv, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from alias_retrieval import load
data = Path(sys.argv[2])
_, queries, _ = load(data / "lists/ofac/sdn.csv", data / "lists/ofac/alt.csv", {"aka", "fka"})
with open("aliases.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "key"])
    for q in queries:
        w.writerow([q["alias"], q["ent"]])
# The same aliases with the kind of their entry, as the peers' two-stage pipeline asks
# (a screening request says whether it names a person, a company or a vessel).
with open("aliases-kind.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "key", "schema"])
    for q in queries:
        w.writerow([q["alias"], q["ent"], q["schema"]])
n = {}
for name in ["positives_un_untreated", "positives_un_treated", "negatives_global", "negatives_us"]:
    with open(data / f"pairs/yente/{name}.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("full_name") or "").strip()]
    with open(f"{name}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "birth_date", "country", "schema"])
        for r in rows:
            w.writerow([r["full_name"].strip(), r["date_of_birth"], r["nationality"], "Person"])
    n[name] = len(rows)
print(f"{len(queries)} OFAC aliases; yente records: {n}")
EOF
{ head -1 negatives_global.csv; for f in positives_un_untreated positives_un_treated negatives_global negatives_us; do tail -n +2 "$f.csv"; done; } > yente.csv

# Runs a batch and prints its figures: LABEL DB INPUT [ARGS...]. The output is the top 10
# references of each row (`--format refs`), or the matches alone with FORMAT=hits.
run() {
  local label="$1" db="$2" input="$3"
  shift 3
  /usr/bin/time -f '%e %M' -o time.txt "$bin" --db "$db" screen --input "$input" --output /dev/null --format "${FORMAT:-refs}" "$@" 2> log.txt
  read -r wall rss < time.txt
  local qps p50 p99 build read_s rows
  rows=$(sed -n 's/^screened \([0-9]*\) rows.*/\1/p' log.txt)
  qps=$(sed -n 's/.*per query \([0-9]*\) queries\/s.*/\1/p' log.txt)
  p50=$(sed -n 's/.*latency p50 \([0-9.]*\) µs.*/\1/p' log.txt)
  p99=$(sed -n 's/.*p99 \([0-9.]*\) µs.*/\1/p' log.txt)
  read_s=$(sed -n 's/.*read from the store in \([0-9.]*\) s.*/\1/p' log.txt)
  build=$(sed -n 's/.*built in \([0-9.]*\) s.*/\1/p' log.txt)
  local whole
  whole=$(awk -v n="$rows" -v t="$wall" 'BEGIN { printf "%.0f", n / t }')
  printf '%-44s %7s q/s per thread  p50 %7s µs  p99 %7s µs  | whole program %7s q/s, %5s s wall, %4d MiB | store %s s, build %s s\n' \
    "$label" "$qps" "$p50" "$p99" "$whole" "$wall" "$((rss / 1024))" "$read_s" "$build"
  echo "$qps" > "qps-$label.txt"
}

echo "== speed (steady state per query; whole program includes start, store read and index build)"
run ofac-1-thread ofac.db aliases.csv --threads 1
run ofac-all-cores ofac.db aliases.csv
run ofac-kind-1-thread ofac.db aliases-kind.csv --threads 1
run all-lists-aliases-1-thread all.db aliases.csv --threads 1
run all-lists-aliases-all-cores all.db aliases.csv
run all-lists-yente-1-thread all.db yente.csv --threads 1
run all-lists-yente-all-cores all.db yente.csv
# Screening records for matches, the batch's default output: names of entities that the
# birth date, country or kind keep below the threshold are not compared.
FORMAT=hits run all-lists-yente-hits-1-thread all.db yente.csv --threads 1
FORMAT=hits run all-lists-yente-hits-all-cores all.db yente.csv

echo "== recall of the index against brute force (top 10 of every name compared)"
awk 'NR == 1 || NR % 10 == 2' aliases.csv > aliases-sample.csv
"$bin" --db ofac.db screen --input aliases-sample.csv --output /dev/null --measure-recall 2>&1 | sed -n 's/^recall/OFAC aliases (every 10th): recall/p'
awk 'NR == 1 || NR % 10 == 2' aliases-kind.csv > aliases-kind-sample.csv
"$bin" --db ofac.db screen --input aliases-kind-sample.csv --output /dev/null --measure-recall 2>&1 | sed -n 's/^recall/OFAC aliases with their kind (every 10th): recall/p'
cat positives_un_untreated.csv <(tail -n +2 positives_un_treated.csv) > positives.csv
"$bin" --db un.db screen --input positives.csv --output /dev/null --measure-recall 2>&1 | sed -n 's/^recall/UN positives: recall/p'
awk 'NR == 1 || NR % 20 == 2' aliases.csv > aliases-small.csv
"$bin" --db all.db screen --input aliases-small.csv --output /dev/null --measure-recall 2>&1 | sed -n 's/^recall/all lists, OFAC aliases (every 20th): recall/p'

echo "== UN screening at proscribe's default threshold (all records, all 80,000 synthetic people)"
for f in positives_un_untreated positives_un_treated negatives_global negatives_us; do
  "$bin" --db un.db screen --input "$f.csv" --format scores --output "scores-$f.txt" 2> /dev/null
  awk -v f="$f" '{ n++; if ($1 >= 0.7) h++ } END { printf "%-24s %6d records, %6d hit (%.4f)\n", f, n, h, h / n }' "scores-$f.txt"
done

echo "== OFAC alias retrieval against the peers (same run)"
# rapidfuzz's three scorers by brute force, and the two-stage pipeline (the best of them by
# recall@50, its top 50 re-scored by nomenklatura logic-v2 with the query's kind); proscribe
# through the harness (the raw alias alone) and with the kind the two-stage peer is given.
"$py" "$peers/alias_retrieval.py" --sdn "$data/lists/ofac/sdn.csv" --alt "$data/lists/ofac/alt.csv" --sample 0 \
  --rankers rf-jarowinkler,rf-wratio,rf-token_sort --nk logic-v2 \
  --cmd "$root/bench/ofac-ranker" --cmd-name proscribe --json ret.json 2> /dev/null | grep '^|'
"$bin" --db ofac.db screen --input aliases-kind.csv --output refs-kind.txt --format refs --limit 10 2> /dev/null
"$py" - <<'EOF'
import csv, json
r = json.load(open("ret.json"))["rankers"]
rf, ps = r["rf-jarowinkler"], r["proscribe"]
two = next(v for k, v in r.items() if k.startswith("2stage-"))
steady = float(open("qps-ofac-1-thread.txt").read().strip() or 0)
steady_kind = float(open("qps-ofac-kind-1-thread.txt").read().strip() or 0)
rows = list(csv.DictReader(open("aliases-kind.csv", newline="")))
refs = [line.strip().split(";") if line.strip() else [] for line in open("refs-kind.txt")]
def recall(pairs):
    pairs = list(pairs)
    n = len(pairs) or 1
    r1 = sum(1 for q, got in pairs if got[:1] == [q["key"]]) / n
    r10 = sum(1 for q, got in pairs if q["key"] in got[:10]) / n
    mrr = sum(1 / (got.index(q["key"]) + 1) for q, got in pairs if q["key"] in got[:10]) / n
    return r1, r10, mrr
k1, k10, kmrr = recall(zip(rows, refs))
print(f"rapidfuzz Jaro-Winkler brute force: {rf['qps']:.0f} q/s; proscribe steady state {steady:.0f} q/s per thread "
      f"= {steady / rf['qps']:.1f}x; whole process with start, import and index build {ps['qps']:.0f} q/s = {ps['qps'] / rf['qps']:.1f}x")
print(f"two-stage peer (rapidfuzz top 50 + logic-v2): {two['pipeline_qps']:.1f} q/s; proscribe with the kind "
      f"{steady_kind:.0f} q/s per thread = {steady_kind / two['pipeline_qps']:.0f}x")
print(f"name alone:    proscribe recall@1 {ps['recall@1']:.4f} recall@10 {ps['recall@10']:.4f} "
      f"vs rapidfuzz Jaro-Winkler {rf['recall@1']:.3f} / {rf['recall@10']:.3f}")
print(f"with the kind: proscribe recall@1 {k1:.4f} recall@10 {k10:.4f} MRR@10 {kmrr:.3f} "
      f"vs two-stage logic-v2 {two['recall@1']:.3f} / {two['recall@10']:.3f} / {two['mrr@10']:.3f}")
for kind in sorted({q["schema"] for q in rows}):
    sub = [(q, got) for q, got in zip(rows, refs) if q["schema"] == kind]
    a = recall(sub)
    b = two.get("by_schema", {}).get(kind, {})
    print(f"  {kind:<13} n={len(sub):5d} recall@1 {a[0]:.3f} (two-stage {b.get('recall@1', float('nan')):.3f})")
EOF

echo "== UN screening against rapidfuzz brute force (same run; negatives sampled by the script)"
"$py" "$peers/screening_eval.py" --list "$data/lists/un/consolidated.xml" \
  --positives "$data/pairs/yente/positives_un_untreated.csv" "$data/pairs/yente/positives_un_treated.csv" \
  --negatives "$data/pairs/yente/negatives_global.csv" "$data/pairs/yente/negatives_us.csv" \
  --rankers rf-jarowinkler --nk '' --cmd "$root/bench/un-screener" --cmd-name proscribe --json scr.json 2> /dev/null |
  awk '/^#### Hit rates at the in-sample/ { on = 1 } on && /^\|/ { print }'
"$py" - <<'EOF'
import json
s = json.load(open("scr.json"))["scorers"]
rf, ps = s["rf-jarowinkler"], s["proscribe"]
print(f"ROC AUC proscribe {ps['roc_auc']:.3f} vs rapidfuzz {rf['roc_auc']:.3f}; "
      f"q/s whole process {ps['qps']:.0f} vs rapidfuzz {rf['qps']:.0f} ({ps['qps'] / rf['qps']:.1f}x)")
EOF
