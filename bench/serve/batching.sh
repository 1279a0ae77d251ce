#!/usr/bin/env bash
# bench/serve/batching.sh [SECONDS]: `onnxfn serve` with and without dynamic batching on the serve
# benchmark's model (60-tree random forest, 30 features, bench/serve/train_model.py), 1-row OIP v2
# requests, wrk -t1 -cN -dSECONDS --latency at 16 and 64 connections, one server run per setting
# on loopback. Prints a Markdown table: requests/s, p50/p99, errors, and the mean rows per session
# run from /metrics (onnxfn_batch_rows). Not a timed test; wrk stops by itself after SECONDS.
# MODEL=file.onnx BODY=one_row.json measure another model (the input must be named in BODY).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs=${1:-10}
work=${WORK:-/tmp/onnxfn-serve-bench}
port=18090
mkdir -p "$work"
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk (scripts/setup.sh does)" >&2; exit 1; }
[ -f "$work/model.onnx" ] || "$root/.venv/bin/python" "$root/bench/serve/train_model.py" "$work"
model=${MODEL:-$work/model.onnx}
body=${BODY:-$work/v2_1.json}

pid=
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2> /dev/null && wait "$pid" 2> /dev/null || true; pid=; }
trap stop EXIT
to_ms() {  # wrk latency text (us/ms/s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

echo "| setting | connections | req/s | p50 ms | p99 ms | errors | rows per run |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for setting in "off" "--batch-max-rows 16 --batch-delay-us 200" "--batch-max-rows 64 --batch-delay-us 1000"; do
  for conns in 16 64; do
    flags=()
    [ "$setting" != off ] && read -r -a flags <<< "$setting"
    "$root/build/onnxfn" serve model="$model" --port "$port" --threads 2 "${flags[@]}" 2> /dev/null &
    pid=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/v2/health/ready" && break; sleep 0.1; done
    out=$(BODY="$body" wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$root/bench/serve/post.lua" "http://127.0.0.1:$port/v2/models/model/infer")
    rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<< "$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<< "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")
    errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<< "$out")
    per_run="-"
    if [ "$setting" != off ]; then
      per_run=$(awk -v s="$(metric 'onnxfn_batch_rows_sum{model="model"}')" -v c="$(metric 'onnxfn_batch_rows_count{model="model"}')" 'BEGIN { if (c > 0) printf "%.1f", s / c; else print "-" }')
    fi
    echo "| $setting | $conns | $rps | $p50 | $p99 | $errors | $per_run |"
    stop
  done
done
