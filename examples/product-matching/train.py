#!/usr/bin/env python3
"""Train a product-matching bundle on any benchmark in the entity-matching layout.

    python examples/product-matching/train.py --data DIR --out BUNDLE \
        --columns title=name,description=description,price=price [--onnxfn build/onnxfn]

DIR holds tableA.csv and tableB.csv (an `id` column plus text and number columns, the same
columns in both) and train.csv, valid.csv, test.csv (`ltable_id,rtable_id,label`). --columns maps
the canonical roles to the dataset's column names; roles a dataset lacks are left out:

    title        the product's name (required)
    description  long text
    brand        brand or manufacturer (`manufacturer=` is accepted as an alias)
    model        a model-number column
    category     a category column
    price        a number, or text such as "$1,299.00"

What it does, in order:
  1. writes BUNDLE/pipeline.json: the input schema (the pair-record columns left_<col>,
     right_<col>, left_id, right_id), the IDF state, every feature as an expression over the pair
     record (pipeline_spec(): the one place features are defined), the model input, the output
     (left_id, right_id, probability of class "1", label "match") and the blocking section;
  2. `onnxfn fit` on tableA + tableB (the IDF tables);
  3. gets the features of each split in-process from the onnxfn Python package when it is
     installed (`onnxfn.load(bundle).features(pair records)`), else from `onnxfn features --left
     tableA --right tableB --pairs SPLIT` (no feature code here either way; with an onnxfn that
     lacks the pair form, it writes the pair records itself by the same contract, columns prefixed
     left_ / right_, and uses --input);
  4. trains HistGradientBoosting, random-forest and extra-trees classifiers on train, each with
     the threshold that maximises validation F1, and keeps the best by validation F1;
  5. exports the winner with skl2onnx (default ZipMap output) and writes model.onnx,
     metadata.json (name, version, created, threshold, input schema, validation figures) and
     reference.json (100 test pair records with scikit-learn's own probabilities and labels, for
     `onnxfn verify`);
  6. scores the test split through the C++ path (`onnxfn predict --bundle` on the test pair
     records and `onnxfn evaluate`, which must agree; onnxfn's probabilities are checked against
     scikit-learn's) and prints precision, recall and F1 in percent; the last line is JSON with
     fractions 0..1, 4 decimals: {"precision": 0.9337, "recall": 0.8204, "f1": 0.8734}.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

# HistGradientBoosting's OpenMP threads spin while they wait: on a busy 2-core machine that made
# training 50 times slower than one thread. Set before numpy/scikit-learn load their runtimes;
# the forests use --jobs (joblib) instead.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

try:  # the onnxfn Python package, when installed: the features in-process (no process, no CSV round trip)
    import onnxfn as onnxfn_package  # noqa: E402
except ImportError:
    onnxfn_package = None

ROLES = ("title", "description", "brand", "model", "category", "price")
ROLE_ALIASES = {"name": "title", "manufacturer": "brand", "desc": "description"}
ROOT = pathlib.Path(__file__).resolve().parents[2]

# Variant words (regex alternatives -> one spelling), then the set that counts as variant words.
VARIANT_SYNONYMS = [
    ("macintosh|osx", "mac"), ("windows|pc", "win"), ("upg|upgr|upsell", "upgrade"), ("prof|pro", "professional"),
    ("std", "standard"), ("acad|edu|education|student|students|teacher", "academic"), ("dlx", "deluxe"),
    ("blk", "black"), ("wht", "white"), ("slvr|silvr", "silver"), ("grey", "gray"), ("wireless|wi fi|wifi", "wireless"),
]
VARIANT_WORDS = ("mac|win|linux|upgrade|full|academic|oem|retail|standard|professional|premium|deluxe|home|business|"
                 "enterprise|server|basic|plus|ultimate|platinum|gold|lite|express|family|personal|suite|"
                 "black|white|silver|red|blue|green|pink|gray|brown|purple|orange|yellow|wireless|refurbished")


# ------------------------------------------------------------------ the spec (every feature)

def pipeline_spec(columns: dict[str, str], id_column: str = "id", top_k: int = 20) -> dict:
    """The bundle's pipeline.json for a role -> source column mapping.

    Features are expressions over a pair record (left_<col>, right_<col>); each ends in
    coalesce(..., -1) so that a missing value reaches the model as -1 (a value every tree model
    can split on) rather than NaN.
    """
    L = {role: f"left_{col}" for role, col in columns.items()}
    R = {role: f"right_{col}" for role, col in columns.items()}
    has = columns.__contains__
    derive: dict[str, str] = {}   # helper columns
    features: dict[str, str] = {}  # model inputs, before the -1 fill

    def text(side: dict[str, str]) -> str:
        parts = [side["title"]] + [side[r] for r in ("brand", "model", "description") if has(r)]
        return "concat(" + ", ' ', ".join(parts) + ")" if len(parts) > 1 else side["title"]

    # Digit-only tokens ("2007", "9", "500"): a token with any non-digit character is dropped.
    def numbers(expr: str) -> str:
        return f"trim(regex_replace(clean({expr}), '\\S*[^0-9\\s]\\S*', ''))"

    def nonempty_pair(a: str, b: str, measure: str) -> str:
        return f"if(token_count({a}) == 0 or token_count({b}) == 0, null, {measure})"

    # Variant words: the same product line differs by platform, edition, licence or colour, and
    # listings abbreviate them. Each side's variant words, with synonyms mapped to one spelling.
    def variants(expr: str) -> str:
        s = f"clean({expr})"
        for pattern, word in VARIANT_SYNONYMS:
            s = f"regex_replace({s}, '\\b(?:{pattern})\\b', '{word}')"
        marked = f"regex_replace({s}, '\\b({VARIANT_WORDS})\\b', '#\\1')"
        # Tokens without the mark go; '#' is punctuation, so it is not part of the tokens left.
        return f"regex_replace({marked}, '(?:^|\\s)[^#\\s]\\S*', ' ')"

    for side, name in ((L, "l"), (R, "r")):
        derive[f"{name}_title"] = side["title"]
        derive[f"{name}_text"] = text(side)
        derive[f"{name}_nums"] = numbers(side["title"])
        derive[f"{name}_first"] = f"split_part(clean({side['title']}), ' ', 1)"
        derive[f"{name}_variants"] = variants(side["title"])
        if has("price"):
            derive[f"{name}_price"] = f"to_number({side['price']})"

    # ---- title
    features["title_tfidf"] = "tfidf_cosine(l_title, r_title, 'title_idf')"
    features["title_jw"] = "jaro_winkler(clean(l_title), clean(r_title))"
    features["title_lev"] = "lev_sim(l_title, r_title)"
    features["title_jaccard"] = "token_jaccard(l_title, r_title)"
    features["title_qgram"] = "qgram_jaccard(l_title, r_title)"
    features["title_cosine"] = "token_cosine(l_title, r_title)"
    features["title_me_lr"] = "monge_elkan(l_title, r_title)"
    features["title_me_rl"] = "monge_elkan(r_title, l_title)"
    features["title_tokens_l"] = "token_count(l_title)"
    features["title_tokens_r"] = "token_count(r_title)"
    features["title_len_ratio"] = "min(length(l_title), length(r_title)) / max(length(l_title), length(r_title))"
    features["first_token_same"] = "exact(l_first, r_first)"
    # ---- model numbers / codes in titles and in the whole text
    features["code_title_jaccard"] = "code_jaccard(l_title, r_title)"
    features["code_title_conflict"] = "code_conflict(l_title, r_title)"
    features["code_text_jaccard"] = "code_jaccard(l_text, r_text)"
    features["code_text_conflict"] = "code_conflict(l_text, r_text)"
    features["code_lt_rx"] = "code_jaccard(l_title, r_text)"
    features["code_lx_rt"] = "code_jaccard(l_text, r_title)"
    features["codes_l"] = "token_count(model_numbers(l_title))"
    features["codes_r"] = "token_count(model_numbers(r_title))"
    # ---- numbers (versions, sizes, capacities)
    features["numbers_jaccard"] = nonempty_pair("l_nums", "r_nums", "token_jaccard(l_nums, r_nums)")
    features["numbers_l"] = "token_count(l_nums)"
    features["numbers_r"] = "token_count(r_nums)"
    # Shared tokens from the Jaccard J and the counts: |A∩B| = J(|A| + |B|) / (1 + J) (counts with
    # repeats, so approximate); containment = shared / the smaller side.
    derive_shared = lambda a, b: f"token_jaccard({a}, {b}) * (token_count({a}) + token_count({b})) / (1 + token_jaccard({a}, {b}))"
    features["numbers_shared"] = derive_shared("l_nums", "r_nums")
    features["numbers_containment"] = nonempty_pair(
        "l_nums", "r_nums", f"({derive_shared('l_nums', 'r_nums')}) / min(token_count(l_nums), token_count(r_nums))")
    features["title_shared"] = derive_shared("l_title", "r_title")
    features["title_containment"] = f"({derive_shared('l_title', 'r_title')}) / min(token_count(l_title), token_count(r_title))"
    features["title_unshared_l"] = f"token_count(l_title) - ({derive_shared('l_title', 'r_title')})"
    features["title_unshared_r"] = f"token_count(r_title) - ({derive_shared('l_title', 'r_title')})"
    # ---- variant words
    features["variants_jaccard"] = nonempty_pair("l_variants", "r_variants", "token_jaccard(l_variants, r_variants)")
    features["variants_l"] = "token_count(l_variants)"
    features["variants_r"] = "token_count(r_variants)"
    features["variants_unshared_l"] = f"token_count(l_variants) - ({derive_shared('l_variants', 'r_variants')})"
    features["variants_unshared_r"] = f"token_count(r_variants) - ({derive_shared('l_variants', 'r_variants')})"
    # ---- whole text (title + brand + model + description)
    features["text_tfidf"] = "tfidf_cosine(l_text, r_text, 'text_idf')"
    features["text_jaccard"] = "token_jaccard(l_text, r_text)"
    features["title_in_text_lr"] = "monge_elkan(l_title, r_text)"
    features["title_in_text_rl"] = "monge_elkan(r_title, l_text)"
    if has("description"):
        ld, rd = L["description"], R["description"]
        features["desc_tfidf"] = f"tfidf_cosine({ld}, {rd}, 'text_idf')"
        features["desc_missing"] = f"to_float(is_null({ld})) + to_float(is_null({rd}))"
    if has("brand"):
        lb, rb = L["brand"], R["brand"]
        features["brand_exact"] = f"exact({lb}, {rb})"
        features["brand_jw"] = f"jaro_winkler(clean({lb}), clean({rb}))"
        features["brand_in_title_lr"] = f"monge_elkan({lb}, r_title)"
        features["brand_in_title_rl"] = f"monge_elkan({rb}, l_title)"
        features["brand_missing"] = f"to_float(is_null({lb})) + to_float(is_null({rb}))"
    if has("model"):
        lm, rm = L["model"], R["model"]
        features["model_exact"] = f"exact(model_numbers({lm}), model_numbers({rm}))"
        features["model_jw"] = f"jaro_winkler(clean({lm}), clean({rm}))"
        features["model_in_text_lr"] = f"code_jaccard({lm}, r_text)"
        features["model_in_text_rl"] = f"code_jaccard({rm}, l_text)"
    if has("category"):
        lc, rc = L["category"], R["category"]
        features["category_jaccard"] = f"token_jaccard({lc}, {rc})"
    if has("price"):
        features["price_sim"] = "num_sim(l_price, r_price)"
        features["price_log_ratio"] = "abs(log(l_price) - log(r_price))"
        features["price_missing"] = "to_float(is_null(l_price)) + to_float(is_null(r_price))"

    input_columns = {"left_id": "string", "right_id": "string"}
    for side in ("left", "right"):
        for role, col in columns.items():
            input_columns[f"{side}_{col}"] = "string"
    filled = {f"f_{name}": f"coalesce(to_float({name}), -1.0)" for name in features}
    blocking_text = "concat(" + ", ' ', ".join(
        [columns["title"]] + [f"coalesce({columns[r]}, '')" for r in ("brand", "model") if has(r)]) + ")" \
        if any(has(r) for r in ("brand", "model")) else columns["title"]
    text_fit = "concat(" + ", ' ', ".join(
        [columns["title"]] + [f"coalesce({columns[r]}, '')" for r in ("brand", "model", "description") if has(r)]) + ")" \
        if any(has(r) for r in ("brand", "model", "description")) else columns["title"]
    return {
        "schema": "onnxfn.pipeline/1",
        "description": "Product matching: is a pair of listings (left_*, right_*) the same product? "
                       "Generated by examples/product-matching/train.py for columns " +
                       ", ".join(f"{r}={c}" for r, c in columns.items()),
        "input": {"columns": input_columns},
        "state": {
            "title_idf": {"kind": "idf", "file": "state/title_idf.tsv", "fit": blocking_text},
            "text_idf": {"kind": "idf", "file": "state/text_idf.tsv", "fit": text_fit},
        },
        "steps": [{"derive": derive}, {"derive": features}, {"derive": filled}],
        "model_inputs": [{"name": "X", "dtype": "float32", "columns": list(filled)}],
        "output": {
            "carry": ["left_id", "right_id"],
            "probability": {"output": "output_probability", "class": "1", "column": "probability"},
            "label": {"column": "match"},
        },
        "blocking": {"left_id": id_column, "right_id": id_column, "text": blocking_text, "top_k": top_k,
                     "idf": "title_idf", "left_prefix": "left_", "right_prefix": "right_"},
    }


# ------------------------------------------------------------------ data preparation

def read_table(path: pathlib.Path, id_column: str, columns: list[str]) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in [id_column] + columns if c not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"{path}: no column(s) {', '.join(missing)} (it has {', '.join(reader.fieldnames or [])})")
        return {row[id_column]: {c: row[c] for c in columns} for row in reader}


def read_pairs(path: pathlib.Path) -> list[tuple[str, str, int]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["ltable_id"], r["rtable_id"], int(r["label"])) for r in csv.DictReader(f)]


def write_pair_records(path: pathlib.Path, pairs, left, right, columns: list[str]) -> None:
    """The pair-record contract: left_id, right_id, then left_<col> and right_<col> for each column."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["left_id", "right_id"] + [f"left_{c}" for c in columns] + [f"right_{c}" for c in columns])
        for lid, rid, _ in pairs:
            w.writerow([lid, rid] + [left[lid][c] for c in columns] + [right[rid][c] for c in columns])


def write_reference_set(bundle: pathlib.Path, model, X: np.ndarray, pairs, left, right, columns: list[str], n: int = 100) -> None:
    """BUNDLE/reference.json: the first N test pair records and the scikit-learn model's own answers
    for them (predict_proba's positive column, predict's labels), which `onnxfn verify` and
    `onnxfn package` recompute through the bundle. Empty CSV fields are nulls, as onnxfn reads them."""
    records = []
    for lid, rid, _ in pairs[:n]:
        record = {"left_id": lid, "right_id": rid}
        for side, table, key in (("left", left, lid), ("right", right, rid)):
            for c in columns:
                record[f"{side}_{c}"] = table[key][c] if table[key][c] != "" else None
        records.append(record)
    import sklearn
    reference = {
        "schema": "onnxfn.reference/1",
        "source": f"scikit-learn {sklearn.__version__}: predict_proba(X)[:, 1] and predict(X) on the first {len(records)} test pairs",
        "tolerance": 1e-5,
        "records": records,
        "probability": [float(v) for v in model.predict_proba(X[: len(records)])[:, 1]],
        "label": [int(v) for v in model.predict(X[: len(records)])],
    }
    (bundle / "reference.json").write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        sys.exit(f"command failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr.strip()}")
    return res


def features(onnxfn: str, bundle: pathlib.Path, source: list[str], out: pathlib.Path, names: list[str]):
    """The feature table from `onnxfn features` (source: --input RECORDS or --left/--right/--pairs)."""
    run([onnxfn, "features", "--bundle", str(bundle), *source, "--output", str(out)])
    with open(out, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        idx = [header.index(n) for n in names]
        rows = [(r[0], r[1], [float(r[i]) for i in idx]) for r in reader]
    ids = [(a, b) for a, b, _ in rows]
    return ids, np.array([x for _, _, x in rows], dtype=np.float32).reshape(len(rows), len(names))


def pair_record_columns(pairs, left, right, columns: list[str]) -> dict[str, list]:
    """The pair-record contract as columns (write_pair_records' layout); empty fields are nulls, as
    onnxfn reads them from CSV."""
    records = {"left_id": [a for a, _, _ in pairs], "right_id": [b for _, b, _ in pairs]}
    for side, table, at in (("left", left, 0), ("right", right, 1)):
        for c in columns:
            records[f"{side}_{c}"] = [table[p[at]][c] or None for p in pairs]
    return records


def features_in_process(bundle: pathlib.Path, pairs, left, right, columns: list[str], names: list[str]):
    """The feature table through the Python package: what `onnxfn features` gives, without a process."""
    table = onnxfn_package.load(bundle, require_model=False).features(pair_record_columns(pairs, left, right, columns))
    ids = list(zip(table["left_id"].tolist(), table["right_id"].tolist()))
    return ids, np.column_stack([np.asarray(table[n], dtype=np.float32) for n in names]).reshape(len(ids), len(names))


# ------------------------------------------------------------------ training

def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(y: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
    """The threshold maximising F1, placed midway between two distinct probabilities so that
    float rounding in another runtime cannot move a pair across it."""
    values = np.unique(prob)
    cuts = np.concatenate([[values[0] / 2], (values[:-1] + values[1:]) / 2]) if len(values) > 1 else values
    best = (0.5, -1.0)
    for t in cuts:
        f1 = prf(y, (prob >= t).astype(int))[2]
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best


def candidates(seed: int, jobs: int, compact: bool):
    """The models tried, each trained on train and judged by its best validation F1."""
    from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier
    if compact:  # a bundle of ~100-200 KB, for committing
        yield ("hist_gradient_boosting(learning_rate=0.1, max_leaf_nodes=15, max_iter=100)",
               HistGradientBoostingClassifier(learning_rate=0.1, max_leaf_nodes=15, max_iter=100, l2_regularization=1.0,
                                              early_stopping=False, random_state=seed))
        yield ("random_forest(n_estimators=60, max_depth=10)",
               RandomForestClassifier(n_estimators=60, max_depth=10, max_features="sqrt", class_weight="balanced_subsample",
                                      n_jobs=jobs, random_state=seed))
        return
    for lr, leaves in ((0.05, 15), (0.1, 31), (0.05, 63)):
        yield (f"hist_gradient_boosting(learning_rate={lr}, max_leaf_nodes={leaves}, max_iter=300)",
               HistGradientBoostingClassifier(learning_rate=lr, max_leaf_nodes=leaves, max_iter=300, l2_regularization=1.0,
                                              early_stopping=False, random_state=seed))
    for depth in (None, 16):
        yield (f"random_forest(n_estimators=300, max_depth={depth})",
               RandomForestClassifier(n_estimators=300, max_depth=depth, max_features="sqrt",
                                      class_weight="balanced_subsample", n_jobs=jobs, random_state=seed))
    yield ("extra_trees(n_estimators=300)",
           ExtraTreesClassifier(n_estimators=300, max_features="sqrt", class_weight="balanced_subsample", n_jobs=jobs,
                                random_state=seed))


def export_onnx(model, n_features: int, path: pathlib.Path) -> None:
    sys.path.insert(0, str(ROOT / "tools" / "zoo"))
    import zoo_compat  # skl2onnx 1.20 + protobuf 7: HistGradientBoosting's bool attributes (see there)
    zoo_compat.install()
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    onx = to_onnx(model, initial_types=[("X", FloatTensorType([None, n_features]))], target_opset={"": 17, "ai.onnx.ml": 3})
    path.write_bytes(onx.SerializeToString())


def supports(onnxfn: str, command: str, option: str) -> bool:
    """Whether this onnxfn build has `command ... option` (the pair forms arrived after train.py)."""
    res = subprocess.run([onnxfn, command, "--help"], capture_output=True, text=True)
    return res.returncode == 0 and option in res.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__[__doc__.index("DIR holds"):], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=pathlib.Path, help="benchmark folder (tableA/B, train/valid/test.csv)")
    ap.add_argument("--out", required=True, type=pathlib.Path, help="bundle folder to write (replaced)")
    ap.add_argument("--columns", required=True, help="role=column,... e.g. title=name,description=description,price=price")
    ap.add_argument("--id", default="id", help="id column of tableA/tableB (default id)")
    ap.add_argument("--onnxfn", default=str(ROOT / "build" / "onnxfn"), help="the onnxfn binary (default build/onnxfn)")
    ap.add_argument("--name", default=None, help="bundle name in metadata.json (default: product-matching-<data folder>)")
    ap.add_argument("--top-k", type=int, default=20, help="blocking candidates per left record in the spec (default 20)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="scikit-learn n_jobs for the forests (default 2)")
    ap.add_argument("--compact", action="store_true", help="two small models only: a bundle of ~100-200 KB, trained in seconds")
    args = ap.parse_args()
    started = time.time()

    columns: dict[str, str] = {}
    for item in filter(None, args.columns.split(",")):
        role, _, col = item.partition("=")
        role = ROLE_ALIASES.get(role.strip(), role.strip())
        if role not in ROLES or not col:
            sys.exit(f"--columns: '{item}' is not role=column with a role in {', '.join(ROLES)}")
        columns[role] = col.strip()
    if "title" not in columns:
        sys.exit("--columns: a title column is required (title=<column>)")
    if not os.path.exists(args.onnxfn):
        sys.exit(f"onnxfn binary not found at {args.onnxfn}: build it or pass --onnxfn")

    source_columns = list(dict.fromkeys(columns.values()))
    table_a, table_b = args.data / "tableA.csv", args.data / "tableB.csv"
    left = read_table(table_a, args.id, source_columns)
    right = read_table(table_b, args.id, source_columns)
    splits = {name: read_pairs(args.data / f"{name}.csv") for name in ("train", "valid", "test")}
    pair_form = supports(args.onnxfn, "features", "--pairs")
    has_evaluate = supports(args.onnxfn, "evaluate", "--pairs")

    bundle = args.out
    if bundle.exists():
        shutil.rmtree(bundle)
    (bundle / "state").mkdir(parents=True)
    spec = pipeline_spec(columns, args.id, args.top_k)
    (bundle / "pipeline.json").write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    feature_names = spec["model_inputs"][0]["columns"]

    timings = {}
    with tempfile.TemporaryDirectory(prefix="pm-train-") as tmp_name:
        tmp = pathlib.Path(tmp_name)
        # IDF tables on both catalogs (the products, not the pairs; no labels involved).
        products = tmp / "products.csv"
        with open(products, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([args.id] + source_columns)
            for table in (left, right):
                for key, row in table.items():
                    w.writerow([key] + [row[c] for c in source_columns])
        t0 = time.time()
        run([args.onnxfn, "fit", "--bundle", str(bundle), "--input", str(products)])
        timings["fit"] = time.time() - t0

        t0 = time.time()
        X, y = {}, {}
        for name, pairs in splits.items():
            # The pair records, as the contract builds them, also feed the C++ cross-check below.
            records = tmp / f"{name}_pairs.csv"
            write_pair_records(records, pairs, left, right, source_columns)
            source = (["--left", str(table_a), "--right", str(table_b), "--pairs", str(args.data / f"{name}.csv")]
                      if pair_form else ["--input", str(records)])
            if onnxfn_package is not None:
                ids, X[name] = features_in_process(bundle, pairs, left, right, source_columns, feature_names)
            else:
                ids, X[name] = features(args.onnxfn, bundle, source, tmp / f"{name}_features.csv", feature_names)
            if ids != [(a, b) for a, b, _ in pairs]:
                sys.exit(f"onnxfn features returned rows out of step with {name}.csv")
            y[name] = np.array([lab for _, _, lab in pairs], dtype=np.int64)
        timings["features"] = time.time() - t0
        how_features = ("onnxfn.features (the Python package)" if onnxfn_package is not None else
                        "onnxfn features --left/--right/--pairs" if pair_form else "onnxfn features on pair records")
        print(f"features ({how_features}): "
              f"{len(feature_names)} per pair; train {len(y['train'])} pairs ({y['train'].sum()} matches), "
              f"valid {len(y['valid'])}, test {len(y['test'])}; {timings['features']:.1f} s")

        t0 = time.time()
        best = None
        for label, model in candidates(args.seed, args.jobs, args.compact):
            model.fit(X["train"], y["train"])
            prob = model.predict_proba(X["valid"])[:, 1]
            threshold, f1 = best_threshold(y["valid"], prob)
            print(f"  {label}: valid F1 {100 * f1:.2f} at threshold {threshold:.4f}", flush=True)
            if best is None or f1 > best[3]:
                best = (label, model, threshold, f1)
        label, model, threshold, valid_f1 = best
        timings["train"] = time.time() - t0
        print(f"chosen: {label} (valid F1 {100 * valid_f1:.2f}, threshold {threshold:.4f}); training {timings['train']:.1f} s")

        export_onnx(model, len(feature_names), bundle / "model.onnx")
        metadata = {
            "name": args.name or f"product-matching-{args.data.name}",
            "version": "1",
            "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "threshold": threshold,
            "input_schema": spec["input"]["columns"],
            "columns": columns,
            "model": label,
            "features": feature_names,
            "valid_f1": round(valid_f1, 4),
            "trained_on": {"pairs": int(len(y["train"])), "matches": int(y["train"].sum())},
        }
        (bundle / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        write_reference_set(bundle, model, X["test"], splits["test"], left, right, source_columns)

        # The test figures come from the C++ path: the bundle scores the raw pairs.
        t0 = time.time()
        scored = tmp / "test_scored.csv"
        run([args.onnxfn, "predict", "--bundle", str(bundle), "--input", str(tmp / "test_pairs.csv"), "--output", str(scored)])
        with open(scored, newline="", encoding="utf-8") as f:
            out = list(csv.DictReader(f))
        if [(r["left_id"], r["right_id"]) for r in out] != [(a, b) for a, b, _ in splits["test"]]:
            sys.exit("onnxfn predict returned rows out of step with test.csv")
        pred = np.array([1 if r["match"] in ("true", "1") else 0 for r in out])
        prob_cpp = np.array([float(r["probability"]) for r in out])
        drift = float(np.max(np.abs(prob_cpp - model.predict_proba(X["test"])[:, 1]))) if len(out) else 0.0
        figures = dict(zip(("precision", "recall", "f1"), (round(v, 4) for v in prf(y["test"], pred))))
        how = "onnxfn predict --bundle on the test pair records"
        if has_evaluate:
            res = run([args.onnxfn, "evaluate", "--bundle", str(bundle), "--left", str(table_a), "--right", str(table_b),
                       "--pairs", str(args.data / "test.csv")])
            evaluated = json.loads(res.stdout.strip().splitlines()[-1])
            if evaluated != figures:
                sys.exit(f"onnxfn evaluate {evaluated} disagrees with onnxfn predict {figures}")
            how = "onnxfn evaluate --bundle --left --right --pairs test.csv"
        timings["score_test"] = time.time() - t0
    p, r, f1 = figures["precision"], figures["recall"], figures["f1"]
    print(f"test ({how}; {len(out)} pairs, threshold {threshold:.4f}; max |p_onnxfn - p_sklearn| = {drift:.1e}):")
    print(f"  precision {100 * p:.2f}  recall {100 * r:.2f}  F1 {100 * f1:.2f}  (percent)")
    print(f"bundle: {bundle} ({sum(f.stat().st_size for f in bundle.rglob('*') if f.is_file()) / 1024:.0f} KiB); "
          f"total {time.time() - started:.1f} s (fit {timings['fit']:.1f}, features {timings['features']:.1f}, "
          f"train {timings['train']:.1f}, export + test {timings['score_test']:.1f})")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
