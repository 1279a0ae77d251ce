"""bench/python/pandas_matching.py, the pandas + rapidfuzz + scikit-learn peer of the product-matching
bundle in issue 19's benchmark, must keep computing the bundle's 48 features: its --check mode
compares them with `onnxfn features` and must pass on generated pairs and on Unicode edge cases,
and must fail when the bundle's pipeline and the port disagree.

Run: ONNXFN_BINARY=build/onnxfn .venv/bin/python -m pytest -q tools/test_pandas_matching.py
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "python" / "pandas_matching.py"
BUNDLE = ROOT / "examples" / "product-matching" / "bundle"
BINARY = pathlib.Path(os.environ.get("ONNXFN_BINARY", ROOT / "build" / "onnxfn"))

# Folding, NFKC, accents, Han and Hiragana tokens, Devanagari marks, non-ASCII white space,
# U+2010 in a model number, punctuation-only text, prices that are not numbers.
EDGE_CASES = """left_id,right_id,left_title,left_description,left_brand,left_price,right_title,right_description,right_brand,right_price
1,2,Café Crème MACHINE ÉCOLE-5000,"Ñandú 索尼相机 DSC-W55, 7.2MP",Straße,"$1,299.00",CAFE creme machine ecole5000,ＫＤＬ４０ ﬁne Wi-Fi,STRASSE,1250
3,4,"Sony KDL-40W600B 40"" LED TV",x,Sony,-5,sony kdl40w600b,,SONY,0
5,6,  Tab\t ﬁx  ,ḍ̇ combining  marks,Ünïcödé,1e3,ＡＢＣ－１２３ pro,pro upg acad wi fi,unicode,1000
7,8,42,,,abc,4 2,,,.5
9,10,"quote "" in title",Ωmega ΣΊΣΥΦΟΣ,Øster,0,øster Ωmega,ὈΔΥΣΣΕΎΣ,oster,0
11,12,हिन्दी किताब ab\u201012,ひらがな かな,---,"1,2",हिन्दी,\x1cfoo\x1cbar,--,12
13,14,x\u00a0y\u3000z mk\u2010400,Ǆemal ǅ ǆ,ß,+5,xy z MK-400,ﬀ ﬃ Ⅻ ½ ²,SS,5
15,16,İstanbul ΐ,Σ final ς,ﬅ,1.5e2,istanbul,σ,st,150
"""


def run_check(*args: str) -> subprocess.CompletedProcess:
    if not BINARY.exists():
        pytest.fail(f"the onnxfn binary is needed: build it or set ONNXFN_BINARY ({BINARY})")
    return subprocess.run([sys.executable, str(SCRIPT), "--check", "--onnxfn", str(BINARY), *args],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory) -> str:
    """One generated catalog for the module (generate_catalogs.py is seeded: always the same)."""
    return str(tmp_path_factory.mktemp("catalogs"))


def test_port_agrees_on_generated_pairs(catalogs):
    r = run_check("--rows", "300", "--catalogs", catalogs)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "48 of 48 features agree" in r.stdout


def test_port_agrees_on_unicode_edge_cases(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(EDGE_CASES, encoding="utf-8")
    r = run_check("--pairs", str(pairs))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "48 of 48 features agree" in r.stdout


def test_check_fails_when_a_feature_drifts(tmp_path, catalogs):
    # The bundle's title_jw becomes plain Jaro: the port (still Jaro-Winkler) must be caught.
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLE, bundle)
    spec = json.loads((bundle / "pipeline.json").read_text())
    spec["steps"][1]["derive"]["title_jw"] = "jaro(clean(l_title), clean(r_title))"
    (bundle / "pipeline.json").write_text(json.dumps(spec))
    r = run_check("--rows", "300", "--catalogs", catalogs, "--bundle", str(bundle))
    assert r.returncode == 1, r.stdout + r.stderr
    differing = [line.split()[0] for line in r.stdout.splitlines() if "DIFFERS" in line]
    assert differing == ["f_title_jw"], r.stdout
