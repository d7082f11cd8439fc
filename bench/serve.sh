#!/usr/bin/env bash
# Load test of `proscribe serve` on the real lists in ../shared/data: wrk on 127.0.0.1 posts
# yente-shaped /match requests (one query each, and batches of 20) built from OFAC's aliases,
# for a fixed time each, and prints requests/s, queries/s, latency percentiles and errors.
#
# Usage: bench/serve.sh [SECONDS]   (needs wrk: apt-get install wrk)
set -euo pipefail
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
seconds="${1:-15}"
source "$(dirname "$0")/common.sh"
out=$(mktemp -d)
server=""
trap '[[ -n "$server" ]] && kill "$server" 2> /dev/null; wait 2> /dev/null; rm -rf "$out"' EXIT
cd "$out"

"$bin" --db all.db import "$data/lists" "$data/ftm" > /dev/null 2>&1
# Query names: OFAC's a.k.a.s (column 4 of alt.csv), quoted for JSON.
python3 - "$data/lists/ofac/alt.csv" <<'PY'
import csv, json, sys
names = [r[3] for r in csv.reader(open(sys.argv[1], encoding="latin-1")) if len(r) > 3 and r[3].strip() not in ("", "-0-")]
with open("names.lua", "w") as f:
    f.write("names = {" + ",".join(json.dumps(n) for n in names[:5000]) + "}\n")
PY
cat > match.lua <<'LUA'
dofile("names.lua")
local batch = tonumber(os.getenv("BATCH") or "1")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local parts = {}
  for k = 1, batch do
    i = i % #names + 1
    parts[#parts + 1] = string.format('"q%d":{"schema":"LegalEntity","properties":{"name":[%q]}}', k, names[i])
  end
  return wrk.format(nil, "/match/default", nil, '{"queries":{' .. table.concat(parts, ",") .. '}}')
end
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT %d %.1f %.2f %.2f %.2f %d %d\n", summary.requests, summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA

"$bin" --db all.db serve --listen 127.0.0.1:0 --open-reads 2> serve.log &
server=$!
for _ in $(seq 600); do grep -q "serves on" serve.log && break; sleep 0.1; done
base=$(sed -n 's/^proscribe serves on //p' serve.log)
for _ in $(seq 600); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ]] && break; sleep 0.1; done

# Warm-up (not recorded): the first answer about an entity reads its record from the store.
BATCH=20 wrk -t 2 -c 8 -d 5s --timeout 10s -s match.lua "$base" > /dev/null

echo "== /match on all lists, ${seconds} s each, wrk on 127.0.0.1 ($(nproc) cores shared by wrk and the server)"
printf '| workload | connections | requests/s | queries/s | p50 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|---|\n'
for spec in "1 1" "1 4" "1 8" "1 16" "20 4" "20 16"; do
  read -r batch conns <<< "$spec"
  line=$(BATCH=$batch wrk -t "$(( conns < 2 ? 1 : 2 ))" -c "$conns" -d "${seconds}s" --timeout 10s -s match.lua "$base" | grep '^RESULT')
  read -r _ n rps p50 p99 max errors status <<< "$line"
  qps=$(awk -v r="$rps" -v b="$batch" 'BEGIN { printf "%.0f", r * b }')
  printf '| %d quer%s per request | %d | %.0f | %s | %s | %s | %s | %d |\n' "$batch" "$([[ $batch = 1 ]] && echo y || echo ies)" "$conns" "$rps" "$qps" "$p50" "$p99" "$max" "$errors"
done
curl -s "$base/metrics" | grep -E '^proscribe_http_requests_total' | grep -v 'status="200"' || true
