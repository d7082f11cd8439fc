#!/usr/bin/env python3
"""Screens a customer table with Spark: reads it (Parquet or CSV), screens every row against
a proscribe index on the executors, and writes the hits as Parquet.

    proscribe index lists.idx
    python3 examples/spark/customers.py --rows 100000 --listed lists.ftm.json --out customers.parquet
    python3 examples/spark/screen_customers.py --index lists.idx --input customers.parquet --output hits.parquet

``--master`` is ``local[2]`` by default; on a cluster, run it with ``spark-submit`` (the
session then comes from the submission) and give an index path every executor can read, or
``--ship`` to send the file with the job.
"""

import argparse
import json
import os
import sys
import time

from pyspark import SparkConf
from pyspark.sql import SparkSession

from proscribe import spark as ps

# The customer table's columns, by batch field.
COLUMNS = {"name": "full_name", "birth_date": "birth_date", "country": "country", "schema": "kind",
           "key": "customer_id"}


def session(master=None):
    # In local mode the workers run this Python, which has proscribe installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("proscribe-screen")
    if master:
        builder = builder.master(master)
    return (builder
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "8192")
            .config("spark.ui.enabled", "false")
            .getOrCreate())


def read(spark, path):
    if path.endswith(".csv"):
        return spark.read.option("header", True).option("inferSchema", False).csv(path)
    return spark.read.parquet(path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", required=True, help="an index file written by `proscribe index`")
    p.add_argument("--input", required=True, help="the customer table (.parquet or .csv)")
    p.add_argument("--output", required=True, help="where the hits go (Parquet)")
    p.add_argument("--master", default=None, help="Spark master (default: local[2] unless spark-submit gives one)")
    p.add_argument("--threshold", type=float, default=0.7)
    p.add_argument("--partitions", type=int, default=None, help="repartition the input first")
    p.add_argument("--threads", type=int, default=None, help="engine threads per task")
    p.add_argument("--ship", action="store_true", help="send the index with the job (SparkContext.addFile)")
    args = p.parse_args(argv)
    started = time.perf_counter()
    # spark-submit names the master; run by hand, the job runs in local mode.
    submitted = SparkConf().contains("spark.master")
    spark = session(args.master or (None if submitted else "local[2]"))
    ready = time.perf_counter()
    df = read(spark, args.input)
    if args.partitions:
        df = df.repartition(args.partitions)
    hits = ps.screen(df, args.index, threshold=args.threshold, columns=COLUMNS, threads=args.threads, ship=args.ship)
    hits.write.mode("overwrite").parquet(args.output)
    done = time.perf_counter()
    written = spark.read.parquet(args.output)
    matches = written.filter("match").count()
    print(json.dumps({"session_secs": round(ready - started, 2), "screen_secs": round(done - ready, 2),
                      "output_rows": written.count(), "matches": matches}), file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
