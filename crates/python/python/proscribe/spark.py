"""Screening a Spark DataFrame on the executors, with ``mapInArrow``.

Each executor's Python worker opens the index once (memory-mapped when large) and keeps it
for every task it runs; batches of rows go to the engine as Arrow, without a copy per row::

    from proscribe import spark as ps
    hits = ps.screen(customers, "/dbfs/proscribe/lists.idx", columns={"name": "full_name", "key": "customer_id"})

The index file is written by ``proscribe index FILE``. Give a path every executor can read
(a shared or mounted file system), or ``ship=True`` to send the file with the job
(``SparkContext.addFile``).
"""

import os
import threading
from typing import Dict, Iterator, Mapping, Optional, Tuple

from ._native import DEFAULT_THRESHOLD, Screener, hit_columns

# The screeners a worker process opened, by path and threads: a worker runs many tasks.
_OPENED: Dict[Tuple[str, Optional[int], str], Screener] = {}
_LOCK = threading.Lock()

# The batch fields and their default column names.
FIELDS = ("name", "birth_date", "country", "id", "schema", "key")


def _screener(path: str, threads: Optional[int], reading: str) -> Screener:
    with _LOCK:
        found = _OPENED.get((path, threads, reading))
        if found is None:
            found = Screener.open(path, threads=threads, reading=reading)
            _OPENED[(path, threads, reading)] = found
        return found


def _local_path(index_path: str, shipped: bool) -> str:
    if not shipped:
        return index_path
    from pyspark import SparkFiles

    return SparkFiles.get(os.path.basename(index_path))


def output_schema(df, columns: Optional[Mapping[str, str]] = None):
    """The Spark schema of ``screen``'s result for ``df``: the key (of the input key column's
    type, text when there is none) and the hit columns but the row number."""
    from pyspark.sql.types import BooleanType, DoubleType, StringType, StructField, StructType

    key = dict(columns or {}).get("key", "key")
    key_type = next((f.dataType for f in df.schema.fields if f.name.lower() == key.lower()), StringType())
    types = {"key": key_type, "score": DoubleType(), "match": BooleanType()}
    return StructType(
        [StructField(c, types.get(c, StringType()), True) for c in hit_columns() if c != "row"]
    )


def screen(
    df,
    index_path: str,
    threshold: float = DEFAULT_THRESHOLD,
    columns: Optional[Mapping[str, str]] = None,
    *,
    limit: int = 10,
    threads: Optional[int] = None,
    ship: bool = False,
    errors: bool = True,
    reading: str = "mapped",
):
    """Screens every row of ``df`` against the index at ``index_path``.

    ``columns`` maps the batch fields (``name``, required; ``birth_date``, ``country``,
    ``id``, ``schema``, ``key``) to ``df``'s columns; by default each is the column of its
    own name, if any. Returns a DataFrame with one row per match: the row's key and the
    columns of ``proscribe screen --input`` (``name``, ``score``, ``match``, ``entity_id``,
    ``reference``, ``caption``, ``matched_name``, ``error``). With ``errors`` (the default)
    a row that cannot be screened, or whose birth date or country was left out, also gives a
    row with its reason in ``error`` and no ``match``.

    ``threads``: threads per task (default: all cores of the worker; set 1 when an executor
    runs as many tasks at once as it has cores). ``ship``: send the file to the executors
    with the job instead of reading it from a shared path. ``reading``: how each worker opens
    the index (``Screener.open``); mapped by default, so that an executor's workers share the
    file's pages and each holds only what its queries reach.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold: {threshold} is not between 0 and 1")
    asked = dict(columns or {})
    unknown = sorted(set(asked) - set(FIELDS))
    if unknown:
        raise ValueError(f"columns: unknown field(s) {', '.join(unknown)} ({', '.join(FIELDS)})")
    present = {f.name.lower(): f.name for f in df.schema.fields}
    # Only the columns screening reads cross to Python.
    selected = []
    for field in FIELDS:
        column = asked.get(field, field)
        found = present.get(column.lower())
        if found is None and field in asked or found is None and field == "name":
            raise ValueError(f"{field}: the DataFrame has no column {column!r} (columns: {', '.join(df.columns)})")
        if found is not None and found not in selected:
            selected.append(found)
    schema = output_schema(df, asked)
    if ship:
        df.sparkSession.sparkContext.addFile(index_path)

    def run(batches: Iterator) -> Iterator:
        screener = _screener(_local_path(index_path, ship), threads, reading)
        for batch in batches:
            if batch.num_rows == 0:
                continue
            hits = screener.screen_arrow(batch, columns=asked, threshold=threshold, limit=limit)
            hits = hits.drop_columns(["row"])
            if not errors:
                hits = hits.filter(hits.column("match").is_valid())
            yield from hits.to_batches()

    return df.select(*selected).mapInArrow(run, schema)
