"""onnxfn.spark.score on PySpark local[2]: a generated table of product pairs scored with the
product-matching bundle (shipped by addFile, one predictor per Python worker) equals the CLI's
`onnxfn predict --bundle` output row for row. ONNXFN_SPARK_ROWS sets the size (default 1,000,000)."""
from __future__ import annotations

import os
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from onnxfn_testkit import BUNDLE, cli_predict_bundle, make_pairs, write_csv

ROWS = int(os.environ.get("ONNXFN_SPARK_ROWS", "1000000"))


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("onnxfn-test")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "2g")
               # Parquet splits of ~4 MB: the table spreads over both local cores.
               .config("spark.sql.files.maxPartitionBytes", str(4 << 20))
               .getOrCreate())
    yield session
    session.stop()


def test_spark_score_equals_cli_row_for_row(spark, catalogs, onnxfn_bin, tmp_path):
    from onnxfn.spark import score

    pairs = make_pairs(catalogs, ROWS, seed=5)
    write_csv(pairs.drop_columns(["pair_id"]), tmp_path / "pairs.csv")
    pq.write_table(pairs, tmp_path / "pairs.parquet", row_group_size=100_000)

    start = time.perf_counter()
    cli = cli_predict_bundle(onnxfn_bin, BUNDLE, tmp_path / "pairs.csv", tmp_path / "cli.csv")
    cli_s = time.perf_counter() - start

    df = spark.read.parquet(str(tmp_path / "pairs.parquet"))
    start = time.perf_counter()
    scored = score(df, BUNDLE, keep=["pair_id"])
    scored.write.parquet(str(tmp_path / "spark_out"))
    spark_s = time.perf_counter() - start
    print(f"\n{ROWS} pairs: CLI {cli_s:.1f} s, Spark local[2] score+write {spark_s:.1f} s "
          f"({ROWS / spark_s:,.0f} rows/s)")

    ours = pq.read_table(tmp_path / "spark_out")
    assert ours.num_rows == ROWS
    order = np.argsort(np.array(ours.column("pair_id").to_pylist(), dtype=np.int64), kind="stable")
    ours = ours.take(pa.array(order))
    assert ours.column_names == cli.column_names + ["pair_id"]
    for name in cli.column_names:
        theirs = cli.column(name).to_numpy(zero_copy_only=False)
        mine = ours.column(name).to_numpy(zero_copy_only=False)
        if theirs.dtype.kind == "f":
            np.testing.assert_array_equal(mine.astype(np.float64), theirs, err_msg=name)
        else:
            assert np.array_equal(mine.astype(str), theirs.astype(str)), name
