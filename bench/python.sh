#!/usr/bin/env bash
# The Python package and Spark jobs against the command line's batch, in one run, on one
# index (every shared list) and one generated customer table (examples/spark/customers.py,
# seed 7, 2% listed names).
# Usage: bench/python.sh [ROWS]   (default 1000000; needs target/py from .ci/python.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
data="${PROSCRIBE_SHARED_DATA:-../shared/data}"
py=target/py/bin/python
[[ -x $py ]] || { echo "run .ci/python.sh first (it makes the virtualenv target/py)" >&2; exit 1; }
cargo build --release --locked --quiet -p proscribe-cli
bin=target/release/proscribe
work="${BENCH_WORK:-$(mktemp -d)}"
mkdir -p "$work"
rm -rf "$work/wheels"
target/py/bin/maturin build --release --locked -q -m crates/python/Cargo.toml -o "$work/wheels" > /dev/null
target/py/bin/pip install -q --force-reinstall --no-deps "$work"/wheels/proscribe-*.whl
if [[ ! -f $work/all.db ]]; then
  "$bin" --db "$work/all.db" import "$data/lists" "$data/ftm" > /dev/null 2>&1
fi
"$bin" --db "$work/all.db" index "$work/lists.idx"
"$bin" --db "$work/all.db" export --format ftm --output "$work/lists.ftm.json" 2> /dev/null
if [[ ! -f $work/customers-$rows.parquet ]]; then
  $py - "$rows" "$work" <<'PY'
import sys
import pyarrow.csv as pacsv, pyarrow.parquet as pq
sys.path.insert(0, "examples/spark")
import customers
rows, work = int(sys.argv[1]), sys.argv[2]
table = customers.rows(rows, 7, customers.listed_names(f"{work}/lists.ftm.json"), 0.02)
# Row groups of 128k rows, so that Spark can split the file between tasks.
pq.write_table(table, f"{work}/customers-{rows}.parquet", row_group_size=131072)
pacsv.write_csv(table, f"{work}/customers-{rows}.csv")
PY
fi
echo "cores: $(nproc); rows: $rows; index: $(du -m "$work/lists.idx" | cut -f1) MiB"
cli() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/cli.mem" "$bin" --db "$work/all.db" screen --input "$work/customers-$rows.csv" \
    --name-col full_name --birth-date-col birth_date --country-col country --schema-col kind --key-col customer_id \
    --output "$work/cli.csv" 2> /dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print('{\"run\": \"cli\", \"rows\": %d, \"secs\": %.2f, \"rows_per_sec\": %d, \"output_rows\": %d, \"peak_rss_mib\": %d}' % (int(sys.argv[3]), s, int(sys.argv[3])/s, int(sys.argv[4]), int(sys.argv[5])//1024))" \
    "$start" "$end" "$rows" "$(($(wc -l < "$work/cli.csv") - 1))" "$(cat "$work/cli.mem")"
}
# Interleaved, so that each is measured beside the others on the same machine state.
cli
$py bench/python_bench.py python --index "$work/lists.idx" --table "$work/customers-$rows.parquet"
$py bench/python_bench.py spark --index "$work/lists.idx" --table "$work/customers-$rows.parquet" \
  --out "$work/spark-hits.parquet" 2> /dev/null
$py bench/python_bench.py spark --index "$work/lists.idx" --table "$work/customers-$rows.parquet" \
  --out "$work/spark-hits.parquet" --threads 1 --partition-mib 4 2> /dev/null
# One task at a time on both cores: one Python worker per executor.
$py bench/python_bench.py spark --index "$work/lists.idx" --table "$work/customers-$rows.parquet" \
  --out "$work/spark-hits.parquet" --task-cpus 2 --partition-mib 4 2> /dev/null
cli
$py bench/python_bench.py python --index "$work/lists.idx" --table "$work/customers-$rows.parquet"
