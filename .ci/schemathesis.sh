#!/usr/bin/env bash
# Property-based test of the HTTP API: schemathesis (from PyPI) generates requests from the
# service's own /openapi.json and fails on any server error (5xx). The server runs on
# 127.0.0.1 on the example registry in a database of its own (its lists, proposals and roles
# give every route something to answer), with an admin key; revoking keys is left out so that
# the run keeps its own.
#
# Usage: .ci/schemathesis.sh [SECONDS]   (after `cargo build`)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-180}"
bin="${PROSCRIBE_BIN:-target/debug/proscribe}"
venv="target/schemathesis-venv"
if [[ ! -x "$venv/bin/schemathesis" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi
work=$(mktemp -d)
server=""
trap '[[ -n "$server" ]] && kill "$server" 2> /dev/null; wait 2> /dev/null; rm -rf "$work"' EXIT
db="$work/api.db"
"$bin" --db "$db" import > /dev/null
key=$("$bin" --db "$db" --json keys add schemathesis --role admin | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
"$bin" --db "$db" --log-format json serve --listen 127.0.0.1:0 2> "$work/serve.log" &
server=$!
for _ in $(seq 300); do grep -q "serves on" "$work/serve.log" && break; sleep 0.1; done
base=$(sed -n 's/^proscribe serves on //p' "$work/serve.log")
python3 - "$base/readyz" <<'PY'
import sys, time, urllib.request
for _ in range(600):
    try:
        if urllib.request.urlopen(sys.argv[1], timeout=5).status == 200:
            break
    except Exception:
        pass
    time.sleep(0.1)
PY
ready=$(wc -l < "$work/serve.log")
"$venv/bin/schemathesis" run "$base/openapi.json" \
  --header "Authorization: Bearer $key" \
  --checks not_a_server_error \
  --exclude-path '/admin/keys/{id}' \
  --max-time "$seconds" \
  --seed 1 \
  --no-color
# Nothing the run sent made the server fail or log an error.
if tail -n +"$((ready + 1))" "$work/serve.log" | grep '"level":"ERROR"'; then
  echo "the server logged errors during the run" >&2
  exit 1
fi
echo "schemathesis: no server errors"
