#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `.ci/postgres.sh start DIR` installs Debian's
# server if it is absent, makes a cluster in DIR (its own data folder and socket, a free port
# on 127.0.0.1 only, or PROSCRIBE_TEST_POSTGRES_PORT; no password for local connections),
# starts it, creates the database `proscribe` and prints the URL the tests take
# (PROSCRIBE_TEST_POSTGRES).
# `.ci/postgres.sh stop DIR` stops it and removes DIR.
set -euo pipefail
action="${1:?start or stop}"
dir="${2:?a folder for the cluster}"
port="${PROSCRIBE_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
  [[ -n $found ]] && echo "$found"
}

# The server refuses to run as root: as root, it runs as the package's user `postgres`.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    if [[ -z $(bin) ]]; then
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql > /dev/null
    fi
    pg=$(bin)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
    as_owner "$pg/initdb" -D "$dir/data" -A trust -U postgres --locale=C.UTF-8 -E UTF8 > "$dir/initdb.log"
    if ! as_owner "$pg/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" > /dev/null; then
      echo "PostgreSQL did not start on port $port:" >&2
      tail -20 "$dir/server.log" >&2
      exit 1
    fi
    as_owner "$pg/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE proscribe" > /dev/null
    echo "postgres://postgres@127.0.0.1:$port/proscribe"
    ;;
  stop)
    pg=$(bin)
    if [[ -d $dir/data ]]; then as_owner "$pg/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
