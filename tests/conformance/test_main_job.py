"""End to end: the README's main command (scripts/main.sh) on a set-up machine.

It regenerates the synthetic catalogs, matches them with the committed bundle through
`onnxfn batch` and scores the test split with `onnxfn evaluate`; this checks what it prints and
writes, with the catalogs' own labels as the reference.
"""
import csv
import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_main_job_matches_the_generated_catalogs(tmp_path):
    env = dict(os.environ, OUT_DIR=str(tmp_path))
    run = subprocess.run(["bash", "scripts/main.sh"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]

    # The batch summary (stderr) reports every stage and the blocking recall against the gold split.
    for field in ("rows in", "candidate pairs", "blocking recall", "pairs scored", "matches", "time (s)"):
        assert field in run.stderr, f"summary lacks {field!r}:\n{run.stderr[-3000:]}"

    catalogs = tmp_path / "catalogs"
    with open(catalogs / "tableA.csv", newline="") as f:
        left_ids = {row["id"] for row in csv.DictReader(f)}
    with open(catalogs / "tableB.csv", newline="") as f:
        right_ids = {row["id"] for row in csv.DictReader(f)}
    truth = set()
    for split in ("train", "valid", "test"):
        with open(catalogs / f"{split}.csv", newline="") as f:
            truth |= {(r["ltable_id"], r["rtable_id"]) for r in csv.DictReader(f) if r["label"] == "1"}

    with open(tmp_path / "matches.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["left_id", "right_id", "probability", "match"]
        rows = list(reader)
    assert rows, "no matches written"
    found = set()
    for r in rows:
        assert r["left_id"] in left_ids and r["right_id"] in right_ids, r
        assert 0.0 <= float(r["probability"]) <= 1.0 and r["match"] == "true", r
        found.add((r["left_id"], r["right_id"]))
    assert len(found) == len(rows), "a pair was written twice"
    # Every labelled match the generator made, against what batch found: most are recovered and
    # most of what is reported is one of them.
    recovered = len(found & truth) / len(truth)
    precise = len(found & truth) / len(found)
    assert recovered > 0.85 and precise > 0.75, (recovered, precise)

    lines = (tmp_path / "evaluation.txt").read_text().strip().splitlines()
    scores = json.loads(lines[-1])
    assert set(scores) == {"precision", "recall", "f1"}
    assert scores["f1"] > 0.9, scores
