"""README's Python examples run as written: the section "Python and Spark", its ```python
blocks, against the index of the extracts (and, for Spark, a generated customer table)."""

import contextlib
import io
import os
import re
import shutil

import pyarrow.parquet as pq
import pytest

from conftest import REPO


def python_blocks():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python and Spark\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def run_block(code, folder, **names):
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), dict(names))
    finally:
        os.chdir(cwd)
    return out.getvalue()


def test_the_python_example_runs(registry, tmp_path):
    blocks = python_blocks()
    assert len(blocks) == 2, "README's Python and Spark section has its two examples"
    shutil.copy(registry["index"], tmp_path / "lists.idx")
    printed = run_block(blocks[0], tmp_path).splitlines()
    assert re.match(r"1\.000 True AMIR KHAN MOTAQI \[.*'TAi\.026'", printed[0]), printed
    assert float(printed[-1]) > 0.9


def test_the_spark_example_runs(spark, registry, customers, tmp_path):
    code = python_blocks()[1]
    assert '"/mnt/shared/lists.idx"' in code
    code = code.replace('"/mnt/shared/lists.idx"', repr(str(registry["index"])))
    # Spark reads relative paths from its JVM's folder, not this test's.
    for name in ("customers.parquet", "hits.parquet"):
        code = code.replace(f'"{name}"', repr(str(tmp_path / name)))
    table = customers.rows(2000, 5, customers.listed_names(registry["export"]), 0.05)
    pq.write_table(table, tmp_path / "customers.parquet")
    run_block(code, tmp_path, spark=spark)
    hits = pq.read_table(tmp_path / "hits.parquet")
    assert hits.num_rows > 20 and all(hits.column("match").to_pylist())
