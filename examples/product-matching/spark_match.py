#!/usr/bin/env python3
"""Product matching at Spark scale with the committed bundle: blocking as a Spark job, scoring with
onnxfn.spark.score (the C++ core inside each Python worker), matches written as Parquet.

Blocking: each title is lower-cased and split into tokens of 2+ letters/digits; tokens that occur
in more than --max-df of the products are dropped (stop words); left and right products are joined
on shared tokens and each left product keeps its --top-k right products by shared-token count
(a window per left id). The pairs get the left_* / right_* columns the bundle declares, and score()
adds probability and match.

    .venv/bin/python examples/product-matching/generate_catalogs.py --out /tmp/catalogs
    .venv/bin/python examples/product-matching/spark_match.py --data /tmp/catalogs --out /tmp/spark_matches
"""
from __future__ import annotations

import argparse
import pathlib
import time

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

from onnxfn.spark import score

HERE = pathlib.Path(__file__).resolve().parent
COLUMNS = ("title", "description", "brand", "price")


def read_catalog(spark, path: pathlib.Path):
    df = spark.read.csv(str(path), header=True, multiLine=True, escape='"')
    return df.select("id", *[F.col(c).cast("string") for c in COLUMNS])


def tokens(df, max_df: float):
    tok = df.select("id", F.explode(F.array_distinct(F.split(F.lower("title"), "[^a-z0-9]+"))).alias("token"))
    tok = tok.where(F.length("token") >= 2)
    n = df.count()
    frequent = tok.groupBy("token").count().where(F.col("count") > max_df * n).select("token")
    return tok.join(F.broadcast(frequent), "token", "left_anti")


def candidate_pairs(left, right, top_k: int, max_df: float):
    shared = (tokens(left, max_df).alias("l").join(tokens(right, max_df).alias("r"), "token")
              .groupBy(F.col("l.id").alias("left_id"), F.col("r.id").alias("right_id")).count())
    rank = Window.partitionBy("left_id").orderBy(F.col("count").desc(), F.col("right_id"))
    top = shared.withColumn("rank", F.row_number().over(rank)).where(F.col("rank") <= top_k)
    l = left.select(F.col("id").alias("left_id"), *[F.col(c).alias(f"left_{c}") for c in COLUMNS])
    r = right.select(F.col("id").alias("right_id"), *[F.col(c).alias(f"right_{c}") for c in COLUMNS])
    return top.select("left_id", "right_id").join(l, "left_id").join(r, "right_id")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=pathlib.Path, help="tableA.csv, tableB.csv (and test.csv)")
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--bundle", default=HERE / "bundle", type=pathlib.Path)
    ap.add_argument("--top-k", type=int, default=20)
    ap.add_argument("--max-df", type=float, default=0.1)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--shuffle-partitions", type=int, default=8, help="Spark's 200 suit a cluster, not a laptop")
    args = ap.parse_args()

    spark = (SparkSession.builder.master(args.master).appName("onnxfn-product-matching")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions)).getOrCreate())
    start = time.perf_counter()
    left = read_catalog(spark, args.data / "tableA.csv")
    right = read_catalog(spark, args.data / "tableB.csv")
    pairs = candidate_pairs(left, right, args.top_k, args.max_df).cache()
    scored = score(pairs, args.bundle)
    matches = scored.where(F.col("match"))
    matches.write.mode("overwrite").parquet(str(args.out))
    n_pairs, n_matches = pairs.count(), spark.read.parquet(str(args.out)).count()
    print(f"{n_pairs:,} candidate pairs, {n_matches:,} matches in {time.perf_counter() - start:.1f} s -> {args.out}")

    test = args.data / "test.csv"
    if test.exists():  # precision / recall on the labelled test pairs (pairs blocking missed count as misses)
        gold = spark.read.csv(str(test), header=True).select(
            F.col("ltable_id").alias("left_id"), F.col("rtable_id").alias("right_id"), F.col("label").cast("int"))
        got = spark.read.parquet(str(args.out)).select("left_id", "right_id", F.lit(1).alias("pred"))
        joined = gold.join(got, ["left_id", "right_id"], "left").fillna(0, ["pred"])
        row = joined.agg(F.sum(F.col("label") * F.col("pred")).alias("tp"), F.sum("pred").alias("p"),
                         F.sum("label").alias("t")).collect()[0]
        precision = row.tp / row.p if row.p else 0.0
        recall = row.tp / row.t if row.t else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"test split: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    spark.stop()


if __name__ == "__main__":
    main()
