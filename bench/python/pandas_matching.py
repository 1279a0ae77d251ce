#!/usr/bin/env python3
"""The product-matching bundle's 48 features and model, written the way a data engineer would
without onnxfn: pandas for columns, `re` for the regexes, rapidfuzz for string similarity,
scikit-learn for TF-IDF and the model. It is the peer of issue 19's benchmark ("the bundle,
features + model, >= 10x a pandas + rapidfuzz + scikit-learn implementation") and, with --check,
a test that this port still computes what examples/product-matching/bundle/pipeline.json does.

    pandas_matching.py --check [--rows 300 | --pairs PAIRS.csv] [--onnxfn build/onnxfn]
        generates pairs (or reads them), compares every feature with `onnxfn features --bundle`; exits 1 when one
        differs by more than its tolerance (TOLERANCE below), 0 otherwise
    pandas_matching.py --bench [--rows 10000 100000] [--onnxfn build/onnxfn]
        times this implementation (features + predict_proba) against `onnxfn predict --bundle
        --threads 1` on the same pairs, one core each

Needs numpy, pandas, scikit-learn, scipy and rapidfuzz (pinned in tools/requirements.txt).
Text rules follow docs/pipeline-spec.md ("Functions", "Text preparation"); where Python's Unicode
tables can differ from onnxfn's (non-ASCII edge cases the generated catalogs do not contain) it
says so beside the code.
"""
from __future__ import annotations

import argparse
import functools
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import normalize

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "examples" / "product-matching" / "bundle"
SIDES = ("title", "description", "brand", "price")

# Every feature agrees with onnxfn to this (absolute; onnxfn writes doubles with 17 digits).
TOLERANCE = 1e-9


# ---- Unicode character classes (built once from Python's tables) ----

def _ranges(flags: list[bool]) -> str:
    """A regex character class body of the code points whose flag is set, as ranges."""
    out, cp, n = [], 0, len(flags)
    while cp < n:
        if not flags[cp]:
            cp += 1
            continue
        start = cp
        while cp + 1 < n and flags[cp + 1]:
            cp += 1
        out.append("\\U%08x" % start if start == cp else "\\U%08x-\\U%08x" % (start, cp))
        cp += 1
    return "".join(out)


def _ideographic(cp: int) -> bool:  # Hiragana and Han: each one a token of its own
    return (0x3040 <= cp <= 0x309F or 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x323AF)


@functools.cache
def unicode_patterns():
    """Word tokens, punctuation (P*) and nonspacing marks (Mn) from Python's Unicode tables; built
    on the first non-ASCII value (a few seconds), ASCII text never needs them."""
    cats = [unicodedata.category(chr(cp)) if not 0xD800 <= cp <= 0xDFFF else "Cs" for cp in range(0x110000)]
    ideo = [_ideographic(cp) for cp in range(0x110000)]
    word = [c[0] in "LNM" and not i for c, i in zip(cats, ideo)]
    return (re.compile(f"[{_ranges(ideo)}]|[{_ranges(word)}]+"), re.compile(f"[{_ranges([c[0] == 'P' for c in cats])}]"),
            re.compile(f"[{_ranges([c == 'Mn' for c in cats])}]+"))


ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+", re.I)
ASCII_PUNCT_RE = re.compile(r"""[!"#%&'()*,\-./:;?@\[\\\]_{}]""")
CODE_RE = re.compile(r"[a-z0-9]+(?:[-/.\u2010][a-z0-9]+)*")
HAS_LETTER, HAS_DIGIT = re.compile(r"[a-z]"), re.compile(r"[0-9]")
# White_Space; Python's str.split() also splits on U+001C..U+001F, which are not White_Space.
WS_RE = re.compile(r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def fold(s: str) -> str:
    """Case folding, NFKC, accents dropped (decompose, remove Mn, recompose)."""
    if s.isascii():
        return s.lower()
    s = unicodedata.normalize("NFKD", s.casefold())
    return unicodedata.normalize("NFC", unicode_patterns()[2].sub("", s))


def prepare(s: str) -> str:
    """The text every similarity compares: folded, white space collapsed."""
    return WS_RE.sub(" ", fold(s)).strip(" ")


def clean(s: str) -> str:
    """clean(): folded, punctuation (P*) to spaces, white space collapsed."""
    f = fold(s)
    f = ASCII_PUNCT_RE.sub(" ", f) if f.isascii() else unicode_patterns()[1].sub(" ", f)
    return WS_RE.sub(" ", f).strip(" ")


def tokens(s: str) -> list[str]:
    return ASCII_TOKEN_RE.findall(s) if s.isascii() else unicode_patterns()[0].findall(s)


def model_numbers(folded: str) -> frozenset:
    """Runs of ASCII letters and digits joined by - / . (dropped), kept when they mix both."""
    out = set()
    for run in CODE_RE.findall(folded):
        if HAS_LETTER.search(run) and HAS_DIGIT.search(run):
            out.add(re.sub(r"[-/.\u2010]", "", run))
    return frozenset(out)


# The variant words of the titles (pipeline.json's l_variants), applied in order.
VARIANT_RULES = [(re.compile(p, re.ASCII), r) for p, r in [
    (r"\b(?:macintosh|osx)\b", "mac"), (r"\b(?:windows|pc)\b", "win"), (r"\b(?:upg|upgr|upsell)\b", "upgrade"),
    (r"\b(?:prof|pro)\b", "professional"), (r"\b(?:std)\b", "standard"),
    (r"\b(?:acad|edu|education|student|students|teacher)\b", "academic"), (r"\b(?:dlx)\b", "deluxe"),
    (r"\b(?:blk)\b", "black"), (r"\b(?:wht)\b", "white"), (r"\b(?:slvr|silvr)\b", "silver"),
    (r"\b(?:grey)\b", "gray"), (r"\b(?:wireless|wi fi|wifi)\b", "wireless"),
    (r"\b(mac|win|linux|upgrade|full|academic|oem|retail|standard|professional|premium|deluxe|home|business|"
     r"enterprise|server|basic|plus|ultimate|platinum|gold|lite|express|family|personal|suite|black|white|silver|"
     r"red|blue|green|pink|gray|brown|purple|orange|yellow|wireless|refurbished)\b", r"#\1"),
    (r"(?:^|\s)[^#\s]\S*", " ")]]
# RE2's \s is [\t\n\f\r ] and \b ASCII: re.ASCII gives the same on clean() output (no \v left).
NON_NUMBER_WORD = re.compile(r"\S*[^0-9\s]\S*", re.ASCII)


def variants(cleaned: str) -> str:
    for pattern, repl in VARIANT_RULES:
        cleaned = pattern.sub(repl, cleaned)
    return cleaned


# ---- Per distinct value: text prepared once, as onnxfn does ----

# Whether text is prepared once per distinct value (pd.factorize), as onnxfn does and as one would
# on candidate pairs, where each listing meets ~20 candidates; --per-row turns it off for contrast.
DISTINCT = True


def distinct(column: pd.Series):
    """(codes, values): row i holds values[codes[i]], -1 for null."""
    if DISTINCT:
        return pd.factorize(column, use_na_sentinel=True)
    null = column.isna().to_numpy()
    return np.where(null, -1, np.cumsum(~null) - 1), column[~null].to_numpy(object)


class Prepared:
    """A string column's distinct values, prepared once: codes[i] is row i's value (-1: null)."""

    def __init__(self, column: pd.Series, qgrams: bool = False):
        codes, uniques = distinct(column)
        self.codes = codes
        self.text = [prepare(u) for u in uniques]
        self.tokens = [tokens(t) for t in self.text]
        self.token_set = [frozenset(t) for t in self.tokens]
        self.model_numbers = [model_numbers(fold(u)) for u in uniques]
        self.qgrams = [frozenset(qgram_list(t)) for t in self.text] if qgrams else None

    def take(self, values: list):
        """values (one per distinct value) for every row; None for null rows."""
        values = values + [None]  # code -1 takes the last
        return [values[c] for c in self.codes]


def qgram_list(text: str) -> list[str]:
    if not text:
        return []
    padded = "##" + text + "$$"
    return [padded[i:i + 3] for i in range(len(padded) - 2)]


def pairwise(a: Prepared, b: Prepared, attr: str, fn) -> np.ndarray:
    """fn(a's value, b's value) per row; NaN where either side is null."""
    va, vb = a.take(getattr(a, attr)), b.take(getattr(b, attr))
    return np.array([math.nan if x is None or y is None else fn(x, y) for x, y in zip(va, vb)], dtype=np.float64)


def set_jaccard(x, y) -> float:
    if not x and not y:
        return 1.0
    common = len(x & y)
    return common / (len(x) + len(y) - common)


def set_cosine(x, y) -> float:
    if not x and not y:
        return 1.0
    if not x or not y:
        return 0.0
    return min(1.0, len(x & y) / math.sqrt(len(x) * len(y)))


def code_jaccard(x, y) -> float:
    union = len(x | y)
    return 0.0 if union == 0 else len(x & y) / union


def code_conflict(x, y) -> float:
    return 1.0 if x and y and not (x & y) else 0.0


def monge_elkan(x: list[str], y: list[str]) -> float:
    """Mean over x's tokens of the best Jaro-Winkler against y's: rapidfuzz's cdist of the two lists."""
    if not x and not y:
        return 1.0
    if not x or not y:
        return 0.0
    # (A Python sum of the row maxima: numpy's mean costs more than cdist on a few tokens.)
    return sum(process.cdist(x, y, scorer=JaroWinkler.similarity, dtype=np.float64).max(axis=1).tolist()) / len(x)


def string_similarity(scorer, a: pd.Series, b: pd.Series) -> np.ndarray:
    """rapidfuzz's element-wise scorer over two columns of prepared text; NaN where either is null."""
    null = (a.isna() | b.isna()).to_numpy()
    out = process.cpdist(a.fillna("").tolist(), b.fillna("").tolist(), scorer=scorer, dtype=np.float64)
    out[null] = np.nan
    return out


def prepared_series(column: pd.Series, fn=prepare) -> pd.Series:
    """fn over the distinct values of a column, nulls kept."""
    codes, uniques = distinct(column)
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=column.index)


# ---- TF-IDF cosine with the bundle's fitted IDF tables ----

class IdfTable:
    def __init__(self, path: pathlib.Path):
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines[0] != "onnxfn-idf-table 1" or not lines[1].startswith("documents "):
            raise ValueError(f"{path}: not an onnxfn IDF table")
        self.n = int(lines[1].split()[1])
        self.df = {tok: int(df) for df, tok in (ln.split("\t", 1) for ln in lines[2:] if ln)}

    def idf(self, token: str) -> float:  # scikit-learn's smooth idf; unseen tokens df = 0
        return math.log((1 + self.n) / (1 + self.df.get(token, 0))) + 1.0


def tfidf_matrices(left: Prepared, right: Prepared, table: IdfTable):
    """L2-normalised TF-IDF rows of both sides' distinct values over one vocabulary (sparse)."""
    vocab: dict[str, int] = {}
    mats = []
    for side in (left, right):
        rows, cols, vals = [], [], []
        for i, toks in enumerate(side.tokens):
            for tok, count in Counter(toks).items():
                rows.append(i)
                cols.append(vocab.setdefault(tok, len(vocab)))
                vals.append(float(count))
        mats.append((rows, cols, vals, len(side.tokens)))
    idf = np.array([table.idf(t) for t in vocab], dtype=np.float64)
    out = []
    for rows, cols, vals, n in mats:
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))
        out.append(normalize(m.multiply(idf[np.newaxis, :]).tocsr()))
    return out


def tfidf_cosine(left: Prepared, right: Prepared, table: IdfTable) -> np.ndarray:
    ml, mr = tfidf_matrices(left, right, table)
    li, ri = left.codes, right.codes
    null = (li < 0) | (ri < 0)
    li, ri = np.where(null, 0, li), np.where(null, 0, ri)
    dot = np.asarray(ml[li].multiply(mr[ri]).sum(axis=1)).ravel()
    nl = np.array([len(t) for t in left.tokens] + [0])[left.codes]
    nr = np.array([len(t) for t in right.tokens] + [0])[right.codes]
    out = np.minimum(dot, 1.0)
    out[(nl == 0) & (nr == 0)] = 1.0
    out[null] = np.nan
    return out


# ---- The 48 features ----

def shared(jac: np.ndarray, na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """|A ∩ B| recovered from the Jaccard and the token counts, as pipeline.json writes it."""
    return jac * (na + nb) / (1 + jac)


def div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, null (NaN) where b is 0: the pipeline's division."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, np.nan, a / np.where(b == 0, 1, b))


def token_count(column: pd.Series) -> np.ndarray:
    """Word tokens of the raw text (token_count() does not fold), NaN for null."""
    return prepared_series(column, lambda s: len(tokens(s))).astype(np.float64).to_numpy()


def features(df: pd.DataFrame, idf: dict[str, IdfTable]) -> pd.DataFrame:
    lt, rt = df["left_title"], df["right_title"]
    ld, rd = df["left_description"], df["right_description"]
    lb, rb = df["left_brand"], df["right_brand"]
    # concat() skips nulls: the empty string does the same.
    l_text = lt.fillna("") + " " + lb.fillna("") + " " + ld.fillna("")
    r_text = rt.fillna("") + " " + rb.fillna("") + " " + rd.fillna("")
    l_clean, r_clean = prepared_series(lt, clean), prepared_series(rt, clean)
    nums = lambda c: c.str.replace(NON_NUMBER_WORD, "", regex=True).str.strip()  # noqa: E731
    l_nums, r_nums = nums(l_clean), nums(r_clean)
    l_first, r_first = l_clean.str.split(" ").str[0], r_clean.str.split(" ").str[0]
    l_var, r_var = prepared_series(l_clean, variants), prepared_series(r_clean, variants)
    l_price = pd.to_numeric(df["left_price"].str.replace(r"[^0-9.eE-]", "", regex=True), errors="coerce").to_numpy(np.float64)
    r_price = pd.to_numeric(df["right_price"].str.replace(r"[^0-9.eE-]", "", regex=True), errors="coerce").to_numpy(np.float64)

    P = {name: Prepared(col, qgrams=name.endswith("title")) for name, col in (
        ("l_title", lt), ("r_title", rt), ("l_text", l_text), ("r_text", r_text), ("l_desc", ld), ("r_desc", rd),
        ("l_brand", lb), ("r_brand", rb), ("l_nums", l_nums), ("r_nums", r_nums), ("l_var", l_var), ("r_var", r_var))}
    f: dict[str, np.ndarray] = {}
    f["title_tfidf"] = tfidf_cosine(P["l_title"], P["r_title"], idf["title_idf"])
    f["title_jw"] = string_similarity(JaroWinkler.normalized_similarity, l_clean, r_clean)
    f["title_lev"] = string_similarity(Levenshtein.normalized_similarity, prepared_series(lt), prepared_series(rt))
    f["title_jaccard"] = pairwise(P["l_title"], P["r_title"], "token_set", set_jaccard)
    f["title_qgram"] = pairwise(P["l_title"], P["r_title"], "qgrams", set_jaccard)
    f["title_cosine"] = pairwise(P["l_title"], P["r_title"], "token_set", set_cosine)
    f["title_me_lr"] = pairwise(P["l_title"], P["r_title"], "tokens", monge_elkan)
    f["title_me_rl"] = pairwise(P["r_title"], P["l_title"], "tokens", monge_elkan)
    tl, tr = token_count(lt), token_count(rt)
    f["title_tokens_l"], f["title_tokens_r"] = tl, tr
    len_l, len_r = lt.str.len().to_numpy(np.float64), rt.str.len().to_numpy(np.float64)
    f["title_len_ratio"] = div(np.minimum(len_l, len_r), np.maximum(len_l, len_r))
    f["first_token_same"] = np.where(l_first.isna() | r_first.isna(), np.nan,
                                     (prepared_series(l_first) == prepared_series(r_first)).astype(np.float64))
    f["code_title_jaccard"] = pairwise(P["l_title"], P["r_title"], "model_numbers", code_jaccard)
    f["code_title_conflict"] = pairwise(P["l_title"], P["r_title"], "model_numbers", code_conflict)
    f["code_text_jaccard"] = pairwise(P["l_text"], P["r_text"], "model_numbers", code_jaccard)
    f["code_text_conflict"] = pairwise(P["l_text"], P["r_text"], "model_numbers", code_conflict)
    f["code_lt_rx"] = pairwise(P["l_title"], P["r_text"], "model_numbers", code_jaccard)
    f["code_lx_rt"] = pairwise(P["l_text"], P["r_title"], "model_numbers", code_jaccard)
    f["codes_l"] = np.array([math.nan if m is None else len(m) for m in P["l_title"].take(P["l_title"].model_numbers)])
    f["codes_r"] = np.array([math.nan if m is None else len(m) for m in P["r_title"].take(P["r_title"].model_numbers)])

    nl, nr = token_count(l_nums), token_count(r_nums)
    nums_jac = pairwise(P["l_nums"], P["r_nums"], "token_set", set_jaccard)
    either_empty = (nl == 0) | (nr == 0)
    f["numbers_jaccard"] = np.where(either_empty, np.nan, nums_jac)
    f["numbers_l"], f["numbers_r"] = nl, nr
    f["numbers_shared"] = shared(nums_jac, nl, nr)
    f["numbers_containment"] = np.where(either_empty, np.nan, div(shared(nums_jac, nl, nr), np.minimum(nl, nr)))
    title_jac = f["title_jaccard"]
    title_shared = shared(title_jac, tl, tr)
    f["title_shared"] = title_shared
    f["title_containment"] = div(title_shared, np.minimum(tl, tr))
    f["title_unshared_l"] = tl - title_shared
    f["title_unshared_r"] = tr - title_shared
    vl, vr = token_count(l_var), token_count(r_var)
    var_jac = pairwise(P["l_var"], P["r_var"], "token_set", set_jaccard)
    f["variants_jaccard"] = np.where((vl == 0) | (vr == 0), np.nan, var_jac)
    f["variants_l"], f["variants_r"] = vl, vr
    f["variants_unshared_l"] = vl - shared(var_jac, vl, vr)
    f["variants_unshared_r"] = vr - shared(var_jac, vl, vr)
    f["text_tfidf"] = tfidf_cosine(P["l_text"], P["r_text"], idf["text_idf"])
    f["text_jaccard"] = pairwise(P["l_text"], P["r_text"], "token_set", set_jaccard)
    f["title_in_text_lr"] = pairwise(P["l_title"], P["r_text"], "tokens", monge_elkan)
    f["title_in_text_rl"] = pairwise(P["r_title"], P["l_text"], "tokens", monge_elkan)
    f["desc_tfidf"] = tfidf_cosine(P["l_desc"], P["r_desc"], idf["text_idf"])
    f["desc_missing"] = ld.isna().to_numpy(np.float64) + rd.isna().to_numpy(np.float64)
    f["brand_exact"] = pairwise(P["l_brand"], P["r_brand"], "text", lambda x, y: float(x == y))
    f["brand_jw"] = string_similarity(JaroWinkler.normalized_similarity, prepared_series(lb, clean), prepared_series(rb, clean))
    f["brand_in_title_lr"] = pairwise(P["l_brand"], P["r_title"], "tokens", monge_elkan)
    f["brand_in_title_rl"] = pairwise(P["r_brand"], P["l_title"], "tokens", monge_elkan)
    f["brand_missing"] = lb.isna().to_numpy(np.float64) + rb.isna().to_numpy(np.float64)
    f["price_sim"] = num_sim(l_price, r_price)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(l_price > 0, l_price, np.nan)) - np.log(np.where(r_price > 0, r_price, np.nan))
    f["price_log_ratio"] = np.abs(logs)
    f["price_missing"] = np.isnan(l_price).astype(np.float64) + np.isnan(r_price).astype(np.float64)
    # coalesce(to_float(x), -1.0): a null feature is -1.
    out = pd.DataFrame({f"f_{k}": np.nan_to_num(np.asarray(v, dtype=np.float64), nan=-1.0) for k, v in f.items()},
                       index=df.index)
    return out


def num_sim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        largest = np.maximum(np.abs(a), np.abs(b))
        out = np.clip(1.0 - np.abs(a - b) / largest, 0.0, 1.0)
    out[a == b] = 1.0
    return out  # NaN stays NaN (null)


FEATURES = ["f_title_tfidf", "f_title_jw", "f_title_lev", "f_title_jaccard", "f_title_qgram", "f_title_cosine",
            "f_title_me_lr", "f_title_me_rl", "f_title_tokens_l", "f_title_tokens_r", "f_title_len_ratio",
            "f_first_token_same", "f_code_title_jaccard", "f_code_title_conflict", "f_code_text_jaccard",
            "f_code_text_conflict", "f_code_lt_rx", "f_code_lx_rt", "f_codes_l", "f_codes_r", "f_numbers_jaccard",
            "f_numbers_l", "f_numbers_r", "f_numbers_shared", "f_numbers_containment", "f_title_shared",
            "f_title_containment", "f_title_unshared_l", "f_title_unshared_r", "f_variants_jaccard", "f_variants_l",
            "f_variants_r", "f_variants_unshared_l", "f_variants_unshared_r", "f_text_tfidf", "f_text_jaccard",
            "f_title_in_text_lr", "f_title_in_text_rl", "f_desc_tfidf", "f_desc_missing", "f_brand_exact", "f_brand_jw",
            "f_brand_in_title_lr", "f_brand_in_title_rl", "f_brand_missing", "f_price_sim", "f_price_log_ratio",
            "f_price_missing"]


def load_idf(bundle: pathlib.Path) -> dict[str, IdfTable]:
    spec = json.loads((bundle / "pipeline.json").read_text())
    return {name: IdfTable(bundle / entry["file"]) for name, entry in spec["state"].items()}


# ---- Data: the seeded catalogs and pairs drawn from them (as python/tests/onnxfn_testkit.py) ----

def read_records(path: pathlib.Path) -> pd.DataFrame:
    """A CSV as onnxfn reads bundle records: every column a string, empty fields null."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def make_catalogs(out: pathlib.Path) -> pathlib.Path:
    if not (out / "tableA.csv").exists():
        subprocess.run([sys.executable, str(ROOT / "examples" / "product-matching" / "generate_catalogs.py"),
                        "--out", str(out)], check=True, capture_output=True)
    return out


def pair_frame(left: pd.DataFrame, right: pd.DataFrame, li, ri) -> pd.DataFrame:
    lt, rt = left.iloc[li].reset_index(drop=True), right.iloc[ri].reset_index(drop=True)
    cols = {"left_id": lt["id"], "right_id": rt["id"]}
    for side, t in (("left", lt), ("right", rt)):
        for c in SIDES:
            cols[f"{side}_{c}"] = t[c]
    return pd.DataFrame(cols)


def make_pairs(catalogs: pathlib.Path, rows: int, seed: int = 11) -> pd.DataFrame:
    """`rows` pairs drawn with a seeded generator, a third of them true matches by id order."""
    left, right = read_records(catalogs / "tableA.csv"), read_records(catalogs / "tableB.csv")
    rng = np.random.default_rng(seed)
    li = rng.integers(0, len(left), rows)
    ri = rng.integers(0, len(right), rows)
    same = rng.random(rows) < 0.33
    ri[same] = np.minimum(li[same], len(right) - 1)
    return pair_frame(left, right, li, ri)


def training_pairs(catalogs: pathlib.Path):
    """train.csv's labelled pairs, as train.py fits on them."""
    left, right = read_records(catalogs / "tableA.csv"), read_records(catalogs / "tableB.csv")
    labels = pd.read_csv(catalogs / "train.csv")
    pos_l = pd.Series(np.arange(len(left)), index=left["id"].astype(int))
    pos_r = pd.Series(np.arange(len(right)), index=right["id"].astype(int))
    pairs = pair_frame(left, right, pos_l[labels["ltable_id"]].to_numpy(), pos_r[labels["rtable_id"]].to_numpy())
    return pairs, labels["label"].to_numpy()


def fit_model(catalogs: pathlib.Path, idf) -> HistGradientBoostingClassifier:
    """The bundle's kind of model with train.py's hyperparameters (metadata.json 'model')."""
    pairs, y = training_pairs(catalogs)
    X = features(pairs, idf)[FEATURES].to_numpy(np.float32)
    model = HistGradientBoostingClassifier(learning_rate=0.1, max_leaf_nodes=15, max_iter=100, l2_regularization=1.0,
                                           early_stopping=False, random_state=7)
    return model.fit(X, y)


def predict(df: pd.DataFrame, idf, model) -> np.ndarray:
    """Match probabilities: the 48 features, then scikit-learn's predict_proba."""
    X = features(df, idf)[FEATURES].to_numpy(np.float32)
    return model.predict_proba(X)[:, 1]


# ---- --check: every feature against onnxfn's ----

def onnxfn_binary(arg: str | None) -> pathlib.Path:
    path = pathlib.Path(arg or os.environ.get("ONNXFN_BINARY") or ROOT / "build" / "onnxfn")
    if not path.exists():
        sys.exit(f"pandas_matching.py: the onnxfn binary is needed ({path}): build it or pass --onnxfn")
    return path


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> list[dict]:
    rows = []
    for name in FEATURES:
        a, b = ours[name].to_numpy(np.float64), theirs[name].to_numpy(np.float64)
        diff = np.abs(a - b)
        rows.append({"feature": name, "exact": int((a == b).sum()), "rows": len(a),
                     "max_abs_diff": float(diff.max()) if len(diff) else 0.0,
                     "worst_row": int(diff.argmax()) if len(diff) else -1})
    return rows


def check(args) -> int:
    binary = onnxfn_binary(args.onnxfn)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        if args.pairs:
            pairs_csv = pathlib.Path(args.pairs)
        else:
            catalogs = make_catalogs(pathlib.Path(args.catalogs) if args.catalogs else tmp / "catalogs")
            pairs_csv = tmp / "pairs.csv"
            make_pairs(catalogs, args.rows[0], seed=args.seed).to_csv(pairs_csv, index=False)
        subprocess.run([str(binary), "features", "--bundle", str(args.bundle), "--input", str(pairs_csv),
                        "--output", str(tmp / "features.csv")], check=True)
        theirs = pd.read_csv(tmp / "features.csv", dtype={"left_id": str, "right_id": str})
        records = read_records(pairs_csv)
    if len(theirs) != len(records):
        print(f"onnxfn wrote {len(theirs)} feature rows for {len(records)} pairs")
        return 1
    ours = features(records, load_idf(args.bundle))
    bad = 0
    print(f"{'feature':24s} {'exact':>12s} {'max |diff|':>12s}")
    for r in compare(ours, theirs):
        flag = ""
        if not r["max_abs_diff"] <= TOLERANCE:
            bad += 1
            w = r["worst_row"]
            flag = f"  DIFFERS (row {w}: ours {ours[r['feature']].iloc[w]!r}, onnxfn {theirs[r['feature']].iloc[w]!r})"
        print(f"{r['feature']:24s} {r['exact']:>6d}/{r['rows']:<5d} {r['max_abs_diff']:12.3g}{flag}")
    print(f"{len(FEATURES) - bad} of {len(FEATURES)} features agree within {TOLERANCE:g} on {len(records)} pairs")
    return 1 if bad else 0


# ---- --bench: rows per second on one core ----

def bench(args) -> int:
    binary = onnxfn_binary(args.onnxfn)
    idf = load_idf(args.bundle)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        catalogs = make_catalogs(pathlib.Path(args.catalogs) if args.catalogs else tmp / "catalogs")
        model = fit_model(catalogs, idf)
        for rows in args.rows:
            pairs = make_pairs(catalogs, rows, seed=args.seed)
            csv = tmp / f"pairs_{rows}.csv"
            pairs.to_csv(csv, index=False)
            # Interleaved, best of --repeat each: onnxfn, the whole command (read CSV, features,
            # model, write CSV; its --time splits off the pipeline and the model), one thread; and
            # pandas from the string DataFrame to probabilities (also timed with read_csv).
            global DISTINCT
            best_cli, timing = math.inf, ""
            best_py = best_py_csv = math.inf
            for _ in range(args.repeat):
                t = time.perf_counter()
                run = subprocess.run([str(binary), "predict", "--bundle", str(args.bundle), "--input", str(csv),
                                      "--output", str(tmp / "out.csv"), "--threads", "1", "--time"],
                                     check=True, capture_output=True, text=True)
                secs = time.perf_counter() - t
                if secs < best_cli:
                    best_cli, timing = secs, run.stderr.strip()
                t = time.perf_counter()
                frame = read_records(csv)
                t1 = time.perf_counter()
                prob = predict(frame, idf, model)
                t2 = time.perf_counter()
                best_py, best_py_csv = min(best_py, t2 - t1), min(best_py_csv, t2 - t)
            per_row = math.nan
            if args.per_row:
                DISTINCT = False
                t = time.perf_counter()
                predict(frame, idf, model)
                per_row = time.perf_counter() - t
                DISTINCT = True
            # Same features, same kind of model fitted on the same training pairs: the answers too.
            theirs = pd.read_csv(tmp / "out.csv")["probability"].to_numpy(np.float64)
            prob_diff = float(np.abs(theirs - prob).max())
            m = re.search(r"pipeline ([0-9.]+) ms, model ([0-9.]+) ms", timing)
            inner = (float(m.group(1)) + float(m.group(2))) / 1000 if m else best_cli
            r = {"rows": rows, "onnxfn_predict_s": best_cli, "onnxfn_rows_s": rows / best_cli,
                 "onnxfn_pipeline_model_s": inner, "ratio_pipeline_model": best_py / inner,
                 "pandas_s": best_py, "pandas_rows_s": rows / best_py, "pandas_with_csv_rows_s": rows / best_py_csv,
                 "ratio": best_py / best_cli, "onnxfn_time": timing, "max_probability_diff": prob_diff,
                 "pandas_per_row_s": per_row, "ratio_per_row": per_row / best_cli}
            print(f"{rows:>8,} pairs  onnxfn predict --threads 1: {r['onnxfn_rows_s']:>9,.0f} pairs/s ({best_cli:.3f} s, "
                  f"{timing.replace(chr(10), '; ')})  pandas+rapidfuzz+sklearn: {r['pandas_rows_s']:>7,.0f} pairs/s "
                  f"({best_py:.3f} s; {r['pandas_with_csv_rows_s']:,.0f}/s with read_csv)  onnxfn x{r['ratio']:.1f} "
                  f"(pipeline + model only: x{r['ratio_pipeline_model']:.1f}); probabilities differ by at most "
                  f"{prob_diff:.2g}" + (f"; per-row pandas {rows / per_row:,.0f} pairs/s (x{r['ratio_per_row']:.1f})"
                                        if args.per_row else ""),
                  flush=True)
            results.append(r)
    print(json.dumps({"load_average": os.getloadavg(), "results": results}))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="compare the features with `onnxfn features`")
    mode.add_argument("--bench", action="store_true", help="time against `onnxfn predict --bundle --threads 1`")
    ap.add_argument("--rows", type=int, nargs="+", help="pairs (--check: 300; --bench: 10000 100000)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--repeat", type=int, default=3, help="--bench: timed runs, best kept")
    ap.add_argument("--onnxfn", help="the onnxfn binary (default: $ONNXFN_BINARY, else build/onnxfn)")
    ap.add_argument("--bundle", type=pathlib.Path, default=BUNDLE)
    ap.add_argument("--per-row", action="store_true",
                    help="--bench: also time pandas preparing every row's text (no pd.factorize), once")
    ap.add_argument("--pairs", help="--check: these pair records (CSV) instead of generated ones")
    ap.add_argument("--catalogs", help="a folder for generate_catalogs.py's output (reused when present)")
    args = ap.parse_args()
    if args.rows is None:
        args.rows = [300] if args.check else [10_000, 100_000]
    return check(args) if args.check else bench(args)


if __name__ == "__main__":
    sys.exit(main())
