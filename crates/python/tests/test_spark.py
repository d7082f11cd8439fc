"""proscribe.spark in Spark's local mode (local[2]): a generated customer table screened on
the executors gives the command line's batch output for the same rows and index."""

import json
import os
import pathlib
import shutil
import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import cli_batch, comparable_arrow, comparable_cli, need

CUSTOMER_COLUMNS = {"name": "full_name", "birth_date": "birth_date", "country": "country", "schema": "kind",
                    "key": "customer_id"}


def test_a_dataframe_screens_as_the_command_line_s_batch(spark, registry, customers, tmp_path):
    from proscribe import spark as ps

    table = customers.rows(100_000, 7, customers.listed_names(registry["export"]), 0.02)
    parquet, csv_path = tmp_path / "customers.parquet", tmp_path / "customers.csv"
    pq.write_table(table, parquet)
    pacsv.write_csv(table, csv_path)
    expected = comparable_cli(cli_batch(registry, csv_path, CUSTOMER_COLUMNS))
    # Several tasks, over both worker processes.
    df = spark.read.parquet(str(parquet)).repartition(4)
    hits = ps.screen(df, str(registry["index"]), columns=CUSTOMER_COLUMNS)
    assert [f.name for f in hits.schema.fields] == [c for c in ps.hit_columns() if c != "row"]
    assert hits.schema["key"].dataType.typeName() == "long"
    rows = [r.asDict() for r in hits.collect()]
    assert comparable_arrow(rows) == expected
    assert sum(1 for r in rows if r["match"]) > 1500


def test_a_shipped_index_and_matches_only(spark, registry):
    from proscribe import spark as ps

    df = spark.createDataFrame(
        [("a1", "Yun Ho Jin", "KP"), ("a2", "", None), ("a3", "Eric Badege", "Atlantis"), ("a4", "Mary Smith", "US")],
        "ref string, who string, country string",
    )
    columns = {"name": "who", "key": "ref"}
    hits = ps.screen(df, str(registry["index"]), columns=columns, ship=True, errors=False)
    rows = sorted((r["key"], r["entity_id"], r["match"], r["error"]) for r in hits.collect())
    assert rows == [("a1", "un-kpi-001", True, None), ("a3", "un-cdi-001", True, None)]
    every = ps.screen(df, str(registry["index"]), columns=columns)
    errors = {r["key"]: r["error"] for r in every.collect() if r["error"]}
    assert errors == {"a2": "name: missing or empty", "a3": errors["a3"]}
    assert errors["a3"].startswith("country: unknown \"Atlantis\"")
    with pytest.raises(ValueError, match="no column 'name'"):
        ps.screen(df, str(registry["index"]))
    with pytest.raises(ValueError, match="unknown field"):
        ps.screen(df, str(registry["index"]), columns={"name": "who", "dob": "x"})


def test_the_example_job_screens_a_customer_table(registry, customers, tmp_path):
    """examples/spark/screen_customers.py, as README runs it, in a process of its own."""
    import subprocess

    need(shutil.which("java") or os.environ.get("JAVA_HOME"), "no Java runtime")
    table = customers.rows(5000, 9, customers.listed_names(registry["export"]), 0.05)
    pq.write_table(table, tmp_path / "customers.parquet")
    job = pathlib.Path(__file__).resolve().parents[3] / "examples" / "spark" / "screen_customers.py"
    done = subprocess.run(
        [sys.executable, str(job), "--index", str(registry["index"]), "--input", str(tmp_path / "customers.parquet"),
         "--output", str(tmp_path / "hits.parquet")],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stderr.strip().splitlines()[-1])
    hits = pq.read_table(tmp_path / "hits.parquet")
    assert summary["output_rows"] == hits.num_rows and summary["matches"] > 100
    assert hits.schema.field("key").type == pa.int64()
