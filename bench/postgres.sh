#!/usr/bin/env bash
# PostgreSQL against SQLite, in one run on the real lists in ../shared/data:
# - importing every shared list (twice each, alternated), wall time and peak memory;
# - /match throughput and latency: a server on SQLite, one on PostgreSQL, and two servers on
#   one PostgreSQL database, each loaded by its own wrk for the same time;
# - the latency of a workflow action over the API (a proposal made and submitted: two audited
#   writes) on each database.
# It starts its own throwaway PostgreSQL (.ci/postgres.sh) on port 54331 and stops it. With
# BASE=path/to/another/proscribe, that binary's SQLite figures are taken in the same run too
# (the build before PostgreSQL, say), for a comparison.
#
# Usage: [BASE=BIN] bench/postgres.sh [SECONDS]   (needs wrk and psql: apt-get install wrk postgresql-client)
set -euo pipefail
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
seconds="${1:-15}"
source "$(dirname "$0")/common.sh"
out=$(mktemp -d)
pg_dir=$(mktemp -d /tmp/proscribe-bench-pg.XXXXXX)
servers=()
cleanup() {
  cd "$root"
  for s in "${servers[@]}"; do kill "$s" 2> /dev/null || true; done
  wait 2> /dev/null || true
  "$root/.ci/postgres.sh" stop "$pg_dir"
  rm -rf "$out"
}
trap cleanup EXIT
admin=$(PROSCRIBE_TEST_POSTGRES_PORT=54331 "$root/.ci/postgres.sh" start "$pg_dir")
server_url="${admin%/*}"
cd "$out"

fresh_pg() {
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" > /dev/null
  echo "$server_url/$1"
}

echo "== import of every shared list ($(du -sh "$data/lists" "$data/ftm" | awk '{print $1}' | paste -sd+) of files)"
printf '| run | database | wall s | peak RSS MiB |\n|---|---|---|---|\n'
kinds="sqlite postgres"
[[ -n "${BASE:-}" ]] && kinds="base-sqlite $kinds"
for run in 1 2; do
  for kind in $kinds; do
    exe=$bin
    case $kind in
      base-sqlite) exe=$BASE; rm -f base.db*; db=base.db ;;
      sqlite) rm -f lists.db*; db=lists.db ;;
      postgres) db=$(fresh_pg lists) ;;
    esac
    /usr/bin/time -f "%e %M" -o time.txt "$exe" --db "$db" import "$data/lists" "$data/ftm" > /dev/null 2>&1
    read -r wall rss < time.txt
    printf '| %d | %s | %s | %d |\n' "$run" "$kind" "$wall" "$((rss / 1024))"
  done
done
pg=$(fresh_pg lists)
"$bin" --db lists.db migrate --to "$pg" > /dev/null

# Query names: OFAC's a.k.a.s (column 4 of alt.csv), quoted for JSON.
python3 - "$data/lists/ofac/alt.csv" <<'PY'
import csv, json, sys
names = [r[3] for r in csv.reader(open(sys.argv[1], encoding="latin-1")) if len(r) > 3 and r[3].strip() not in ("", "-0-")]
with open("names.lua", "w") as f:
    f.write("names = {" + ",".join(json.dumps(n) for n in names[:5000]) + "}\n")
PY
cat > match.lua <<'LUA'
dofile("names.lua")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #names + 1
  return wrk.format(nil, "/match/default", nil,
    string.format('{"queries":{"q1":{"schema":"LegalEntity","properties":{"name":[%q]}}}}', names[i]))
end
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT %d %.1f %.2f %.2f %d\n", summary.requests, summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

# Starts a server on database $1 (log $2); sets `base` to its URL once it is ready.
start() {
  local extra=()
  # The base build may predate --index-dir.
  [[ "${exe:-$bin}" = "$bin" ]] && extra=(--index-dir "$out/indexes")
  "${exe:-$bin}" --db "$1" serve --listen 127.0.0.1:0 --open-reads "${extra[@]}" > /dev/null 2> "$2" &
  servers+=($!)
  for _ in $(seq 600); do grep -q "serves on" "$2" && break; sleep 0.1; done
  base=$(sed -n 's/^proscribe serves on //p' "$2")
  for _ in $(seq 600); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ]] && break; sleep 0.1; done
}

stop_all() {
  for s in "${servers[@]}"; do kill "$s" 2> /dev/null || true; done
  wait 2> /dev/null || true
  servers=()
}

echo
echo "== /match, one query a request, ${seconds} s, wrk on 127.0.0.1 ($(nproc) cores shared by wrk and the servers)"
printf '| setup | connections | requests/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n'
measure() {
  local label=$1 conns=$2
  shift 2
  local pids=() i=0 base
  for base in "$@"; do
    BATCH=1 wrk -t 1 -c 4 -d 3s --timeout 10s -s match.lua "$base" > /dev/null
  done
  for base in "$@"; do
    wrk -t 1 -c "$conns" -d "${seconds}s" --timeout 10s -s match.lua "$base" | grep '^RESULT' > "wrk.$i" &
    pids+=($!)
    i=$((i + 1))
  done
  wait "${pids[@]}"
  # Requests per second add up; the latency shown is the worse of the servers'.
  cat wrk.* | awk -v l="$label" -v c="$conns" '{ rps += $3; if ($4 > p50) p50 = $4; if ($5 > p99) p99 = $5; e += $6 }
    END { printf "| %s | %d per server | %.0f | %.2f | %.2f | %d |\n", l, c, rps, p50, p99, e }'
  rm -f wrk.*
}
if [[ -n "${BASE:-}" ]]; then
  exe=$BASE start base.db base.log
  measure "one server, SQLite (base)" 8 "$base"
  stop_all
fi
start lists.db sqlite.log
measure "one server, SQLite" 8 "$base"
stop_all
start "$pg" pg1.log
first=$base
measure "one server, PostgreSQL" 8 "$first"
start "$pg" pg2.log
measure "two servers, one PostgreSQL database" 4 "$first" "$base"
stop_all

echo
echo "== a workflow action over the API: 200 proposals made and submitted, one after the other"
printf '| database | p50 ms | p99 ms | mean ms |\n|---|---|---|---|\n'
for kind in $kinds; do
  exe=$bin
  case $kind in
    base-sqlite) exe=$BASE; db=base.db ;;
    sqlite) db=lists.db ;;
    postgres) db=$pg ;;
  esac
  "$exe" --db "$db" roles grant un-sc-consolidated bench-ministry proposer > /dev/null
  key=$("$exe" --db "$db" --json keys add "bench-$kind" --role editor --body bench-ministry | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  exe=$exe start "$db" "workflow-$kind.log"
  python3 - "$base" "$key" "$kind" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
base, key, kind = sys.argv[1:4]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
body = json.dumps({"list": "un-sc-consolidated", "kind": "delist", "entity": "un-tai-026", "by": ["bench-ministry"],
                   "statement": "Benchmark.", "on": "2026-01-01"})
times = []
for _ in range(200):
    start = time.perf_counter()
    conn.request("POST", "/proposals", body, {"content-type": "application/json", "authorization": f"Bearer {key}"})
    r = conn.getresponse()
    r.read()
    assert r.status == 201, r.status
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"| {kind} | {times[len(times) // 2]:.2f} | {times[int(len(times) * 0.99)]:.2f} | {statistics.mean(times):.2f} |")
PY
  stop_all
  "$exe" --db "$db" audit verify > /dev/null
done
