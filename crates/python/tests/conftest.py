"""Fixtures of the Python package's tests: a registry of the committed extracts (UN and
OFAC), its index file and its FollowTheMoney export, made with the `proscribe` binary
(`PROSCRIBE_BIN`, by default the workspace's debug build)."""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = REPO / "crates" / "testkit" / "fixtures"


def binary():
    path = pathlib.Path(os.environ.get("PROSCRIBE_BIN", REPO / "target" / "debug" / "proscribe"))
    if not path.is_file():
        pytest.fail(f"no proscribe binary at {path}: build it (cargo build -p proscribe-cli) or set PROSCRIBE_BIN")
    return path


def run(*args, **kwargs):
    """Runs the proscribe binary; its standard output."""
    done = subprocess.run([str(binary()), *map(str, args)], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"proscribe {' '.join(map(str, args))} failed: {done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def registry(tmp_path_factory):
    """The database, the index file and the export of the extracts."""
    folder = tmp_path_factory.mktemp("registry")
    db = folder / "lists.db"
    run("--db", db, "import", FIXTURES / "un", FIXTURES / "ofac")
    index = folder / "lists.idx"
    run("--db", db, "index", index)
    export = folder / "lists.ftm.json"
    run("--db", db, "export", "--format", "ftm", "--output", export)
    return {"db": db, "index": index, "export": export, "folder": folder}


@pytest.fixture(scope="session")
def customers():
    """The generator of customer tables (examples/spark/customers.py)."""
    spec = importlib.util.spec_from_file_location("customers", REPO / "examples" / "spark" / "customers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cli_batch(registry, csv_path, columns):
    """`proscribe screen --input` of a CSV file: the rows of its hits CSV."""
    import csv

    flags = []
    for field, column in columns.items():
        flags += [f"--{field.replace('_', '-')}-col", column]
    out = registry["folder"] / (pathlib.Path(csv_path).stem + ".hits.csv")
    run("--db", registry["db"], "screen", "--input", csv_path, "--output", out, *flags)
    with open(out, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def comparable_cli(rows):
    """CLI hits rows as tuples comparable with `comparable_arrow`'s."""

    def value(v):
        return v or None

    return sorted(
        [
            (
                r["key"],
                r["name"],
                float(r["score"]) if r["score"] else None,
                r["match"] == "true" if r["match"] else None,
                value(r["entity_id"]),
                value(r["reference"]),
                value(r["caption"]),
                value(r["matched_name"]),
                value(r["error"]),
            )
            for r in rows
        ],
        key=repr,
    )


def comparable_arrow(rows):
    """Rows of a hits table (dictionaries) as tuples comparable with `comparable_cli`'s."""
    return sorted(
        [
            (
                None if r["key"] is None else str(r["key"]),
                r["name"],
                r["score"],
                r["match"],
                r["entity_id"],
                r["reference"],
                r["caption"],
                r["matched_name"],
                r["error"],
            )
            for r in rows
        ],
        key=repr,
    )


def need(ready, why):
    """Skips without what Spark needs, but fails in CI, which installs it."""
    if not ready:
        if os.environ.get("CI"):
            pytest.fail(f"{why} (CI installs it: .ci/run)")
        pytest.skip(why)


@pytest.fixture(scope="session")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        need(False, "pyspark is not installed (pip install -r crates/python/requirements-dev.txt)")
    need(shutil.which("java") or os.environ.get("JAVA_HOME"), "no Java runtime (apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    # The workers run this Python, which has proscribe installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("proscribe-test")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .getOrCreate())
    yield session
    session.stop()
