#!/usr/bin/env python3
"""The Python package and Spark on one index and one customer table, for bench/python.sh.

Prints one JSON object per measurement on standard output:
- python: Screener.open, reading the Parquet table, screen_arrow (all cores), rows/s;
- spark-*: Spark local[2] (two tasks at a time, or one with `--task-cpus 2`) — the
  session's start (JVM), an Arrow pass of the same columns
  through a Python worker without screening (the transfer's share), the screening job
  (read, screen on the executors, write Parquet), rows/s, and the peak resident memory of
  each Python worker and of the JVM.
"""

import argparse
import json
import os
import resource
import sys
import time

import pyarrow.parquet as pq

import proscribe

COLUMNS = {"name": "full_name", "birth_date": "birth_date", "country": "country", "schema": "kind",
           "key": "customer_id"}


def emit(**fields):
    print(json.dumps(fields), flush=True)


def python_run(index, table_path):
    t0 = time.perf_counter()
    screener = proscribe.Screener.open(index)
    t1 = time.perf_counter()
    table = pq.read_table(table_path)
    t2 = time.perf_counter()
    hits = screener.screen_arrow(table, columns=COLUMNS)
    t3 = time.perf_counter()
    matches = sum(1 for m in hits.column("match").to_pylist() if m)
    emit(run="python", rows=table.num_rows, open_secs=round(t1 - t0, 3), read_secs=round(t2 - t1, 3),
         screen_secs=round(t3 - t2, 2), rows_per_sec=round(table.num_rows / (t3 - t2)),
         rows_per_sec_with_open_and_read=round(table.num_rows / (t3 - t0)), output_rows=hits.num_rows,
         matches=matches, peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def vm_hwm_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return None


def spark_run(index, table_path, out, threads, partition_mib, task_cpus):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from proscribe import spark as ps

    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("proscribe-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.files.maxPartitionBytes", f"{partition_mib}m")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "8192")
             .config("spark.task.cpus", str(task_cpus))
             .getOrCreate())
    t1 = time.perf_counter()
    df = spark.read.parquet(table_path)
    partitions = df.rdd.getNumPartitions()
    selected = df.select(*COLUMNS.values())

    def identity(batches):
        for b in batches:
            yield b.slice(0, 0)

    def peak(batches):
        import pyarrow as pa

        for _ in batches:
            pass
        usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        yield pa.record_batch({"pid": [os.getpid()], "peak_mib": [usage]})

    def workers():
        return {r["pid"]: r["peak_mib"] for r in
                spark.range(0, 64, numPartitions=8).mapInArrow(peak, "pid long, peak_mib long").collect()}

    t2 = time.perf_counter()
    selected.mapInArrow(identity, selected.schema).write.format("noop").mode("overwrite").save()
    t3 = time.perf_counter()
    # The workers' memory before they open the index: Python with pyarrow, pandas, pyspark.
    before = workers()
    hits = ps.screen(df, index, columns=COLUMNS, threads=threads)
    hits.write.mode("overwrite").parquet(out)
    t4 = time.perf_counter()
    written = spark.read.parquet(out)
    output_rows, matches = written.count(), written.filter("match").count()

    after = workers()
    jvm = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    rows = df.count()
    emit(run=f"spark-local[2]-task-cpus-{task_cpus}-threads-{threads or 'all'}", rows=rows, partitions=partitions,
         session_secs=round(t1 - t0, 2), arrow_pass_secs=round(t3 - t2, 2), job_secs=round(t4 - t3, 2),
         rows_per_sec=round(rows / (t4 - t3)), rows_per_sec_with_session=round(rows / (t4 - t3 + t1 - t0)),
         output_rows=output_rows, matches=matches, python_worker_peak_mib=sorted(after.values()),
         python_worker_before_index_mib=sorted(before.values()),
         python_worker_engine_mib=sorted(after[p] - before.get(p, max(before.values())) for p in after),
         jvm_peak_mib=vm_hwm_mib(jvm), index_mib=round(os.path.getsize(index) / 2**20, 1))
    spark.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["python", "spark"])
    p.add_argument("--index", required=True)
    p.add_argument("--table", required=True)
    p.add_argument("--out", default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--partition-mib", type=int, default=128)
    p.add_argument("--task-cpus", type=int, default=1, help="spark.task.cpus: 2 runs one task at a time")
    a = p.parse_args()
    if a.what == "python":
        python_run(a.index, a.table)
    else:
        spark_run(a.index, a.table, a.out, a.threads, a.partition_mib, a.task_cpus)


if __name__ == "__main__":
    main()
