"""Score a Spark DataFrame with an onnxfn bundle: onnxfn.spark.score(df, "bundle/").

The bundle is shipped to every executor with SparkContext.addFile; each Python worker process
loads it once (cached here, by path) and scores Spark's Arrow batches (spark.sql.execution.arrow.
maxRecordsPerBatch rows each) through DataFrame.mapInArrow with the C++ core. Output: the bundle's
output columns (carry columns, probability, label, model outputs), plus any `keep` columns of df.

    from onnxfn.spark import score
    scored = score(pairs, "examples/product-matching/bundle", keep=["pair_id"])

Executors need the onnxfn wheel installed (pip install onnxfn-*.whl on each node, or a
--archives venv); the Spark workers' Python is what imports it.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Iterator, Sequence

import pyarrow as pa

from . import load

_predictors: dict = {}
_lock = threading.Lock()


def _worker_predictor(name: str, threads: int) -> Any:
    """The worker process's predictor for the shipped bundle `name` (loaded on first use)."""
    key = (name, threads)
    with _lock:
        predictor = _predictors.get(key)
        if predictor is None:
            from pyspark import SparkFiles

            predictor = load(SparkFiles.get(name), threads=threads)
            _predictors[key] = predictor
        return predictor


def _input_arrow_schema(df: Any, columns: Sequence[str]) -> pa.Schema:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(df.select(*columns).schema)


def score(df: Any, bundle_path: str | os.PathLike, keep: Sequence[str] = (), threads: int = 1,
          columns: Sequence[str] | None = None) -> Any:
    """A DataFrame of `df` scored by the bundle (lazy, like any transformation).

    keep: columns of df appended unchanged to each output row (ids, keys).
    threads: intra-op threads per Python worker (1: Spark already runs a worker per core).
    columns: the input columns passed to the bundle (default: every column of df except `keep`
    ones that the bundle does not declare; the bundle ignores undeclared columns either way).
    """
    from pyspark.sql.pandas.types import from_arrow_schema

    path = os.path.abspath(os.fspath(bundle_path)).rstrip(os.sep)
    name = os.path.basename(path)
    spark = df.sparkSession
    spark.sparkContext.addFile(path, recursive=os.path.isdir(path))

    driver = load(path, threads=1)
    keep = list(keep)
    declared = {n for n, _ in driver.inputs}
    if columns is None:
        columns = [c for c in df.columns if c not in keep or c in declared]
    columns = list(columns)
    selected = list(dict.fromkeys(columns + keep))

    # The output schema: the bundle scoring zero rows of df's types, plus the kept columns.
    input_schema = _input_arrow_schema(df, selected)
    empty = pa.Table.from_batches([], schema=input_schema).select(columns)
    out_schema = driver.predict(empty).schema
    for k in keep:
        if k not in out_schema.names:
            out_schema = out_schema.append(input_schema.field(k))
    spark_schema = from_arrow_schema(out_schema)
    # Spark's own Arrow types for that schema (string, not large_string): each batch is cast to it.
    from pyspark.sql.pandas.types import to_arrow_schema

    target = to_arrow_schema(spark_schema)

    def score_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        predictor = _worker_predictor(name, threads)
        for batch in batches:
            table = pa.Table.from_batches([batch])
            out = predictor.predict(table.select(columns))
            for k in keep:
                if k not in out.column_names:
                    out = out.append_column(k, table.column(k))
            yield from out.select(target.names).cast(target).to_batches()

    return df.select(*selected).mapInArrow(score_batches, spark_schema)
