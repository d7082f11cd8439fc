#!/usr/bin/env bash
# Server time of the web UI's pages on the real lists: starts `proscribe serve` on a store that
# holds them (import ../shared/data/lists into it first), requests each page 30 times over
# loopback with curl, and prints the median and the slowest time per page. The target is
# that no page takes over 300 ms.
#
# Usage: bench/ui.sh DB   (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:?usage: bench/ui.sh DB}"
bin="${PROSCRIBE_BIN:-target/release/proscribe}"
runs="${RUNS:-30}"
work=$(mktemp -d)
server=""
trap '[[ -n "$server" ]] && kill "$server" 2> /dev/null; wait 2> /dev/null; rm -rf "$work"' EXIT
"$bin" --db "$db" serve --listen 127.0.0.1:0 --open-reads 2> "$work/serve.log" &
server=$!
for _ in $(seq 600); do grep -q "serves on" "$work/serve.log" && break; sleep 0.1; done
base=$(sed -n 's/^proscribe serves on //p' "$work/serve.log")
for _ in $(seq 1200); do curl -sf "$base/readyz" > /dev/null && break; sleep 0.1; done

# The entity with the longest record of the OFAC list, and one of the UN list.
ofac=$(sqlite3 "$db" "SELECT m.entity_id FROM member m JOIN record r ON r.id = m.record JOIN version v ON v.id = m.version_id WHERE v.source_id = 'us-ofac-sdn' ORDER BY length(r.body) DESC LIMIT 1")
un=$(sqlite3 "$db" "SELECT m.entity_id FROM member m JOIN version v ON v.id = m.version_id WHERE v.source_id = 'un-sc' ORDER BY m.entity_id LIMIT 1")
article="$work/article.txt"
for _ in $(seq 20); do
  echo "Officials said the shipment was arranged by Mohammed Ali Hassan and a Dubai company, Al Noor Trading LLC,"
  echo "while Amir Khan Muttaqi met envoys in Doha; the vessel had been renamed twice before reaching port."
done > "$article"

measure() { # NAME CURL-ARGS...
  local name="$1"; shift
  local times=()
  for _ in $(seq "$runs"); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "$@")")
  done
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' "$@")
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" -v c="$code" '{t[NR]=$1} END {printf "%-44s %s  median %6.1f ms  max %6.1f ms\n", n, c, t[int((NR+1)/2)]*1000, t[NR]*1000}'
}

measure "/" "$base/"
measure "/screen (Mohammed Ali)" "$base/screen?name=Mohammed+Ali"
measure "/screen (Aerocaribbean Airlines, Company)" "$base/screen?name=Aerocaribbean+Airlines&schema=Company"
measure "/screen (Ivan Petrov, 1961, ru)" "$base/screen?name=Ivan+Petrov&birth_date=1961&country=ru"
measure "/entity/$ofac (longest OFAC record)" "$base/entity/$ofac"
measure "/entity/$un" "$base/entity/$un"
measure "/lists" "$base/lists"
measure "/lists/us-csl" "$base/lists/us-csl"
measure "/lists/un-sc/diff (newest against previous)" "$base/lists/un-sc/diff"
measure "/lists/us-csl/diff (14,000 added, 500 shown)" "$base/lists/us-csl/diff"
measure "/workflow" "$base/workflow"
measure "/scan/article ($(wc -c < "$article") bytes)" -F "text=<$article" "$base/scan/article"
measure "/batch (form)" "$base/batch"
