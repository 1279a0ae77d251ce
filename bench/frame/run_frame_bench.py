"""Frame benchmark (bench/frame/run.sh): onnxfn against pandas (+ rapidfuzz, scikit-learn) in one run,
everything pinned to one CPU core.

1. CSV read throughput: a generated ~100 MB CSV (ints, floats, bools, quoted strings with commas,
   quotes and newlines, UTF-8) read by onnxfn's reader (frame_csv_bench: read_csv into a Frame) and
   by pandas.read_csv (C engine), both from memory / page cache; MB/s = 10^6 bytes per second.
2. Product-matching features for 10,000 candidate pairs: bench/frame/pairs_bundle/pipeline.json run by
   `onnxfn features --time` (the pipeline time alone, not reading or writing) against the same
   features computed with pandas + rapidfuzz + scikit-learn's TfidfVectorizer (transform timed, fit
   not, as onnxfn's IDF table is fitted beforehand by `onnxfn fit`).

Prints MB/s, ms and ratios; --json FILE also writes them.
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# Data generation (deterministic; cached in the work folder)

WORDS = ("ultra slim wireless digital smart portable compact professional black silver white "
         "edition series pro plus mini max home office outdoor travel kit pack bundle new "
         "inch hd led lcd oled 4k stereo bluetooth usb rechargeable stainless steel").split()
BRANDS = ["Sony", "Samsung", "LG", "Canon", "Nikon", "Panasonic", "Philips", "Bose", "JBL", "Logitech",
          "Asus", "Acer", "Lenovo", "Dell", "HP", "Apple", "Garmin", "Olympus", "Toshiba", "Sharp",
          "Café Royal", "Müller", "Škoda Audio", "Électro"]
CATEGORIES = ["TV", "Camera", "Headphones", "Speaker", "Laptop", "Monitor", "Keyboard", "Mouse",
              "Router", "Printer", "Tablet", "Watch", "Projector", "Microphone", "Charger"]


def model_number(rng):
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rng.randint(1, 3)))
    digits = str(rng.randint(10, 99999))
    tail = rng.choice(["", "", "B", "X", "-BK", "/W"])
    sep = rng.choice(["", "-", ""])
    return letters + sep + digits + tail


def make_product(rng, pid):
    brand = rng.choice(BRANDS)
    cat = rng.choice(CATEGORIES)
    code = model_number(rng)
    extra = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
    title = f"{brand} {code} {extra} {cat}".strip()
    desc = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
    price = round(rng.uniform(5, 2500), 2)
    return {"id": pid, "title": title, "description": f"{desc}, {cat.lower()}", "brand": brand, "price": price,
            "code": code, "cat": cat}


def perturb_title(rng, p):
    """The same product as another shop lists it: reordered words, case, code spelling, typos."""
    words = p["title"].split()
    code = p["code"]
    words = [w for w in words if w != code]
    rng.shuffle(words)
    code_variant = rng.choice([code, code.replace("-", ""), code.lower(), code.replace("-", " ")])
    words.insert(rng.randint(0, len(words)), code_variant)
    title = " ".join(words)
    if rng.random() < 0.3:
        title = title.upper()
    if rng.random() < 0.4 and len(title) > 5:  # a typo
        i = rng.randrange(len(title) - 1)
        title = title[:i] + title[i + 1] + title[i] + title[i + 2:]
    return title


def generate_pairs(work: Path, n_pairs=10000, candidates=5, seed=7):
    """products.csv (the catalogue the IDF table is fitted on) and pairs.csv (candidate pairs with
    left_* / right_* columns: 2,000 left records x 5 candidates, one of them the same product)."""
    rng = random.Random(seed)
    n_left = n_pairs // candidates
    catalogue = [make_product(rng, i) for i in range(n_left * 3)]
    import csv

    with open(work / "products.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "brand", "description", "price"])
        for p in catalogue:
            w.writerow([p["id"], p["title"], p["brand"], p["description"], p["price"]])
    cols = ["pair_id", "left_title", "right_title", "left_description", "right_description", "left_brand",
            "right_brand", "left_price", "right_price"]
    with open(work / "pairs.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        pair_id = 0
        for i in range(n_left):
            left = catalogue[i]
            same_cat = [p for p in rng.sample(catalogue, 60) if p["id"] != left["id"]]
            for k in range(candidates):
                if k == 0:  # the true match, as another shop writes it
                    right = dict(left, title=perturb_title(rng, left),
                                 price=round(left["price"] * rng.uniform(0.9, 1.1), 2),
                                 brand=rng.choice([left["brand"], left["brand"].upper(), ""]),
                                 description=" ".join(left["description"].split()[::-1]))
                else:
                    right = same_cat[k]
                w.writerow([f"P{pair_id:06d}", left["title"], right["title"], left["description"],
                            right["description"], left["brand"], right["brand"] or None,
                            left["price"], right["price"] if rng.random() > 0.02 else None])
                pair_id += 1


def generate_csv(path: Path, target_bytes=100_000_000, seed=11):
    """A mixed-type CSV: int64, float64, bool, short and long strings, some quoted (commas,
    doubled quotes, line breaks), some UTF-8, some empty fields (nulls)."""
    rng = random.Random(seed)
    names = [make_product(rng, i) for i in range(5000)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,sku,price,quantity,in_stock,rating,title,brand,description\n")
        size = 0
        row = 0
        chunk = []
        while size < target_bytes:
            p = names[row % len(names)]
            desc = p["description"]
            r = rng.random()
            if r < 0.1:
                desc = '"' + desc.replace(",", ", and") + ', ""quoted"" part"'
            elif r < 0.12:
                desc = '"' + desc + '\nsecond line"'
            elif r < 0.5:
                desc = '"' + desc + '"'  # contains a comma: quoted
            else:
                desc = desc.replace(",", " -")  # no comma: plain field
            title = p["title"]
            if "," in title or '"' in title:
                title = '"' + title.replace('"', '""') + '"'
            line = (f"{row},{p['code']},{p['price'] * (1 + (row % 7) / 100):.2f},{row % 1000},"
                    f"{'true' if row % 3 else 'false'},{'' if row % 17 == 0 else round((row % 50) / 10, 1)},"
                    f"{title},{p['brand']},{desc}\n")
            chunk.append(line)
            size += len(line.encode("utf-8"))
            row += 1
            if len(chunk) == 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


# ---------------------------------------------------------------------------------------------
# The pandas + rapidfuzz implementation of bench/frame/pairs_bundle/pipeline.json

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
CODE_RE = re.compile(r"[a-z0-9]+(?:[-/.][a-z0-9]+)*")


def prepare(s):
    """What onnxfn's PreparedString does: case fold, NFKC, accent folding, whitespace collapsed."""
    if s is None or (isinstance(s, float) and s != s):
        return None
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return " ".join(unicodedata.normalize("NFKC", s).split())


def qgrams(s, q=3):
    p = "#" * (q - 1) + s + "$" * (q - 1)
    return {p[i:i + q] for i in range(len(p) - q + 1)} if s else set()


def codes(s):
    out = set()
    for m in CODE_RE.findall(s):
        c = re.sub(r"[-/.]", "", m)
        if any(ch.isalpha() for ch in c) and any(ch.isdigit() for ch in c):
            out.add(c)
    return out


def jaccard(a, b):
    if not a and not b:
        return 1.0
    u = len(a | b)
    return len(a & b) / u


def pandas_features(pairs, vectorizer):
    import numpy as np
    import pandas as pd
    from rapidfuzz.distance import JaroWinkler, Levenshtein

    out = pd.DataFrame({"pair_id": pairs["pair_id"]})
    lt = pairs["left_title"].map(prepare)
    rt = pairs["right_title"].map(prepare)
    ld = pairs["left_description"].map(prepare)
    rd = pairs["right_description"].map(prepare)
    lb = pairs["left_brand"].map(prepare)
    rb = pairs["right_brand"].map(prepare)
    lt_l, rt_l = lt.tolist(), rt.tolist()
    ltok = [set(TOKEN_RE.findall(s)) for s in lt_l]
    rtok = [set(TOKEN_RE.findall(s)) for s in rt_l]
    out["title_lev"] = [Levenshtein.normalized_similarity(a, b) for a, b in zip(lt_l, rt_l)]
    out["title_jw"] = [JaroWinkler.similarity(a, b) for a, b in zip(lt_l, rt_l)]
    out["title_tokens"] = [jaccard(a, b) for a, b in zip(ltok, rtok)]
    out["title_qgrams"] = [jaccard(qgrams(a), qgrams(b)) for a, b in zip(lt_l, rt_l)]
    # TF-IDF cosine: rows are l2-normalised, so the cosine is the row-wise dot product.
    lv = vectorizer.transform(lt_l)
    rv = vectorizer.transform(rt_l)
    out["title_tfidf"] = np.asarray(lv.multiply(rv).sum(axis=1)).ravel()

    def monge_elkan(a, b):
        if not a:
            return 1.0 if not b else 0.0
        if not b:
            return 0.0
        return sum(max(JaroWinkler.similarity(x, y) for y in b) for x in a) / len(a)

    ltl = [TOKEN_RE.findall(s) for s in lt_l]
    rtl = [TOKEN_RE.findall(s) for s in rt_l]
    out["title_me"] = [(monge_elkan(a, b) + monge_elkan(b, a)) / 2 for a, b in zip(ltl, rtl)]
    dtok_l = [set(TOKEN_RE.findall(s)) if s is not None else None for s in ld]
    dtok_r = [set(TOKEN_RE.findall(s)) if s is not None else None for s in rd]
    out["desc_cosine"] = [None if a is None or b is None else
                          (1.0 if not a and not b else (len(a & b) / (len(a) * len(b)) ** 0.5 if a and b else 0.0))
                          for a, b in zip(dtok_l, dtok_r)]
    out["brand_exact"] = np.where(lb.isna() | rb.isna(), np.nan, (lb == rb).astype(float))
    lc = [codes(s) for s in lt_l]
    rc = [codes(s) for s in rt_l]
    out["code_match"] = [len(a & b) / len(a | b) if (a or b) else 0.0 for a, b in zip(lc, rc)]
    out["code_conflict"] = [1.0 if a and b and not (a & b) else 0.0 for a, b in zip(lc, rc)]
    lp = pairs["left_price"].astype(float).to_numpy()
    rp = pairs["right_price"].astype(float).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        sim = 1 - np.abs(lp - rp) / np.maximum(np.abs(lp), np.abs(rp))
    out["price_sim"] = np.clip(np.where(lp == rp, 1.0, sim), 0, 1)
    return out


# ---------------------------------------------------------------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnxfn", required=True)
    ap.add_argument("--csv-bench", required=True)
    ap.add_argument("--work", required=True, help="folder for generated data (kept between runs)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--csv-mb", type=int, default=100)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    cpu = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {cpu})  # one core for everything below, children included
    os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"mixed_{args.csv_mb}mb.csv"
    if not csv_path.exists():
        print(f"generating {csv_path} ...", file=sys.stderr)
        generate_csv(csv_path, args.csv_mb * 1_000_000)
    if not (work / "pairs.csv").exists():
        print("generating products.csv and pairs.csv ...", file=sys.stderr)
        generate_pairs(work)
    results = {"cpu": cpu}

    # 1. CSV read throughput
    size = csv_path.stat().st_size
    csv_repeats = max(3, args.repeats // 2)
    o = json.loads(run([args.csv_bench, str(csv_path), str(csv_repeats)]).stdout)
    pd_times = []
    for _ in range(csv_repeats):
        t = time.perf_counter()
        df = pd.read_csv(csv_path)
        pd_times.append((time.perf_counter() - t) * 1000)
    assert len(df) == o["rows"], (len(df), o["rows"])
    results["csv"] = {"bytes": size, "rows": o["rows"], "onnxfn_ms": o["best_ms"], "pandas_ms": min(pd_times),
                      "onnxfn_mb_s": size / 1e6 / (o["best_ms"] / 1000), "pandas_mb_s": size / 1e6 / (min(pd_times) / 1000)}
    del df

    # 2. Product-matching features
    bundle = work / "pairs_bundle"
    shutil.rmtree(bundle, ignore_errors=True)
    bundle.mkdir()
    shutil.copy(HERE / "pairs_bundle" / "pipeline.json", bundle / "pipeline.json")
    shutil.copy(HERE / "pairs_bundle" / "metadata.json", bundle / "metadata.json")
    run([args.onnxfn, "fit", "--bundle", str(bundle), "--input", str(work / "products.csv")])
    feats_out = work / "features_onnxfn.csv"
    onnxfn_ms = []
    for _ in range(args.repeats):
        r = run([args.onnxfn, "features", "--bundle", str(bundle), "--input", str(work / "pairs.csv"), "--output",
                 str(feats_out), "--time"])
        m = re.search(r"features: (\d+) rows, pipeline ([0-9.]+) ms", r.stderr)
        assert m, r.stderr
        onnxfn_ms.append(float(m.group(2)))
        n_rows = int(m.group(1))
    pairs = pd.read_csv(work / "pairs.csv", dtype={"left_brand": "string", "right_brand": "string"}, keep_default_na=True)
    pairs = pairs.astype(object).where(pairs.notna(), None)
    products = pd.read_csv(work / "products.csv")
    vectorizer = TfidfVectorizer(token_pattern=r"(?u)[^\W_]+", preprocessor=lambda s: s, smooth_idf=True)
    vectorizer.fit([prepare(t + " ") for t in products["title"]])
    pandas_ms = []
    for _ in range(max(2, args.repeats // 2)):
        t = time.perf_counter()
        feats = pandas_features(pairs, vectorizer)
        pandas_ms.append((time.perf_counter() - t) * 1000)
    # Agreement check on the measures both define the same way.
    ours = pd.read_csv(feats_out)
    agree = {}
    for col in ["title_jw", "title_lev", "title_tokens", "title_qgrams", "title_tfidf", "price_sim", "code_conflict"]:
        diff = (ours[col].astype(float) - feats[col].astype(float)).abs()
        agree[col] = float((diff < 1e-6).mean())
    results["features"] = {"pairs": n_rows, "features": len(ours.columns) - 1, "onnxfn_ms": min(onnxfn_ms),
                           "onnxfn_median_ms": statistics.median(onnxfn_ms), "pandas_ms": min(pandas_ms),
                           "agreement": agree}

    c, f = results["csv"], results["features"]
    print(f"one core (cpu {cpu}); best of {csv_repeats} (CSV) / {args.repeats} (features) runs")
    print(f"CSV read, {c['bytes'] / 1e6:.1f} MB, {c['rows']} rows:")
    print(f"  onnxfn read_csv   {c['onnxfn_mb_s']:8.1f} MB/s  ({c['onnxfn_ms']:.0f} ms)")
    print(f"  pandas.read_csv   {c['pandas_mb_s']:8.1f} MB/s  ({c['pandas_ms']:.0f} ms)")
    print(f"  ratio             {c['onnxfn_mb_s'] / c['pandas_mb_s']:8.1f}x   (target: >= 200 MB/s)")
    print(f"Product-matching features, {f['pairs']} pairs x {f['features']} features:")
    print(f"  onnxfn features   {f['onnxfn_ms']:8.1f} ms   (median {f['onnxfn_median_ms']:.1f} ms)")
    print(f"  pandas+rapidfuzz  {f['pandas_ms']:8.1f} ms")
    print(f"  ratio             {f['pandas_ms'] / f['onnxfn_ms']:8.1f}x   (targets: < 25 ms, >= 10x)")
    print("  agreement with pandas (share of pairs within 1e-6): " +
          ", ".join(f"{k} {v:.3f}" for k, v in f["agreement"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
